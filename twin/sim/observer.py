"""Accumulates what users feel as the network state changes: the measures of a run.

The observer sees the simulation as a step function: between two state changes every demand has
one route (or none), so time-weighted measures are sums of (value x interval length). It is
told of each change *after* the new routing is known and closes the interval that just ended.

SLA downtime is the length of the union of the intervals in which the demand is out of SLA,
each instant counted once. A demand is out of SLA while its routing state misses the SLA (no
path, RTT over `max_rtt_ms`, or traffic dropped for lack of capacity) and during the loss window
of every unplanned failover (`detection_ms + switchover_ms` from the failure that hit its
working path). So a loss window spent on a detour that is itself over budget adds nothing, two
windows that overlap count their union, and a window is cut at the end of the horizon.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from itertools import compress
from operator import add, mul
from typing import Any, NamedTuple

from twin.lru import Lru
from twin.model import Demand, Scenario
from twin.results import DemandResult, ElementOutage, LinkResult, Outage, ResourceResult
from twin.results.prose import RawTimelineEntry, describe_causes
from twin.results.sla import Verdict, judge
from twin.routing import DemandRoute, RoutingResult
from twin.sim.faults import Fault
from twin.units import HOURS_PER_YEAR, ms_to_hours


def weighted_quantile(samples: list[tuple[float, float]], q: float) -> float | None:
    """Quantile of a step function: `samples` are (value, duration) pairs."""
    if len(samples) == 1:  # what the loop below gives for one sample, without sum and sort
        value, duration = samples[0]
        return None if duration <= 0 else value
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
    over_rtt_h: float = 0.0  # connected, RTT over the budget
    sla_ok_h: float = 0.0
    loss_in_sla_h: float = 0.0  # failover loss window time while the state met the SLA
    lost_gbit: float = 0.0
    failovers: int = 0
    rtt_dwell_h: dict[float, float] = field(default_factory=dict)  # RTT -> time spent at it
    # RTT -> the fibre RTT of the same paths. One-to-one for a demand: its two ends fix the
    # calibration, which only ever raises the fibre figure monotonically (stretch >= 1).
    fibre_of_rtt: dict[float, float] = field(default_factory=dict)
    rtt_series: list[tuple[float, float | None]] = field(default_factory=list)
    # (start_h, end_h, ids of the faults that cut the last path); rendered in `finish`.
    outages: list[tuple[float, float, tuple[int, ...]]] = field(default_factory=list)
    down_since: float | None = None
    down_by: tuple[int, ...] = ()


@dataclass(frozen=True)
class StateView:
    """Per demand (in observer order): RTT or None, SLA met, Gbit/s dropped, fibre RTT or None,
    RTT over the demand's budget; loaded links: (position in `Observer.links`, utilisation)."""

    demands: tuple[tuple[float | None, bool, float, float | None, bool], ...]
    loaded_links: tuple[tuple[int, float], ...]


Transition = tuple[frozenset[str], frozenset[str], frozenset[str]]  # old, new state; failed
# What a transition does to a demand's connection (`Touch.step`).
REROUTE, DISCONNECT, RECONNECT, STAYS_DOWN = 0, 1, 2, 3


class Touch(NamedTuple):
    """What one transition does to one demand it touches, worked out once with the transition
    rather than at every change that repeats it: a plain tuple, unpacked in one step."""

    position: int  # the demand's (scenario order)
    hit_gbps: float  # Gbit/s of its traffic on paths through what failed
    before: DemandRoute
    after: DemandRoute
    rtt_ms: float | None  # after the move (None: no path)
    step: int  # REROUTE, DISCONNECT, RECONNECT or STAYS_DOWN
    sla_ok: bool  # whether the routing after the move meets the demand's SLA
    # An unplanned failover's loss window (hours) and the Gbit it loses, when traffic is hit
    # and finds a new path; None and 0 otherwise.
    lost_h: float | None
    lost_gbit: float


