"""An element's stochastic life: up, failed, repaired, up again, as callbacks on its events.

An element that fails at random alternates between up (an exponential time, or a seasonal
hazard's draw) and down (waiting for a repair unit, then holding it for the repair). Written as
a generator wrapped in a `simpy.Process`, every kernel event of the element paid for the
process too: `Process._resume` (a Python frame: the active process, `generator.send`, checks on
the yielded event, its own callback appended) and then the generator's resumption, and every
element cost an `Initialize` event. Lives are nearly all of a run's kernel events, so that was a
large share of the engine's time per event (issue #18).

SimPy events take plain callbacks, which is how SimPy chains its own events; a life here is a
small state machine whose steps are callbacks on its events: `_failed` on the timeout of its
up-time, `_granted` on a repair unit's ticket when the fault queued, `_repaired` on the timeout
of its repair. Each step does exactly what the generator did between two of its yields, in the
same order, with the same draws from the same streams, so the kernel events are the same real
SimPy events in SimPy's queue, created in the same order (their ids, which order equal times,
keep their relative order).

Only events nothing can observe go: the lives' `Initialize` events, replaced by one event in
their place in the queue (`start_lives`: it starts every life, in the same order, at the same
point of hour 0). A life that ends (a seasonal class with no further failure within the
horizon) leaves an event at its instant, as its process's end did: a repair asking for a unit
at that instant must still find something else due then (`RepairUnits.take`). A life that
continues a process (a state's element once restored, `twin.sim.from_state`) runs inside that
process (`hosted_life`), whose events and end stay where they were.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Generator, Sequence
from typing import TYPE_CHECKING, Any

import simpy
from simpy.events import NORMAL, URGENT, Timeout

from twin.sim.faults import Fault
from twin.sim.streams import Purpose, element_rng
from twin.units import HOURS_PER_YEAR

if TYPE_CHECKING:
    from random import Random

    from twin.sim.calendar import SeasonalHazard
    from twin.sim.engine import Engine, LifeSpec, Pool
    from twin.sim.rare import RareEstimator

_push = heapq.heappush
# The callbacks of a life's timeout: one step.
Callbacks = list[Callable[[simpy.Event], None]]


def _idle_timeout(env: simpy.Environment) -> Timeout:
    """A `Timeout` as `Timeout.__init__` makes one (succeeded, value None), not yet scheduled:
    `Life._schedule` arms it."""
    event = Timeout.__new__(Timeout)
    event.env = env
    event.callbacks = []
    event._value = None
    event._delay = 0.0
    event._ok = True
    return event


class Life:
    """One element's life (`LifeSpec`): started when built, then driven by its events."""

    __slots__ = (
        "_asked_h",
        "_candidate",
        "_cause",
        "_draw_up",
        "_eid",
        "_engine",
        "_env",
        "_fault",
        "_granted_step",
        "_hazard",
        "_kind",
        "_mobilisation_h",
        "_on_failed",
        "_on_repaired",
        "_pool",
        "_queue",
        "_rare",
        "_rate_per_h",
        "_repair_rng",
        "_resource",
        "_sample_repair_h",
        "_spec",
        "_start_h",
        "_take",
        "_timeout",
    )

    def __init__(self, engine: Engine, spec: LifeSpec) -> None:
        """Set the life up as the process's first step did (the same streams, samplers, pool
        and estimator candidate, in the same order) and schedule its first failure."""
        self._engine = engine
        self._env = engine.env
        self._spec = spec
        fc = spec.fc
        self._draw_up = self._stream("failure").expovariate
        # The repair stream, seeded at the first failure (`_failed`): seeding a Mersenne
        # Twister from a string is costly, and many lives never fail within the horizon. The
        # stream is a function of its name alone, so when it is made changes no draw.
        self._repair_rng: Random | None = None
        self._rate_per_h = rate_per_h = fc.failures_per_year(spec.length_km) / HOURS_PER_YEAR
        self._sample_repair_h = engine.repair_sampler(fc)
        self._rare: RareEstimator | None = engine.rare
        self._candidate = -1
        pool = engine.pool_for(spec.link, spec.node_ids)
        self._pool: Pool | None = pool
        if self._rare is not None:
            self._candidate = self._rare.add_candidate(
                spec.targets,
                rate_per_h,
                fc.repair,
                None if pool is None else engine.pools.index(pool),
                0.0 if pool is None else pool.spec.mobilisation_h,
            )
        self._hazard: SeasonalHazard | None = engine.hazard(fc)
        self._cause = fc.id
        self._kind = spec.kind
        # What `Engine._ask` sets on a fault of the pool, and the pool's `take`, looked up once.
        self._resource = None if pool is None else pool.spec.id
        self._mobilisation_h = 0.0 if pool is None else pool.spec.mobilisation_h
        self._take: Callable[[], simpy.Event | None] = _no_pool if pool is None else pool.units.take
        self._fault: Fault | None = None
        self._asked_h = self._start_h = 0.0
        self._queue = engine.env._queue
        self._eid = engine.env._eid
        self._timeout = _idle_timeout(engine.env)
        # Each step's callback list, built once (nothing else appends to them, see
        # `_schedule`), and the step for a unit's ticket, bound once.
        self._on_failed: Callbacks = [self._failed]
        self._on_repaired: Callbacks = [self._repaired]
        self._granted_step = self._granted
        self._up()

    def _stream(self, purpose: Purpose) -> Random:
        """The life's random stream for `purpose` (`twin.sim.streams`)."""
        engine, spec = self._engine, self._spec
        return element_rng(engine.seed, engine.replication, spec.kind, spec.element_id, purpose)

    def _schedule(self, delay_h: float, callbacks: Callbacks) -> None:
        """The life's timeout, due in `delay_h` with `callbacks`: what `Timeout(env, delay_h)`
        and `Environment.schedule` do (the same queue entry: time, priority, the next event
        id), on the life's one `Timeout` object, re-armed. A life waits for one timeout at a
        time and nothing else holds its timeout, so a new object and callback list per event
        would only be garbage (a hosted life copies the list, see `HostedLife`)."""
        if delay_h < 0:
            raise ValueError(f"Negative delay {delay_h}")
        event = self._timeout
        event.callbacks = callbacks
        event._delay = delay_h
        _push(self._queue, (self._env._now + delay_h, NORMAL, next(self._eid), event))

    def _up(self) -> None:
        """Up from now: schedule the next failure, or end when none comes within the horizon."""
        hazard = self._hazard
        if hazard is None:
            self._schedule(self._draw_up(self._rate_per_h), self._on_failed)
            return
        now = self._env._now
        fails_at_h = hazard.next_failure_h(now, self._draw_up(1.0), self._rate_per_h)
        if math.isinf(fails_at_h):
            self._ended()
            return
        self._schedule(fails_at_h - now, self._on_failed)

    def _ended(self) -> None:
        """No further failure: the life is over. Its process's end was an event at this
        instant, and the life leaves one too (see the module docstring)."""
        self._env.timeout(0)

    def _waits_for(self, ticket: simpy.Event) -> None:
        """The fault queued for a unit: the life's next step is `ticket`'s."""

    def _failed(self, _: simpy.Event) -> None:
        """The element fails now: a fault, and its repair (at once when a unit is free)."""
        engine = self._engine
        now = self._env._now
        rng = self._repair_rng
        if rng is None:
            rng = self._repair_rng = self._stream("repair")
        repair_h = self._sample_repair_h(rng)
        if self._rare is not None:
            self._rare.on_failure(self._candidate, now, repair_h)
        spec = self._spec
        self._fault = fault = Fault(
            self._kind, spec.element_id, spec.targets, "failure", self._cause, now, repair_h
        )
        engine.events_processed += 1  # `fail(fault)` without varargs
        engine._begin(fault, False, True, False)
        pool = self._pool
        ticket = None
        if pool is not None:
            # `Engine._ask` inline: a unit handed over at once (nearly always) needs no event.
            fault.resource, fault.mobilisation_h = self._resource, self._mobilisation_h
            ticket = self._take()
        if ticket is None:
            self._start_h = now
            self._schedule(engine._begin_repair(pool, fault, now, now), self._on_repaired)
            return
        assert pool is not None
        self._asked_h = engine._queue_for(pool, fault, ticket)
        ticket.callbacks.append(self._granted_step)
        self._waits_for(ticket)

    def _granted(self, _: simpy.Event) -> None:
        """A unit of the pool is the queued fault's now: its repair begins."""
        pool, fault = self._pool, self._fault
        assert pool is not None and fault is not None
        self._start_h = start = self._engine._granted_to(pool, fault)
        work_h = self._engine._begin_repair(pool, fault, self._asked_h, start)
        self._schedule(work_h, self._on_repaired)

    def _repaired(self, _: simpy.Event) -> None:
        """The repair is done: the unit goes back, the element is up again."""
        engine, pool, fault = self._engine, self._pool, self._fault
        assert fault is not None
        if pool is not None:
            engine._end_repair(pool, fault, self._start_h)
        engine.events_processed += 1  # `restore(fault)` without varargs
        engine._end(fault, self._env._now)
        if self._rare is not None:
            self._rare.on_restore(self._candidate)
        if self._hazard is None:  # `_up` inline, for nearly every life
            self._schedule(self._draw_up(self._rate_per_h), self._on_failed)
        else:
            self._up()


