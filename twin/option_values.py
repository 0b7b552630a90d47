"""Checks of numeric options, shared by the commands and the library calls that take them.

Typer checks that `--workers 0` is an integer, not that it makes sense: without these, a zero
or negative count either crashes deep inside (exit 3, an "internal error" that is the user's
typo) or is silently accepted, and a NaN tolerance compares false with everything so a loop
never stops or stops at once. Every refusal names the parameter (its Python name, e.g.
`max_replications`) and a valid value; the CLI shows it as the option (`--max-replications`)
and exits 2.
"""

from __future__ import annotations

import math
import os

from twin.errors import InputError

# The most replications one run may ask for. A million simulated horizons take days on a
# workstation and bring a 95 % interval to about a thousandth of the spread of one horizon;
# a larger request is a typo (or an extra zero), refused before anything is allocated.
MAX_REPLICATIONS = 1_000_000
# The most worker processes a command starts, whatever the machine: past this, process start-up
# and the parent's bookkeeping cost more than the extra cores give.
MAX_WORKERS = 64
WORKERS_HELP = (
    f"Worker processes; capped at the usable cores, the number of tasks and {MAX_WORKERS}."
)


def require_at_least(parameter: str, value: int, minimum: int, hint: str) -> int:
    """`value` when it is at least `minimum`, else InputError naming `parameter`."""
    if value < minimum:
        raise InputError.for_parameter(parameter, f"must be at least {minimum}, not {value}", hint)
    return value


def require_positive(parameter: str, value: float, hint: str) -> float:
    """A finite number above zero (a precision target, a traffic total)."""
    if not (math.isfinite(value) and value > 0):
        raise InputError.for_parameter(parameter, f"must be a positive number, not {value}", hint)
    return value


def require_non_negative(parameter: str, value: float, hint: str) -> float:
    """A finite number at or above zero (tolerances, thresholds)."""
    if not (math.isfinite(value) and value >= 0):
        raise InputError.for_parameter(
            parameter, f"must be a finite number >= 0, not {value}", hint
        )
    return value


def require_workers(value: int) -> int:
    return require_at_least(
        "workers", value, 1, "use 1 (in this process) or the number of cores to use"
    )


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, as a container or taskset sets)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def usable_workers(requested: int, tasks: int) -> tuple[int, str]:
    """How many worker processes to start for `tasks` tasks, and a note when fewer than asked.

    More processes than tasks idle, more than cores time-share the same cores (slower, not
    faster: each holds its own copy of the network), and thousands exhaust the process table.
    """
    used = max(1, min(requested, tasks, usable_cores(), MAX_WORKERS))
    if used >= requested:
        return requested, ""
    return used, (
        f"{requested} workers asked for, capped at {used} (usable cores {usable_cores()}, "
        f"tasks {tasks}, at most {MAX_WORKERS})"
    )


def require_replications(value: int, parameter: str = "replications") -> int:
    require_at_least(
        parameter, value, 1, "one replication is one simulated horizon; use e.g. 20 or more"
    )
    if value > MAX_REPLICATIONS:
        raise InputError.for_parameter(
            parameter,
            f"must be between 1 and {MAX_REPLICATIONS:,}, not {value:,}",
            "a million replications already take days and pin an interval to about 0.1 % of "
            "one horizon's spread; give a precision target to stop when the intervals are "
            "tight enough",
        )
    return value
