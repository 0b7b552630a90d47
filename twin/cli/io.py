"""`twin import` and `twin export`: published topologies in, other tools' formats out."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from twin.atomic import write_text_atomic
from twin.cli.app import EXIT_OK, app, emit_text, stderr_console, stdout_console
from twin.errors import InputError
from twin.report.terminal_text import plain

if TYPE_CHECKING:
    from twin.model import Topology


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
        float | None,
        typer.Option(
            help="Fibre length / geodesic (1.0 to 5.0) for links without a measured length, "
            "including topohub's great-circle 'dist'. Default 1.3, or the file's own for a "
            "`twin export`."
        ),
    ] = None,
    planar_scale_km: Annotated[
        float | None,
        typer.Option(
            help="Import a source with planar x/y coordinates (e.g. topohub:sndlib/ta2): the km "
            "one coordinate unit stands for. Lengths become planar distance x scale x route "
            "factor, marked estimate; nodes are placed around 0°N 0°E, not geographically."
        ),
    ] = None,
) -> int:
    """Import a published topology into the twin's format, with a report of what was defaulted.

    What the source lacks is filled with stated defaults (route factor, capacity, failure
    classes) and counted in the report; nodes without coordinates make the import fail, naming
    them, and so do planar coordinates unless --planar-scale-km states their scale (the lengths
    are then estimates, and a warning says so). The written file passes `twin validate`; the
    same source gives the same bytes.

    Examples:

        twin import topohub:sndlib/germany50 -o topologies/germany50.yaml --demands-out demands.yaml

        twin import Abilene.graphml -o topologies/abilene.yaml

        twin import topohub:sndlib/ta2 --planar-scale-km 1.0 -o topologies/ta2.yaml
    """
    from twin.io import load_source, render_yaml, to_topology
    from twin.io.importer import check_route_factor
    from twin.io.planar import check_planar_scale

    if route_factor is not None:
        check_route_factor(route_factor)  # before topohub loads thousands of nodes
    if planar_scale_km is not None:
        check_planar_scale(planar_scale_km)
    imported = load_source(source, route_factor, planar_scale_km)
    header = (
        f"Imported by `twin import {source}`.\n"
        "Defaults (route factor, capacities, failure classes, country ZZ) are marked estimate."
    )
    text = render_yaml(imported.topology, header)
    topology = to_topology(imported, text)  # validate before writing anything
    demands_text = None
    if demands_out is not None:
        demands_text = _demands_text(source, imported.demands, imported.report.demands_unit)
        _check_demands(demands_text, topology, source)
    write_text_atomic(output, text)
    if demands_out is not None and demands_text is not None:
        write_text_atomic(demands_out, demands_text)
    err = stderr_console()
    for line in imported.report.lines():
        err.print(plain(line), soft_wrap=True)
    for warning in imported.report.warnings:
        err.print(plain(f"warning: {warning}"), soft_wrap=True)
    stdout_console().print(plain(f"wrote {output}"))
    return EXIT_OK


def _demands_text(source: str, demands: list[dict[str, Any]], unit: str) -> str:
    """The demands file `twin contingency --demands` reads: a `demands:` list, unit stated."""
    from twin.io import render_yaml

    if not demands:
        raise InputError.about(
            "--demands-out",
            f"{source} has no demands to write",
            "leave out --demands-out, or use `twin contingency --gravity GBPS` for demands",
        )
    header = f"Demands of {source}, imported by `twin import`.\ngbps: {unit or 'Gbit/s'}."
    return render_yaml({"demands": demands}, header)


def _check_demands(text: str, topology: Topology, source: str) -> None:
    """Read the demands back the way `twin contingency --demands` does, before writing."""
    from twin.analysis.demand_sets import load_demands_file

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demands.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            load_demands_file(path, topology)
        except InputError as exc:
            raise InputError.about(
                source,
                "the imported demands do not read back: "
                + "; ".join(p.message for p in exc.problems),
                "this is a bug of twin import; please report it with the source",
            ) from None


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
        raise InputError.about(
            "--format", f"unknown format {format_!r}", f"use {', '.join(EXPORTERS)}"
        )
    emit_text(output, EXPORTERS[format_](load_topology(topology)))  # says what it wrote
    return EXIT_OK