def _no_pool() -> None:
    """`take` of a life no pool repairs: never called (its repairs begin at once)."""


def start_lives(engine: Engine, specs: Sequence[LifeSpec]) -> None:
    """Start the lives of `specs` at hour 0 through one event, scheduled where their
    processes' `Initialize` events were (urgent, after what was started before): the lives
    begin, in order, at the same point of the run as before, with one kernel event for all."""
    if not specs:
        return
    env = engine.env
    starter = simpy.Event(env)
    starter.callbacks.append(lambda _: _start_each(engine, specs))
    starter._ok = True
    starter._value = None
    env.schedule(starter, URGENT)


def _start_each(engine: Engine, specs: Sequence[LifeSpec]) -> None:
    for spec in specs:
        Life(engine, spec)


class HostedLife(Life):
    """A life that continues a process (`hosted_life`): the process waits for each event the
    life waits for, so it is told which (`pending`), and appends its own callback to a list of
    the event's own; the process's end is the life's."""

    __slots__ = ("pending",)

    def __init__(self, engine: Engine, spec: LifeSpec) -> None:
        # The event the life waits for next, None once it has ended.
        self.pending: simpy.Event | None = None
        super().__init__(engine, spec)

    def _schedule(self, delay_h: float, callbacks: Callbacks) -> None:
        super()._schedule(delay_h, callbacks.copy())
        self.pending = self._timeout

    def _waits_for(self, ticket: simpy.Event) -> None:
        self.pending = ticket

    def _ended(self) -> None:
        self.pending = None


def hosted_life(engine: Engine, spec: LifeSpec) -> Generator[Any, Any, None]:
    """The life of `spec` as the rest of the calling process (a state's element, restored):
    the process waits for each of the life's events after the life's own step has run, and
    ends when the life does, as when it ran the life's generator itself."""
    life = HostedLife(engine, spec)
    while life.pending is not None:
        yield life.pending
