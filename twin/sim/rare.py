"""Conditional Monte Carlo for rare outages: the failure that completes a cut set, integrated out.

Plain Monte Carlo learns a well-protected demand's downtime from the few replications in which a
cut set happened to go down whole; most replications see none, so the variance is huge. Here
the simulation runs unchanged (repair queues, scheduled events, failover, RTT budgets) and each
replication adds a zero-mean correction that swaps the rare jumps for their expectation.

Why it is unbiased: an element with a stochastic life fails at rate λ while it is up (its
up-times are exponential, so memoryless), whatever else happens. For any function h_s known
before s (the state, the drawn repair times, the repair queues), the sum of h over the
element's failures and the integral of λ·h over its up-time have the same expectation (the
compensator of a Poisson clock). The estimator is

    measure  -  Σ_failures g(τ, R)  +  ∫ λ·E_R[g(s, R)] ds

where g(s, R) is what a failure at s with repair time R would add to the measure if nothing else
happened: the jump of the measure in each routing state the network passes through while the
elements already down return at their known times, held until the candidate's repair (queue wait
+ mobilisation m + R) ends, and cut at the horizon. The middle sum has the same mean as the
integral, because R is drawn independently at the failure (`twin.sim.repair_integrals` gives the
integral in closed form). When the prediction g matches what the simulation then does (the
common case), the rare jump cancels and what is left is the smooth integral, which every
replication sees. Where the prediction is off (another failure extends the outage, a queue
changes), the estimator stays unbiased and only loses some of its variance reduction.

The states "one failure away" are read from the routing itself: for each state of the schedule,
every element on the demand's path is tried (the state plus that element), so cut sets of any
order, SRLGs, node failures and RTT budgets are covered without enumerating cut sets. A second
level (`RareEstimator._second_level`) takes the failed element's own repair time out of what the
first level then accrues; a third (`RareEstimator._third_level`) takes out how many times that
happens, where no single failure changes the demand: it integrates the expected accrual over
that time instead of adding it at each failure (docs/rare-events.md).
Measures (per demand, in hours or Gbit): time down, time out of SLA by state, time over the RTT
budget while connected, traffic dropped.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import math
import random
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass, field

import networkx as nx

from twin.lru import Lru
from twin.model import Demand, RepairTime
from twin.routing import DemandRoute, RoutingCache
from twin.sim.repair_integrals import RepairLaw, expected_min, integrated_min

# Stratified repair times per failure in the second level (`RareEstimator._second_level`).
SECOND_LEVEL_POINTS = 4
# Stratified (instant, repair time) points per replication in the third level
# (`RareEstimator._third_level`).
THIRD_LEVEL_POINTS = 16
# The measures corrected, in this order.
MEASURES = ("down_h", "sla_bad_h", "over_rtt_h", "lost_gbit")
SECONDS_PER_HOUR = 3600.0


@dataclass(frozen=True)
class Candidate:
    """An element with a stochastic life: what its failure would take down and how it is fixed."""

    index: int
    targets: frozenset[str]
    rate_per_h: float
    repair: RepairLaw
    pool: int | None
    mobilisation_h: float


@dataclass(frozen=True)
class _Entry:
    """Failing `candidate` changes measure `measure` by Δ_j while the network is in the j-th
    state of its known schedule (the elements down now, returning one by one). `weights` are
    Δ_j - Δ_(j+1): the jump a failure adds is Σ_j weights[j] x (min(back, end_j) - now), where
    `back` is when the candidate would be repaired and end_j when the j-th state ends."""

    candidate: int
    measure: int
    weights: tuple[float, ...]


# What each state schedule means per demand, by (demand index, schedule): shared by the
# replications of a scenario in a process (a pure function of its key).
EntryMemo = Lru[tuple[int, tuple[frozenset[str], ...]], tuple[_Entry, ...]]


@dataclass(frozen=True)
class _Term:
    """An entry with the times that hold until they change; open since `opened_h`."""

    demand: int
    entry: _Entry
    ends_h: tuple[float, ...]  # when each state of the schedule ends (the last: the horizon)
    start_h: float  # when a unit of the candidate's pool would be free (projected)
    opened_h: float


@dataclass
class Projection:
    """What the engine knows now: the elements down, when each comes back (inf: unknown),
    when each repair pool would next have a unit free, and the lives currently failed."""

    down: frozenset[str]
    back_h: dict[str, float]
    pool_free_h: dict[int, float]
    failed_lives: set[int] = field(default_factory=set)


# The states a demand's elements pass through as they come back, and when each ends.
_Schedule = tuple[tuple[frozenset[str], ...], tuple[float, ...]]


@dataclass(frozen=True)
class _Span:
    """A time span of the third level: the projection and the failed candidates it holds."""

    start_h: float
    end_h: float
    projection: Projection
    failed: frozenset[int] = frozenset()
    before: _Schedule = ((), ())  # the projection's schedule for one demand (`with_schedule`)

    def with_schedule(self, estimator: RareEstimator, d: int) -> _Span:
        """This span with demand `d`'s schedule of its projection worked out."""
        projection = self.projection
        before = estimator._schedule(d, projection.down, projection.back_h)
        return dataclasses.replace(self, before=before)


