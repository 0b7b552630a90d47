"""Parsing of human quantities (durations, rates) into the internal units.

Simulation time is hours (float) everywhere inside the twin; files and the command line speak
in whatever unit reads best (``50ms``, ``12h``, ``30d``, ``10y``). Conversion happens here, once.
"""

from __future__ import annotations

import math
import re

# The year behind every "per year" figure (failure rates, downtime per year, link failures per
# year): the Julian year of 365.25 days x 24 h. It is the mean calendar year over the four-year
# leap cycle, so a rate per year means the same over a 1-year and a 10-year horizon (a 365-day
# year would read a decade's failures 0.07 % high), and it is the astronomers' year (IAU) that
# fixes the light-year. The Gregorian mean (365.2425 d) differs by 7 ppm, far below the
# precision of any failure rate. Write `HOURS_PER_YEAR`, never the bare number.
HOURS_PER_YEAR = 365.25 * 24.0
MINUTES_PER_HOUR = 60.0

_DURATION_UNITS_H: dict[str, float] = {
    "ms": 1.0 / 3_600_000.0,
    "s": 1.0 / 3600.0,
    "min": 1.0 / 60.0,
    "m": 1.0 / 60.0,
    "h": 1.0,
    "d": 24.0,
    "w": 24.0 * 7.0,
    "y": HOURS_PER_YEAR,
}

_DURATION_RE = re.compile(
    r"^\s*([-+]?)\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(ms|s|min|m|h|d|w|y)\s*$"
)


class UnitError(ValueError):
    """A quantity that cannot be parsed; the loader turns it into a located InputError."""


def parse_duration_h(value: object) -> float:
    """Parse ``'72h'``, ``'90d'``, ``'10y'``, ``'50ms'`` (or a bare number of hours) into hours."""
    if isinstance(value, bool):
        raise UnitError(f"expected a duration such as '12h' or '30d', got {value!r}")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise UnitError(f"a duration must be a finite number, got {value!r}")
        if value < 0:
            raise UnitError(f"a duration cannot be negative, got {value!r}")
        return float(value)
    if not isinstance(value, str):
        raise UnitError(f"expected a duration such as '12h' or '30d', got {value!r}")
    match = _DURATION_RE.match(value)
    if not match:
        raise UnitError(
            f"cannot read duration {value!r}: write a number and a unit "
            "(ms, s, min, h, d, w, y), e.g. '12h' or '30d'"
        )
    sign, number, unit = match.groups()
    if sign == "-" and float(number) > 0:
        raise UnitError(f"a duration cannot be negative, got {value!r}")
    hours = float(number) * _DURATION_UNITS_H[unit]
    if not math.isfinite(hours):  # '1e400d' overflows to infinity
        raise UnitError(f"duration {value!r} is too large to be a time span")
    return hours


def hours_to_ms(hours: float) -> float:
    return hours * 3_600_000.0


def ms_to_hours(ms: float) -> float:
    return ms / 3_600_000.0


# The finest unit repair waits and restore times are printed in: they are hours or days, and a
# zero wait reads "0 h", not "0 ms".
WAIT_UNIT = "h"

# The units durations are printed in, largest first, with their length in hours.
_PRINT_UNITS_H: tuple[tuple[str, float], ...] = (
    ("d", 24.0),
    ("h", 1.0),
    ("min", 1.0 / 60.0),
    ("s", 1.0 / 3600.0),
    ("ms", 1.0 / 3_600_000.0),
)


def format_duration_h(hours: float, smallest: str = "ms") -> str:
    """Render a duration in the largest unit that keeps it readable (for tables and timelines).

    `smallest` is the finest unit the quantity is read in: repair waits and restore times are
    hours or days, so a zero wait prints `0 h` (not `0 ms`) and a 20-minute one `0.3 h`;
    failover interruptions keep milliseconds. Days from two days up (`36.0 h`, `2.0 d`).
    """
    names = [name for name, _ in _PRINT_UNITS_H]
    floor = names.index(smallest)
    for index, (name, unit_h) in enumerate(_PRINT_UNITS_H):
        threshold = 2.0 if name == "d" else 1.0
        if index == floor or hours >= threshold * unit_h:
            value = hours / unit_h
            if value == 0:
                return f"0 {name}"
            return f"{value:.0f} {name}" if name == "ms" else f"{value:.1f} {name}"
    raise AssertionError("unreachable: the ladder ends at its floor")
