"""Checks of numeric options, shared by the commands and the library calls that take them.

Typer checks that `--workers 0` is an integer, not that it makes sense: without these, a zero
or negative count either crashes deep inside (exit 3, an "internal error" that is the user's
typo) or is silently accepted, and a NaN tolerance compares false with everything so a loop
never stops or stops at once. Every refusal is exit 2 naming the option and a valid value.
"""

from __future__ import annotations

import math

from twin.errors import InputError


def require_at_least(option: str, value: int, minimum: int, hint: str) -> int:
    """`value` when it is at least `minimum`, else InputError naming `option`."""
    if value < minimum:
        raise InputError.at(option, 0, 0, f"{option} must be at least {minimum}, not {value}", hint)
    return value


def require_positive(option: str, value: float, hint: str) -> float:
    """A finite number above zero (a precision target, a traffic total)."""
    if not (math.isfinite(value) and value > 0):
        raise InputError.at(option, 0, 0, f"{option} must be a positive number, not {value}", hint)
    return value


def require_non_negative(option: str, value: float, hint: str) -> float:
    """A finite number at or above zero (tolerances, thresholds)."""
    if not (math.isfinite(value) and value >= 0):
        raise InputError.at(
            option, 0, 0, f"{option} must be a finite number >= 0, not {value}", hint
        )
    return value


def require_workers(value: int) -> int:
    return require_at_least(
        "--workers", value, 1, "use 1 (in this process) or the number of cores to use"
    )


def require_replications(value: int, option: str = "--replications") -> int:
    return require_at_least(
        option, value, 1, "one replication is one simulated horizon; use e.g. 20 or more"
    )
