"""`twin report` and `twin plot`: turn a results JSON into an HTML report or a figure."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from twin.atomic import write_text_atomic
from twin.cli.app import (
    EXIT_OK,
    app,
    emit_json,
    human_console,
    stderr_console,
    stdout_console,
)
from twin.errors import InputError
from twin.json_input import loads_bounded
from twin.model import Topology
from twin.provenance import file_sha256
from twin.report.terminal_text import add_row, plain, styled, titled_table
from twin.report.terminal_truncation import shown_of

REPORT_ROWS = 10  # rows of the terminal summary; the HTML report and --json hold every one


def read_results(path: Path) -> dict[str, Any]:
    """The results document, or an InputError pointing at the broken spot."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise InputError.at(
            str(path),
            0,
            0,
            "no such results file",
            "write one with `twin run SCENARIO --json FILE`",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.at(str(path), 0, 0, f"cannot read results: {exc}") from None
    try:
        data = loads_bounded(text, str(path), "give the file written by `twin run ... --json FILE`")
    except json.JSONDecodeError as exc:
        raise InputError.at(
            str(path),
            exc.lineno,
            exc.colno,
            f"not valid JSON: {exc.msg}",
            "give the file written by `twin run ... --json FILE`",
        ) from None
    if not isinstance(data, dict) or "schema" not in data:
        raise InputError.at(
            str(path),
            1,
            1,
            "not a silkroad-twin results file (no 'schema' field)",
            "give the file written by `twin run ... --json FILE`",
        )
    return data


def _topology_for(data: dict[str, Any], results_path: Path, given: Path | None) -> Topology:
    """The topology the result was computed on: --topology, else the path the result names.

    A given --topology must be the one the result records: a map of another network would
    draw the result's links in the wrong places, or not at all, without any error.
    """
    from twin.loading import load_topology

    if given is not None:
        topology = load_topology(given)
        _check_same_topology(data, results_path, given, topology)
        return topology
    named = str(data.get("topology_path", "") or "")
    scenario = str(data.get("scenario_path", "") or "")
    candidates: list[Path] = []
    if named:
        if Path(named).is_absolute():
            candidates.append(Path(named))  # contingency results record an absolute path
        else:
            if scenario:
                candidates.append(Path(scenario).parent / named)
                candidates.append(results_path.parent / Path(scenario).parent / named)
            candidates.extend([Path(named), results_path.parent / named])
    # Older contingency results name the topology, not its file: try the usual place.
    name = str(data.get("topology", "") or "")
    if name:
        candidates.extend(
            [Path("topologies") / f"{name}.yaml", results_path.parent / f"{name}.yaml"]
        )
    for candidate in candidates:
        if candidate.is_file():
            topology = load_topology(candidate)
            if not name or topology.name == name:
                return topology
    raise InputError.at(
        str(results_path),
        1,
        1,
        "cannot find the topology the results were computed on "
        f"({named or name or 'not recorded'})",
        "pass it with --topology topologies/NAME.yaml",
    )


def _check_same_topology(
    data: dict[str, Any], results_path: Path, given: Path, topology: Topology
) -> None:
    """Refuse a topology of another name; warn when the recorded file hash differs.

    Same name, other bytes is usually the same network edited since the run (a comment, a
    corrected length), which the report can still draw; another name is another network.
    """
    recorded_name = str(data.get("topology", "") or "")
    if recorded_name and topology.name != recorded_name:
        raise InputError.at(
            str(given),
            0,
            0,
            f"topology {topology.name!r} is not the one {results_path} was computed on "
            f"({recorded_name!r})",
            "pass the topology the results name, or omit --topology to use the recorded one",
        )
    recorded_sha = data.get("topology_sha256")
    if isinstance(recorded_sha, str) and recorded_sha:
        actual = file_sha256(given)
        if actual is not None and actual != recorded_sha:
            stderr_console().print(
                plain(
                    f"warning: {given} differs from the topology file the results were "
                    f"computed on (sha256 {actual[:12]}… vs recorded {recorded_sha[:12]}…); "
                    "the map shows the file as it is now"
                )
            )


