"""Start a run from a state: the network as it is at `as_of`, the run's hour 0.

What the state says is down is down at hour 0, as faults whose records keep their real start
(`failed_at_h = since_h`, before 0) and cause kind `state`. Traffic had moved before `as_of`, so
finding them down costs no failover. Each is restored

- at its ETA, when the state knows one;
- else by a repair of its cause's class, *conditioned on the time already spent*
  (`twin.sim.residual`): with a repair unit the state assigns it (mobilising since a time, or
  on site repairing since a time); else, when a pool covers it, with a unit of that pool taken
  in file order (a free unit is taken to have started at the fault, as the engine would have
  dispatched it; with none free the fault queues from now and its repair is whole); else alone.
  An element waiting for a permit (`permit_until_h`) asks for its unit when the permit comes,
  in file order with the others of that moment, and its repair is whole; the wait is recorded
  as the fault's `permit_wait_h`, from its failure.

Units the state says are busy elsewhere are held until then. Requests are made in a fixed order
(assigned units, busy units, then the down elements in file order) before anything new happens,
so the queues start from the state and a run stays deterministic. After its restoration an
element that fails at random starts its life (up, then failures from its own streams). The
residual draws come from each element's `residual` stream, so the new failures and repairs of
every element are those of a run without the state.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import simpy

from twin.model import DownElement, FailureClass, Link, ResourceState, State
from twin.routing import expand_srlgs
from twin.sim.faults import Fault
from twin.sim.life import hosted_life
from twin.sim.residual import residual_repair_h
from twin.sim.streams import element_rng

if TYPE_CHECKING:
    from twin.sim.engine import Engine, LifeSpec, Pool

# The cause recorded for an element the state gives an ETA rather than a failure class.
ETA_CAUSE = "eta"


@dataclass
class _Unit:
    """A repair unit holding a down element's job from the start."""

    pool: Pool
    request: simpy.Event
    job_started_h: float  # when the unit took the job (mobilisation began), <= 0
    repairing_since_h: float | None = None  # set when the state says it is on site


def start_from_state(engine: Engine, state: State) -> frozenset[tuple[str, str]]:
    """Put the state's faults and units into `engine` at hour 0; the (kind, id) of the
    elements whose life the state's processes start after their restoration."""
    faults = [_fault(engine, down) for down in state.down]
    engine.fail(*faults, planned=True, failure=False, found=True)
    pools = {pool.spec.id: pool for pool in engine.pools}
    units: dict[str, _Unit] = {}
    for r in state.resources:
        if r.job is not None:
            units[r.job] = _assigned(pools[r.id], r)
    for r in state.resources:
        if r.busy_until_h is not None:
            pool = pools[r.id]
            engine.env.process(_busy(engine, pool, pool.units.request(), r.busy_until_h))
    lives = {(spec.kind, spec.element_id): spec for spec in engine.life_specs()}
    if not engine.scenario.stochastic_failures:
        lives = {}
    handed_on: set[tuple[str, str]] = set()
    for down, fault in zip(state.down, faults, strict=True):
        unit = units.get(down.id)
        if unit is None and down.cause is not None and down.permit_until_h is None:
            unit = _implicit(engine, down, fault, down.since_h)
        life = lives.get((down.kind, down.id))
        if life is not None:
            handed_on.add((down.kind, down.id))
        engine.env.process(_restore(engine, down, fault, unit, life))
    return frozenset(handed_on)


def _fault(engine: Engine, down: DownElement) -> Fault:
    targets: tuple[str, ...] = (down.id,)
    if down.kind == "srlg":
        in_service = {lid for _, _, lid in engine.router.graph.edges(keys=True)}
        members = expand_srlgs(engine.topology, [down.id])
        targets = tuple(sorted(lid for lid in members if lid in in_service))
    return Fault(down.kind, down.id, targets, "state", down.cause or ETA_CAUSE, down.since_h)


def _where(engine: Engine, fault: Fault) -> tuple[Link | None, tuple[str, ...]]:
    """The link (for its sea or countries) and nodes deciding which pool repairs `fault`."""
    links = engine.topology.links
    first = next((links[e] for e in fault.elements if e in links), None)
    if first is not None:
        return first, (first.a, first.b)
    return None, (fault.element,)