def measure_values(route: DemandRoute, demand: Demand) -> tuple[float, float, float, float]:
    """The rates of the four measures in one routing state (per hour)."""
    rtt = route.rtt_ms
    limit = demand.sla.max_rtt_ms
    down = rtt is None
    over = not down and limit is not None and rtt is not None and rtt > limit
    sla_bad = down or over or not route.fully_carried
    return (
        1.0 if down else 0.0,
        1.0 if sla_bad else 0.0,
        1.0 if over else 0.0,
        route.dropped_gbps * SECONDS_PER_HOUR,
    )


def relevant_elements(graph: nx.MultiGraph, source: str, destination: str) -> frozenset[str] | None:
    """Links and nodes on some simple path between the two ends (None: every element).

    Those are the edges of the biconnected component that holds a virtual source-destination
    edge; an element outside it never changes the demand's lowest-latency route.
    """
    if source == destination or source not in graph or destination not in graph:
        return None
    simple = nx.Graph(graph)
    simple.add_edge(source, destination)
    for component in nx.biconnected_component_edges(simple):
        pairs = {frozenset(e) for e in component}
        if frozenset((source, destination)) in pairs:
            nodes = {n for pair in pairs for n in pair}
            links = {lid for u, v, lid in graph.edges(keys=True) if frozenset((u, v)) in pairs}
            return frozenset(nodes | links)
    return None