def _bases(results_path: Path) -> list[Path]:
    """Where the result's relative input paths may be: the working directory, or beside it."""
    return [Path("."), results_path.parent]


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
    from twin.report.html import render_report_html
    from twin.report.run_view import load_run, verdict
    from twin.results.contingency import CONTINGENCY_SCHEMA
    from twin.results.diff import DIFF_SCHEMA
    from twin.results.montecarlo import MC_SCHEMA
    from twin.results.report import REPORT_SCHEMA

    if colour_by not in ("downtime", "utilisation"):
        raise InputError.at(
            "--colour-by", 0, 0, f"unknown colouring {colour_by!r}", "use downtime or utilisation"
        )
    data = read_results(results)
    if data.get("schema") == CONTINGENCY_SCHEMA:
        return _contingency_report(data, results, output, topology, json_path)
    if data.get("schema") == MC_SCHEMA:
        return _montecarlo_report(data, results, output, topology, json_path)
    if data.get("schema") == DIFF_SCHEMA:
        return _diff_report(data, results, output, topology, json_path)
    run = load_run(data, str(results))
    topo = _topology_for(data, results, topology)
    html = render_report_html(
        run,
        topo,
        "utilisation" if colour_by == "utilisation" else "downtime",
        _bases(results),
        str(results),
    )
    write_text_atomic(output, html)
    table = titled_table(f"twin report: {run.scenario} (seed {run.seed})")
    for column in ("demand", "verdict", "why"):
        table.add_column(column, overflow="fold")
    rows = []
    for demand in run.demands:
        status, sentence = verdict(run, demand)
        style = {"held": styled("SLA held", "green"), "missed": styled("SLA missed", "bold red")}
        add_row(table, demand.id, style.get(status, "no SLA"), sentence)
        rows.append({"id": demand.id, "status": status, "verdict": sentence})
    console = human_console(json_path)
    console.print(table)
    console.print(plain(f"wrote {output}"))
    emit_json(
        json_path,
        {
            "schema": REPORT_SCHEMA,
            "kind": "run",
            "results": str(results),
            "output": str(output),
            "output_sha256": hashlib.sha256(html.encode("utf-8")).hexdigest(),
            "demands": rows,
        },
    )
    return EXIT_OK


def _montecarlo_report(
    data: dict[str, Any], results: Path, output: Path, given: Path | None, json_path: Path | None
) -> int:
    """Monte Carlo results: availability with 95 % intervals against each SLA, and the map."""
    from twin.report.html_montecarlo import STATUS_LABEL, sentence, write_montecarlo_report
    from twin.results.montecarlo import MonteCarloResult
    from twin.results.report import REPORT_SCHEMA

    result = MonteCarloResult.from_dict(data, str(results))
    try:
        topo: Topology | None = _topology_for(data, results, given)
    except InputError:
        if given is not None:
            raise
        # Results written before Monte Carlo recorded its topology: still worth a report.
        topo = None
    html = write_montecarlo_report(result, topo, output, _bases(results))
    table = titled_table(f"twin report: {result.scenario} Monte Carlo")
    for column in ("demand", "verdict", "why"):
        table.add_column(column, overflow="fold")
    for d in result.demands:
        add_row(table, d.id, STATUS_LABEL[d.verdict()], sentence(d))
    console = human_console(json_path)
    console.print(table)
    if topo is None:
        console.print(
            plain(
                "note: the results record no topology that can be found, so the report has no "
                "map (pass --topology topologies/NAME.yaml)"
            )
        )
    console.print(plain(f"wrote {output}"))
    emit_json(
        json_path,
        {
            "schema": REPORT_SCHEMA,
            "kind": "montecarlo",
            "results": str(results),
            "output": str(output),
            "output_sha256": hashlib.sha256(html.encode("utf-8")).hexdigest(),
            "demands": [
                {"id": d.id, "status": str(d.verdict()), "verdict": sentence(d)}
                for d in result.demands
            ],
        },
    )
    return EXIT_OK


