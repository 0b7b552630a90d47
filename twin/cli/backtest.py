"""`twin backtest`: replay the incident library and score the model against what happened."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from twin.cli.app import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    app,
    emit_json,
    emit_text,
    human_console,
    progress_bar,
)

DEFAULT_LIBRARY = Path("scenarios/incidents")


@app.command("backtest")
def backtest_command(
    library: Annotated[
        Path,
        typer.Argument(help="Directory of incident scenarios (or one scenario file)."),
    ] = DEFAULT_LIBRARY,
    replications: Annotated[
        int | None,
        typer.Option(help="Replications per incident (default 400)."),
    ] = None,
    workers: Annotated[
        int, typer.Option(help="Local worker processes (capped at the usable cores).")
    ] = 1,
    json_path: Annotated[
        Path | None,
        typer.Option("--json", help="Write the result as JSON to FILE, or - for standard output."),
    ] = None,
    markdown: Annotated[
        Path | None,
        typer.Option(help="Write the table as Markdown to FILE, or - for standard output."),
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> int:
    """Run every incident of the library many times from its start state and compare the
    modelled time to restore with the reported one.

    Per reported restoration: the modelled median and 10-90 % band, the percentile at which
    the reported time falls, and its CRPS (hours, and log-time). Overall: the share of
    reported times inside the modelled 10-90 % band (about 80 % for a calibrated model) and
    the mean CRPS (log-time is the headline: incidents span hours to months). Same seeds, same
    numbers, whatever --workers. Ctrl-C keeps the incidents finished so far (exit 130).

    Example:

        twin backtest scenarios/incidents --replications 400 --json backtest.json
    """
    from twin.backtest.library import DEFAULT_REPLICATIONS, backtest
    from twin.report.markdown_backtest import backtest_markdown
    from twin.report.terminal_backtest import print_backtest

    count = DEFAULT_REPLICATIONS if replications is None else replications
    with progress_bar(
        "{task.fields[name]}", "{task.completed}/{task.total} incidents", show=not quiet
    ) as bar:
        task = bar.add_task("backtest", total=None, name="loading")

        def progress(name: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, name=name)

        result = backtest(library, replications=count, workers=workers, progress=progress)
    print_backtest(human_console(json_path, markdown), result)
    emit_json(json_path, result.to_dict())
    emit_text(markdown, backtest_markdown(result))
    return EXIT_INTERRUPTED if result.partial else EXIT_OK