# The demands a transition touches, by position.
Affected = tuple[Touch, ...]


class ObserverMemo:
    """What an observer works out once per routing state or state transition.

    These depend only on the scenario and the states, never on a run's history, so the
    replications of one scenario share a memo (`twin.sim.engine.Simulator` owns it). Bounded
    like the routing cache: an evicted entry is worked out again, identically.
    """

    DEFAULT_MAX_ENTRIES = 16_384  # states and transitions each: a few MB for 1,000 demands

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self.views: Lru[frozenset[str], StateView] = Lru(max_entries)
        self.transitions: Lru[Transition, Affected] = Lru(max_entries)
        self._tables: tuple[Scenario, ScenarioTables] | None = None

    def tables(self, scenario: Scenario) -> ScenarioTables:
        """The scenario's per-demand and per-link constants, worked out for its first run
        rather than in every replication's set-up (again if another scenario asks)."""
        held = self._tables
        if held is None or held[0] is not scenario:
            held = self._tables = (scenario, ScenarioTables.of(scenario))
        return held[1]


class ScenarioTables(NamedTuple):
    """What every run of one scenario reads about its demands (scenario order) and links."""

    limits: tuple[tuple[str, float | None], ...]  # each demand's id and RTT budget
    interruption_h: tuple[float, ...]  # each demand's failover loss window
    link_ids: tuple[str, ...]  # sorted: the observer's link order
    link_capacity: dict[str, float]
    link_position: dict[str, int]  # each link's position in `link_ids`

    @classmethod
    def of(cls, scenario: Scenario) -> ScenarioTables:
        demands = scenario.demands
        links = scenario.topology.links
        link_ids = tuple(sorted(links))
        return cls(
            tuple((d.id, d.sla.max_rtt_ms) for d in demands),
            tuple(ms_to_hours(scenario.failover_for(d).interruption_ms) for d in demands),
            link_ids,
            {lid: link.capacity_gbps for lid, link in links.items()},
            {lid: position for position, lid in enumerate(link_ids)},
        )


@dataclass
class _LinkAcc:
    failures: int = 0
    downtime_h: float = 0.0
    down_since: float | None = None
    util_dwell_h: dict[float, float] = field(default_factory=dict)  # utilisation -> time