def _contingency_report(
    data: dict[str, Any], results: Path, output: Path, given: Path | None, json_path: Path | None
) -> int:
    """A contingency document rendered in the same style: worst-case table, map by impact."""
    from twin.report.html_contingency import (
        impact_class,
        impact_summary,
        ranked,
        render_contingency_html,
    )
    from twin.results.contingency import ContingencyResult
    from twin.results.report import REPORT_SCHEMA

    result = ContingencyResult.from_dict(data, str(results))
    topo = _topology_for(data, results, given)
    html = render_contingency_html(result, topo)
    write_text_atomic(output, html)
    worst_first = ranked(result)
    shown = worst_first[:REPORT_ROWS]
    table = titled_table(
        f"twin report: {topo.name} {result.mode} contingency, worst first",
        caption=shown_of(len(shown), len(worst_first), f"all in {output} and with --json"),
    )
    for column in ("failure", "impact"):
        table.add_column(column, overflow="fold")
    for impact in shown:
        add_row(table, impact.label, impact_summary(impact))
    console = human_console(json_path)
    console.print(table)
    console.print(plain(f"wrote {output}"))
    emit_json(
        json_path,
        {
            "schema": REPORT_SCHEMA,
            "kind": "contingency",
            "results": str(results),
            "output": str(output),
            "output_sha256": hashlib.sha256(html.encode("utf-8")).hexdigest(),
            "failures": [
                {"label": i.label, "impact": impact_class(i), "summary": impact_summary(i)}
                for i in worst_first
            ],
        },
    )
    return EXIT_OK


def _diff_report(
    data: dict[str, Any], results: Path, output: Path, given: Path | None, json_path: Path | None
) -> int:
    """A topology diff: verdict, map of HEAD with changed links, element and per-demand tables."""
    from twin.report.html_diff import (
        demand_sentence,
        demand_status,
        load_side,
        render_diff_html,
    )
    from twin.results.diff import TopologyDiff
    from twin.results.report import REPORT_SCHEMA

    diff = TopologyDiff.from_dict(data, str(results))
    head = load_side(str(given) if given else diff.head, [Path(".")] if given else _bases(results))
    if head.topology is None:
        raise InputError.at(
            str(results),
            1,
            1,
            f"cannot read the HEAD topology of the diff ({head.label}): {head.problem}",
            "pass it with --topology topologies/NAME.yaml",
        )
    base = load_side(diff.base, _bases(results))  # without it, removed links are tabled only
    html = render_diff_html(diff, head, base)
    write_text_atomic(output, html)
    table = titled_table(f"twin report: {diff.base} → {diff.head}")
    for column in ("demand", "verdict", "why"):
        table.add_column(column, overflow="fold")
    marks = {"worse": styled("worse", "bold red"), "better": styled("better", "green")}
    for d in diff.demands:
        why = "; ".join(d.regressions or d.improvements) or "-"
        add_row(table, d.demand_id, marks.get(demand_status(d), "unchanged"), why)
    console = human_console(json_path)
    console.print(table)
    if base.topology is None:
        console.print(plain(f"note: base topology not read ({base.problem})"))
    console.print(plain(f"wrote {output}"))
    emit_json(
        json_path,
        {
            "schema": REPORT_SCHEMA,
            "kind": "diff",
            "results": str(results),
            "output": str(output),
            "output_sha256": hashlib.sha256(html.encode("utf-8")).hexdigest(),
            "regressed": diff.regressed,
            "demands": [
                {"id": d.demand_id, "status": demand_status(d), "verdict": demand_sentence(d)}
                for d in diff.demands
            ],
        },
    )
    return EXIT_OK


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
    from twin.report.plots import FORMATS, PLOT_KINDS, plot
    from twin.report.run_view import load_run
    from twin.results.diff import DIFF_SCHEMA
    from twin.results.montecarlo import MC_SCHEMA, MonteCarloResult

    if kind not in PLOT_KINDS:
        raise InputError.at(
            "--kind", 0, 0, f"unknown plot kind {kind!r}", f"choose one of {', '.join(PLOT_KINDS)}"
        )
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError.at(
            str(output),
            0,
            0,
            f"cannot write a {output.suffix or 'suffix-less'} figure",
            "name the output file .png or .svg",
        )
    data = read_results(results)
    if data.get("schema") == DIFF_SCHEMA:
        raise InputError.at(
            str(results),
            1,
            1,
            f"a topology diff has no {kind} plot: plot kinds draw one run",
            f"render the diff as a page with `twin report {results} -o diff.html`",
        )
    topo = _topology_for(data, results, topology) if kind == "map" else None
    # Read here, so a refusal names the file (a version 1 run file, a malformed Monte Carlo one).
    if data.get("schema") == MC_SCHEMA:
        plot(MonteCarloResult.from_dict(data, str(results)), topo, kind, output)
    else:
        plot(load_run(data, str(results)), topo, kind, output)
    stdout_console().print(plain(f"wrote {output}"))
    return EXIT_OK
