"""Accumulates what users feel as the network state changes: the measures of a run.

The observer sees the simulation as a step function: between two state changes every demand has
one route (or none), so time-weighted measures are sums of (value x interval length). It is
told of each change *after* the new routing is known and closes the interval that just ended.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from twin.model import Demand, Scenario
from twin.results import (
    DemandResult,
    LinkResult,
    Outage,
    ResourceResult,
    TimelineEntry,
)
from twin.routing import DemandRoute, RoutingResult
from twin.units import HOURS_PER_YEAR, ms_to_hours


def weighted_quantile(samples: list[tuple[float, float]], q: float) -> float | None:
    """Quantile of a step function: `samples` are (value, duration) pairs."""
    total = sum(d for _, d in samples)
    if total <= 0:
        return None
    ordered = sorted(samples)
    threshold = q * total
    acc = 0.0
    for value, duration in ordered:
        acc += duration
        if acc >= threshold - 1e-12:
            return value
    return ordered[-1][0]


@dataclass
class _DemandAcc:
    demand: Demand
    connected_h: float = 0.0
    sla_ok_h: float = 0.0
    failover_h: float = 0.0
    lost_gbit: float = 0.0
    failovers: int = 0
    rtt_samples: list[tuple[float, float]] = field(default_factory=list)
    rtt_series: list[tuple[float, float | None]] = field(default_factory=list)
    outages: list[Outage] = field(default_factory=list)
    down_since: float | None = None
    down_cause: str = ""


@dataclass
class _LinkAcc:
    failures: int = 0
    downtime_h: float = 0.0
    down_since: float | None = None
    util_samples: list[tuple[float, float]] = field(default_factory=list)


class Observer:
    def __init__(self, scenario: Scenario, initial: RoutingResult) -> None:
        self.scenario = scenario
        self.demands = {d.id: _DemandAcc(d) for d in scenario.demands}
        self.links = {lid: _LinkAcc() for lid in sorted(scenario.topology.links)}
        self.timeline: list[TimelineEntry] = []
        self.current = initial
        self.last_t = 0.0
        self.base = initial
        for acc in self.demands.values():
            route = initial.routes[acc.demand.id]
            acc.rtt_series.append((0.0, route.rtt_ms))
            if not route.connected:
                acc.down_since, acc.down_cause = 0.0, "no path at start"

    def note(self, t_h: float, kind: str, element: str, detail: str = "") -> None:
        self.timeline.append(TimelineEntry(t_h, kind, element, detail))

    def link_down(self, t_h: float, link_id: str, counts_as_failure: bool) -> None:
        acc = self.links.get(link_id)
        if acc is None:
            return
        if counts_as_failure:
            acc.failures += 1
        if acc.down_since is None:
            acc.down_since = t_h

    def link_up(self, t_h: float, link_id: str) -> None:
        acc = self.links.get(link_id)
        if acc is not None and acc.down_since is not None:
            acc.downtime_h += t_h - acc.down_since
            acc.down_since = None

    def _close_interval(self, t_h: float) -> None:
        dt = t_h - self.last_t
        if dt <= 0:
            return
        for acc in self.demands.values():
            route = self.current.routes[acc.demand.id]
            if route.connected:
                acc.connected_h += dt
                rtt = route.rtt_ms
                assert rtt is not None
                acc.rtt_samples.append((rtt, dt))
                limit = acc.demand.sla.max_rtt_ms
                if route.fully_carried and (limit is None or rtt <= limit):
                    acc.sla_ok_h += dt
            acc.lost_gbit += route.dropped_gbps * dt * 3600.0
        for lid, link in self.scenario.topology.links.items():
            load = self.current.link_load_gbps.get(lid, 0.0)
            self.links[lid].util_samples.append((load / link.capacity_gbps, dt))
        self.last_t = t_h

    def change(
        self, t_h: float, new: RoutingResult, failed: frozenset[str], cause: str, planned: bool
    ) -> None:
        """The network moved to `new` at `t_h` because `failed` went down (or came back)."""
        self._close_interval(t_h)
        old = self.current
        for acc in self.demands.values():
            before: DemandRoute = old.routes[acc.demand.id]
            after: DemandRoute = new.routes[acc.demand.id]
            # Traffic on working paths through a failed element is interrupted.
            hit_gbps = sum(
                gbps
                for path, gbps in before.flows
                if failed and (failed.intersection(path.links) or failed.intersection(path.nodes))
            )
            hit = hit_gbps > 0
            if before.flows == after.flows and not hit:
                continue
            acc.rtt_series.append((t_h, after.rtt_ms))
            if hit and not planned:
                acc.failovers += 1
                if after.connected:
                    # Lost while the failure is detected and traffic switched over.
                    failover = self.scenario.failover_for(acc.demand)
                    lost_h = ms_to_hours(failover.interruption_ms)
                    acc.failover_h += lost_h
                    acc.lost_gbit += hit_gbps * lost_h * 3600.0
            if before.connected and not after.connected:
                acc.down_since, acc.down_cause = t_h, cause
                self.note(t_h, "disconnect", acc.demand.id, f"after {cause}")
            elif not before.connected and after.connected:
                if acc.down_since is not None:
                    acc.outages.append(Outage(acc.down_since, t_h, acc.down_cause))
                acc.down_since = None
                self.note(t_h, "reconnect", acc.demand.id, f"RTT {after.rtt_ms:.1f} ms")
            elif after.connected:
                old_rtt = before.rtt_ms
                assert after.rtt_ms is not None
                self.note(
                    t_h,
                    "reroute",
                    acc.demand.id,
                    f"RTT {old_rtt:.1f} -> {after.rtt_ms:.1f} ms"
                    if old_rtt is not None
                    else f"RTT {after.rtt_ms:.1f} ms",
                )
        self.current = new

    def finish(
        self, horizon_h: float, resources: list[ResourceResult]
    ) -> tuple[list[DemandResult], list[LinkResult], list[ResourceResult]]:
        self._close_interval(horizon_h)
        demand_results = []
        for acc in self.demands.values():
            d = acc.demand
            if acc.down_since is not None:
                acc.outages.append(Outage(acc.down_since, horizon_h, acc.down_cause))
            availability = acc.connected_h / horizon_h
            sla_ok = max(0.0, acc.sla_ok_h - acc.failover_h)
            sla_availability = sla_ok / horizon_h
            downtime_h = horizon_h - acc.connected_h
            per_year = HOURS_PER_YEAR / horizon_h
            durations = [o.duration_h for o in acc.outages]
            rtts = acc.rtt_samples
            base = self.base.routes[d.id].rtt_ms
            held, note = _sla_verdict(d, sla_availability, weighted_quantile(rtts, 1.0))
            demand_results.append(
                DemandResult(
                    id=d.id,
                    source=d.source,
                    destination=d.destination,
                    gbps=d.gbps,
                    sla_availability_target=d.sla.availability,
                    sla_max_rtt_ms=d.sla.max_rtt_ms,
                    availability=availability,
                    sla_availability=sla_availability,
                    downtime_min=downtime_h * 60.0,
                    downtime_min_per_year=downtime_h * 60.0 * per_year,
                    sla_downtime_min_per_year=(horizon_h - sla_ok) * 60.0 * per_year,
                    outages=tuple(acc.outages),
                    mean_time_to_restore_h=sum(durations) / len(durations) if durations else None,
                    max_time_to_restore_h=max(durations) if durations else None,
                    rtt_p50_ms=weighted_quantile(rtts, 0.5),
                    rtt_p99_ms=weighted_quantile(rtts, 0.99),
                    rtt_max_ms=max((r for r, _ in rtts), default=None),
                    base_rtt_ms=base,
                    rtt_series=tuple(acc.rtt_series),
                    failovers=acc.failovers,
                    traffic_lost_gbit=acc.lost_gbit,
                    sla_held=held,
                    sla_note=note,
                )
            )
        link_results = []
        for lid, link_acc in self.links.items():
            if link_acc.down_since is not None:
                link_acc.downtime_h += horizon_h - link_acc.down_since
                link_acc.down_since = None
            utils = link_acc.util_samples
            total = sum(dt for _, dt in utils)
            link_results.append(
                LinkResult(
                    id=lid,
                    failures=link_acc.failures,
                    downtime_h=link_acc.downtime_h,
                    utilisation_mean=sum(u * dt for u, dt in utils) / total if total else 0.0,
                    utilisation_p99=weighted_quantile(utils, 0.99) or 0.0,
                    utilisation_max=max((u for u, _ in utils), default=0.0),
                )
            )
        return demand_results, link_results, resources


def _sla_verdict(
    demand: Demand, sla_availability: float, worst_rtt: float | None
) -> tuple[bool, str]:
    """SLA held when SLA availability meets the target (RTT and capacity are inside it)."""
    target = demand.sla.availability
    if target is None:
        return True, "no availability target"
    if sla_availability >= target:
        return True, f"{sla_availability:.6f} >= {target:g}"
    reason = f"{sla_availability:.6f} < {target:g}"
    limit = demand.sla.max_rtt_ms
    if limit is not None and worst_rtt is not None and worst_rtt > limit:
        reason += f"; RTT reached {worst_rtt:.1f} ms > {limit:g} ms"
    return False, reason
