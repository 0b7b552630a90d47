"""`twin diff BASE HEAD`: what a topology change did, for pull-request review."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from twin.cli.app import EXIT_CHECK_FAILED, EXIT_OK, app, emit_json, emit_text, human_console
from twin.errors import InputError


@app.command("diff")
def diff_command(
    base: Annotated[str, typer.Argument(help="Base topology: a file, or REV:PATH in git.")],
    head: Annotated[str, typer.Argument(help="Head topology: a file, or REV:PATH in git.")],
    scenario: Annotated[
        Path | None,
        typer.Option(help="Take the demands (and their SLAs) from this scenario."),
    ] = None,
    demand: Annotated[
        list[str] | None,
        typer.Option(help="A demand as SOURCE:DEST (repeatable); default: the standard set."),
    ] = None,
    include_planned: Annotated[
        bool, typer.Option(help="Treat planned links as in service on both sides.")
    ] = False,
    markdown: Annotated[
        Path | None,
        typer.Option(help="Write a Markdown summary to FILE, or - for standard output."),
    ] = None,
    json_path: Annotated[
        Path | None,
        typer.Option("--json", help="Write the diff as JSON to FILE, or - for standard output."),
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            help="'regression': exit 1 when any demand got worse beyond the thresholds.",
        ),
    ] = None,
    rtt_threshold_ms: Annotated[
        float, typer.Option(help="RTT increase tolerated before it counts as a regression.")
    ] = 0.5,
    availability_threshold: Annotated[
        float, typer.Option(help="Availability decrease tolerated before it counts.")
    ] = 1e-7,
) -> int:
    """Compare two topologies: elements added, removed and changed, and per demand the change
    in best RTT, disjoint paths, single points of failure, analytic availability and the N-1
    worst case.

    Examples:

        twin diff topologies/silk-road-2021.yaml topologies/silk-road-2026.yaml

        twin diff main:topologies/silk-road-2026.yaml topologies/silk-road-2026.yaml \\
            --fail-on regression --markdown "$GITHUB_STEP_SUMMARY"
    """
    from twin.api import diff
    from twin.report.markdown_check import render_diff_markdown
    from twin.report.terminal_diff import print_diff

    if fail_on not in (None, "regression"):
        raise InputError.about(
            "--fail-on", f"unknown value {fail_on!r}", "the only value is 'regression'"
        )
    console = human_console(markdown, json_path)
    result = diff(
        base,
        head,
        scenario=scenario,
        demands=demand,
        include_planned=include_planned,
        rtt_threshold_ms=rtt_threshold_ms,
        availability_threshold=availability_threshold,
    )
    print_diff(console, result)
    if markdown is not None:
        emit_text(markdown, render_diff_markdown(result))
    emit_json(json_path, result.to_dict())
    if fail_on == "regression" and result.regressed:
        return EXIT_CHECK_FAILED
    return EXIT_OK
