"""What a run report shows beyond the raw result: element down intervals, repair waits, verdicts.

The HTML report and the matplotlib plots draw the same facts, so the derived ones (which element
was down when, how long a repair queued for a ship, the one-line verdict per demand) are
computed here once, from a `twin.results.SimulationResult`, and never differ between the two.

The verdict sentence ("missed: down 61.0 d after tcfo cut; repair waited 14.0 d for
caspian-vessel") is a fact about the result, not about its layout, hence it lives here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from twin.errors import InputError
from twin.json_input import check_shape
from twin.results import RUN_SCHEMA, RUN_SCHEMA_V1, DemandResult, Outage, SimulationResult
from twin.results.prose import describe
from twin.results.records import NO_PATH_AT_START, ElementOutage, cause_elements
from twin.results.rtt import fibre_differs, rtt_text
from twin.units import HOURS_PER_YEAR, WAIT_UNIT, format_duration_h

__all__ = [
    "ElementDown",
    "RepairWait",
    "element_downs",
    "format_percent",
    "load_run",
    "outage_elements",
    "repair_waits",
    "verdict",
]


@dataclass(frozen=True)
class ElementDown:
    """One down interval of a network element, for the failure timeline and the map: a view of
    one `ElementOutage` record (`record` is its id).

    `wait_h` is the part of the interval spent queueing for `resource` before repair started;
    `window_wait_h` the part its repair stood still for a closed `window` of the resource.
    """

    element: str
    start_h: float
    end_h: float
    cause: str = "failure"
    wait_h: float = 0.0
    resource: str = ""
    detail: str = ""  # the fault as people read it (rendered from the record)
    record: int = -1
    window_wait_h: float = 0.0
    window: str = ""

    @property
    def duration_h(self) -> float:
        return max(0.0, self.end_h - self.start_h)


@dataclass(frozen=True)
class RepairWait:
    """Time a failed element spent queueing for a repair resource (ship or crew)."""

    element: str
    resource: str
    start_h: float
    wait_h: float


def load_run(
    data: SimulationResult | Mapping[str, Any], path: str = "<results>"
) -> SimulationResult:
    """A run result from its object or its JSON document; InputError if it is something else."""
    if isinstance(data, SimulationResult):
        return data
    schema = data.get("schema")
    if schema == RUN_SCHEMA_V1:
        raise InputError.at(
            path,
            1,
            1,
            f"run results of schema {RUN_SCHEMA_V1!r} (an earlier twin) name outage causes in "
            f"prose only; this twin reads the structured records of {RUN_SCHEMA!r}",
            "re-run the scenario to rewrite the file: `twin run SCENARIO --json FILE`",
        )
    if schema != RUN_SCHEMA:
        raise InputError.at(
            path,
            1,
            1,
            f"not a run results file (schema {schema!r}, expected {RUN_SCHEMA!r})",
            "write one with `twin run SCENARIO --json FILE`",
        )
    check_shape(
        data, SimulationResult, path, "run results", "rewrite it: `twin run SCENARIO --json FILE`"
    )
    try:
        result = SimulationResult.from_dict(dict(data))
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError.at(
            path,
            1,
            1,
            f"run results are incomplete or malformed: {type(exc).__name__}: {exc}",
            "rewrite the file with the same twin version: `twin run SCENARIO --json FILE`",
        ) from exc
    if not result.horizon_h or result.horizon_h <= 0:
        raise InputError.at(path, 1, 1, "run results have no positive horizon_h")
    return result


def _element_down(record: ElementOutage, horizon_h: float) -> ElementDown:
    return ElementDown(
        element=record.element,
        start_h=record.failed_at_h,
        end_h=record.end_h(horizon_h),
        cause=record.cause_kind,
        wait_h=record.wait_h,
        resource=record.resource or "",
        detail=describe(record),
        record=record.id,
        window_wait_h=record.window_wait_h,
        window=record.window or "",
    )


def element_downs(result: SimulationResult) -> list[ElementDown]:
    """Down intervals of links, nodes and SRLGs: the run's element outage records, in time order.

    An SRLG fault is one interval of the SRLG; a scheduled event that cut several elements is
    one interval per element (each had a repair of its own).
    """
    downs = [_element_down(r, result.horizon_h) for r in result.element_outages]
    return sorted(downs, key=lambda d: (d.start_h, d.element))


def repair_waits(result: SimulationResult) -> list[RepairWait]:
    return [
        RepairWait(d.element, d.resource, d.start_h, d.wait_h)
        for d in element_downs(result)
        if d.wait_h > 0 and d.resource
    ]


def outage_elements(result: SimulationResult, outage: Outage) -> list[str]:
    """Ids of the elements whose faults cut the demand's last path at the outage's start."""
    return list(cause_elements(result.element_outages, outage.caused_by))


def longest_outage(demand: DemandResult) -> Outage | None:
    if not demand.outages:
        return None
    return max(demand.outages, key=lambda o: (o.duration_h, -o.start_h))


def over_budget(demand: DemandResult, horizon_h: float) -> list[tuple[float, float, float]]:
    """Intervals (start_h, end_h, rtt_ms) when the demand was connected but over its RTT budget."""
    limit = demand.sla_max_rtt_ms
    if limit is None:
        return []
    points = sorted(demand.rtt_series, key=lambda p: p[0])
    spans: list[tuple[float, float, float]] = []
    for index, (t, rtt) in enumerate(points):
        end = points[index + 1][0] if index + 1 < len(points) else horizon_h
        if rtt is not None and rtt > limit + 1e-9 and end > t:
            spans.append((t, min(end, horizon_h), rtt))
    return spans


def _culprit(
    downs: list[ElementDown], start_h: float, caused_by: tuple[int, ...] = ()
) -> ElementDown | None:
    """The element down that explains trouble beginning at `start_h`: among the faults an
    outage names (`caused_by`) if it names any, else among those down at that moment; the
    latest to fail (then the last by id) when several qualify."""
    named = [d for d in downs if d.record in caused_by]
    if named:
        return max(named, key=lambda d: (d.start_h, d.element))
    live = [d for d in downs if d.start_h <= start_h + 1e-6 and d.end_h >= start_h - 1e-6]
    if not live:
        return None
    return max(live, key=lambda d: (d.start_h, d.element))


def outage_blame(downs: list[ElementDown], demand: DemandResult) -> list[tuple[str, int, float]]:
    """[(element, outages, hours)] of the elements whose failures took the demand down, worst first.

    Over a long stochastic run the single longest outage says little; which element keeps
    taking the demand down (and for how long in total) is what a planner acts on.
    """
    totals: dict[str, tuple[int, float]] = {}
    for outage in demand.outages:
        found = _culprit(downs, outage.start_h, outage.caused_by)
        if found is not None:
            key = found.element
        else:
            key = "unknown" if outage.caused_by else NO_PATH_AT_START
        count, hours = totals.get(key, (0, 0.0))
        totals[key] = (count + 1, hours + outage.duration_h)
    return sorted(((k, c, h) for k, (c, h) in totals.items()), key=lambda t: (-t[2], -t[1], t[0]))


def _repair_words(down: ElementDown) -> str:
    if not down.resource:
        return ""
    if down.wait_h > 0:
        wait = format_duration_h(down.wait_h, WAIT_UNIT)
        words = f"repair of {down.element} waited {wait} for {down.resource}"
    else:
        took = format_duration_h(down.duration_h)
        words = f"{down.element} repaired by {down.resource} in {took}"
    if down.window_wait_h > 0:
        held = format_duration_h(down.window_wait_h, WAIT_UNIT)
        words += f", {held} of it held by closed window {down.window}"
    return words


def verdict(result: SimulationResult, demand: DemandResult) -> tuple[str, str]:
    """(status, sentence): status is 'held', 'missed' or 'no-sla'; the sentence says why.

    The sentence names the availability against the target, the longest outage and the fault
    behind it, time spent over the RTT budget (a demand can miss its SLA without ever being
    disconnected: the detour is too slow), and whether a repair queued for a ship or crew.
    """
    target = demand.sla_availability_target
    status = "no-sla" if target is None else ("held" if demand.sla_held else "missed")
    parts: list[str] = []
    if target is not None:
        parts.append(
            f"SLA availability {format_percent(demand.sla_availability)} vs target "
            f"{target * 100:g} %"
        )
    else:
        parts.append(f"availability {format_percent(demand.availability)}")
    downs = element_downs(result)
    culprits: list[ElementDown] = []
    text, found = _outage_words(demand, downs)
    parts.append(text)
    if found is not None:
        culprits.append(found)
    slow = over_budget(demand, result.horizon_h)
    if slow:
        text, found = _slow_words(demand, downs, slow)
        if found is not None:
            culprits.append(found)
        parts.append(text)
    connected_loss = _connected_sla_loss(result, demand, downs)
    if connected_loss:
        parts.append(connected_loss)
    base, peak_rtt = demand.base_rtt_ms, demand.rtt_max_ms
    if not slow and base is not None and peak_rtt is not None and peak_rtt > base + 0.05:
        # Survived, but on a detour: worth saying, it is the margin the next failure eats.
        parts.append(_rose(demand, base, peak_rtt))
    for down in culprits[:1]:
        words = _repair_words(down)
        if words:
            parts.append(words)
    return status, "; ".join(parts)


def _outage_words(demand: DemandResult, downs: list[ElementDown]) -> tuple[str, ElementDown | None]:
    """What disconnected the demand, and the element outage to explain the repair of.

    One outage names its fault; several are summed, with the element behind most of them and
    the longest one. A repair of one of several outages is worth a sentence only if it waited
    (for a resource or a closed window): otherwise it is the ordinary repair time.
    """
    worst = longest_outage(demand)
    if worst is None:
        return "never disconnected", None
    if len(demand.outages) == 1:
        text = f"down {format_duration_h(worst.duration_h)}"
        if worst.cause:
            text += f" after {worst.cause}"
        return text, _culprit(downs, worst.start_h, worst.caused_by)
    total_h = sum(o.duration_h for o in demand.outages)
    text = f"down {format_duration_h(total_h)} in {len(demand.outages)} outages"
    blame = outage_blame(downs, demand)
    if blame:
        element, count, hours = blame[0]
        text += (
            f", most after {element} failures ({count} outage{'s' if count > 1 else ''}, "
            f"{format_duration_h(hours)})"
        )
    text += f"; longest {format_duration_h(worst.duration_h)}"
    if worst.cause:
        text += f" after {worst.cause}"
    found = _culprit(downs, worst.start_h, worst.caused_by)
    if found is not None and (found.wait_h > 0 or found.window_wait_h > 0):
        return text, found
    return text, None


def _slow_words(
    demand: DemandResult, downs: list[ElementDown], slow: list[tuple[float, float, float]]
) -> tuple[str, ElementDown | None]:
    """Time over the RTT budget, and the element outage behind its longest stretch.

    A demand can miss its SLA without ever being disconnected (the detour is too slow), so the
    sentence says how long and how slow, and names the fault that forced the detour.
    """
    total = sum(end - start for start, end, _ in slow)
    peak = max(rtt for _, _, rtt in slow)
    longest = max(slow, key=lambda s: (s[1] - s[0], -s[0]))
    text = (
        f"RTT over the {demand.sla_max_rtt_ms:g} ms budget for {format_duration_h(total)} "
        f"(up to {peak:.1f} ms)"
    )
    found = _culprit(downs, longest[0])
    if found is not None:
        text += f" after {found.detail or found.element}"
    return text, found


def _rose(demand: DemandResult, base_ms: float, peak_ms: float) -> str:
    """The detour sentence, the fibre RTTs beside calibrated ones."""
    base_fibre, peak_fibre = demand.base_fibre_rtt_ms, demand.fibre_rtt_max_ms
    if fibre_differs(base_ms, base_fibre) or fibre_differs(peak_ms, peak_fibre):
        before, after = rtt_text(base_ms, base_fibre), rtt_text(peak_ms, peak_fibre)
        return f"calibrated RTT rose from {before} to {after} on detours"
    return f"RTT rose from {base_ms:.1f} to {peak_ms:.1f} ms on detours"


def _connected_sla_loss(
    result: SimulationResult, demand: DemandResult, downs: list[ElementDown]
) -> str:
    """Why SLA time was lost while the demand was connected and within its RTT budget.

    The SLA counts time connected, within the RTT budget, fully carried and not in failover.
    Downtime and time over budget are visible in the result; what remains of the lost SLA time
    is failover interruptions (each reroute off a failed path loses the detection and switch
    time) or traffic not fully carried on a detour short of capacity. Without this, red-sea-2024
    fra-bom read "never disconnected" next to an SLA availability below 100 %.
    """
    # From the SLA downtime per year, not 1 - availability: the JSON stores both to 9 decimals,
    # which for an availability over a decade is a resolution of 0.3 s, for minutes per year
    # one of microseconds. The figures are rounded as the JSON stores them, so a report of the
    # result object and one of its --json file say the same thing, byte for byte.
    lost_h = round(demand.sla_downtime_min_per_year, 9) / 60.0 * result.horizon_h / HOURS_PER_YEAR
    down_h = round(demand.downtime_min, 9) / 60.0
    slow_h = sum(end - start for start, end, _ in over_budget(demand, result.horizon_h))
    residual_h = lost_h - down_h - slow_h
    if residual_h < 0.5 / 3_600_000:  # under half a millisecond: rounding, not a loss
        return ""
    # Rounded to the millisecond before printing: the stored figures carry no more than that.
    residual_text = format_duration_h(round(residual_h * 3_600_000) / 3_600_000)
    if demand.failovers > 0:
        reroutes = sorted(
            e.t_h for e in result.timeline if e.kind == "reroute" and e.element == demand.id
        )
        # Faults that began at the first reroute (several cables can go at the same instant).
        first = reroutes[0] if reroutes else math.nan
        causes = sorted({d.detail or d.element for d in downs if abs(d.start_h - first) < 1e-6})
        after = f" (first after {', '.join(causes)})" if causes else ""
        count = demand.failovers
        return (
            f"SLA time lost to {count} failover{'s' if count != 1 else ''}{after}: traffic "
            f"interrupted while rerouting (or not fully carried) for {residual_text}"
        )
    return (
        "SLA time lost while traffic was not fully carried (a detour short of capacity) for "
        f"{residual_text}"
    )


def format_percent(value: float) -> str:
    """Availability with enough nines to tell 99.9 % from 99.99 %."""
    if value >= 1.0:
        return "100 %"
    if value <= 0.0:
        return "0 %"
    nines = -math.log10(max(1e-12, 1.0 - value))
    digits = min(6, max(1, math.ceil(nines)))
    return f"{value * 100:.{digits}f} %"
