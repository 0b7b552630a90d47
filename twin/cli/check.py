"""`twin check`: the CI gate over the scenarios' declared assertions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from twin.atomic import write_text_atomic
from twin.cli.app import (
    EXIT_CHECK_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    announce_written,
    app,
    emit_json,
    emit_text,
    human_console,
)
from twin.interrupts import sigint_deferred
from twin.option_values import WORKERS_HELP


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
    state: Annotated[
        Path | None,
        typer.Option(
            help="Start every scenario from this state file (the network now); restored_by "
            "assertions need one, here or in the scenario's state:.",
        ),
    ] = None,
) -> int:
    """Evaluate every assertion the scenarios declare (their `checks:` blocks).

    Exit status: 0 when every assertion holds, 1 when any fails, 2 on bad input, 130 when
    Ctrl-C stopped it (the outputs then hold the assertions evaluated, marked partial).

    Assertions: sla_availability (analytic lower bound; or Monte Carlo, passing only when the
    whole 95% interval clears the target — an interval straddling it is "undecided" and fails,
    asking for more --replications), max_rtt, survives (no single link/node/SRLG failure
    disconnects the demand), n1_max_utilisation and n1_rtt_budget (under every single-link
    failure).

    Examples:

        twin check                                   # every scenario in scenarios/

        twin check scenarios/*.yaml --junit out.xml --markdown "$GITHUB_STEP_SUMMARY"

        twin check scenarios/now-caspian-cut.yaml --state today.state.yaml --replications 200
    """
    from twin.gate import check
    from twin.report.junit import render_junit
    from twin.report.markdown_check import render_check_markdown
    from twin.report.terminal_check import print_check_report

    console = human_console(markdown, json_path)
    # Ctrl-C stops the evaluation only: the outcomes so far are printed and written, marked
    # partial (a failing gate), and no output is cut short (see twin.interrupts).
    with sigint_deferred() as interrupts:
        report = check(
            list(scenarios or []), replications=replications, workers=workers, state=state
        )
        print_check_report(console, report)
        if junit is not None:
            write_text_atomic(junit, render_junit(report))
            announce_written(junit)
        if markdown is not None:
            emit_text(markdown, render_check_markdown(report))
        emit_json(json_path, report.to_dict())
    if report.partial or interrupts.requested:
        return EXIT_INTERRUPTED
    return EXIT_OK if report.passed else EXIT_CHECK_FAILED
