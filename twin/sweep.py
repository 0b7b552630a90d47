"""Parameter sweeps with common random numbers: the same seeds in every variant.

"What does the Caspian repair time do to Frankfurt-Almaty availability?" is a comparison, so
every variant runs the same replication indices with the same seed: the element streams are
keyed by (seed, replication, element), so a link fails at the same moments in every variant and
only the parameter under study differs. Differences between variants are then much sharper than
the intervals of each variant alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from twin.errors import InputError, Problem
from twin.errors import option as option_name
from twin.loading import load_scenario
from twin.montecarlo import ProgressFn, run_replications
from twin.results.sweep import SweepResult, Variant


def parse_set_options(options: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """`PATH=V1,V2,...` (repeatable) -> grid; every bad option is reported."""
    grid: dict[str, tuple[str, ...]] = {}
    problems = []
    for option in options:
        path, sep, values = option.partition("=")
        items = tuple(v.strip() for v in values.split(",") if v.strip())
        if not sep or not path or not items:
            problems.append(
                Problem.for_parameter(
                    "grid",
                    f"cannot read '{option}'",
                    "write PATH=V1,V2 e.g. "
                    "failures.classes.submarine-caspian.repair.median=10d,30d",
                )
            )
            continue
        grid[path] = items
    if problems:
        raise InputError(problems)
    return grid


def _typed(value: object) -> object:
    """Command-line values arrive as text; numbers become numbers so the schema accepts them."""
    if isinstance(value, str):
        for cast in (int, float):
            try:
                return cast(value)
            except ValueError:
                pass
    return value


def run_sweep(
    scenario_path: Path,
    grid: Mapping[str, Sequence[object]],
    *,
    replications: int = 20,
    workers: int = 1,
    scheduler: str | None = None,
    progress: ProgressFn | None = None,
    stop: Callable[[], bool] | None = None,
) -> SweepResult:
    """Every combination of the grid (cartesian product, in the order given).

    When `stop()` turns true (Ctrl-C, which also ends the running variant's replications with
    what finished) the variants so far make a result marked partial."""
    if not grid:
        grid = dict(load_scenario(scenario_path).sweep)
    if not grid:
        raise InputError.about(
            str(scenario_path),
            "nothing to sweep",
            f"give {option_name('grid')} PATH=V1,V2 or a sweep: block in the scenario",
        )
    keys = list(grid)
    variants: list[Variant] = []
    name = scenario_path.stem  # until a variant is loaded
    for combo in itertools.product(*(grid[k] for k in keys)):
        if stop is not None and stop():
            return SweepResult(name, tuple(variants), partial=True)
        overrides = {k: _typed(v) for k, v in zip(keys, combo, strict=True)}
        scenario = load_scenario(scenario_path, overrides)
        name = scenario.name
        result = run_replications(
            scenario,
            replications=replications,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
        )
        variants.append(Variant(tuple(zip(keys, combo, strict=True)), result))
        if result.partial:
            return SweepResult(name, tuple(variants), partial=True)
    return SweepResult(name, tuple(variants))
