"""`twin report` and `twin plot`: turn a results JSON into an HTML report or a figure."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from twin.cli.app import (
    EXIT_OK,
    app,
    emit_json,
    human_console,
    stderr_console,
    stdout_console,
)
from twin.errors import InputError
from twin.report.terminal_text import plain


@app.command("report")
def report_command(
    results: Annotated[
        Path,
        typer.Argument(
            help="Results JSON (--json FILE) of `twin run`, `twin contingency` or `twin diff`."
        ),
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="HTML file to write (self-contained).")
    ] = Path("report.html"),
    topology: Annotated[
        Path | None,
        typer.Option(
            help="Topology YAML (default: the one the results name; for a diff, its HEAD)."
        ),
    ] = None,
    colour_by: Annotated[
        str, typer.Option("--colour-by", help="Initial map colouring: downtime or utilisation.")
    ] = "downtime",
    json_path: Annotated[
        Path | None,
        typer.Option(
            "--json",
            help="Also write a JSON summary (verdict per demand, file hash) to FILE, "
            "or - for standard output.",
        ),
    ] = None,
) -> int:
    """Write one self-contained HTML report of a run: open it in any browser, even offline.

    The report shows, for people who will not read JSON: a verdict per demand (SLA held or
    missed, and why, e.g. "RTT over the 80 ms budget for 43.1 d after tcfo-cut (link tcfo);
    tcfo repaired by caspian-vessel in 43.1 d"); a map of the topology on country outlines,
    links coloured by downtime (or peak utilisation), failed elements marked, submarine cables
    drawn along sea lanes; a failure timeline showing
    time spent waiting for repair ships or crews; per demand its availability against the SLA,
    outage strip, RTT over time and RTT distribution; and the scenario, seed, twin version and
    SHA-256 of the inputs, so the report can be traced and reproduced. No CDN, tile server or
    web font is used; the same results give a byte-identical file.

    Monte Carlo, contingency and `twin diff` results are recognised by their schema and rendered
    in the same style. A diff report says how many demands got better or worse and the worst
    regression, maps the HEAD topology with added links green, changed amber and removed ones
    (drawn from BASE when its file or REV:PATH can still be read) dashed red, and tabulates the
    changed elements and, per demand, RTT, disjoint paths, SPOFs, availability and N-1 worst.

    Examples:

        twin run scenarios/trans-caspian-cut.yaml --json out/tcc.json

        twin report out/tcc.json -o out/tcc.html

        twin report out/annual.json -o annual.html --colour-by utilisation --json summary.json

        twin diff topologies/silk-road-2021.yaml topologies/silk-road-2026.yaml --json diff.json

        twin report diff.json -o diff.html
    """
    from twin.report.from_results import write_report

    if colour_by not in ("downtime", "utilisation"):
        raise InputError.about(
            "--colour-by", f"unknown colouring {colour_by!r}", "use downtime or utilisation"
        )
    written = write_report(
        results,
        output,
        topology=topology,
        colour_by="utilisation" if colour_by == "utilisation" else "downtime",
    )
    _warn(written.warnings)
    console = human_console(json_path)
    console.print(written.table)
    for note in written.notes:
        console.print(plain(note))
    console.print(plain(f"wrote {output}"))
    emit_json(json_path, written.summary)
    return EXIT_OK


def _warn(warnings: tuple[str, ...]) -> None:
    for warning in warnings:
        stderr_console().print(plain(warning))


@app.command("plot")
def plot_command(
    results: Annotated[Path, typer.Argument(help="Results JSON from `twin run ... --json FILE`.")],
    kind: Annotated[
        str,
        typer.Option("--kind", "-k", help="map, timeline, latency, availability or restoration."),
    ] = "map",
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Figure file; .png or .svg decides the format.")
    ] = Path("plot.png"),
    topology: Annotated[
        Path | None,
        typer.Option(help="Topology YAML for --kind map (default: the one the results name)."),
    ] = None,
) -> int:
    """Draw one figure of a run for slides or papers (PNG or SVG, via matplotlib).

    Kinds: map (links on country outlines coloured by downtime, failures marked), timeline
    (element outages, repair waits hatched, and demand outages), latency (RTT of every demand
    over time with its budget), availability (each demand against its SLA, on a scale of
    nines), restoration (Monte Carlo results from a state: P(restored by t) per demand with
    its 95% band). SVG output carries no date and a fixed hash salt: same results, same bytes.

    Examples:

        twin plot out/tcc.json --kind map -o docs/img/tcc-map.png

        twin plot out/annual.json --kind availability -o availability.svg

        twin plot outlook.json --kind restoration -o restoration.png
    """
    from twin.report.from_results import plot_results

    _warn(plot_results(results, kind, output, topology))
    stdout_console().print(plain(f"wrote {output}"))
    return EXIT_OK
