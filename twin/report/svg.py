"""Inline SVG charts for the HTML report, generated in Python so the page needs no JS library.

Every function returns an SVG string that depends only on its arguments (coordinates are rounded
to 0.1 px and formatted with `:g`), so the same result renders byte-identically. Charts carry
`<title>` children, which browsers show as tooltips without any script.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from twin.units import format_duration_h

FONT = "font-family=\"system-ui,-apple-system,'Segoe UI',Roboto,sans-serif\""
GRID = "#d9dde3"
INK = "#1f2933"
MUTED = "#66707a"
DOWN = "#c62828"
DEGRADED = "#ef8f00"
OK = "#2e7d32"
WAIT = "#7b1fa2"


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def n(value: float) -> str:
    """A coordinate rounded to 0.1 px: stable output, small files."""
    rounded = round(value, 1)
    if rounded == 0:
        rounded = 0.0  # no "-0"
    return f"{rounded:g}"


def time_unit(horizon_h: float) -> tuple[str, float]:
    """The unit a time axis over `horizon_h` reads best in: (label, hours per unit)."""
    if horizon_h >= 2 * 8766.0:
        return "years", 8766.0
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


def _svg_open(width: float, height: float, element_id: str, css_class: str, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{esc(element_id)}" class="{css_class}" '
        f'viewBox="0 0 {n(width)} {n(height)}" width="{n(width)}" height="{n(height)}" '
        f'role="img" aria-label="{esc(label)}" {FONT} font-size="11">'
    )


def time_axis(x0: float, x1: float, y: float, horizon_h: float, grid_top: float | None) -> str:
    """Ticks and labels of a time axis at height `y`; vertical grid lines up to `grid_top`."""
    unit, per = time_unit(horizon_h)
    out: list[str] = []
    span = x1 - x0
    for tick in nice_ticks(0.0, horizon_h / per, 6):
        x = x0 + span * tick * per / horizon_h
        if grid_top is not None:
            out.append(
                f'<line x1="{n(x)}" y1="{n(grid_top)}" x2="{n(x)}" y2="{n(y)}" stroke="{GRID}"/>'
            )
        out.append(
            f'<text x="{n(x)}" y="{n(y + 13)}" text-anchor="middle" fill="{MUTED}">{tick:g}</text>'
        )
    out.append(
        f'<text x="{n(x1)}" y="{n(y + 26)}" text-anchor="end" fill="{MUTED}">time ({unit})</text>'
    )
    return "".join(out)


def _when(hours: float, horizon_h: float) -> str:
    unit, per = time_unit(horizon_h)
    return f"{hours / per:.2f} {unit[:-1] if unit.endswith('s') else unit}"


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
    interval: tuple[float, float] | None = None,
    width: float = 420.0,
) -> str:
    """A horizontal bar of availability in nines, with the SLA target as a vertical line.

    A linear 0-100 % bar cannot tell 99.9 % from 99.99 %, which is the whole question; on the
    nines scale each step right is ten times less downtime.
    """
    height = 46.0
    x0, x1 = 22.0, width - 34.0  # room for the end labels
    top = max(5.0, math.ceil(max(nines(availability), nines(sla) if sla else 0.0) + 0.5))
    top = min(top, 7.0)

    def xpos(a: float) -> float:
        return x0 + (x1 - x0) * min(nines(a), top) / top

    held = sla is None or availability + 1e-12 >= sla
    colour = OK if held else DOWN
    out = [_svg_open(width, height, element_id, "chart availability", "availability vs SLA")]
    out.append(f'<rect x="{n(x0)}" y="6" width="{n(x1 - x0)}" height="16" fill="#eef1f4" rx="2"/>')
    out.append(
        f'<rect class="bar" x="{n(x0)}" y="6" width="{n(xpos(availability) - x0)}" height="16" '
        f'fill="{colour}" rx="2"><title>availability {availability * 100:.6f} %</title></rect>'
    )
    if interval is not None:
        lo, hi = xpos(interval[0]), xpos(interval[1])
        out.append(
            f'<line x1="{n(lo)}" y1="14" x2="{n(hi)}" y2="14" stroke="{INK}" stroke-width="1.5">'
            f"<title>95 % interval {interval[0] * 100:.5f} – {interval[1] * 100:.5f} %</title>"
            "</line>"
        )
    for k in range(int(top) + 1):
        x = x0 + (x1 - x0) * k / top
        label = "0" if k == 0 else f"{100 * (1 - 10**-k):.{max(0, k - 2)}f}"
        out.append(f'<line x1="{n(x)}" y1="22" x2="{n(x)}" y2="26" stroke="{MUTED}"/>')
        out.append(
            f'<text x="{n(x)}" y="38" text-anchor="middle" fill="{MUTED}" font-size="10">'
            f"{label}</text>"
        )
    if sla is not None:
        xs = xpos(sla)
        out.append(
            f'<line class="sla-target" x1="{n(xs)}" y1="2" x2="{n(xs)}" y2="26" stroke="{INK}" '
            f'stroke-width="2" stroke-dasharray="3 2"><title>SLA target {sla * 100:g} %</title>'
            "</line>"
        )
    out.append("</svg>")
    return "".join(out)


# ----------------------------------------------------------------------------------------------
# Outage strip (Gantt-like) and element timeline
# ----------------------------------------------------------------------------------------------


def outage_strip(
    outages: Sequence[tuple[float, float, str, str]],
    horizon_h: float,
    element_id: str,
    width: float = 860.0,
) -> str:
    """One row over the horizon: green where the demand was up, red/orange where it was not.

    `outages` are (start_h, end_h, kind, tooltip). Outages shorter than a pixel are drawn one
    pixel wide, so a 2-second failover is still visible as a tick.
    """
    height = 58.0
    x0, x1 = 10.0, width - 10.0
    out = [_svg_open(width, height, element_id, "chart outages", "outage timeline")]
    out.append(f'<rect x="{n(x0)}" y="8" width="{n(x1 - x0)}" height="20" fill="#cfe8d1"/>')
    for start, end, kind, tip in outages:
        xa = x0 + (x1 - x0) * max(0.0, start) / horizon_h
        xb = x0 + (x1 - x0) * min(horizon_h, end) / horizon_h
        colour = DEGRADED if kind == "degraded" else DOWN
        out.append(
            f'<rect class="outage" x="{n(xa)}" y="8" width="{n(max(1.0, xb - xa))}" height="20" '
            f'fill="{colour}"><title>{esc(tip)}</title></rect>'
        )
    out.append(time_axis(x0, x1, 30.0, horizon_h, None))
    out.append("</svg>")
    return "".join(out)


def element_timeline(
    rows: Sequence[tuple[str, Sequence[tuple[float, float, float, str, str]]]],
    horizon_h: float,
    element_id: str,
    width: float = 1100.0,
) -> str:
    """A Gantt chart of element downtime: one row per element, waits for repair hatched.

    `rows` are (element, [(start_h, end_h, wait_h, cause, tooltip)]). The wait (queueing for a
    ship or crew) is drawn first, in purple hatching, then the repair itself: it shows at a
    glance whether an outage was long because of the fault or because of the queue.
    """
    label_w = 150.0
    row_h = 18.0
    x0, x1 = label_w, width - 12.0
    height = 20.0 + row_h * max(1, len(rows)) + 34.0
    out = [_svg_open(width, height, element_id, "chart element-timeline", "failure timeline")]
    out.append(
        '<defs><pattern id="wait-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#e1bee7"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{WAIT}" stroke-width="2.5"/></pattern></defs>'
    )
    bottom = 14.0 + row_h * max(1, len(rows))
    out.append(time_axis(x0, x1, bottom + 2.0, horizon_h, 10.0))
    for index, (element, intervals) in enumerate(rows):
        y = 14.0 + row_h * index
        out.append(
            f'<text x="{n(label_w - 8)}" y="{n(y + 12)}" text-anchor="end" fill="{INK}">'
            f"{esc(element)}</text>"
        )
        out.append(
            f'<line x1="{n(x0)}" y1="{n(y + row_h / 2)}" x2="{n(x1)}" y2="{n(y + row_h / 2)}" '
            f'stroke="{GRID}"/>'
        )
        for start, end, wait, cause, tip in intervals:
            xa = x0 + (x1 - x0) * max(0.0, start) / horizon_h
            xw = x0 + (x1 - x0) * min(horizon_h, start + wait) / horizon_h
            xb = x0 + (x1 - x0) * min(horizon_h, end) / horizon_h
            colour = "#1565c0" if cause == "maintenance" else DOWN
            if wait > 0:
                out.append(
                    f'<rect class="wait" x="{n(xa)}" y="{n(y + 3)}" width="{n(max(1.0, xw - xa))}"'
                    f' height="{n(row_h - 6)}" fill="url(#wait-hatch)"><title>{esc(tip)}</title>'
                    "</rect>"
                )
            out.append(
                f'<rect class="down" x="{n(xw)}" y="{n(y + 3)}" width="{n(max(1.0, xb - xw))}" '
                f'height="{n(row_h - 6)}" fill="{colour}"><title>{esc(tip)}</title></rect>'
            )
    out.append("</svg>")
    return "".join(out)


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


def rtt_chart(
    series: Sequence[tuple[float, float | None]],
    horizon_h: float,
    element_id: str,
    budget_ms: float | None = None,
    width: float = 560.0,
) -> str:
    """RTT as a step line over the horizon; gaps (red band) while disconnected; budget dashed."""
    height = 190.0
    x0, x1, y0, y1 = 46.0, width - 10.0, 12.0, 150.0
    segments = step_points(series, horizon_h)
    values = [s[2] for s in segments if s[2] is not None]
    if budget_ms is not None:
        values.append(budget_ms)
    lo = 0.0
    hi = max(values) * 1.1 if values else 1.0
    out = [_svg_open(width, height, element_id, "chart rtt", "RTT over time")]

    def ypos(v: float) -> float:
        return y1 - (y1 - y0) * (v - lo) / (hi - lo)

    for tick in nice_ticks(lo, hi, 5):
        y = ypos(tick)
        out.append(f'<line x1="{n(x0)}" y1="{n(y)}" x2="{n(x1)}" y2="{n(y)}" stroke="{GRID}"/>')
        out.append(
            f'<text x="{n(x0 - 5)}" y="{n(y + 4)}" text-anchor="end" fill="{MUTED}">{tick:g}</text>'
        )
    out.append(f'<text x="{n(x0)}" y="{n(y0 - 2)}" fill="{MUTED}" font-size="10">RTT (ms)</text>')
    out.append(time_axis(x0, x1, y1, horizon_h, None))

    def xpos(t: float) -> float:
        return x0 + (x1 - x0) * t / horizon_h

    path: list[str] = []
    pen_down = False
    for start, end, rtt in segments:
        if rtt is None:
            out.append(
                f'<rect class="gap" x="{n(xpos(start))}" y="{n(y0)}" '
                f'width="{n(max(1.0, xpos(end) - xpos(start)))}" height="{n(y1 - y0)}" '
                f'fill="{DOWN}" fill-opacity="0.25"><title>disconnected '
                f"{esc(format_duration_h(end - start))}</title></rect>"
            )
            pen_down = False
            continue
        y = ypos(rtt)
        path.append(f"{'L' if pen_down else 'M'}{n(xpos(start))} {n(y)} L{n(xpos(end))} {n(y)}")
        pen_down = True
    if path:
        out.append(
            f'<path class="rtt-line" d="{" ".join(path)}" fill="none" stroke="#1565c0" '
            'stroke-width="1.6"/>'
        )
    if budget_ms is not None:
        yb = ypos(budget_ms)
        out.append(
            f'<line class="rtt-budget" x1="{n(x0)}" y1="{n(yb)}" x2="{n(x1)}" y2="{n(yb)}" '
            f'stroke="{DOWN}" stroke-dasharray="5 3"><title>RTT budget {budget_ms:g} ms</title>'
            "</line>"
        )
    out.append("</svg>")
    return "".join(out)


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
) -> str:
    """Share of the horizon spent at each RTT level, as labelled horizontal bars.

    Bars use a square-root scale so a level held for 0.1 % of the time is still visible next
    to one held for 99.9 %; the exact share and duration are written beside each bar.
    """
    levels = _top_levels(rtt_levels(series, horizon_h)) if series else []
    row = 20.0
    height = 16.0 + row * max(1, len(levels))
    out = [_svg_open(width, height, element_id, "chart rtt-dist", "RTT distribution")]
    x0, x1 = 64.0, width - 118.0
    for index, (level, hours) in enumerate(levels):
        y = 8.0 + row * index
        share = hours / horizon_h
        if isinstance(level, str):
            label, colour = "other", MUTED
        elif level is None:
            label, colour = "down", DOWN
        else:
            label, colour = f"{level:.1f} ms", "#1565c0"
        out.append(
            f'<text x="{n(x0 - 6)}" y="{n(y + 12)}" text-anchor="end" fill="{INK}">'
            f"{esc(label)}</text>"
        )
        out.append(
            f'<rect class="level" x="{n(x0)}" y="{n(y + 2)}" '
            f'width="{n(max(1.0, (x1 - x0) * math.sqrt(share)))}" height="{n(row - 6)}" '
            f'fill="{colour}"/>'
        )
        out.append(
            f'<text x="{n(x1 + 6)}" y="{n(y + 12)}" fill="{MUTED}">{share * 100:.3g} % · '
            f"{esc(format_duration_h(hours))}</text>"
        )
    if not levels:
        out.append(f'<text x="8" y="20" fill="{MUTED}">no RTT samples</text>')
    out.append("</svg>")
    return "".join(out)
