"""`twin report` and `twin plot` as library calls: a results file in, a page or a figure out.

Which kind of result a JSON document is (run, Monte Carlo, contingency, diff) is read from its
`schema` field here, once; so is the topology it was computed on (the one given, else the file
the result names, checked against the name and hash the result records). The command line only
parses its options, calls `write_report` or `plot_results` and prints what comes back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from rich.table import Table

from twin.atomic import write_text_atomic
from twin.errors import InputError
from twin.json_input import loads_bounded
from twin.model import Topology
from twin.provenance import file_sha256
from twin.report.terminal_text import add_row, styled, titled_table
from twin.report.terminal_truncation import shown_of
from twin.results.contingency import CONTINGENCY_SCHEMA, ContingencyResult
from twin.results.diff import DIFF_SCHEMA, TopologyDiff
from twin.results.montecarlo import MC_SCHEMA, MonteCarloResult
from twin.results.report import REPORT_SCHEMA, ReportDoc

REPORT_ROWS = 10  # rows of the terminal summary; the HTML report and --json hold every one
_WRITE_ONE = "write one with `twin run SCENARIO --json FILE`"
_HINT = "give the file written by `twin run ... --json FILE`"

ColourBy = Literal["downtime", "utilisation"]


@dataclass(frozen=True)
class WrittenReport:
    """What writing a report produced: the page, its terminal summary and its JSON summary.

    `notes` are sentences for the reader after the table (e.g. why the page has no map);
    `warnings` are for standard error (a topology file edited since the run).
    """

    html: str
    table: Table
    notes: tuple[str, ...]
    summary: ReportDoc
    warnings: tuple[str, ...]


def read_results(path: Path) -> dict[str, Any]:
    """The results document, or an InputError pointing at the broken spot."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise InputError.about(
            str(path), "no such results file", "write one with `twin run SCENARIO --json FILE`"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.about(str(path), f"cannot read results: {exc}") from None
    try:
        data = loads_bounded(text, str(path), _HINT)
    except json.JSONDecodeError as exc:
        raise InputError.at(
            str(path), exc.lineno, exc.colno, f"not valid JSON: {exc.msg}", _HINT
        ) from None
    if not isinstance(data, dict) or "schema" not in data:
        raise InputError.at(
            str(path), 1, 1, "not a silkroad-twin results file (no 'schema' field)", _HINT
        )
    return data


def _candidates(data: dict[str, Any], results_path: Path) -> list[Path]:
    """Where the topology file a result names may be, most likely first."""
    named = str(data.get("topology_path", "") or "")
    scenario = str(data.get("scenario_path", "") or "")
    candidates: list[Path] = []
    if named and Path(named).is_absolute():
        candidates.append(Path(named))  # contingency results record an absolute path
    elif named:
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
    return candidates


def topology_for(
    data: dict[str, Any], results_path: Path, given: Path | None, warn: Callable[[str], None]
) -> Topology:
    """The topology the result was computed on: `given`, else the file the result names.

    A given topology must be the one the result records: a map of another network would
    draw the result's links in the wrong places, or not at all, without any error.
    """
    from twin.loading import load_topology

    if given is not None:
        topology = load_topology(given)
        _check_same_topology(data, results_path, given, topology, warn)
        return topology
    name = str(data.get("topology", "") or "")
    for candidate in _candidates(data, results_path):
        if candidate.is_file():
            topology = load_topology(candidate)
            if not name or topology.name == name:
                return topology
    named = str(data.get("topology_path", "") or "")
    raise InputError.at(
        str(results_path),
        1,
        1,
        "cannot find the topology the results were computed on "
        f"({named or name or 'not recorded'})",
        "pass it with --topology topologies/NAME.yaml",
    )


def _check_same_topology(
    data: dict[str, Any],
    results_path: Path,
    given: Path,
    topology: Topology,
    warn: Callable[[str], None],
) -> None:
    """Refuse a topology of another name; warn when the recorded file hash differs.

    Same name, other bytes is usually the same network edited since the run (a comment, a
    corrected length), which the report can still draw; another name is another network.
    """
    recorded_name = str(data.get("topology", "") or "")
    if recorded_name and topology.name != recorded_name:
        raise InputError.about(
            str(given),
            f"topology {topology.name!r} is not the one {results_path} was computed on "
            f"({recorded_name!r})",
            "pass the topology the results name, or omit --topology to use the recorded one",
        )
    recorded_sha = data.get("topology_sha256")
    if isinstance(recorded_sha, str) and recorded_sha:
        actual = file_sha256(given)
        if actual is not None and actual != recorded_sha:
            warn(
                f"warning: {given} differs from the topology file the results were "
                f"computed on (sha256 {actual[:12]}… vs recorded {recorded_sha[:12]}…); "
                "the map shows the file as it is now"
            )