def _assigned(pool: Pool, r: ResourceState) -> _Unit:
    request = pool.units.request()
    if r.repairing_since_h is not None:
        started = r.repairing_since_h - pool.spec.mobilisation_h
        return _Unit(pool, request, started, r.repairing_since_h)
    assert r.mobilising_since_h is not None
    return _Unit(pool, request, r.mobilising_since_h)


def _implicit(engine: Engine, down: DownElement, fault: Fault, free_from_h: float) -> _Unit | None:
    """A unit of the pool covering `fault`, asked for now; None when no pool covers it."""
    pool = engine.pool_for(*_where(engine, fault))
    if pool is None:
        return None
    request = pool.units.request()
    # Granted at once: a unit was free, so the engine would have sent it when it could
    # (`free_from_h`: the fault, or its permit). Otherwise the fault queues from now (its job
    # starts when a unit frees up).
    return _Unit(pool, request, free_from_h if request.triggered else engine.env.now)


def _busy(
    engine: Engine, pool: Pool, request: simpy.Event, until_h: float
) -> Generator[Any, Any, None]:
    yield request
    start = engine.env.now
    yield engine.env.timeout(max(0.0, until_h - start))
    pool.busy_h += engine.env.now - start
    pool.units.release()


def _restore(
    engine: Engine,
    down: DownElement,
    fault: Fault,
    unit: _Unit | None,
    life: LifeSpec | None,
) -> Generator[Any, Any, None]:
    env = engine.env
    if down.eta_h is not None:
        yield env.timeout(down.eta_h)
    else:
        assert down.cause is not None
        fc = engine.topology.failure_classes[down.cause]
        rng = element_rng(engine.seed, engine.replication, down.kind, down.id, "residual")
        repair_from_h = down.since_h  # when a repair without a unit began
        if down.permit_until_h is not None:
            yield env.timeout(down.permit_until_h)
            fault.permit_wait_h = down.permit_until_h - down.since_h
            unit = _implicit(engine, down, fault, env.now)
            repair_from_h = env.now
        if unit is None:
            elapsed_h = env.now - repair_from_h
            repair_h = residual_repair_h(fc.repair, elapsed_h, rng)
            fault.repair_started_at_h, fault.repair_h = repair_from_h, elapsed_h + repair_h
            yield env.timeout(repair_h)
        else:
            yield from _repair_with(engine, fault, unit, fc, rng)
    engine.restore(fault)
    if life is not None:
        yield from hosted_life(engine, life)


def _repair_with(
    engine: Engine, fault: Fault, unit: _Unit, fc: FailureClass, rng: Any
) -> Generator[Any, Any, None]:
    """Hold `unit` for the rest of the job: what is left of mobilisation, then the residual
    repair (the whole repair when it has not begun)."""
    env, pool = engine.env, unit.pool
    fault.resource, fault.mobilisation_h = pool.spec.id, pool.spec.mobilisation_h
    if not unit.request.triggered:
        engine.observer.note(env.now, "repair-queued", fault.id, None)
    yield unit.request
    job_started_h = unit.job_started_h if env.now == 0.0 and unit.job_started_h < 0 else env.now
    mobilisation_h = pool.spec.mobilisation_h
    repair_from_h = (
        unit.repairing_since_h
        if unit.repairing_since_h is not None
        else job_started_h + mobilisation_h
    )
    elapsed_h = max(0.0, env.now - repair_from_h)
    repair_h = residual_repair_h(fc.repair, elapsed_h, rng)
    fault.repair_started_at_h = job_started_h
    fault.wait_h = max(0.0, job_started_h - fault.failed_at_h - fault.permit_wait_h)
    fault.repair_h = elapsed_h + repair_h
    pool.jobs += 1
    pool.total_wait_h += fault.wait_h
    pool.max_wait_h = max(pool.max_wait_h, fault.wait_h)
    start = env.now
    engine.observer.note(start, "repair-start", fault.id, None)
    yield env.timeout(engine.work_time_h(pool, fault, max(0.0, repair_from_h - env.now) + repair_h))
    pool.busy_h += env.now - start
    pool.units.release()
