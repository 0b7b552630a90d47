"""`twin check`: the CI gate over the scenarios' declared assertions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from twin.atomic import write_text_atomic
from twin.cli.app import (
    EXIT_CHECK_FAILED,
    EXIT_OK,
    announce_written,
    app,
    emit_json,
    emit_text,
    human_console,
)
from twin.errors import InputError, Problem
from twin.option_values import WORKERS_HELP, require_replications, require_workers

if TYPE_CHECKING:
    from twin.model import Scenario


def _scenario_paths(paths: list[Path]) -> list[Path]:
    if not paths:
        paths = [Path("scenarios")]
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")))
        elif path.exists():
            found.append(path)
        else:
            raise InputError(
                Problem(str(path), 0, 0, "no such file or directory", "give scenario files")
            )
    return found


def _require_assertions(given: list[Path], loaded: list[Scenario]) -> None:
    """Refuse a gate that would check nothing: no scenario files, or none declaring checks.

    "all 0 assertions hold" passes a CI job pointed at the wrong folder or at scenarios whose
    `checks:` were deleted; a gate must fail loudly instead.
    """
    where = ", ".join(str(p) for p in given)
    if not loaded:
        raise InputError.at(
            where,
            0,
            0,
            "no scenario files (*.yaml, *.yml) found: there is nothing to check",
            "give scenario files or a directory holding them (at least one is needed)",
        )
    if not any(s.checks for s in loaded):
        names = ", ".join(s.source_path for s in loaded)
        raise InputError.at(
            where,
            0,
            0,
            f"none of the {len(loaded)} scenario(s) declares a check ({names}): "
            "there is nothing to check",
            "add a checks: block (at least one assertion), see docs/file-formats.md",
        )


def _montecarlo_runner(replications: int, workers: int):  # type: ignore[no-untyped-def]
    """Monte Carlo SLA availability of one demand: (mean, low, high) of its 95 % interval."""

    def run(scenario, demand_id):  # type: ignore[no-untyped-def]
        from twin.montecarlo import run_replications

        result = run_replications(scenario, replications=replications, workers=workers)
        stats = result.demand(demand_id).sla_availability
        return stats.mean, stats.low, stats.high

    return run


@app.command("check")
def check_command(
    scenarios: Annotated[
        list[Path] | None,
        typer.Argument(help="Scenario files or directories (default: scenarios/)."),
    ] = None,
    junit: Annotated[
        Path | None, typer.Option("--junit", help="Write JUnit XML, one test case per assertion.")
    ] = None,
    markdown: Annotated[
        Path | None,
        typer.Option(
            "--markdown",
            help="Write a Markdown summary (e.g. for a pull-request comment or "
            "$GITHUB_STEP_SUMMARY) to FILE, or - for standard output.",
        ),
    ] = None,
    json_path: Annotated[
        Path | None,
        typer.Option(
            "--json", help="Write the outcomes as JSON to FILE, or - for standard output."
        ),
    ] = None,
    replications: Annotated[
        int, typer.Option(help="Replications for assertions with method: montecarlo.")
    ] = 20,
    workers: Annotated[int, typer.Option(help=WORKERS_HELP)] = 1,
) -> int:
    """Evaluate every assertion the scenarios declare (their `checks:` blocks).

    Exit status: 0 when every assertion holds, 1 when any fails, 2 on bad input.

    Assertions: sla_availability (analytic lower bound; or Monte Carlo, passing only when the
    whole 95% interval clears the target — an interval straddling it is "undecided" and fails,
    asking for more --replications), max_rtt, survives (no single link/node/SRLG failure
    disconnects the demand), n1_max_utilisation and n1_rtt_budget (under every single-link
    failure).

    Examples:

        twin check                                   # every scenario in scenarios/

        twin check scenarios/*.yaml --junit out.xml --markdown "$GITHUB_STEP_SUMMARY"
    """
    from twin.analysis.checks import CheckOptions, evaluate
    from twin.loading import load_scenario
    from twin.report.junit import render_junit
    from twin.report.markdown_check import render_check_markdown
    from twin.report.terminal_check import print_check_report

    require_replications(replications)
    require_workers(workers)
    console = human_console(markdown, json_path)
    paths = _scenario_paths(list(scenarios or []))
    problems: list[Problem] = []
    loaded = []
    for path in paths:
        try:
            loaded.append(load_scenario(path))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    _require_assertions(list(scenarios or [Path("scenarios")]), loaded)
    options = CheckOptions(
        replications=replications,
        workers=workers,
        montecarlo=_montecarlo_runner(replications, workers),
    )
    report = evaluate(loaded, options)
    print_check_report(console, report)
    if junit is not None:
        write_text_atomic(junit, render_junit(report))
        announce_written(junit)
    if markdown is not None:
        emit_text(markdown, render_check_markdown(report))
    emit_json(json_path, report.to_dict())
    return EXIT_OK if report.passed else EXIT_CHECK_FAILED