class Observer:
    def __init__(
        self,
        scenario: Scenario,
        initial: RoutingResult,
        memo: ObserverMemo | None = None,
        timeline: bool = True,
    ) -> None:
        self.scenario = scenario
        # Shared by the replications of one scenario in a process (see the engine).
        self.memo = ObserverMemo() if memo is None else memo
        tables = self.memo.tables(scenario)
        self._limits = tables.limits
        self._link_capacity, self._link_position = tables.link_capacity, tables.link_position
        self.demands = {d.id: _DemandAcc(d) for d in scenario.demands}
        # Failures and downtime are counted in here by the engine as a link's down-count
        # leaves or reaches zero (`Engine._begin`, `_end`: the per-event path); loads in `finish`.
        self.links = {lid: _LinkAcc() for lid in tables.link_ids}
        # What happened, as numbers and ids (see `twin.results.records.render_timeline`).
        self.raw_timeline: list[RawTimelineEntry] = []
        self.timeline = timeline
        self.current = initial
        self.last_t = 0.0
        self.base = initial
        self.dwell_h: dict[frozenset[str], float] = {}
        self.views = self.memo.views
        self._transitions = self.memo.transitions
        self._seen: dict[Transition, Affected] = {}
        self.results: dict[frozenset[str], RoutingResult] = {}
        self._accs = list(self.demands.values())
        # Demand index -> end of its current failover loss window (see the module docstring);
        # the engine reads whether any is open (`Engine._settle`).
        self.loss_until: dict[int, float] = {}
        self._interruption_h = tables.interruption_h
        # Per demand, whether the routing in force meets its SLA: what a loss window's time
        # counts against (see `_credit_loss_windows`). A demand's route, and so this, changes
        # only with a transition that touches it.
        self._sla_now = [
            _sla_ok(initial.routes[acc.demand.id], acc.demand.sla.max_rtt_ms) for acc in self._accs
        ]
        for acc in self.demands.values():
            route = initial.routes[acc.demand.id]
            acc.rtt_series.append((0.0, route.rtt_ms))
            if not route.connected:
                acc.down_since, acc.down_by = 0.0, ()

    def note(self, t_h: float, kind: str, subject: int | str, payload: Any) -> None:
        """Log what happened for the timeline (when kept): `subject` is a fault or demand id.
        Callers on the per-event path test `timeline` first, so a run without one neither
        calls this nor builds its payload."""
        if self.timeline:
            self.raw_timeline.append((t_h, kind, subject, payload))

    def _credit_loss_windows(self, t_h: float) -> None:
        """Count the part of each open loss window inside the interval that ends at `t_h`.

        Only the time the state in force met the SLA is counted (`loss_in_sla_h` is subtracted
        from the SLA-met time): the rest is SLA downtime already, and counting it again would
        count one instant twice. Windows are kept as one end per demand, extended by a new
        failover, so overlapping windows count their union.
        """
        start = self.last_t
        if not self.loss_until or t_h <= start:
            return
        met, accs, loss_until = self._sla_now, self._accs, self.loss_until
        for index, until in list(loss_until.items()):
            end = t_h if t_h < until else until  # min(until, t_h)
            if end > start and met[index]:
                accs[index].loss_in_sla_h += end - start
            if until <= t_h:
                del loss_until[index]

    def _state_view(self, result: RoutingResult) -> StateView:
        """What one routing state means per demand and per loaded link (cached across runs)."""
        view = self.views.get(result.state)
        if view is not None:
            return view
        if result.like is not None:  # the same routes and loads: the same view, built once
            return self.views.put(result.state, self._state_view(result.like))
        demand_rows = []
        routes = result.routes
        for demand_id, limit in self._limits:
            route = routes[demand_id]
            rtt = route.rtt_ms
            flows = route.flows
            if len(flows) == 1:  # one path (latency routing): its figure is the maximum
                fibre: float | None = flows[0][0].fibre_rtt_ms
            else:
                fibre = max((path.fibre_rtt_ms for path, _ in flows), default=None)
            over = rtt is not None and limit is not None and rtt > limit
            demand_rows.append((rtt, _sla_ok(route, limit), route.dropped_gbps, fibre, over))
        # In the load book's order: each link's samples are its own, so the order of the links
        # within one state changes no sum.
        capacity, position = self._link_capacity, self._link_position
        loaded = [
            (position[lid], load / capacity[lid])
            for lid, load in result.link_load_gbps.items()
            if load > 0.0 and lid in position
        ]
        return self.views.put(result.state, StateView(tuple(demand_rows), tuple(loaded)))

    def _fold_dwell(self) -> float:
        """Turn dwell time per routing state into per-demand and per-link measures.

        Links carry samples only for the states that load them; the rest of the time (zero
        utilisation) is added in `finish`. Returns the total time folded.

        Demand by demand, each sum in local variables: every measure still adds its states'
        times in the order the states were first met (the same floats, to the last bit), without
        an attribute read and write per state and demand.
        """
        state_view, results = self._state_view, self.results
        views = [state_view(results[state]) for state in self.dwell_h]
        dts = list(self.dwell_h.values())
        self.dwell_h.clear()
        total_h = reduce(add, dts, 0.0)  # the same left-to-right sum as a loop's
        _fold_loads(views, dts, total_h, [acc.util_dwell_h for acc in self.links.values()])
        # Per demand, its row in each state (in state order), transposed in one step.
        columns = zip(*[view.demands for view in views], strict=True)
        for acc, rows in zip(self._accs, columns, strict=False):  # no columns: nothing dwelt
            _fold_demand(acc, zip(dts, rows, strict=True))
        return total_h

    def _transition(
        self, old: RoutingResult, new: RoutingResult, failed: frozenset[str]
    ) -> Affected:
        """Demands (by position) whose route changes or whose traffic is hit, with Gbit/s hit
        and their routes before and after.

        A function of the two states and the failed elements only, so it is memoised: a decade
        of simulation repeats the same few transitions hundreds of times.
        """
        key = (old.state, new.state, failed)
        cached = self._transitions.get(key)
        if cached is not None:
            return cached
        affected = []
        old_routes, new_routes = old.routes, new.routes
        for index, acc in enumerate(self._accs):
            demand_id = acc.demand.id
            before: DemandRoute = old_routes[demand_id]
            after: DemandRoute = new_routes[demand_id]
            if before is after and not failed:
                continue  # the same route, nothing went down: untouched
            # Traffic on working paths through a failed element is interrupted. Most demands
            # a failure touches keep clear of it: one test against all their paths' elements
            # (kept by the route) says so, and only a hit demand sums its paths.
            hit_gbps = (
                sum(
                    gbps
                    for path, gbps in before.flows
                    if not (failed.isdisjoint(path.links) and failed.isdisjoint(path.nodes))
                )
                if failed and before.flows and not failed.isdisjoint(before.elements)
                else 0
            )
            if hit_gbps > 0 or (before is not after and before.flows != after.flows):
                lost_h = self._interruption_h[index]
                affected.append(_touch(index, hit_gbps, before, after, acc.demand, lost_h))
        return self._transitions.put(key, tuple(affected))

    def transition(self, new: RoutingResult, failed: frozenset[str]) -> Affected:
        """What moving from the current routing to `new`, because `failed` went down (or, when
        empty, something came back), does to the demands: those whose route changes or whose
        traffic is hit, by position, with the Gbit/s hit. The engine keeps it for the next
        time the same move happens and hands it to `change`."""
        key = (self.current.state, new.state, failed)
        # This run's transitions first: a dict lookup, without the shared memo's reordering.
        affected = self._seen.get(key)
        if affected is None:
            affected = self._seen[key] = self._transition(self.current, new, failed)
        return affected

    def settle(self, t_h: float, new: RoutingResult) -> None:
        """The network moved to `new` at `t_h`: credit the interval that just ended to the
        routing state it was spent in. Alone, this is all of a move that touches no demand
        while no loss window is open (most moves: `Engine._settle` calls it for them without
        `change`).

        Only the dwell time per state is kept while the simulation runs; what each state
        means for each demand and link is worked out once per distinct state in
        `_fold_dwell`, so a change costs the same whatever the number of demands and links.
        """
        dt = t_h - self.last_t
        if dt > 0:
            current = self.current
            state = current.state
            dwell_h = self.dwell_h
            if state in dwell_h:
                dwell_h[state] += dt
            else:
                dwell_h[state] = dt
                self.results[state] = current
            self.last_t = t_h
        self.current = new

    def change(
        self,
        t_h: float,
        new: RoutingResult,
        affected: Affected,
        faults: Sequence[Fault],
        planned: bool,
    ) -> None:
        """The network moved to `new` at `t_h`, touching the demands in `affected` (what
        `transition` said of this move); `faults` are those that began now (those still down
        are what cut a lost path)."""
        if self.loss_until:
            self._credit_loss_windows(t_h)
        self.settle(t_h, new)
        accs = self._accs
        sla_now = self._sla_now
        for index, hit_gbps, before, _after, rtt_ms, step, sla_ok, lost_h, lost_gbit in affected:
            acc = accs[index]
            acc.rtt_series.append((t_h, rtt_ms))
            sla_now[index] = sla_ok
            if hit_gbps > 0 and not planned:
                acc.failovers += 1
                if lost_h is not None:
                    # Lost while the failure is detected and traffic switched over.
                    loss_until = self.loss_until
                    until = loss_until.get(index, t_h)
                    end = t_h + lost_h
                    loss_until[index] = end if end > until else until  # max(until, end)
                    acc.lost_gbit += lost_gbit
            if step == REROUTE:
                if self.timeline:
                    self.note(t_h, "reroute", acc.demand.id, (before.rtt_ms, rtt_ms))
            elif step == DISCONNECT:
                acc.down_since = t_h
                acc.down_by = _culprits(before, faults)
                self.note(t_h, "disconnect", acc.demand.id, acc.down_by)
            elif step == RECONNECT:
                if acc.down_since is not None:
                    acc.outages.append((acc.down_since, t_h, acc.down_by))
                acc.down_since = None
                self.note(t_h, "reconnect", acc.demand.id, rtt_ms)

    def finish(
        self,
        horizon_h: float,
        resources: list[ResourceResult],
        records: Sequence[ElementOutage] = (),
    ) -> tuple[list[DemandResult], list[LinkResult], list[ResourceResult]]:
        """The measures of the run; `records` are its faults, which outages refer to."""
        # The last interval, closed as a change to the same routing that touches no demand.
        self.change(horizon_h, self.current, (), (), True)
        folded_h = self._fold_dwell()
        # What caused an outage, by the faults that caused it: one fault often cuts several
        # demands (some 180 distinct of 660 outages a round), and the prose is the same.
        causes: dict[tuple[int, ...], str] = {}
        demand_results = [
            self._demand_result(acc, horizon_h, records, causes) for acc in self._accs
        ]
        link_results = [
            self._link_result(lid, acc, horizon_h, folded_h) for lid, acc in self.links.items()
        ]
        return demand_results, link_results, resources

    def _demand_result(
        self,
        acc: _DemandAcc,
        horizon_h: float,
        records: Sequence[ElementOutage],
        causes: dict[tuple[int, ...], str],
    ) -> DemandResult:
        """The demand's measures; `causes` holds the prose of the run's outage causes so far
        (see `finish`), and gains this demand's."""
        d = acc.demand
        if acc.down_since is not None:
            acc.outages.append((acc.down_since, horizon_h, acc.down_by))
        outages = tuple(
            Outage(
                start_h,
                end_h,
                causes[by] if by in causes else causes.setdefault(by, describe_causes(records, by)),
                by,
            )
            for start_h, end_h, by in acc.outages
        )
        # Sums of interval lengths can overshoot the horizon by a rounding error: clamp, so
        # an always-up demand reads availability 1 and downtime 0, never -0 ms.
        connected_h = min(acc.connected_h, horizon_h)
        sla_ok = min(max(0.0, acc.sla_ok_h - acc.loss_in_sla_h), horizon_h)
        sla_availability = sla_ok / horizon_h
        downtime_h = horizon_h - connected_h
        per_year = HOURS_PER_YEAR / horizon_h
        durations = [o.duration_h for o in outages]
        rtts = list(acc.rtt_dwell_h.items())
        # The quantiles are RTTs the demand dwelt at, so each has its own fibre RTT.
        p50, p99 = weighted_quantile(rtts, 0.5), weighted_quantile(rtts, 0.99)
        peak = max((r for r, _ in rtts), default=None)
        fibre = acc.fibre_of_rtt
        held, note = _sla_verdict(d, sla_availability, weighted_quantile(rtts, 1.0))
        return DemandResult(
            id=d.id,
            source=d.source,
            destination=d.destination,
            gbps=d.gbps,
            sla_availability_target=d.sla.availability,
            sla_max_rtt_ms=d.sla.max_rtt_ms,
            availability=connected_h / horizon_h,
            sla_availability=sla_availability,
            downtime_min=downtime_h * 60.0,
            downtime_min_per_year=downtime_h * 60.0 * per_year,
            sla_downtime_min_per_year=(horizon_h - sla_ok) * 60.0 * per_year,
            outages=outages,
            mean_time_to_restore_h=sum(durations) / len(durations) if durations else None,
            max_time_to_restore_h=max(durations) if durations else None,
            rtt_p50_ms=p50,
            rtt_p99_ms=p99,
            rtt_max_ms=peak,
            base_rtt_ms=self.base.routes[d.id].rtt_ms,
            base_fibre_rtt_ms=max(
                (path.fibre_rtt_ms for path, _ in self.base.routes[d.id].flows), default=None
            ),
            rtt_series=tuple(acc.rtt_series),
            fibre_rtt_p50_ms=fibre.get(p50) if p50 is not None else None,
            fibre_rtt_p99_ms=fibre.get(p99) if p99 is not None else None,
            fibre_rtt_max_ms=fibre.get(peak) if peak is not None else None,
            failovers=acc.failovers,
            traffic_lost_gbit=acc.lost_gbit,
            sla_held=held,
            sla_note=note,
            over_rtt_share=min(acc.over_rtt_h, horizon_h) / horizon_h,
        )

    @staticmethod
    def _link_result(lid: str, acc: _LinkAcc, horizon_h: float, folded_h: float) -> LinkResult:
        if acc.down_since is not None:
            acc.downtime_h += horizon_h - acc.down_since
            acc.down_since = None
        # Utilisations and their times as two lists: the sums below run in C over the same
        # floats in the same order as a loop over the pairs would.
        dwell = acc.util_dwell_h
        levels, times_h = list(dwell), list(dwell.values())
        idle_h = folded_h - sum(times_h)
        if idle_h > 1e-9 * folded_h or not levels:
            levels.append(0.0)
            times_h.append(max(idle_h, 0.0))
        # One utilisation all run (most links) costs no sort: see `weighted_quantile`.
        mean = sum(map(mul, levels, times_h)) / folded_h if folded_h else 0.0
        p99 = weighted_quantile(list(zip(levels, times_h, strict=True)), 0.99) or 0.0
        peak = max(levels)
        return LinkResult(
            id=lid,
            failures=acc.failures,
            downtime_h=acc.downtime_h,
            utilisation_mean=mean,
            utilisation_p99=p99,
            utilisation_max=peak,
        )


