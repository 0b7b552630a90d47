"""`RepairUnits` keeps `simpy.Resource`'s schedule exactly (issue #18): same grants, same
instants, same order of everything that happens at one instant.

Jobs arrive (some known from the start, some only later, so their events are ordered after
others due at the same instant) and hold units for whole hours, so ties (several arrivals,
releases and unrelated events at one instant) are the rule, not the exception: that is where a
queue that skips kernel events could reorder things. Each model logs what every process does,
in the order it does it; the logs must be equal.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from twin.sim.repair_units import RepairUnits

Job = tuple[int, int, int]  # hours before it is known, then until it arrives; hours held
Log = list[tuple[float, str, int]]


def _with_resource(env: simpy.Environment, resource: simpy.Resource, log: Log, n: int, job: Job):  # type: ignore[no-untyped-def]
    yield env.timeout(job[0])
    yield env.timeout(job[1])  # scheduled mid-run: its event is ordered after older ones
    request = resource.request()
    log.append((env.now, "queued" if not request.triggered else "asked", n))
    yield request
    log.append((env.now, "start", n))
    yield env.timeout(job[2])
    resource.release(request)
    log.append((env.now, "done", n))


def _with_units(env: simpy.Environment, units: RepairUnits, log: Log, n: int, job: Job):  # type: ignore[no-untyped-def]
    yield env.timeout(job[0])
    yield env.timeout(job[1])
    ticket = units.take()
    log.append((env.now, "queued" if ticket is not None and units.queued(ticket) else "asked", n))
    if ticket is not None:
        yield ticket
    log.append((env.now, "start", n))
    yield env.timeout(job[2])
    units.release()
    log.append((env.now, "done", n))


def _clock(env: simpy.Environment, log: Log, every_h: int) -> Generator[Any, Any, None]:
    """Something else happening at whole hours, among the jobs' own events."""
    while True:
        yield env.timeout(every_h)
        log.append((env.now, "tick", -1))


def _run(jobs: list[Job], capacity: int, every_h: int, light: bool) -> Log:
    env = simpy.Environment()
    log: Log = []
    env.process(_clock(env, log, every_h))
    pool: Any = RepairUnits(env, capacity) if light else simpy.Resource(env, capacity)
    for n, job in enumerate(jobs):
        body = _with_units if light else _with_resource
        env.process(body(env, pool, log, n, job))
    env.run(until=200)
    return log


@settings(max_examples=300, deadline=None)
@given(
    jobs=st.lists(
        st.tuples(st.integers(0, 12), st.integers(0, 8), st.integers(0, 6)), min_size=1, max_size=25
    ),
    capacity=st.integers(1, 3),
    every_h=st.integers(1, 5),
)
def test_same_schedule_as_simpy_resource(jobs: list[Job], capacity: int, every_h: int) -> None:
    assert _run(jobs, capacity, every_h, light=True) == _run(jobs, capacity, every_h, light=False)


def test_a_free_unit_costs_no_kernel_event() -> None:
    """A job alone at its instant that finds a unit free takes it without an event, and a
    release with nobody waiting schedules nothing: only the two timeouts remain."""
    env = simpy.Environment()
    units = RepairUnits(env, 1)
    steps = 0

    def job() -> Generator[Any, Any, None]:
        yield env.timeout(1.5)
        assert units.take() is None
        yield env.timeout(2.0)
        units.release()

    env.process(job())
    while env.peek() < float("inf"):
        env.step()
        steps += 1
    assert steps == 4  # the process starts, its two timeouts, it ends (simpy.Resource: 6)
    assert units.in_use == 0