class RareEstimator:
    """The corrections of one replication (see the module docstring), fed by the engine."""

    def __init__(
        self,
        cache: RoutingCache,
        demands: Sequence[Demand],
        horizon_h: float,
        relevant: Sequence[frozenset[str] | None],
        memo: EntryMemo,
        watched: Sequence[int],
        shifts: random.Random,
        points: random.Random,
    ) -> None:
        self.cache = cache
        self.demands = tuple(demands)
        self.horizon_h = horizon_h
        self.relevant = tuple(relevant)
        self.memo = memo  # shared by the replications of a scenario in a process
        # The demands (indices) corrected; the others keep corrections of zero.
        self.watched = tuple(watched)
        scopes = [self.relevant[d] for d in self.watched]
        # Elements whose changes can move a watched demand's terms (None: any element).
        self.scope: frozenset[str] | None = (
            None if any(x is None for x in scopes) else frozenset().union(*scopes)  # type: ignore[arg-type]
        )
        self.candidates: list[Candidate] = []
        self.corrections = [[0.0] * len(MEASURES) for _ in self.demands]
        self.terms: dict[tuple[int, int, int], _Term] = {}
        self.by_candidate: dict[int, list[_Term]] = {}
        self.failed: set[int] = set()
        # What the engine knew at the last change (it holds until the next one).
        self.projection: Projection | None = None
        # Random shifts of the stratified repair times of the second level (`_second_level`).
        self.shifts = shifts
        # The third level (`_third_level`): its random points, the repair pools of the
        # candidates in scope, the spans when the scope was whole and those pools free, and
        # per demand the other spans when it was at least two failures from a change.
        self.points = points
        self.scope_pools: set[int] = set()
        self.whole: list[_Span] = []
        self.whole_projection: Projection | None = None
        self.whole_since_h: float | None = None
        self.apart: dict[int, list[_Span]] = {d: [] for d in self.watched}
        self.open_apart: dict[int, _Span] = {}

    def add_candidate(
        self,
        targets: Iterable[str],
        rate_per_h: float,
        repair: RepairTime,
        pool: int | None,
        mobilisation_h: float,
    ) -> int:
        index = len(self.candidates)
        cand = Candidate(
            index, frozenset(targets), rate_per_h, RepairLaw.of(repair), pool, mobilisation_h
        )
        self.candidates.append(cand)
        if pool is not None and self._in_scope(cand):
            self.scope_pools.add(pool)
        return index

    def _in_scope(self, cand: Candidate) -> bool:
        return self.scope is None or not self.scope.isdisjoint(cand.targets)

    # --- what a state means ------------------------------------------------------------------

    def _entries(self, d: int, states: tuple[frozenset[str], ...]) -> tuple[_Entry, ...]:
        memo_key = (d, states)
        found = self.memo.get(memo_key)
        if found is None:
            found = self.memo.put(memo_key, tuple(self._work_out(d, states)))
        return found

    def _values(self, d: int, state: frozenset[str]) -> tuple[float, float, float, float]:
        demand = self.demands[d]
        return measure_values(self.cache.route(state).routes[demand.id], demand)

    def _work_out(self, d: int, states: tuple[frozenset[str], ...]) -> list[_Entry]:
        """What failing each candidate would do in each state of the schedule."""
        demand = self.demands[d]
        relevant = self.relevant[d]
        before = [self._values(d, state) for state in states]
        used: set[str] = set()
        for state in states:
            used |= self.cache.route(state).routes[demand.id].elements
        entries: list[_Entry] = []
        for cand in self.candidates:
            added = cand.targets if relevant is None else cand.targets & relevant
            if not added or (not self.cache.capacity_aware and added.isdisjoint(used)):
                continue
            after = [
                values if added <= state else self._values(d, state | added)
                for state, values in zip(states, before, strict=True)
            ]
            for k in range(len(MEASURES)):
                deltas = [a[k] - b[k] for a, b in zip(after, before, strict=True)] + [0.0]
                if any(deltas):
                    weights = tuple(deltas[j] - deltas[j + 1] for j in range(len(states)))
                    entries.append(_Entry(cand.index, k, weights))
        return entries

    def _schedule(self, d: int, down: frozenset[str], back_h: dict[str, float]) -> _Schedule:
        """The states a demand's elements now down pass through as they come back at their
        known times (unknown: never, within this prediction), and when each state ends."""
        relevant = self.relevant[d]
        key = down if relevant is None else down & relevant
        back = {x: back_h.get(x, math.inf) for x in key}
        times = sorted({t for t in back.values() if t < self.horizon_h})
        states = [key] + [frozenset(x for x in key if back[x] > t) for t in times]
        return tuple(states), (*times, self.horizon_h)

    # --- the run ------------------------------------------------------------------------------

    def refresh(self, now_h: float, projection: Projection) -> None:
        """The network changed at `now_h`: close the terms whose times changed (their integral
        runs from when they opened to now), keep the others open, open the new ones."""
        old = self.terms
        self.terms = {}
        self.by_candidate = {}
        self.projection = projection
        whole = self._track_whole(now_h, projection)
        for d in self.watched:
            states, ends_h = self._schedule(d, projection.down, projection.back_h)
            entries = self._entries(d, states)
            self._track_apart(d, now_h, projection, not whole and not entries)
            for entry in entries:
                if entry.candidate in self.failed:
                    continue
                cand = self.candidates[entry.candidate]
                start_h = -math.inf if cand.pool is None else projection.pool_free_h[cand.pool]
                ident = (d, entry.candidate, entry.measure)
                term = old.pop(ident, None)
                if term is None or (term.entry, term.ends_h, term.start_h) != (
                    entry,
                    ends_h,
                    start_h,
                ):
                    if term is not None:
                        self._close(term, now_h)
                    term = _Term(d, entry, ends_h, start_h, now_h)
                self.terms[ident] = term
                self.by_candidate.setdefault(entry.candidate, []).append(term)
        for term in old.values():
            self._close(term, now_h)

    def _track_whole(self, now_h: float, projection: Projection) -> bool:
        """Open or close a span of the third level: the scope whole (no element of a watched
        demand's block down) and every repair pool of a candidate in scope with a unit free,
        as this change leaves the network. Whether it is whole now."""
        down = projection.down
        whole = (not down if self.scope is None else self.scope.isdisjoint(down)) and all(
            projection.pool_free_h[p] == -math.inf for p in self.scope_pools
        )
        if whole and self.whole_since_h is None:
            self.whole_since_h = now_h
        elif not whole and self.whole_since_h is not None:
            self.whole.append(_Span(self.whole_since_h, now_h, self._whole_projection()))
            self.whole_since_h = None
        return whole

    def _track_apart(self, d: int, now_h: float, projection: Projection, apart: bool) -> None:
        """Close demand `d`'s open span of the third level outside the whole state (its
        projection ends now) and open one if `apart`: the first level accrues nothing for `d`
        in this schedule (one failure cannot change its measures)."""
        span = self.open_apart.pop(d, None)
        if span is not None:
            self.apart[d].append(dataclasses.replace(span, end_h=now_h))
        if apart:
            self.open_apart[d] = _Span(now_h, math.inf, projection, frozenset(self.failed))

    def concerns(self, changed: set[str]) -> bool:
        """Whether a change of these elements can move a watched demand's terms."""
        return self.scope is None or not self.scope.isdisjoint(changed)

    def on_failure(self, candidate: int, now_h: float, repair_h: float) -> None:
        """A life failed now with repair time `repair_h`: subtract what the terms predicted."""
        self.failed.add(candidate)
        cand = self.candidates[candidate]
        for term in self.by_candidate.get(candidate, ()):
            back_h = max(term.start_h, now_h) + cand.mobilisation_h + repair_h
            jump = 0.0
            for weight, end_h in zip(term.entry.weights, term.ends_h, strict=True):
                if weight:
                    jump += weight * max(0.0, min(back_h, end_h) - now_h)
            self.corrections[term.demand][term.entry.measure] -= jump
        if not self._in_scope(cand):
            return  # it changes no watched demand's terms
        if self.whole_since_h is not None:
            whole = _Span(now_h, now_h, self._whole_projection())
            for d in self.watched:
                self._third_level_failure(d, cand, whole, now_h, repair_h)
            return
        second: list[int] = []
        for d in self.watched:
            span = self.open_apart.get(d)
            if span is None:
                second.append(d)
            else:
                self._third_level_failure(d, cand, span, now_h, repair_h)
        self._second_level(cand, now_h, repair_h, second)

    def _second_level(
        self, cand: Candidate, now_h: float, repair_h: float, demands: Sequence[int]
    ) -> None:
        """Take the repair time's randomness out of what the first level then accrues.

        While the failed element is in repair, the first-level integral accrues at the rates
        of the state it left (one failure away, for a well-protected demand); how much depends
        on the repair time R, drawn now, independently of the past. So G(R) - E_R[G], with G
        the accrual predicted from the current schedule, has mean zero: subtracting it keeps
        the estimate unbiased and removes most of R's spread. E_R[G] is estimated without bias
        by M stratified repair times with one random shift (randomised quasi-Monte Carlo:
        each point alone is distributed as R).
        """
        projection = self.projection
        if projection is None or cand.repair.kind == "fixed" or not demands:
            return
        start_h = -math.inf if cand.pool is None else projection.pool_free_h[cand.pool]
        begin_h = max(start_h, now_h) + cand.mobilisation_h
        shift = self.shifts.random()
        known: _Known = {}
        for d in demands:
            if not self._second_level_matters(d, projection, cand):
                continue
            before = self._schedule(d, projection.down, projection.back_h)
            failed = self.failed
            actual = self._accrual(
                d, projection, before, cand, now_h, begin_h + repair_h, known, failed
            )
            mean = [0.0] * len(MEASURES)
            for i in range(SECOND_LEVEL_POINTS):
                u = (i + shift) / SECOND_LEVEL_POINTS
                back_h = begin_h + cand.repair.quantile(u)
                draw = self._accrual(d, projection, before, cand, now_h, back_h, known, failed)
                for k, value in enumerate(draw):
                    mean[k] += value / SECOND_LEVEL_POINTS
            for k in range(len(MEASURES)):
                self.corrections[d][k] += mean[k] - actual[k]

    def _second_level_matters(
        self, d: int, projection: Projection, cand: Candidate, before: _Schedule | None = None
    ) -> bool:
        """Whether the first level accrues anything for demand `d` in the state the failure
        leads to or the state it leaves. Decided before the repair time is looked at, so that
        G is 0 for every repair time alike when it does not (which keeps E_R[G] exact)."""
        relevant = self.relevant[d]
        after = projection.down | cand.targets
        key = after if relevant is None else after & relevant
        if self._entries(d, (key,)):
            return True
        if before is None:
            before = self._schedule(d, projection.down, projection.back_h)
        return bool(self._entries(d, before[0]))

    def _accrual(
        self,
        d: int,
        projection: Projection,
        before: _Schedule,
        cand: Candidate,
        now_h: float,
        back_h: float,
        known: _Known,
        failed: Set[int],
    ) -> list[float]:
        """The first-level integral predicted over [now, back) if `cand` fails now and is back
        at `back_h`, less what the current terms would accrue over the same window (`failed`:
        the candidates failed then, `cand` included, whose terms are closed)."""
        end_h = min(back_h, self.horizon_h)
        out = [0.0] * len(MEASURES)
        if end_h <= now_h:
            return out
        back = dict(projection.back_h)
        for x in cand.targets:
            back[x] = max(back.get(x, -math.inf), back_h) if x in projection.down else back_h
        after = self._schedule(d, projection.down | cand.targets, back)
        for sign, (states, ends_h) in ((1.0, after), (-1.0, before)):
            for entry in self._entries(d, states):
                if entry.candidate in failed and not (sign < 0 and entry.candidate == cand.index):
                    continue
                other = self.candidates[entry.candidate]
                start_h = -math.inf if other.pool is None else projection.pool_free_h[other.pool]
                mass = 0.0
                for weight, e_h in zip(entry.weights, ends_h, strict=True):
                    if weight:
                        mass += weight * _expected_integral(
                            other, start_h, e_h, now_h, end_h, known
                        )
                out[entry.measure] += sign * other.rate_per_h * mass
        return out

    def on_restore(self, candidate: int) -> None:
        self.failed.discard(candidate)

    def finish(self, end_h: float) -> list[tuple[float, ...]]:
        """The corrections per demand (in `MEASURES` order) once the run ends at `end_h`."""
        for term in self.terms.values():
            self._close(term, end_h)
        self.terms = {}
        self.by_candidate = {}
        if self.whole_since_h is not None:
            self.whole.append(_Span(self.whole_since_h, end_h, self._whole_projection()))
            self.whole_since_h = None
        for d in self.watched:
            span = self.open_apart.pop(d, None)
            if span is not None:
                self.apart[d].append(dataclasses.replace(span, end_h=end_h))
            self._third_level(d, self.whole)
            self._third_level(d, self.apart[d])
        return [tuple(c) for c in self.corrections]

    # --- the third level ----------------------------------------------------------------------

    def _whole_projection(self) -> Projection:
        """The network as the third level sees it: nothing in scope down, every pool free
        (one object for the run once the candidates are known, so spans share it)."""
        whole = self.whole_projection
        if whole is None or whole.pool_free_h.keys() != self.scope_pools:
            whole = Projection(frozenset(), {}, dict.fromkeys(self.scope_pools, -math.inf))
            self.whole_projection = whole
        return whole

    def _prediction(
        self, d: int, cand: Candidate, span: _Span, now_h: float, repair_h: float, known: _Known
    ) -> list[float] | None:
        """G: what the first level accrues for demand `d` if `cand` fails at `now_h` with
        repair time `repair_h` in the span's projection, whose schedule is `span.before`
        (None: nothing, decided before `repair_h` is looked at, as the second level does)."""
        if not self._second_level_matters(d, span.projection, cand, span.before):
            return None
        return self._predicted(d, cand, span, now_h, repair_h, known)

    def _predicted(
        self, d: int, cand: Candidate, span: _Span, now_h: float, repair_h: float, known: _Known
    ) -> list[float]:
        """`_prediction` once it is known to matter."""
        projection, before = span.projection, span.before
        start_h = -math.inf if cand.pool is None else projection.pool_free_h[cand.pool]
        back_h = max(start_h, now_h) + cand.mobilisation_h + repair_h
        return self._accrual(
            d, projection, before, cand, now_h, back_h, known, span.failed | {cand.index}
        )

    def _third_level_failure(
        self, d: int, cand: Candidate, span: _Span, now_h: float, repair_h: float
    ) -> None:
        """A candidate in scope failed in a span of the third level: subtract the accrual G it
        predicts (the same function `_third_level` integrates), instead of the second level."""
        actual = self._prediction(d, cand, span.with_schedule(self, d), now_h, repair_h, {})
        if actual is not None:
            for k, value in enumerate(actual):
                self.corrections[d][k] -= value

    def _third_level(self, d: int, spans: Sequence[_Span]) -> None:
        """Take the count of one-away episodes out: integrate λ·E_R[G] over spans in which no
        single failure changes demand `d` (the compensator of the failure that leads to a
        state one failure away).

        In such a span the projection is fixed, and a candidate in scope that is up fails at
        rate λ; G(s, R), what the first level then accrues as `_accrual` predicts it, depends
        only on the instant s and the repair time R. Subtracting G(τ, R) at each such failure
        (`_third_level_failure`) and adding ∫ λ·E_R[G(s, R)] ds over the spans keeps the
        estimate unbiased (the compensator again, with R drawn at the failure independently
        of the past), and replaces a Poisson count of episodes, each weighing what its state
        predicts, by an integral every replication sees. The integral is estimated without
        bias by N points (`_third_level_points`) from a random stream of their own.
        """
        total_h = sum(span.end_h - span.start_h for span in spans)
        if total_h <= 0.0:
            return
        known: _Known = {}
        in_scope = [cand for cand in self.candidates if self._in_scope(cand)]
        # Per projection and failed set (spans share them): its schedule and the candidates
        # up whose G is not 0, as `_prediction` decides it.
        prepared: dict[tuple[int, frozenset[int]], tuple[_Span, list[Candidate]]] = {}
        for plain, s_h, u, weight in self._third_level_points(spans, total_h):
            key = (id(plain.projection), plain.failed)
            if key not in prepared:
                span = plain.with_schedule(self, d)
                projection, before = span.projection, span.before
                prepared[key] = (
                    span,
                    [
                        cand
                        for cand in in_scope
                        if cand.index not in span.failed
                        and self._second_level_matters(d, projection, cand, before)
                    ],
                )
            span, matter = prepared[key]
            for cand in matter:
                draw = self._predicted(d, cand, span, s_h, cand.repair.quantile(u), known)
                scale = cand.rate_per_h * total_h * weight
                for k, value in enumerate(draw):
                    self.corrections[d][k] += scale * value

    def _third_level_points(
        self, spans: Sequence[_Span], total_h: float
    ) -> list[tuple[_Span, float, float, float]]:
        """(span, instant, repair-time probability u, weight) of each point: the probabilities
        one in each stratum of `third_level_strata` (weight: its width), the instants one in
        each N-th of the spans' total length laid end to end, paired at random (a Latin
        hypercube: each instant is uniform over the spans, independent of its u)."""
        strata = third_level_strata(THIRD_LEVEL_POINTS)
        n = len(strata)
        order = list(range(n))
        self.points.shuffle(order)
        ends: list[float] = []
        passed_h = 0.0
        for span in spans:
            passed_h += span.end_h - span.start_h
            ends.append(passed_h)
        points = []
        for i, (low, high) in enumerate(strata):
            offset_h = (order[i] + self.points.random()) / n * total_h
            at = min(bisect.bisect_right(ends, offset_h), len(ends) - 1)
            span = spans[at]
            instant_h = min(span.end_h, span.end_h - (ends[at] - offset_h))
            u = low + (high - low) * self.points.random()
            points.append((span, instant_h, u, high - low))
        return points

    def _close(self, term: _Term, now_h: float) -> None:
        if now_h <= term.opened_h:
            return
        cand = self.candidates[term.entry.candidate]
        mass = 0.0
        for weight, end_h in zip(term.entry.weights, term.ends_h, strict=True):
            if weight:
                mass += weight * _expected_integral(cand, term.start_h, end_h, term.opened_h, now_h)
        self.corrections[term.demand][term.entry.measure] += cand.rate_per_h * mass