def _fold_loads(
    views: Sequence[StateView],
    dts: Sequence[float],
    total_h: float,
    dwells: list[dict[float, float]],
) -> None:
    """Add each state's dwell time `dts` to the utilisation of every link its view loads, in
    `dwells` (per link position: utilisation -> hours), state by state as a loop would.

    A run meets some eighty states but only a dozen distinct views (states that keep every
    route share one, see `RoutingResult.like`), and a (link, utilisation) pair sums the times
    of the states whose view loads it, in state order. So the pairs are read from the distinct
    views alone, and each set of views that some pairs share is summed once, in C, over the
    states it covers: the same floats, in the same order, to the last bit, and each link's
    utilisations enter its table in the order of the first state that loads them.
    """
    by_id = dict(zip(map(id, views), views, strict=True))  # distinct views, first-met order
    number = {key: index for index, key in enumerate(by_id)}
    numbers = list(map(number.__getitem__, map(id, views)))
    members: dict[tuple[int, float], list[int]] = {}
    for index, view in enumerate(by_id.values()):
        for pair in view.loaded_links:
            held = members.get(pair)
            if held is None:
                members[pair] = [index]
            else:
                held.append(index)
    sums: dict[tuple[int, ...], float] = {}
    everywhere = len(by_id)
    for (position, utilisation), held in members.items():
        group = tuple(held)
        dwell_h = sums.get(group)
        if dwell_h is None:
            inside = set(group)
            dwell_h = sums[group] = (
                total_h
                if len(group) == everywhere
                else reduce(add, compress(dts, map(inside.__contains__, numbers)), 0.0)
            )
        dwell = dwells[position]
        start = dwell.get(utilisation)
        if start is not None:  # a table folded into before: add this fold's times to it
            inside = set(group)
            dwell_h = reduce(add, compress(dts, map(inside.__contains__, numbers)), start)
        dwell[utilisation] = dwell_h