def _bases(results_path: Path) -> list[Path]:
    """Where the result's relative input paths may be: the working directory, or beside it."""
    return [Path("."), results_path.parent]


def _table(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    caption: object = None,
) -> Table:
    table = titled_table(title, caption=caption)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        add_row(table, *row)
    return table


@dataclass(frozen=True)
class _Request:
    data: dict[str, Any]
    results: Path
    output: Path
    given: Path | None
    colour_by: ColourBy
    warnings: list[str]

    def topology(self) -> Topology:
        return topology_for(self.data, self.results, self.given, self.warnings.append)

    def written(
        self, kind: str, html: str, table: Table, notes: Sequence[str], rows: dict[str, Any]
    ) -> WrittenReport:
        summary = {
            "schema": REPORT_SCHEMA,
            "kind": kind,
            "results": str(self.results),
            "output": str(self.output),
            "output_sha256": hashlib.sha256(html.encode("utf-8")).hexdigest(),
            **rows,
        }
        return WrittenReport(
            html, table, tuple(notes), cast(ReportDoc, summary), tuple(self.warnings)
        )


def _run_report(request: _Request) -> WrittenReport:
    """A single run: verdict per demand, map, timeline, RTT over time."""
    from twin.report.html import render_report_html
    from twin.report.run_view import load_run, verdict

    run = load_run(request.data, str(request.results))
    topology = request.topology()
    html = render_report_html(
        run, topology, request.colour_by, _bases(request.results), str(request.results)
    )
    write_text_atomic(request.output, html)
    marks = {"held": styled("SLA held", "green"), "missed": styled("SLA missed", "bold red")}
    verdicts = [(demand.id, *verdict(run, demand)) for demand in run.demands]
    table = _table(
        f"twin report: {run.scenario} (seed {run.seed})",
        ("demand", "verdict", "why"),
        [(i, marks.get(status, "no SLA"), sentence) for i, status, sentence in verdicts],
    )
    rows = [{"id": i, "status": status, "verdict": sentence} for i, status, sentence in verdicts]
    return request.written("run", html, table, (), {"demands": rows})


def _montecarlo_report(request: _Request) -> WrittenReport:
    """Monte Carlo results: availability with 95 % intervals against each SLA, and the map."""
    from twin.report.html_montecarlo import STATUS_LABEL, sentence, write_montecarlo_report

    result = MonteCarloResult.from_dict(request.data, str(request.results))
    notes: list[str] = []
    try:
        topology: Topology | None = request.topology()
    except InputError:
        if request.given is not None:
            raise
        # Results written before Monte Carlo recorded its topology: still worth a report.
        topology = None
        notes.append(
            "note: the results record no topology that can be found, so the report has no "
            "map (pass --topology topologies/NAME.yaml)"
        )
    html = write_montecarlo_report(result, topology, request.output, _bases(request.results))
    table = _table(
        f"twin report: {result.scenario} Monte Carlo",
        ("demand", "verdict", "why"),
        [(d.id, STATUS_LABEL[d.verdict()], sentence(d)) for d in result.demands],
    )
    rows = [
        {"id": d.id, "status": str(d.verdict()), "verdict": sentence(d)} for d in result.demands
    ]
    return request.written("montecarlo", html, table, notes, {"demands": rows})


