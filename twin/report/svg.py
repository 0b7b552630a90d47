"""Inline SVG charts for the HTML report, generated in Python so the page needs no JS library.

Every function returns an SVG string that depends only on its arguments (coordinates are rounded
to 0.1 px and formatted with `:g`), so the same result renders byte-identically. Charts carry
`<title>` children, which browsers show as tooltips without any script.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from markupsafe import Markup

from twin.report.html_env import draw, n
from twin.units import HOURS_PER_YEAR, format_duration_h


def _draw(macro: str, **geometry: Any) -> Markup:
    """One piece of `templates/charts.svg.j2` drawn from the geometry computed here."""
    return draw("charts.svg.j2", macro, geometry)


def time_unit(horizon_h: float) -> tuple[str, float]:
    """The unit a time axis over `horizon_h` reads best in: (label, hours per unit)."""
    if horizon_h >= 2 * HOURS_PER_YEAR:
        return "years", HOURS_PER_YEAR
    if horizon_h >= 72.0:
        return "days", 24.0
    return "hours", 1.0


def nice_ticks(lo: float, hi: float, count: int = 6) -> list[float]:
    """Round tick values (1, 2, 2.5, 5 x 10^k steps) covering [lo, hi]."""
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / max(1, count)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks: list[float] = []
    value = first
    while value <= hi + 1e-9 * step:
        ticks.append(round(value, 10))
        value += step
    return ticks


def time_axis(
    x0: float, x1: float, y: float, horizon_h: float, grid_top: float | None
) -> SimpleNamespace:
    """Ticks (x, label) of a time axis at height `y`; vertical grid lines up to `grid_top`."""
    unit, per = time_unit(horizon_h)
    ticks = [
        (x0 + (x1 - x0) * tick * per / horizon_h, f"{tick:g}")
        for tick in nice_ticks(0.0, horizon_h / per, 6)
    ]
    return SimpleNamespace(ticks=ticks, x1=x1, y=y, grid_top=grid_top, unit=unit)


# ----------------------------------------------------------------------------------------------
# Availability against the SLA, on a scale of nines
# ----------------------------------------------------------------------------------------------


def nines(availability: float, cap: float = 7.0) -> float:
    """-log10(1 - A): 2 for 99 %, 4 for 99.99 %; capped so 100 % has a finite bar."""
    if availability >= 1.0:
        return cap
    return min(cap, -math.log10(max(1e-300, 1.0 - availability)))


def availability_bar(
    availability: float,
    sla: float | None,
    element_id: str,
    held: bool,
    interval: tuple[float, float] | None = None,
    width: float = 420.0,
) -> Markup:
    """A horizontal bar of availability in nines, with the SLA target as a vertical line.

    A linear 0-100 % bar cannot tell 99.9 % from 99.99 %, which is the whole question; on the
    nines scale each step right is ten times less downtime. `held` is the result's own
    verdict (green or red): the bar draws it and never judges the target again.
    """
    x0, x1 = 22.0, width - 34.0  # room for the end labels
    top = max(5.0, math.ceil(max(nines(availability), nines(sla) if sla else 0.0) + 0.5))
    top = min(top, 7.0)

    def xpos(a: float) -> float:
        return x0 + (x1 - x0) * min(nines(a), top) / top

    return _draw(
        "availability_bar",
        width=width,
        height=46.0,
        element_id=element_id,
        x0=x0,
        x1=x1,
        bar_width=xpos(availability) - x0,
        held=held,
        bar_title=f"availability {availability * 100:.6f} %",
        interval=(
            None
            if interval is None
            else (
                xpos(interval[0]),
                xpos(interval[1]),
                f"95 % interval {interval[0] * 100:.5f} – {interval[1] * 100:.5f} %",
            )
        ),
        ticks=[
            (x0 + (x1 - x0) * k / top, "0" if k == 0 else f"{100 * (1 - 10**-k):.{max(0, k - 2)}f}")
            for k in range(int(top) + 1)
        ],
        sla=None if sla is None else (xpos(sla), f"SLA target {sla * 100:g} %"),
    )


# ----------------------------------------------------------------------------------------------
# Outage strip (Gantt-like) and element timeline
# ----------------------------------------------------------------------------------------------


def outage_strip(
    outages: Sequence[tuple[float, float, str, str]],
    horizon_h: float,
    element_id: str,
    width: float = 860.0,
) -> Markup:
    """One row over the horizon: green where the demand was up, red/orange where it was not.

    `outages` are (start_h, end_h, kind, tooltip). Outages shorter than a pixel are drawn one
    pixel wide, so a 2-second failover is still visible as a tick.
    """
    x0, x1 = 10.0, width - 10.0
    spans = []
    for start, end, kind, tip in outages:
        xa = x0 + (x1 - x0) * max(0.0, start) / horizon_h
        xb = x0 + (x1 - x0) * min(horizon_h, end) / horizon_h
        spans.append((xa, max(1.0, xb - xa), kind, tip))
    return _draw(
        "outage_strip",
        width=width,
        height=58.0,
        element_id=element_id,
        x0=x0,
        x1=x1,
        spans=spans,
        axis=time_axis(x0, x1, 30.0, horizon_h, None),
    )


def element_timeline(
    rows: Sequence[tuple[str, Sequence[tuple[float, float, float, str, str]]]],
    horizon_h: float,
    element_id: str,
    width: float = 1100.0,
) -> Markup:
    """A Gantt chart of element downtime: one row per element, waits for repair hatched.

    `rows` are (element, [(start_h, end_h, wait_h, cause, tooltip)]). The wait (queueing for a
    ship or crew) is drawn first, in purple hatching, then the repair itself: it shows at a
    glance whether an outage was long because of the fault or because of the queue.
    """
    row_h = 18.0
    x0, x1 = 150.0, width - 12.0  # left of x0: the element names

    def xpos(hours: float) -> float:
        return x0 + (x1 - x0) * hours / horizon_h

    drawn = []
    for index, (element, intervals) in enumerate(rows):
        bars = []
        for start, end, wait, cause, tip in intervals:
            xa, xw = xpos(max(0.0, start)), xpos(min(horizon_h, start + wait))
            xb = xpos(min(horizon_h, end))
            wait_w = max(1.0, xw - xa) if wait > 0 else None
            bars.append((xa, wait_w, xw, max(1.0, xb - xw), cause == "maintenance", tip))
        drawn.append((14.0 + row_h * index, element, bars))
    bottom = 14.0 + row_h * max(1, len(rows))
    return _draw(
        "element_timeline",
        width=width,
        height=20.0 + row_h * max(1, len(rows)) + 34.0,
        element_id=element_id,
        x0=x0,
        x1=x1,
        row_h=row_h,
        rows=drawn,
        axis=time_axis(x0, x1, bottom + 2.0, horizon_h, 10.0),
    )


# ----------------------------------------------------------------------------------------------
# RTT over time and its distribution
# ----------------------------------------------------------------------------------------------


def step_points(
    series: Sequence[tuple[float, float | None]], horizon_h: float
) -> list[tuple[float, float, float | None]]:
    """Segments (start_h, end_h, rtt_ms or None) of a step series, merged where equal."""
    segments: list[tuple[float, float, float | None]] = []
    ordered = sorted(series, key=lambda p: p[0])
    for index, (t, rtt) in enumerate(ordered):
        end = ordered[index + 1][0] if index + 1 < len(ordered) else horizon_h
        end = min(end, horizon_h)
        if end <= t:
            continue
        if segments and segments[-1][2] == rtt and abs(segments[-1][1] - t) < 1e-9:
            segments[-1] = (segments[-1][0], end, rtt)
        else:
            segments.append((t, end, rtt))
    return segments


def _over_time(
    macro: str,
    width: float,
    element_id: str,
    box: tuple[float, float, float, float],
    horizon_h: float,
    yticks: list[tuple[float, str]],
    **parts: Any,
) -> Markup:
    """A chart over the horizon in `box` (x0, x1, y0, y1): its frame, ticks and time axis,
    plus the macro's own `parts`."""
    x0, x1, y0, y1 = box
    return _draw(
        macro,
        width=width,
        height=190.0,
        element_id=element_id,
        x0=x0,
        x1=x1,
        y0=y0,
        y1=y1,
        yticks=yticks,
        axis=time_axis(x0, x1, y1, horizon_h, None),
        **parts,
    )


