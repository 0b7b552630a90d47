"""`twin rank`: what to fix first (importance) or what to buy (upgrades, with --candidates)."""

from __future__ import annotations

import sys
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
from twin.errors import InputError
from twin.interrupts import sigint_deferred
from twin.option_values import WORKERS_HELP


def _check_top(top: int) -> None:
    if not 1 <= top <= 10_000:
        raise InputError.about("--top", f"--top {top} is out of range", "give 1 to 10000 rows")


@app.command("rank")
def rank_command(
    scenario: Annotated[Path, typer.Argument(help="Scenario file.")],
    candidates: Annotated[
        Path | None,
        typer.Option(
            "--candidates",
            help="Rank the upgrades of this candidates file (e.g. scenarios/upgrades.yaml) "
            "instead of the elements.",
        ),
    ] = None,
    budget: Annotated[
        float | None,
        typer.Option(
            help="With --candidates: the budget, in the file's cost unit, for the best set "
            "(default: the file's budget:)."
        ),
    ] = None,
    demand: Annotated[
        str | None,
        typer.Option(help="Show this demand's ranking instead of the traffic-weighted total."),
    ] = None,
    replications: Annotated[
        int,
        typer.Option(help="Paired replications per simulated variant (repair resources)."),
    ] = 100,
    seed: Annotated[int | None, typer.Option(help="Seed (default: the scenario's).")] = None,
    workers: Annotated[int, typer.Option(help=WORKERS_HELP)] = 1,
    availability_method: Annotated[
        str,
        typer.Option("--availability-method", help="Analytic engine: auto, exact or bounds."),
    ] = "auto",
    time_budget: Annotated[
        float,
        typer.Option("--time-budget", help="Seconds per analytic evaluation (1 to 86400)."),
    ] = 60.0,
    top: Annotated[int, typer.Option("--top", help="Rows in the table.")] = 15,
    json_path: Annotated[
        Path | None,
        typer.Option("--json", help="Write the ranking as JSON to FILE, or - for standard output."),
    ] = None,
    html_path: Annotated[
        Path | None,
        typer.Option("--html", help="Write the ranking as an HTML page to FILE, or -."),
    ] = None,
) -> int:
    """Rank every link, node, SRLG, failure class and repair resource by the minutes of SLA
    downtime a year it would save if it never failed, if its repair took half the time, or
    (repair resources) with one more unit; per demand and for the traffic-weighted total.

    Never-fails and repair-halved come from the analytic engine (exact, or certified bounds
    on networks too wide for exact); one more unit of a repair resource is simulated against
    the base with common random numbers, with a 95 % paired interval. Each figure names its
    method.

    With --candidates, rank upgrades instead: minutes saved by each on its own, per unit of
    cost, and the best set within --budget (greedy, checked by trying every affordable set
    when there are at most 12 candidates).

    Examples:

        twin rank scenarios/annual-reliability.yaml

        twin rank scenarios/annual-reliability.yaml --demand fra-baku --json rank.json

        twin rank scenarios/annual-reliability.yaml --candidates scenarios/upgrades.yaml
    """
    from twin.analysis.availability import checked_settings
    from twin.loading import load_scenario
    from twin.loading.candidates import load_candidates
    from twin.ranking import rank_importance, rank_upgrades
    from twin.report.html_rank import render_rank_html, render_upgrades_html
    from twin.report.terminal_rank import print_rank, print_upgrades

    settings = checked_settings(availability_method, 1e-12, 0.1, time_budget)
    _check_top(top)
    with (
        sigint_deferred() as interrupts,
        progress_bar("rank", "{task.completed} valuations", show=sys.stderr.isatty()) as bar,
    ):
        task = bar.add_task("rank", total=None)

        def tick() -> None:
            bar.advance(task)

        loaded = load_scenario(scenario)
        if demand is not None and demand not in {d.id for d in loaded.demands}:
            known = ", ".join(d.id for d in loaded.demands)
            raise InputError.about("--demand", f"no demand {demand!r}", f"choose among {known}")
        console = human_console(json_path, html_path)
        if candidates is not None:
            candidate_set = load_candidates(candidates, loaded)
            upgrades = rank_upgrades(
                loaded,
                candidate_set,
                budget=budget,
                replications=replications,
                workers=workers,
                seed=seed,
                settings=settings,
                tick=tick,
            )
            bar.stop()
            print_upgrades(console, upgrades, top)
            emit_json(json_path, upgrades.to_dict())
            emit_text(html_path, render_upgrades_html(upgrades))
            partial = upgrades.partial
        else:
            if budget is not None:
                raise InputError.about("--budget", "--budget needs --candidates")
            ranking = rank_importance(
                loaded,
                replications=replications,
                workers=workers,
                seed=seed,
                settings=settings,
                stop=lambda: interrupts.requested,
                tick=tick,
            )
            bar.stop()
            print_rank(console, ranking, demand, top)
            emit_json(json_path, ranking.to_dict())
            emit_text(html_path, render_rank_html(ranking))
            partial = ranking.partial
    return EXIT_INTERRUPTED if partial or interrupts.requested else EXIT_OK