def _contingency_report(request: _Request) -> WrittenReport:
    """A contingency document rendered in the same style: worst-case table, map by impact."""
    from twin.report.html_contingency import (
        impact_class,
        impact_summary,
        ranked,
        render_contingency_html,
    )

    result = ContingencyResult.from_dict(request.data, str(request.results))
    topology = request.topology()
    html = render_contingency_html(result, topology)
    write_text_atomic(request.output, html)
    worst_first = ranked(result)
    shown = worst_first[:REPORT_ROWS]
    table = _table(
        f"twin report: {topology.name} {result.mode} contingency, worst first",
        ("failure", "impact"),
        [(impact.label, impact_summary(impact)) for impact in shown],
        caption=shown_of(len(shown), len(worst_first), f"all in {request.output} and with --json"),
    )
    rows = [
        {"label": i.label, "impact": impact_class(i), "summary": impact_summary(i)}
        for i in worst_first
    ]
    return request.written("contingency", html, table, (), {"failures": rows})


def _diff_report(request: _Request) -> WrittenReport:
    """A topology diff: verdict, map of HEAD with changed links, element and per-demand tables."""
    from twin.report.html_diff import demand_sentence, demand_status, load_side, render_diff_html

    diff = TopologyDiff.from_dict(request.data, str(request.results))
    given, bases = request.given, _bases(request.results)
    head = load_side(str(given) if given else diff.head, [Path(".")] if given else bases)
    if head.topology is None:
        raise InputError.at(
            str(request.results),
            1,
            1,
            f"cannot read the HEAD topology of the diff ({head.label}): {head.problem}",
            "pass it with --topology topologies/NAME.yaml",
        )
    base = load_side(diff.base, bases)  # without it, removed links are tabled only
    html = render_diff_html(diff, head, base)
    write_text_atomic(request.output, html)
    marks = {"worse": styled("worse", "bold red"), "better": styled("better", "green")}
    table = _table(
        f"twin report: {diff.base} → {diff.head}",
        ("demand", "verdict", "why"),
        [
            (
                d.demand_id,
                marks.get(demand_status(d), "unchanged"),
                "; ".join(d.regressions or d.improvements) or "-",
            )
            for d in diff.demands
        ],
    )
    notes = [] if base.topology else [f"note: base topology not read ({base.problem})"]
    rows = [
        {"id": d.demand_id, "status": demand_status(d), "verdict": demand_sentence(d)}
        for d in diff.demands
    ]
    return request.written(
        "diff", html, table, notes, {"regressed": diff.regressed, "demands": rows}
    )


_REPORTERS: dict[str, Callable[[_Request], WrittenReport]] = {
    CONTINGENCY_SCHEMA: _contingency_report,
    MC_SCHEMA: _montecarlo_report,
    DIFF_SCHEMA: _diff_report,
}


def write_report(
    results: Path,
    output: Path,
    *,
    topology: Path | None = None,
    colour_by: ColourBy = "downtime",
) -> WrittenReport:
    """Write the self-contained HTML page of the results file `results` to `output`.

    The kind of result is read from its schema: Monte Carlo, contingency and diff documents
    get their own page, anything else is read as a single run. `topology` is the network the
    result was computed on (for a diff, its HEAD), by default the file the result names.
    """
    data = read_results(results)
    request = _Request(data, results, output, topology, colour_by, [])
    return _REPORTERS.get(str(data.get("schema")), _run_report)(request)


def plot_results(
    results: Path, kind: str, output: Path, topology: Path | None = None
) -> tuple[str, ...]:
    """Write one figure of the results file `results` (a run, or Monte Carlo) to `output`,
    a .png or .svg file; an unknown `kind` or suffix is refused before anything is read.

    `topology` is only read for a map, by default the file the result names. Returns the
    warnings for standard error (a topology file edited since the run).
    """
    from twin.report.plots import FORMATS, PLOT_KINDS, plot
    from twin.report.run_view import load_run

    if kind not in PLOT_KINDS:
        raise InputError.for_parameter(
            "kind", f"unknown plot kind {kind!r}", f"choose one of {', '.join(PLOT_KINDS)}"
        )
    if output.suffix.lower().lstrip(".") not in FORMATS:
        raise InputError.about(
            str(output),
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
    warnings: list[str] = []
    topo = topology_for(data, results, topology, warnings.append) if kind == "map" else None
    # Read here, so a refusal names the file (a version 1 run file, a malformed Monte Carlo one).
    if data.get("schema") == MC_SCHEMA:
        plot(MonteCarloResult.from_dict(data, str(results)), topo, kind, output)
    else:
        plot(load_run(data, str(results)), topo, kind, output)
    return tuple(warnings)


__all__ = ["WrittenReport", "plot_results", "read_results", "topology_for", "write_report"]
