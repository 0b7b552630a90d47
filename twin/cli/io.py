"""`twin import` and `twin export`: published topologies in, other tools' formats out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from twin.atomic import write_text_atomic
from twin.cli.app import EXIT_OK, app, emit_text, stderr_console, stdout_console
from twin.errors import InputError


@app.command("import")
def import_command(
    source: Annotated[
        str,
        typer.Argument(
            help="topohub:KEY (e.g. topohub:sndlib/germany50, topohub:topozoo/Abilene, "
            "topohub:backbone/eurasia), a Topology Zoo .graphml file, or node-link .json."
        ),
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="Topology file to write.")],
    demands_out: Annotated[
        Path | None,
        typer.Option(help="Write the source's demands (SNDlib) as a demands file."),
    ] = None,
    route_factor: Annotated[
        float, typer.Option(help="Fibre length / geodesic for links without a length.")
    ] = 1.3,
) -> int:
    """Import a published topology into the twin's format, with a report of what was defaulted.

    What the source lacks is filled with stated defaults (route factor, capacity, failure
    classes) and counted in the report; nodes without coordinates make the import fail, naming
    them. The written file passes `twin validate`; the same source gives the same bytes.

    Examples:

        twin import topohub:sndlib/germany50 -o topologies/germany50.yaml --demands-out demands.yaml

        twin import Abilene.graphml -o topologies/abilene.yaml
    """
    from twin.io import load_source, render_yaml, to_topology

    imported = load_source(source, route_factor)
    header = (
        f"Imported by `twin import {source}`.\n"
        "Defaults (route factor, capacities, failure classes, country ZZ) are marked estimate."
    )
    text = render_yaml(imported.topology, header)
    to_topology(imported, text)  # validate before writing anything
    write_text_atomic(output, text)
    if demands_out is not None:
        write_text_atomic(
            demands_out, render_yaml({"demands": imported.demands}, f"Demands of {source}.")
        )
    err = stderr_console()
    for line in imported.report.lines():
        err.print(line, markup=False, soft_wrap=True)
    stdout_console().print(f"wrote {output}")
    return EXIT_OK


@app.command("export")
def export_command(
    topology: Annotated[Path, typer.Argument(help="Topology file.")],
    format_: Annotated[
        str, typer.Option("--format", help="graphml (Gephi/yEd), geojson (QGIS), node-link.")
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="FILE to write, or - for standard output.")
    ],
) -> int:
    """Export a topology: GraphML with typed attributes, GeoJSON (nodes as points, links as
    geodesic lines split at the antimeridian, all attributes), or NetworkX node-link JSON.

    Example:

        twin export topologies/silk-road-2026.yaml --format geojson -o corridor.geojson
    """
    from twin.io.exporter import EXPORTERS
    from twin.loading import load_topology

    if format_ not in EXPORTERS:
        raise InputError.at(
            "--format", 0, 0, f"unknown format {format_!r}", f"use {', '.join(EXPORTERS)}"
        )
    text = EXPORTERS[format_](load_topology(topology))
    emit_text(output, text)
    return EXIT_OK
