"""The SimPy engine: failures, repairs, scheduled events and failover over simulated time.

Time unit: hours (float) from the start of the horizon. Conversions happen in the loader.

Random streams: every element has one `random.Random` per purpose, seeded with the string
``"{seed}/{replication}/{kind}:{element_id}/{purpose}"`` (kind `link`, `node`, `srlg`, `event`;
purpose `failure` for the times between failures, `repair` for repair times, `residual` for
the remaining repair of an element a state says is down at the start). Adding an
unrelated link therefore leaves every other element's failure and repair history unchanged, and
changing a repair model leaves every element's up-times unchanged (a fixed repair draws nothing,
a lognormal one draws from its own stream), which makes variant comparisons sharp (common random
numbers); results do not depend on how many processes run replications. Mobilisation,
detection and switchover times are fixed: they draw nothing. A seasonal failure class draws one
Exp(1) number per failure from the same `failure` stream and turns it into a time through the
calendar (`twin.sim.calendar.SeasonalHazard`); closed repair windows draw nothing. Adding a
window therefore changes no draw: only when a repair ends, and so when the next up-time begins.

Calendar: `start` pins t = 0 to a UTC date: `simulate(start=...)`, else a state's `as_of` (a
run from a state starts then), else the scenario's `start`. With it, seasonal classes follow
their monthly shape and repair resources stop for their closed windows; without it there is no
calendar: rates are constant at their annual mean and no window applies (the result says so in
a note when a resource has windows).

Processes:
- one *life* per element with a failure class and a positive rate (when stochastic failures
  are on): up for an exponential time with the class's rate, then down until repaired (an
  alternating renewal process, so its availability is MTBF / (MTBF + MTTR)). Lives are nearly
  every kernel event of a run, so they are not SimPy processes but callbacks on their own
  events (`twin.sim.life`): the same events, in the same order, without a process's
  bookkeeping per event;
- one process per scheduled event (cut or maintenance), restoring at a time, after a duration,
  through the repair model, or never;
- repair jobs: a fault covered by a repair resource (`twin.sim.repair_units.RepairUnits`, one
  per pool: SimPy's resource schedule with fewer kernel events) waits for a free unit, then
  holds it for mobilisation + repair time; faults queue first come, first served.
  A scheduled cut with a `permit_wait_h` holds all its repair jobs back by that one shared wait
  (an incident's permit), after which they ask for units together. While a closed window of the
  resource is open a job's clock stands still (a job that starts inside one waits for it to
  end; one under way when it opens resumes after it), and the unit stays committed to it.

Records: every fault (a stochastic failure, or what a scheduled event takes down) is a `Fault`
filled in as it goes through failure, queueing, repair and restoration, and frozen into a
`twin.results.ElementOutage` at the end; demand outages name the faults that cut their last path
by id. The engine formats no text: the readable timeline is rendered from the records and a log
of ids and numbers, after the run, and only when a timeline is asked for.

An element can be down for several reasons at once (a scheduled cut and a stochastic fault); a
down-count per element changes the *failure state* only on 0 <-> 1 transitions, and routing is
recomputed only then, through a cache keyed by the state.

Event order: processes are started in a fixed order (scheduled events in file order, then
element lives sorted by kind and id), and SimPy runs events at equal times first in, first out,
so a run is deterministic. Changes at the same instant are coalesced: the network moves to the
state they leave once, after the last of them, so two links cut at one moment are one failure
(one detection, one failover, one reroute per demand) whether the scenario lists them as one
event or two, and a state that lasts no time is never routed or counted.
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
import math
import random
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import simpy

from twin.gc_pause import frozen_heap
from twin.lru import Lru
from twin.model import FailureClass, Link, RepairResource, Scenario, ScheduledEvent
from twin.results import ResourceResult, SimulationResult
from twin.results.prose import render_timeline
from twin.results.records import CauseKind, ElementKind
from twin.routing import Router, RoutingCache, RoutingResult, expand_srlgs
from twin.sim.calendar import (
    Interval,
    SeasonalHazard,
    as_utc,
    cached_closed_intervals,
    seasonal_hazard,
    work_end_h,
)
from twin.sim.faults import Fault, freeze_all
from twin.sim.from_state import start_from_state
from twin.sim.life import start_lives
from twin.sim.observer import Affected, Observer, ObserverMemo
from twin.sim.rare import EntryMemo, Projection, RareEstimator, relevant_elements
from twin.sim.repair_units import RepairUnits
from twin.sim.streams import element_rng

# `failed` of a change that took nothing down (a restoration): one object, not one per event.
_NOTHING: frozenset[str] = frozenset()
# A move of the network: the routing it moves to, and the demands that touches (position,
# Gbit/s hit), as `Observer.transition` says.
Move = tuple[RoutingResult, Affected]

ProgressFn = Callable[[float], None]
# Asked after each simulated instant; True ends the run there (Ctrl-C), result marked partial.
StopFn = Callable[[], bool]
PROGRESS_STEPS = 100


def calendar_start(scenario: Scenario) -> datetime | None:
    """The calendar time of a run's hour 0: a state's `as_of` (a run from a state starts then,
    whatever the scenario's own `start`), else the scenario's `start`, else None (no calendar)."""
    if scenario.state is not None:
        return as_utc(datetime.fromisoformat(scenario.state.as_of))
    return scenario.start


def calendar_matters(scenario: Scenario) -> bool:
    """Whether a run's rates or repair times depend on the date: it has a calendar start and
    a seasonal failure class or a closed repair window. The conditional rare-event estimator
    (`twin.sim.rare`) integrates constant rates over window-free repairs, so Monte Carlo
    switches it off for such a run rather than report a biased figure."""
    if calendar_start(scenario) is None:
        return False
    seasonal = any(fc.seasonal for fc in scenario.topology.failure_classes.values())
    return seasonal or any(r.closed for r in scenario.repair_resources)


class LifeSpec(NamedTuple):
    """What one element's life needs (`twin.sim.life.Life`)."""

    kind: ElementKind
    element_id: str
    fc: FailureClass
    length_km: float
    targets: tuple[str, ...]
    link: Link | None
    node_ids: tuple[str, ...]


@dataclass
class Pool:
    spec: RepairResource
    units: RepairUnits
    # The resource's closed windows as simulated hours (empty without a calendar).
    closed: tuple[Interval, ...] = ()
    jobs: int = 0
    total_wait_h: float = 0.0
    max_wait_h: float = 0.0
    busy_h: float = 0.0
    # Faults holding a unit and faults waiting for one, first come first served.
    serving: list[Fault] = dataclasses.field(default_factory=list)
    waiting: list[Fault] = dataclasses.field(default_factory=list)

    def projected(self, now_h: float, due: dict[int, float]) -> float:
        """When a fault arriving now would get a unit; fills `due` with the projected return
        of each waiting fault (units are taken first come, first served)."""
        free = [f.due_h if f.due_h is not None else math.inf for f in self.serving]
        free += [now_h] * (self.spec.count - len(self.serving))
        heapq.heapify(free)
        for fault in self.waiting:
            start = heapq.heappop(free)
            back = start + self.spec.mobilisation_h + (fault.repair_h or 0.0)
            due[fault.id] = back
            heapq.heappush(free, back)
        if not free:
            return math.inf
        # A unit free now is free at any instant until the next change: -inf says so, and
        # keeps the estimator's terms unchanged (see `twin.sim.rare`).
        return free[0] if free[0] > now_h else -math.inf


class Simulator:
    """The replications of one scenario, and the caches they share.

    Routing results, observer state views and moves (where one element's flip takes the
    network, and the demands it touches) are pure functions of the failure states, so
    sharing them between replications cannot change a result; it only spares later
    replications the Dijkstra runs for states earlier ones already met. These caches belong
    to this object and are bounded (least recently used first out); dropping the simulator
    drops them. `simulate` makes one per call; Monte Carlo keeps one per scenario and process.
    """

    def __init__(
        self,
        scenario: Scenario,
        max_states: int = RoutingCache.DEFAULT_MAX_STATES,
        max_memo_entries: int = ObserverMemo.DEFAULT_MAX_ENTRIES,
    ) -> None:
        self.scenario = scenario
        router = Router(scenario.topology, include_planned=scenario.include_planned)
        capacity_aware = scenario.routing == "capacity"
        self.cache = RoutingCache(router, scenario.demands, capacity_aware, max_states)
        self.memo = ObserverMemo(max_memo_entries)
        # The conditional estimator's per-state terms (`twin.sim.rare`), bounded likewise.
        self.rare_entries: EntryMemo = Lru(max_memo_entries)
        # Per failure state left, per element whose flip alone left it: the move (see
        # `Engine._move_one`), bounded likewise.
        self.moves: Lru[frozenset[str], dict[str, Move]] = Lru(max_memo_entries)
        # Which repair pool (index) serves a fault of a link or node (`Engine.pool_for`), and
        # each failure class's repair-time sampler: set-up every replication would redo.
        self.pool_memo: dict[tuple[str | None, tuple[str, ...]], int | None] = {}
        self.samplers: dict[str, Callable[[random.Random], float]] = {}

    @functools.cached_property
    def life_specs(self) -> tuple[LifeSpec, ...]:
        """What each element's life needs, for the elements that fail at random (a
        failure class with a positive rate), sorted by kind and id: the same in every
        replication."""
        topo = self.scenario.topology
        in_service = {lid for _, _, lid in self.cache.router.graph.edges(keys=True)}
        specs: list[LifeSpec] = []
        for lid in sorted(in_service):
            link = topo.links[lid]
            fc = topo.failure_classes[link.failure_class]
            if fc.failures_per_year(link.length_km) > 0:
                specs.append(
                    LifeSpec("link", lid, fc, link.length_km, (lid,), link, (link.a, link.b))
                )
        for nid in sorted(topo.nodes):
            node = topo.nodes[nid]
            if node.failure_class is None:
                continue
            fc = topo.failure_classes[node.failure_class]
            if fc.failures_per_year(0.0) > 0:
                specs.append(LifeSpec("node", nid, fc, 0.0, (nid,), None, (nid,)))
        for sid in sorted(topo.srlgs):
            srlg = topo.srlgs[sid]
            if srlg.failure_class is None:
                continue
            fc = topo.failure_classes[srlg.failure_class]
            members = tuple(sorted(lid for lid in expand_srlgs(topo, [sid]) if lid in in_service))
            if not members:
                continue
            length = max(topo.links[m].length_km for m in members)
            first = topo.links[members[0]]
            if fc.failures_per_year(length) > 0:
                specs.append(LifeSpec("srlg", sid, fc, length, members, first, (first.a, first.b)))
        return tuple(specs)

    @functools.cached_property
    def rare_relevant(self) -> tuple[frozenset[str] | None, ...]:
        """Per demand (scenario order), the elements that can change its route, for the
        conditional estimator (None: every element, as under capacity-aware routing)."""
        if self.cache.capacity_aware:
            return tuple(None for _ in self.scenario.demands)
        graph = self.cache.router.graph
        return tuple(
            relevant_elements(graph, d.source, d.destination) for d in self.scenario.demands
        )

    def engine(
        self,
        seed: int,
        replication: int,
        horizon_h: float,
        timeline: bool = True,
        rare: Sequence[int] = (),
        start: datetime | None = None,
    ) -> Engine:
        """A fresh engine for one replication, on the shared caches; `rare` lists the demands
        (indices) the conditional estimator follows, `start` overrides the calendar's t = 0."""
        return Engine(self, seed, replication, horizon_h, timeline, rare, start)


class Engine:
    def __init__(
        self,
        simulator: Simulator,
        seed: int,
        replication: int,
        horizon_h: float,
        timeline: bool = True,
        rare: Sequence[int] = (),
        start: datetime | None = None,
    ) -> None:
        scenario = simulator.scenario
        self.scenario = scenario
        self.topology = scenario.topology
        self.seed = seed
        self.replication = replication
        self.horizon_h = horizon_h
        # Whether the readable timeline is kept: without it nothing is logged per event.
        self.timeline = timeline
        self.env = simpy.Environment()
        self.cache = simulator.cache
        self.router = self.cache.router
        self.rare = self._rare_estimator(simulator, rare) if rare else None
        self._rare_dirty = bool(rare)
        # What changed since the estimator last looked, and whether a pool was full then.
        self._rare_changed: set[str] = set()
        self._rare_saturated = True
        # Faults not yet over, by id (what the rare-event estimator projects from).
        self.active: dict[int, Fault] = {}
        # Per demand (scenario order), the estimator's corrections in `twin.sim.rare.MEASURES`.
        self.corrections: tuple[tuple[float, ...], ...] = ()
        self.down_count: dict[str, int] = {}
        self.state: frozenset[str] = frozenset()
        # The routing of every failure state this run has been in: looked up here first, so a
        # state met again costs one dict lookup, and the state object is the cache's own (the
        # observer's dicts keyed by it then match by identity).
        intact = self.cache.route(self.state)
        self.routes: dict[frozenset[str], RoutingResult] = {self.state: intact}
        self.observer = Observer(scenario, intact, simulator.memo, timeline)
        given = start if start is not None else calendar_start(scenario)
        self.calendar_start = None if given is None else as_utc(given)
        self.pools = [
            Pool(spec, RepairUnits(self.env, spec.count), self._closed(spec))
            for spec in scenario.repair_resources
        ]
        self.events_processed = 0
        self.kernel_events = 0
        # Which pool (index) serves a fault where: a function of the scenario, kept by the
        # simulator for all its replications.
        self._pool_memo = simulator.pool_memo
        self._samplers = simulator.samplers
        self._simulator = simulator
        # Every fault of the run, in the order they happen (a fault's id is its index).
        self.faults: list[Fault] = []
        # What changed at the current instant, applied by `_settle` once time moves on: the
        # elements that flipped between up and down, in order (one may flip twice).
        self._flipped: list[str] = []
        self._pending_faults: list[Fault] = []
        self._pending_planned = True
        # The moves this run has made, by state left and element: looked up here first, without
        # the shared memo's reordering (see `_move_one`).
        self._moves: dict[frozenset[str], dict[str, Move]] = {}
        self._shared_moves = simulator.moves

    # --- rare-event estimator ------------------------------------------------------------------

    def _rare_estimator(self, simulator: Simulator, watched: Sequence[int]) -> RareEstimator:
        """The conditional estimator of this run, its per-state memo shared across runs."""
        relevant = simulator.rare_relevant
        entries = simulator.rare_entries
        shifts = random.Random(f"{self.seed}/{self.replication}/rare/shift")
        points = random.Random(f"{self.seed}/{self.replication}/rare/points")
        return RareEstimator(
            self.cache,
            self.scenario.demands,
            self.horizon_h,
            relevant,
            entries,
            watched,
            shifts,
            points,
        )

    def _rare_refresh(self) -> None:
        """Let the estimator see the network as this instant left it, when the change can
        matter to it: a watched demand's elements, or a repair pool that is or was full."""
        assert self.rare is not None
        self._rare_dirty = False
        saturated = any(len(p.serving) >= p.spec.count for p in self.pools)
        if saturated or self._rare_saturated or self.rare.concerns(self._rare_changed):
            self.rare.refresh(self.env.now, self._projection())
        self._rare_saturated = saturated
        self._rare_changed = set()

    def _projection(self) -> Projection:
        """When each element down and each repair pool will be back, as far as known now."""
        now = self.env.now
        due: dict[int, float] = {}
        free = {
            # A pool with a unit free and nobody waiting serves a new fault at once.
            i: pool.projected(now, due) if len(pool.serving) >= pool.spec.count else -math.inf
            for i, pool in enumerate(self.pools)
        }
        back: dict[str, float] = {}
        scope = self.rare.scope if self.rare is not None else None
        for fault in self.active.values():
            if scope is not None and scope.isdisjoint(fault.elements):
                continue
            known = fault.due_h if fault.due_h is not None else due.get(fault.id, math.inf)
            for element in fault.elements:
                back[element] = max(back.get(element, -math.inf), known)
        return Projection(frozenset(self.down_count), back, free)

    def _closed(self, spec: RepairResource) -> tuple[Interval, ...]:
        if self.calendar_start is None or not spec.closed:
            return ()
        return cached_closed_intervals(self.calendar_start, spec.closed, self.horizon_h)

    def hazard(self, fc: FailureClass) -> SeasonalHazard | None:
        """The class's calendar of risk, or None when its rate is constant in this run."""
        if self.calendar_start is None or not fc.seasonal:
            return None
        return seasonal_hazard(self.calendar_start, fc.seasonal, self.horizon_h)

    def work_time_h(self, pool: Pool, fault: Fault, work_h: float) -> float:
        """How long a job of `work_h` hours begun now holds its unit: the work, plus the time
        the pool's closed windows stop it (recorded on `fault`)."""
        if not pool.closed:
            return work_h
        schedule = work_end_h(pool.closed, self.env.now, work_h)
        if not schedule.held:
            return work_h
        fault.held, fault.window = schedule.held, schedule.window
        return schedule.end_h - self.env.now

    # --- state changes -----------------------------------------------------------------------

    def _begin(self, fault: Fault, planned: bool, failure: bool, found: bool) -> None:
        """`fault` happens now, within a change its caller counts: it gets its id, and its
        elements count one more fault down each; those that were up flip (noted for
        `_settle`). Runs for every fault: no allocation here."""
        all_faults = self.faults
        fault.id = len(all_faults)
        all_faults.append(fault)
        if self.rare is not None:
            self._rare_dirty = True
            self._rare_changed.update(fault.elements)
            self.active[fault.id] = fault
        if self.timeline:
            kind = "down" if found else "maintenance" if planned else "failure"
            self.observer.note(fault.failed_at_h, kind, fault.id, None)
        down = self.down_count
        # The observer's link measures, kept here inline (`Observer.link_down` and `link_up`,
        # one call each per link per event otherwise); a node or SRLG id has none.
        link_accs = self.observer.links
        flipped = False
        for element_id in fault.elements:
            # Membership tests rather than `dict.get` calls: a count is never 0 (see `_end`).
            if element_id in down:
                down[element_id] += 1
                continue  # down already (its link measure too): the failure state stays
            down[element_id] = 1
            flipped = True
            self._flipped.append(element_id)
            if element_id in link_accs:
                acc = link_accs[element_id]
                if failure:
                    acc.failures += 1
                acc.down_since = self.env._now
        if flipped:
            self._pending_faults.append(fault)
            if not planned:
                self._pending_planned = False

    def _end(self, fault: Fault, now: float) -> None:
        """`fault` ends `now`, within a change its caller counts: its elements count one fault
        down less each; those no other fault holds down flip (noted for `_settle`). Runs for
        every fault: no allocation here."""
        fault.restored_at_h = now
        if self.rare is not None:
            self._rare_dirty = True
            self._rare_changed.update(fault.elements)
            self.active.pop(fault.id, None)
        if self.timeline:
            self.observer.note(now, "restore", fault.id, None)
        down = self.down_count
        link_accs = self.observer.links
        for element_id in fault.elements:
            after = down[element_id] - 1
            if after:
                down[element_id] = after
                continue
            del down[element_id]
            self._flipped.append(element_id)
            self._pending_planned = False
            if element_id in link_accs:
                acc = link_accs[element_id]
                if acc.down_since is not None:
                    acc.downtime_h += now - acc.down_since
                    acc.down_since = None

    def _settle(self, now_h: float) -> None:
        """Move the network to the state this instant's changes left, once (see the module
        docstring)."""
        flipped = self._flipped
        move: Move | None = None
        if len(flipped) == 1:
            # `_move_one`'s common case inline: a move this run has made before.
            moves = self._moves.get(self.state)
            if moves is not None:
                move = moves.get(flipped[0])
            if move is None:
                move = self._move_one(flipped[0])
        else:
            move = self._move()
        if move is not None:
            new, affected = move
            self.state = new.state
            observer, faults = self.observer, self._pending_faults
            if affected or observer.loss_until:
                observer.change(now_h, new, affected, faults, self._pending_planned)
            else:  # no demand touched, no loss window to credit: only the time spent counts
                observer.settle(now_h, new)
            if faults:
                faults.clear()  # read during `change` only: one list serves every instant
        flipped.clear()
        self._pending_planned = True

    def _move_one(self, element: str) -> Move:
        """The move when one element alone flipped at this instant (nearly every change): a
        function of the state left and the element, so the simulator keeps it for every
        replication, and a change costs two dict lookups, with no set or key built. This run
        keeps the moves it made in dicts of its own (`_moves`, read by `_settle`), so a move
        found there needs no check that its state is among this run's."""
        state = self.state
        shared = self._shared_moves.get(state)
        if shared is None:
            shared = self._shared_moves.put(state, {})
        move = shared.get(element)
        if move is None:
            failed = frozenset((element,)) if element in self.down_count else _NOTHING
            new = self._routed(state.symmetric_difference((element,)))
            move = shared[element] = (new, self.observer.transition(new, failed))
        elif move[0].state not in self.routes:  # met in an earlier replication
            self.routes[move[0].state] = move[0]
        own = self._moves.get(state)
        if own is None:
            own = self._moves[state] = {}
        own[element] = move
        return move

    def _move(self) -> Move | None:
        """The move for any changes at this instant, or None when they cancel out; `failed`
        is what went down now and is still down."""
        down = self.down_count
        if down.keys() == self.state:
            return None
        new = self._routed(frozenset(down))
        failed = frozenset(e for e in self._flipped if e in down) or _NOTHING
        return new, self.observer.transition(new, failed)

    def _routed(self, state: frozenset[str]) -> RoutingResult:
        """The routing of `state`: this run's own first (one dict lookup), else the cache's."""
        new = self.routes.get(state)
        if new is None:
            new = self.routes[state] = self.cache.route(state)
        return new

    def fail(
        self, *faults: Fault, planned: bool = False, failure: bool = True, found: bool = False
    ) -> None:
        """Faults that happen now, as one change (one event, however many elements); `found`:
        faults a state says were already there at the start (no failover: traffic had moved)."""
        self.events_processed += 1
        for fault in faults:
            self._begin(fault, planned, failure, found)

    def restore(self, *faults: Fault) -> None:
        """Faults that end now, as one change."""
        self.events_processed += 1
        now = self.env._now
        for fault in faults:
            self._end(fault, now)

    # --- repairs -------------------------------------------------------------------------------

    def _pool_for(self, link: Link | None, countries: tuple[str, ...]) -> int | None:
        for index, pool in enumerate(self.pools):
            covers = set(pool.spec.covers)
            if "*" in covers:
                return index
            if pool.spec.kind == "ship":
                if link is not None and link.kind == "submarine" and link.sea in covers:
                    return index
            elif (link is None or link.kind == "terrestrial") and covers & set(countries):
                return index
        return None

    def _countries(self, node_ids: Iterable[str]) -> tuple[str, ...]:
        codes: list[str] = []
        for node_id in node_ids:
            node = self.topology.nodes.get(node_id)
            if node is not None:
                codes.extend(node.country.split("/"))
        return tuple(codes)

    def pool_for(self, link: Link | None, node_ids: tuple[str, ...]) -> Pool | None:
        """The repair pool serving a fault of `link` (or, for a node, in `node_ids`)."""
        key = (link.id if link is not None else None, node_ids)
        memo = self._pool_memo
        if key in memo:
            index = memo[key]
        else:
            index = memo[key] = self._pool_for(link, self._countries(node_ids))
        return None if index is None else self.pools[index]

    def repair(
        self, fault: Fault, repair_h: float, link: Link | None, node_ids: Iterable[str]
    ) -> Generator[Any, Any, None]:
        """Wait for a repair unit (if one covers the fault), then hold it for the repair."""
        return self.repair_by(self.pool_for(link, tuple(node_ids)), fault, repair_h)

    def repair_by(
        self, pool: Pool | None, fault: Fault, repair_h: float
    ) -> Generator[Any, Any, None]:
        """`repair` with the fault's pool known."""
        fault.repair_h = repair_h
        ticket = self._ask(pool, fault)
        if ticket is not None:
            assert pool is not None
            yield from self._queued_repair(pool, fault, ticket)
            return
        start = self.env._now
        yield self.env.timeout(self._begin_repair(pool, fault, start, start))
        if pool is not None:
            self._end_repair(pool, fault, start)

    def _ask(self, pool: Pool | None, fault: Fault) -> simpy.Event | None:
        """Ask `pool` (if any) for a unit for `fault` now: None when the repair can begin at
        once (no pool, or a unit handed over without an event, see `RepairUnits.take`), else
        the event to wait for first (`_queued_repair`)."""
        if pool is None:
            return None
        spec = pool.spec
        fault.resource, fault.mobilisation_h = spec.id, spec.mobilisation_h
        return pool.units.take()

    def _queued_repair(
        self, pool: Pool, fault: Fault, ticket: simpy.Event
    ) -> Generator[Any, Any, None]:
        """A repair that waits for `ticket` (a unit of `pool`) first, then holds the unit."""
        asked = self._queue_for(pool, fault, ticket)
        yield ticket
        start = self._granted_to(pool, fault)
        yield self.env.timeout(self._begin_repair(pool, fault, asked, start))
        self._end_repair(pool, fault, start)

    def _queue_for(self, pool: Pool, fault: Fault, ticket: simpy.Event) -> float:
        """`fault` waits for `ticket` (a unit of `pool`) from now, the hour returned."""
        asked: float = self.env._now
        if self.timeline and pool.units.queued(ticket):
            self.observer.note(asked, "repair-queued", fault.id, None)
        pool.waiting.append(fault)
        return asked

    def _granted_to(self, pool: Pool, fault: Fault) -> float:
        """`fault`'s ticket came: it waits no more; the hour its repair begins (now)."""
        pool.waiting.remove(fault)
        start: float = self.env._now
        return start

    def _begin_repair(self, pool: Pool | None, fault: Fault, asked: float, start: float) -> float:
        """Start `fault`'s repair now (`start`; it asked for a unit at `asked`): record it, and
        return how long it holds its unit (the repair alone without a pool)."""
        repair_h: float = fault.repair_h  # type: ignore[assignment]  # set before it asks
        fault.repair_started_at_h = start
        if pool is None:
            fault.due_h = start + repair_h
            return repair_h
        spec = pool.spec
        if self.rare is not None:
            # What the estimator projects from; nothing else reads these lists.
            pool.serving.append(fault)
            self._rare_dirty = True
            self._rare_changed.update(fault.elements)
        work_h = spec.mobilisation_h + repair_h
        fault.due_h = start + work_h
        if start != asked:
            wait = start - asked
            fault.wait_h = wait
            pool.total_wait_h += wait
            if wait > pool.max_wait_h:
                pool.max_wait_h = wait
        pool.jobs += 1
        if self.timeline:
            self.observer.note(start, "repair-start", fault.id, None)
        return self.work_time_h(pool, fault, work_h) if pool.closed else work_h

    def _end_repair(self, pool: Pool, fault: Fault, start: float) -> None:
        """`fault`'s repair, begun at `start`, is done: its unit goes back to `pool`."""
        pool.busy_h += self.env._now - start
        if self.rare is not None:
            pool.serving.remove(fault)
        pool.units.release()

    # --- processes -------------------------------------------------------------------------

    def _event_elements(self, event: ScheduledEvent) -> tuple[str, ...]:
        target = event.target
        if target.kind == "srlg":
            return tuple(sorted(expand_srlgs(self.topology, target.ids)))
        return target.ids

    def _event_faults(self, event: ScheduledEvent, repaired: bool) -> list[Fault]:
        """The faults of a scheduled event, each named by the event: one of the SRLG when it
        cuts one SRLG and is not repaired (its members go and come back together), else one
        per element it takes down (each repaired on its own)."""
        cause_kind: CauseKind = "maintenance" if event.action == "maintenance" else "cut"
        now = self.env.now
        target = event.target
        if target.kind == "srlg" and len(target.ids) == 1 and not repaired:
            members = self._event_elements(event)
            return [Fault("srlg", target.ids[0], members, cause_kind, event.id, now)]
        links = self.topology.links
        return [
            Fault("link" if e in links else "node", e, (e,), cause_kind, event.id, now)
            for e in self._event_elements(event)
        ]

    def scheduled(self, event: ScheduledEvent) -> Generator[Any, Any, None]:
        yield self.env.timeout(event.at_h)
        planned = event.action == "maintenance"
        timed = event.restore_at_h is not None or event.duration_h is not None
        faults = self._event_faults(event, repaired=event.repair and not timed)
        if timed or not event.repair:
            self.fail(*faults, planned=planned, failure=not planned)
            back_h = (
                event.restore_at_h
                if event.restore_at_h is not None
                else (event.at_h + event.duration_h if event.duration_h is not None else None)
            )
            for fault in faults:
                fault.due_h = back_h
        if event.restore_at_h is not None:
            yield self.env.timeout(event.restore_at_h - event.at_h)
        elif event.duration_h is not None:
            yield self.env.timeout(event.duration_h)
        elif event.repair:
            # One repair job per cut element, each a fault of its own, started in the event's
            # element order so that they queue first come, first served; each element is back
            # when its own job ends. The cuts happen at one instant, so the network still moves
            # once (see `_settle`).
            for fault in faults:
                self.fail(fault, planned=planned, failure=not planned)
            if event.permit_wait_h > 0:
                # One wait for the whole incident (a permit), then every repair asks at once.
                for fault in faults:
                    fault.permit_wait_h = event.permit_wait_h
                yield self.env.timeout(event.permit_wait_h)
            several = len(faults) > 1
            jobs = [self.env.process(self._repair_element(event, f, several)) for f in faults]
            yield self.env.all_of(jobs)
            return
        else:
            return  # never restored within the horizon
        self.restore(*faults)

    def _repair_element(
        self, event: ScheduledEvent, fault: Fault, several: bool
    ) -> Generator[Any, Any, None]:
        """Repair one element cut by `event`: a cable cut is a repair job of its own, whatever
        else the event cut (two cables 330 km apart are two repairs, each queuing for a ship).

        Its repair time comes from the stream of "EVENT" when the event cut one element and of
        "EVENT/ELEMENT" when it cut several."""
        element = fault.element
        link, fc = self._repair_basis(event, element)
        nodes = (link.a, link.b) if link is not None else (element,)
        stream = f"{event.id}/{element}" if several else event.id
        rng = element_rng(self.seed, self.replication, "event", stream, "repair")
        yield from self.repair(fault, fc.repair.sample_h(rng), link, nodes)
        self.restore(fault)

    def _repair_basis(
        self, event: ScheduledEvent, element: str
    ) -> tuple[Link | None, FailureClass]:
        """The link (for its sea or countries) and failure class deciding how `element` is
        repaired: an SRLG cut uses the SRLG's class when it has one, else each link its own."""
        classes = self.topology.failure_classes
        link = self.topology.links.get(element)
        if link is not None:
            if event.target.kind == "srlg":
                srlg = self.topology.srlgs[event.target.ids[0]]
                if srlg.failure_class is not None:
                    return link, classes[srlg.failure_class]
            return link, classes[link.failure_class]
        node = self.topology.nodes[element]
        return None, classes[node.failure_class or next(iter(sorted(classes)))]

    def ticker(self, progress: ProgressFn) -> Generator[Any, Any, None]:
        step = self.horizon_h / PROGRESS_STEPS
        for i in range(1, PROGRESS_STEPS + 1):
            yield self.env.timeout(step)
            progress(min(1.0, i / PROGRESS_STEPS))

    def start(self, progress: ProgressFn | None) -> None:
        down_at_start: frozenset[tuple[str, str]] = frozenset()
        if self.scenario.state is not None:
            # First, so the state's faults are the run's first records and hold their repair
            # units before anything new queues for them.
            down_at_start = start_from_state(self, self.scenario.state)
        for event in self.scenario.events:
            self.env.process(self.scheduled(event))
        if self.scenario.stochastic_failures:
            specs = self.life_specs()
            start_lives(self, [s for s in specs if (s.kind, s.element_id) not in down_at_start])
        if progress is not None:
            self.env.process(self.ticker(progress))

    def life_specs(self) -> list[LifeSpec]:
        """What each element's life needs (`Simulator.life_specs`)."""
        return list(self._simulator.life_specs)

    def repair_sampler(self, fc: FailureClass) -> Callable[[random.Random], float]:
        """`fc`'s repair-time sampler, made once per class for all the simulator's runs."""
        sample_repair_h = self._samplers.get(fc.id)
        if sample_repair_h is None:
            sample_repair_h = self._samplers[fc.id] = fc.repair.sampler()
        return sample_repair_h

    def run(
        self, progress: ProgressFn | None = None, stop: StopFn | None = None
    ) -> SimulationResult:
        """Simulate to the horizon, or until `stop()` says so (Ctrl-C): then the result is
        marked partial and covers the hours simulated, every measure computed over them."""
        with frozen_heap():
            return self._run(progress, stop)

    def _run(self, progress: ProgressFn | None, stop: StopFn | None) -> SimulationResult:
        self.start(progress)
        # Step by hand rather than env.run(until=...): the same events in the same order (those
        # at exactly the horizon are left, as run(until) leaves them), and a count of kernel
        # events for the throughput benchmark. Each step is `Environment.step` inlined (pop the
        # next event off SimPy's queue, advance the clock, run its callbacks, crash on a failed
        # event nothing handled) and `peek` too: the same events in the same order, without two
        # method calls and a property read per event.
        env = self.env
        queue = env._queue
        pop = heapq.heappop
        horizon_h = self.horizon_h
        end_h = horizon_h
        flipped, settle = self._flipped, self._settle  # the list is cleared, never replaced
        now_h = queue[0][0] if queue else math.inf
        while now_h < horizon_h:
            env._now, _, _, event = pop(queue)  # the next event, at now_h
            callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
            for callback in callbacks:
                callback(event)
            if not event._ok and not hasattr(event, "_defused"):
                _crash(event)
            next_h = queue[0][0] if queue else math.inf
            if next_h != now_h:  # the last event of this instant
                if flipped:
                    settle(now_h)
                if self._rare_dirty:
                    self._rare_refresh()
                if stop is not None and stop():
                    # Nothing changes before the next event: the state is known up to it.
                    end_h = min(next_h, horizon_h)
                    break
            now_h = next_h
        # Every event scheduled (SimPy numbers them from 0) and no longer queued was processed
        # by a step above: the count without a counter per step.
        self.kernel_events = next(env._eid) - len(queue)
        if self.rare is not None:
            self.corrections = tuple(self.rare.finish(end_h))
        result = self._result(end_h)
        if end_h < horizon_h:
            note = f"interrupted: simulated {end_h:.6g} h of the {horizon_h:.6g} h horizon"
            result = dataclasses.replace(result, partial=True, notes=(*result.notes, note))
        return result

    def _result(self, end_h: float) -> SimulationResult:
        resources = [
            ResourceResult(
                id=p.spec.id,
                kind=p.spec.kind,
                count=p.spec.count,
                jobs=p.jobs,
                mean_wait_h=p.total_wait_h / p.jobs if p.jobs else 0.0,
                max_wait_h=p.max_wait_h,
                busy_fraction=p.busy_h / (end_h * p.spec.count),
            )
            for p in self.pools
        ]
        records = freeze_all(self.faults, end_h)
        demands, links, resource_results = self.observer.finish(end_h, resources, records)
        notes = () if self.calendar_start is not None else _no_calendar_notes(self.scenario)
        return SimulationResult(
            scenario=self.scenario.name,
            scenario_path=self.scenario.source_path,
            topology=self.topology.name,
            topology_path=self.scenario.topology_path,
            seed=self.seed,
            replication=self.replication,
            horizon_h=end_h,
            routing=self.scenario.routing,
            demands=tuple(demands),
            links=tuple(links),
            resources=tuple(resource_results),
            timeline=render_timeline(self.observer.raw_timeline, records),
            element_outages=records,
            routing_states=len(self.routes),
            events_processed=self.events_processed,
            notes=notes,
        )


def _crash(event: simpy.Event) -> None:
    """What `Environment.step` does with a failed event no process handled: raise a copy of
    its exception (a bug in a process, or one of its events failed)."""
    exc = type(event._value)(*event._value.args)
    exc.__cause__ = event._value
    raise exc


def _no_calendar_notes(scenario: Scenario) -> tuple[str, ...]:
    """What a run without a calendar start did not apply: the calendar's parts it has."""
    unused = []
    if any(fc.seasonal for fc in scenario.topology.failure_classes.values()):
        unused.append("the seasonal factors of the failure classes (rates ran at their mean)")
    if any(r.closed for r in scenario.repair_resources):
        unused.append("the closed windows of the repair resources")
    if not unused:
        return ()
    return (
        f"no start date: {' and '.join(unused)} were not applied (give the scenario a start "
        "date to place them in the calendar)",
    )


def simulate(
    scenario: Scenario,
    *,
    seed: int | None = None,
    replication: int = 0,
    horizon_h: float | None = None,
    progress: ProgressFn | None = None,
    timeline: bool = True,
    stop: StopFn | None = None,
    start: datetime | None = None,
) -> SimulationResult:
    """Run one replication of `scenario`; a pure function of its arguments.

    `timeline=False` leaves the result's timeline empty (every measure is unchanged): Monte
    Carlo keeps only the measures, and writing a few thousand readable entries per simulated
    decade is a sizeable share of a replication.

    `start` is the calendar time (UTC; a naive datetime is read as UTC) of t = 0 and takes the
    place of `calendar_start(scenario)`. With neither there is no calendar: seasonal rates run
    at their annual mean and closed windows do not apply.
    """
    engine = Simulator(scenario).engine(
        scenario.seed if seed is None else seed,
        replication,
        scenario.horizon_h if horizon_h is None else horizon_h,
        timeline,
        start=start,
    )
    return engine.run(progress, stop)


def simulate_corrected(
    simulator: Simulator, *, seed: int, replication: int, demands: Sequence[str] | None = None
) -> tuple[SimulationResult, tuple[tuple[float, ...], ...]]:
    """One replication without timeline, and the conditional estimator's corrections per
    demand (`twin.sim.rare`): add them to the run's measures for the conditional estimate.

    `demands` (ids; all by default) are those corrected, the others get zeros: the
    estimator's cost grows with the demands it follows."""
    scenario = simulator.scenario
    wanted = None if demands is None else set(demands)
    watched = [i for i, d in enumerate(scenario.demands) if wanted is None or d.id in wanted]
    engine = simulator.engine(seed, replication, scenario.horizon_h, timeline=False, rare=watched)
    result = engine.run()
    return result, engine.corrections
