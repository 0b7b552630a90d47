"""The options of a contingency analysis, checked before any failure is evaluated.

Kept apart from `twin.analysis.contingency` (the evaluation itself) so that the command line
and a notebook refuse the same values with the same words, in parameter names
(`twin.errors.option`) that the CLI shows as its flags.
"""

from __future__ import annotations

from twin.errors import InputError, option
from twin.option_values import require_at_least, require_workers

MODES = ("n-1", "n-2", "srlg")
ROUTINGS = ("shortest", "ecmp")
METRICS = ("latency", "hops", "igp")


def check_contingency_options(
    mode: str,
    routing: str,
    metric: str,
    workers: int,
    scheduler: str | None,
    top: int = 0,
    mode_parameter: str = "mode",
) -> None:
    """Refuse values that mean nothing; `mode_parameter` names the parameter the mode came
    from (`twin analyze` takes it as `contingency`), so the error names what was typed.

    `twin.analysis.contingency.contingency` calls this at its entry (it lists no `top`); the
    command line calls it too, earlier, for its `top` and for the mode's own option name."""
    _choice(mode_parameter, mode, MODES)
    _choice("routing", routing, ROUTINGS)
    _choice("metric", metric, METRICS)
    require_workers(workers)
    if scheduler is not None and workers > 1:
        raise InputError.for_parameter(
            "workers",
            f"{option('workers')} and {option('scheduler')} both say where to evaluate",
            f"give one: {option('workers')} N for local processes, {option('scheduler')} "
            "ADDRESS for Dask",
        )
    require_at_least("top", top, 0, "the number of worst failures to list, e.g. 15")


def _choice(parameter: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InputError.for_parameter(
            parameter, f"unknown value {value!r}", f"use {', '.join(allowed)}"
        )
