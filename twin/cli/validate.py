"""`twin validate`: check topology and scenario files, reporting every problem with its place."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from twin.candidates import CandidateSet
from twin.cli.app import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    app,
    emit_json,
    flag_of,
    human_console,
    print_problem,
    stderr_console,
)
from twin.model import Demand, Scenario, State, Topology
from twin.report.terminal_text import add_row, styled, titled_table
from twin.results.validate import FileValidation, ValidationReport

if TYPE_CHECKING:
    from twin.loading import ValidatedFile


@app.command("validate")
def validate_command(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories of *.yaml files.")],
    json_path: Annotated[
        Path | None,
        typer.Option("--json", help="Write the results as JSON to FILE, or - for standard output."),
    ] = None,
) -> int:
    """Check topology, scenario, state, upgrade-candidates and demands files; the kind is told
    from the content: `as_of:` makes a state file (the network now, for `twin run --state`),
    `candidates:` an upgrades file (for `twin rank --candidates`), and a top level of only
    `demands:` a demands file, as `twin import --demands-out` writes (its node ids are checked
    when it is used with a topology).

    Every problem is printed as FILE:LINE:COL: message, then a hint.
    Checked: YAML syntax, duplicate keys, unknown keys (with did-you-mean),
    types and ranges, unknown or duplicate ids, links to unknown nodes,
    self-loops, coordinates, lengths shorter than the geodesic (faster than
    light in fibre), unknown SRLGs and failure classes, extends cycles and
    missing parents, durations, demand endpoints, event targets, checks.

    Exit status 0 when every file is valid, 2 otherwise.

    Examples:

        twin validate topologies/*.yaml scenarios/

        twin validate topologies --json -
    """
    from twin.loading import validate_files

    results = validate_files(paths)
    err = stderr_console()
    for r in results:
        for p in r.problems:
            print_problem(err, p)
    described = [_described(r.model, len(r.problems)) for r in results]
    human_console(json_path).print(_summary_table(results, [words for _, words in described]))
    report = ValidationReport(
        tuple(
            FileValidation(r.path, r.kind, counts, tuple(p.rendered(flag_of) for p in r.problems))
            for r, (counts, _) in zip(results, described, strict=True)
        )
    )
    emit_json(json_path, report.to_dict())
    return EXIT_OK if report.valid else EXIT_BAD_INPUT


def _described(
    model: Topology | Scenario | State | tuple[Demand, ...] | CandidateSet | None, problems: int
) -> tuple[dict[str, int], str]:
    """What a file holds: its counts (for --json) and the same in words (for the table)."""
    if isinstance(model, State):
        counts = {"down": len(model.down), "resources": len(model.resources)}
        return counts, f"as of {model.as_of}: {counts['down']} down, {counts['resources']} units"
    if isinstance(model, CandidateSet):
        return {"candidates": len(model.candidates)}, f"{len(model.candidates)} upgrade candidates"
    if isinstance(model, tuple):
        return {"demands": len(model)}, f"{len(model)} demands"
    if isinstance(model, Topology):
        counts = {"nodes": len(model.nodes), "links": len(model.links), "srlgs": len(model.srlgs)}
        return counts, f"{counts['nodes']} nodes, {counts['links']} links, {counts['srlgs']} SRLGs"
    if isinstance(model, Scenario):
        counts = {"demands": len(model.demands), "events": len(model.events)}
        return counts, f"{counts['demands']} demands, {counts['events']} events"
    return {}, f"{problems} problem(s)"


def _summary_table(results: Sequence[ValidatedFile], contents: Sequence[str]) -> Table:
    table = titled_table("twin validate")
    for column in ("file", "kind", "contents", "verdict"):
        table.add_column(column)
    for r, words in zip(results, contents, strict=True):
        verdict = styled("valid", "green") if not r.problems else styled("invalid", "bold red")
        add_row(table, r.path, r.kind, words, verdict)
    return table