def rtt_chart(
    series: Sequence[tuple[float, float | None]],
    horizon_h: float,
    element_id: str,
    budget_ms: float | None = None,
    width: float = 560.0,
) -> Markup:
    """RTT as a step line over the horizon; gaps (red band) while disconnected; budget dashed."""
    x0, x1, y0, y1 = 46.0, width - 10.0, 12.0, 150.0
    segments = step_points(series, horizon_h)
    values = [s[2] for s in segments if s[2] is not None]
    if budget_ms is not None:
        values.append(budget_ms)
    hi = max(values) * 1.1 if values else 1.0

    def ypos(v: float) -> float:
        return y1 - (y1 - y0) * v / hi

    def xpos(t: float) -> float:
        return x0 + (x1 - x0) * t / horizon_h

    path: list[str] = []
    gaps = []
    pen_down = False
    for start, end, rtt in segments:
        if rtt is None:
            width_px = max(1.0, xpos(end) - xpos(start))
            gaps.append((xpos(start), width_px, format_duration_h(end - start)))
            pen_down = False
            continue
        y = ypos(rtt)
        path.append(f"{'L' if pen_down else 'M'}{n(xpos(start))} {n(y)} L{n(xpos(end))} {n(y)}")
        pen_down = True
    budget = None
    if budget_ms is not None:
        budget = (ypos(budget_ms), f"RTT budget {budget_ms:g} ms")
    return _over_time(
        "rtt_chart",
        width,
        element_id,
        (x0, x1, y0, y1),
        horizon_h,
        [(ypos(tick), f"{tick:g}") for tick in nice_ticks(0.0, hi, 5)],
        gaps=gaps,
        path=" ".join(path),
        budget=budget,
    )