def _fold_demand(
    acc: _DemandAcc,
    spells: Iterable[tuple[float, tuple[float | None, bool, float, float | None, bool]]],
) -> None:
    """Add one demand's (dwell time, state view row) spells, in order, to its measures."""
    connected_h, over_rtt_h, sla_ok_h, lost_gbit = (
        acc.connected_h,
        acc.over_rtt_h,
        acc.sla_ok_h,
        acc.lost_gbit,
    )
    dwell, fibre_of_rtt = acc.rtt_dwell_h, acc.fibre_of_rtt
    for dt, (rtt, sla_ok, dropped_gbps, fibre, over) in spells:
        if rtt is not None:
            connected_h += dt
            dwell[rtt] = dwell.get(rtt, 0.0) + dt
            if fibre is not None:
                fibre_of_rtt[rtt] = fibre
            if over:
                over_rtt_h += dt
            if sla_ok:
                sla_ok_h += dt
        if dropped_gbps:
            lost_gbit += dropped_gbps * dt * 3600.0
    acc.connected_h, acc.over_rtt_h, acc.sla_ok_h, acc.lost_gbit = (
        connected_h,
        over_rtt_h,
        sla_ok_h,
        lost_gbit,
    )


def _sla_ok(route: DemandRoute, limit_ms: float | None) -> bool:
    """Whether a demand carried on `route` meets its SLA: a path, every Gbit/s carried, and the
    RTT within `limit_ms` (when the SLA sets one)."""
    rtt = route.rtt_ms
    return rtt is not None and route.fully_carried and (limit_ms is None or rtt <= limit_ms)