def third_level_strata(n: int) -> list[tuple[float, float]]:
    """n strata of (0, 1) for the third level's repair times, narrowing toward 1.

    What a failure predicts grows with its repair time, whose law has a long right tail, so
    the few long repairs carry most of the spread: equal strata would leave it in the top
    one. Here two strata split the lower half, the upper half is halved again and again, and
    the last stratum, (1 - 2^-(n-2), 1), holds what is left of the tail.
    """
    if not 3 <= n <= 40:  # beyond 40, 1 - 2^-(n-2) rounds to 1
        raise ValueError(f"the third level takes 3 to 40 points, got {n}")
    bounds = [0.0, 0.25, 0.5] + [1.0 - 2.0**-k for k in range(2, n - 1)] + [1.0]
    return list(itertools.pairwise(bounds))


# Values of `integrated_min` by (candidate, y): the second level evaluates the same integrals
# for each of its stratified repair times, and only the ones its repair time moves change.
_Known = dict[tuple[int, float], float]


def _expected_integral(
    cand: Candidate,
    start_h: float,
    end_h: float,
    t0: float,
    t1: float,
    known: _Known | None = None,
) -> float:
    """Integral over failure instants s in [t0, t1) of E[min(max(start, s) + m + R, end) - s].

    While no unit is free (s < start) the outage would last start + m + R - s; once one is,
    m + R. Both pieces are exact (`twin.sim.repair_integrals`). `known` keeps values of the
    integrals already worked out (the same numbers, so the result is unchanged).
    """
    m = cand.mobilisation_h
    total = 0.0
    busy_until = min(start_h, t1)
    if busy_until > t0:
        q = start_h + expected_min(cand.repair, m, end_h - start_h)
        total += (busy_until - t0) * (q - (t0 + busy_until) / 2.0)
        t0 = busy_until
    if t1 > t0:
        total += _integrated(cand, end_h - t0, known) - _integrated(cand, end_h - t1, known)
    return total


def _integrated(cand: Candidate, y: float, known: _Known | None) -> float:
    """`integrated_min` of the candidate's repair law at y, looked up in `known` first."""
    if y <= 0.0:
        return 0.0
    if known is None:
        return integrated_min(cand.repair, cand.mobilisation_h, y)
    key = (cand.index, y)
    value = known.get(key)
    if value is None:
        value = known[key] = integrated_min(cand.repair, cand.mobilisation_h, y)
    return value
