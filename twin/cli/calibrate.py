"""`twin calibrate`: fit the latency model on measured RTTs and write a calibration overlay."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from twin.cli.app import EXIT_OK, app, emit_json, human_console
from twin.errors import InputError

if TYPE_CHECKING:
    from twin.calibrate.fitting import Corridor

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
MIN_DETOUR_FACTOR = 1.5
MAX_DETOUR_FACTOR = 20.0


def _today() -> str:
    """The overlay's date: SOURCE_DATE_EPOCH when set (reproducible builds), else today, UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = dt.datetime.now(dt.UTC)
    if epoch.isdigit():
        moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return moment.date().isoformat()


def _check_options(statistic: str, detour_factor: float) -> None:
    if statistic not in ("mean", "p50", "min"):
        raise InputError.about("--stat", f"unknown statistic {statistic!r}", "use mean, p50 or min")
    if not (
        math.isfinite(detour_factor) and MIN_DETOUR_FACTOR <= detour_factor <= MAX_DETOUR_FACTOR
    ):
        raise InputError.about(
            "--detour-factor",
            f"--detour-factor must lie between {MIN_DETOUR_FACTOR:g} and {MAX_DETOUR_FACTOR:g}",
            "3 flags pairs measured at more than 3 × the modelled fibre RTT (the default)",
        )


def _corridors(values: list[str] | None) -> list[Corridor]:
    """`NAME=CC,CC,...` options as corridors (names are ids; codes ISO 3166 alpha-2)."""
    from twin.calibrate.fitting import Corridor

    out: list[Corridor] = []
    for value in values or []:
        name, sep, codes = value.partition("=")
        countries = tuple(c.strip().upper() for c in codes.split(",") if c.strip())
        ok = bool(sep) and _ID.match(name) is not None and countries
        if not ok or not all(len(c) == 2 and c.isalpha() and c.isascii() for c in countries):
            raise InputError.about(
                "--corridor",
                f"cannot read corridor {value!r}",
                "write NAME=CC,CC,... with a lower-case name and ISO codes, e.g. west=DE,TR,GE,AZ",
            )
        if any(c.name == name for c in out):
            raise InputError.about("--corridor", f"corridor {name!r} given twice")
        out.append(Corridor(name, countries))
    return out


@app.command("calibrate")
def calibrate_command(
    topology: Annotated[Path, typer.Argument(help="Topology file to calibrate.")],
    measurements: Annotated[
        Path,
        typer.Argument(
            help="CSV of measured RTTs: source,destination,rtt_ms[,stat] per node pair, or the "
            "RIPE Atlas country table cty1,cty2,rtt_cnt,rtt_avg,rtt_std,rtt_min,rtt_max."
        ),
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="The overlay to write (inside the project).")
    ],
    statistic: Annotated[
        str, typer.Option("--stat", help="The statistic to fit: mean (default), p50 or min.")
    ] = "mean",
    detour_factor: Annotated[
        float,
        typer.Option(
            "--detour-factor",
            help="Flag a pair measured above this many times its modelled fibre RTT as a "
            "detour the model does not have (1.5–20).",
        ),
    ] = 3.0,
    corridor: Annotated[
        list[str] | None,
        typer.Option(
            "--corridor",
            metavar="NAME=CC,CC,...",
            help="Fit the pairs with both ends in these countries on their own (repeatable; "
            "the first corridor holding both ends applies); the others share the global fit.",
        ),
    ] = None,
    only_corridors: Annotated[
        bool,
        typer.Option(
            "--only-corridors",
            help="Calibrate the corridors only: pairs outside them are flagged and paths "
            "outside them keep their fibre RTT.",
        ),
    ] = False,
    json_path: Annotated[
        Path | None,
        typer.Option("--json", help="Write the residual table as JSON to FILE, or - for stdout."),
    ] = None,
) -> int:
    """Fit RTT = stretch × fibre RTT + overhead on measured round trips, robustly (Huber) and
    never below fibre (stretch ≥ 1, overhead ≥ 0), and write an overlay that extends TOPOLOGY
    with the fitted latency_calibration block. Topologies and scenarios that use the overlay
    then report calibrated RTTs, with the fibre RTT beside them.

    Pairs the network cannot explain are flagged and left out: a detour (above
    --detour-factor × the modelled fibre RTT), a figure faster than light in fibre over the
    geodesic (mis-geolocated probes), no node for a country, no path. Countries map to the
    node marked hub: true, else the most connected node of the country.

    Prints the residual table and the leave-one-out (out-of-sample) error.

    Examples:

        twin calibrate topologies/silk-road-2026.yaml ripe.csv -o topologies/cal.yaml

        twin calibrate topo.yaml pings.csv -o cal.yaml --stat p50 --json residuals.json

        twin calibrate topologies/silk-road-2026.yaml ripe.csv -o cal.yaml \\
            --corridor west=DE,BG,TR,GE,AZ,IR
    """
    from twin.calibrate import calibrate, read_measurements, write_overlay
    from twin.loading import load_topology
    from twin.report.terminal_calibration import print_calibration

    _check_options(statistic, detour_factor)
    corridors = _corridors(corridor)
    if only_corridors and not corridors:
        raise InputError.about(
            "--only-corridors", "needs at least one --corridor", "e.g. --corridor west=DE,TR,GE,AZ"
        )
    console = human_console(json_path)
    topo = load_topology(topology)
    data = read_measurements(measurements)
    result = calibrate(
        topo,
        data,
        statistic=statistic,
        detour_factor=detour_factor,
        corridors=corridors,
        only_corridors=only_corridors,
    )
    write_overlay(result, topology, output, _today())
    print_calibration(console, result)
    emit_json(json_path, result.to_dict())
    return EXIT_OK