def _touch(
    index: int,
    hit_gbps: float,
    before: DemandRoute,
    after: DemandRoute,
    demand: Demand,
    interruption_h: float,
) -> Touch:
    """What moving the demand at `index` from `before` to `after` means (see `Touch`), its
    failover interrupting traffic for `interruption_h`."""
    if before.connected:
        step = REROUTE if after.connected else DISCONNECT
    else:
        step = RECONNECT if after.connected else STAYS_DOWN
    sla_ok = _sla_ok(after, demand.sla.max_rtt_ms)
    lost_h: float | None = None
    lost_gbit = 0.0
    if hit_gbps > 0 and after.connected:
        lost_h, lost_gbit = interruption_h, hit_gbps * interruption_h * 3600.0
    return Touch(index, hit_gbps, before, after, after.rtt_ms, step, sla_ok, lost_h, lost_gbit)


def _culprits(before: DemandRoute, faults: Sequence[Fault]) -> tuple[int, ...]:
    """Ids of the faults that began now, are still down and hit a path `before` used.

    Faults elsewhere in the network at the same instant did not disconnect the demand; if none
    of them hit its paths (a case the engine should not produce), all of them are named rather
    than none.
    """
    live = [f for f in faults if f.restored_at_h is None]
    on_path = [
        f.id
        for f in live
        if any(e in path.links or e in path.nodes for path, _ in before.flows for e in f.elements)
    ]
    return tuple(on_path) if on_path else tuple(f.id for f in live)


def _sla_verdict(
    demand: Demand, sla_availability: float, worst_rtt: float | None
) -> tuple[bool, str]:
    """SLA held when SLA availability meets the target (RTT and capacity are inside it), by
    the one rule `twin.results.sla.judge` (a single run's range is one value)."""
    target = demand.sla.availability
    verdict = judge(sla_availability, sla_availability, target)
    if verdict is Verdict.NO_SLA:
        return True, "no availability target"
    if verdict is Verdict.HELD:
        return True, f"{sla_availability:.6f} >= {target:g}"
    reason = f"{sla_availability:.6f} < {target:g}"
    limit = demand.sla.max_rtt_ms
    if limit is not None and worst_rtt is not None and worst_rtt > limit:
        reason += f"; RTT reached {worst_rtt:.1f} ms > {limit:g} ms"
    return False, reason