def rtt_levels(
    series: Sequence[tuple[float, float | None]], horizon_h: float, bin_ms: float = 0.1
) -> list[tuple[float | None, float]]:
    """Time spent at each RTT level: [(rtt_ms or None, hours)], by RTT.

    RTTs are rounded to the nearest `bin_ms` (0.1 ms, the precision the tables print), not
    floored to whole milliseconds: a 75.8 ms path labelled "75 ms", or 124.99999 ms shown as
    "124 ms", contradicted every other figure on the page.
    """
    totals: dict[float | None, float] = {}
    for start, end, rtt in step_points(series, horizon_h):
        key = None if rtt is None else round(round(rtt / bin_ms) * bin_ms, 6)
        totals[key] = totals.get(key, 0.0) + (end - start)
    return sorted(totals.items(), key=lambda kv: (kv[0] is None, kv[0] or 0.0))


MAX_LEVELS = 8


def _top_levels(levels: list[tuple[float | None, float]]) -> list[tuple[float | str | None, float]]:
    """At most MAX_LEVELS rows: the levels held longest (in RTT order), the rest as "other"."""
    if len(levels) <= MAX_LEVELS:
        return list(levels)
    keep = sorted(levels, key=lambda kv: (-kv[1], kv[0] is None, kv[0] or 0.0))[: MAX_LEVELS - 1]
    rest = sum(h for lv, h in levels if (lv, h) not in keep)
    shown: list[tuple[float | str | None, float]] = [lv for lv in levels if lv in keep]
    shown.append(("other", rest))
    return shown


def rtt_distribution(
    series: Sequence[tuple[float, float | None]],
    horizon_h: float,
    element_id: str,
    width: float = 300.0,
) -> Markup:
    """Share of the horizon spent at each RTT level, as labelled horizontal bars.

    Bars use a square-root scale so a level held for 0.1 % of the time is still visible next
    to one held for 99.9 %; the exact share and duration are written beside each bar.
    """
    levels = _top_levels(rtt_levels(series, horizon_h)) if series else []
    row_h = 20.0
    x0, x1 = 64.0, width - 118.0
    rows = []
    for index, (level, hours) in enumerate(levels):
        share = hours / horizon_h
        if isinstance(level, str):
            label, kind = "other", "other"
        elif level is None:
            label, kind = "down", "down"
        else:
            label, kind = f"{level:.1f} ms", "level"
        bar_w = max(1.0, (x1 - x0) * math.sqrt(share))
        text = f"{share * 100:.3g} % · {format_duration_h(hours)}"
        rows.append((8.0 + row_h * index, label, kind, bar_w, text))
    return _draw(
        "rtt_distribution",
        width=width,
        height=16.0 + row_h * max(1, len(levels)),
        element_id=element_id,
        x0=x0,
        x1=x1,
        row_h=row_h,
        rows=rows,
    )


# ----------------------------------------------------------------------------------------------
# Restoration odds from a state
# ----------------------------------------------------------------------------------------------


def restoration_chart(
    points: Sequence[tuple[float, float, float, float]],
    horizon_h: float,
    element_id: str,
    width: float = 560.0,
) -> Markup:
    """P(restored by t) as a step line with its 95 % interval as a band; `points` are
    (t_h, p, low, high) in time order (a step function: each holds until the next)."""
    x0, x1, y0, y1 = 46.0, width - 10.0, 14.0, 150.0

    def xpos(t: float) -> float:
        return x0 + (x1 - x0) * min(t, horizon_h) / horizon_h

    def ypos(p: float) -> float:
        return y1 - (y1 - y0) * p

    line: list[str] = []
    upper: list[str] = []
    lower: list[str] = []
    tips = []
    for index, (t_h, p, low, high) in enumerate(points):
        end = points[index + 1][0] if index + 1 < len(points) else horizon_h
        a, b = n(xpos(t_h)), n(xpos(end))
        line.append(f"{'L' if line else 'M'}{a} {n(ypos(p))} L{b} {n(ypos(p))}")
        upper.append(f"{a} {n(ypos(high))} {b} {n(ypos(high))}")
        lower.append(f"{b} {n(ypos(low))} {a} {n(ypos(low))}")
        text = f"by {format_duration_h(t_h, 'h')}: {p:.3f} (95 % {low:.3f} – {high:.3f})"
        tips.append((xpos(t_h), ypos(p), text))
    band = f"M{' L'.join(upper)} L{' L'.join(reversed(lower))} Z" if points else ""
    return _over_time(
        "restoration_chart",
        width,
        element_id,
        (x0, x1, y0, y1),
        horizon_h,
        [(ypos(tick), f"{tick:g}") for tick in (0.0, 0.25, 0.5, 0.75, 1.0)],
        band=band,
        path=" ".join(line),
        points=tips,
    )
