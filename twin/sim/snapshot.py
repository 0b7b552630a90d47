"""The state of a finished run at a chosen time: what `twin run --state-out` writes.

A run's records say, for any time t, which faults were down (failed by t, not restored by t)
and which repair units held which job. `state_at` turns that into a `twin.model.State` as of
t, so a user can branch "what if, from here": feeding it back starts a new run at t with the
same faults down, each restored at its known time or by its repair conditioned on the time
already spent, and the same units on their jobs.

- A fault of a failure class (random, or found down by the run's own state) keeps its class as
  `cause`. A scheduled cut restored by the repair model gets the class that repaired it.
- A fault with a known end (a scheduled restore time or duration, a state ETA) gets it as
  `eta`. A cut never restored gets its element's class as `cause` (its repair is unknown).
- A unit is on a job from its job's start: mobilising until its mobilisation ends, then
  repairing, counted in work time (a closed window that held the job does not count). A
  unit the run's state said was busy elsewhere stays so until then.
- An element down twice at t (a scheduled cut over a random fault) is listed once, first fault
  first, as a state lists each element once.
"""

from __future__ import annotations

import math

from twin.model import DownElement, FailureClass, ResourceState, Scenario, State
from twin.results import ElementOutage, SimulationResult
from twin.sim.calendar import cached_closed_intervals, work_end_h
from twin.sim.engine import calendar_start
from twin.sim.from_state import ETA_CAUSE


def state_at(scenario: Scenario, result: SimulationResult, at_h: float) -> State:
    """The state of `result` (a run of `scenario`) at `at_h`; times relative to `at_h`, and
    `as_of` left empty for the writer, which knows the calendar (`twin.loading.state`)."""
    down: list[DownElement] = []
    units: list[ResourceState] = []
    seen: set[tuple[str, str]] = set()
    for record in result.element_outages:
        if not _down_at(record, at_h) or (record.kind, record.element) in seen:
            continue
        seen.add((record.kind, record.element))
        entry = _entry(scenario, record, at_h)
        down.append(entry)
        if entry.cause is not None and record.resource is not None:
            unit = _unit(scenario, record, at_h)
            if unit is not None:
                units.append(unit)
    if scenario.state is not None:
        for r in scenario.state.resources:
            if r.busy_until_h is not None and r.busy_until_h > at_h:
                units.append(ResourceState(r.id, busy_until_h=r.busy_until_h - at_h))
    return State("", tuple(down), tuple(units), "")


def _down_at(record: ElementOutage, at_h: float) -> bool:
    return record.failed_at_h <= at_h and (
        record.restored_at_h is None or record.restored_at_h > at_h
    )


def _entry(scenario: Scenario, record: ElementOutage, at_h: float) -> DownElement:
    since_h = record.failed_at_h - at_h
    eta_h = _known_end_h(scenario, record)
    if eta_h is not None:
        return DownElement(record.kind, record.element, since_h, eta_h=eta_h - at_h)
    # A permit still awaited at `at_h` (a state's or a scheduled cut's shared wait) holds on.
    permit_end_h = record.failed_at_h + record.permit_wait_h - at_h
    permit_until_h = permit_end_h if record.permit_wait_h > 0 and permit_end_h > 0 else None
    cause = _cause(scenario, record)
    return DownElement(record.kind, record.element, since_h, None, cause, permit_until_h)


def _known_end_h(scenario: Scenario, record: ElementOutage) -> float | None:
    """When the fault ends by a known time rather than a repair (None: by a repair)."""
    if record.cause_kind == "state":
        if record.cause != ETA_CAUSE or scenario.state is None:
            return None
        for d in scenario.state.down:
            if (d.kind, d.id) == (record.kind, record.element):
                return d.eta_h
        return None
    if record.cause_kind == "failure":
        return None
    event = next(e for e in scenario.events if e.id == record.cause)
    if event.restore_at_h is not None:
        return event.restore_at_h
    if event.duration_h is not None:
        return event.at_h + event.duration_h
    return None


def _cause(scenario: Scenario, record: ElementOutage) -> str:
    """The failure class whose repair applies to `record`."""
    if record.cause_kind in ("failure", "state"):
        return record.cause
    return _element_class(scenario, record).id


def _element_class(scenario: Scenario, record: ElementOutage) -> FailureClass:
    topology = scenario.topology
    classes = topology.failure_classes
    event = next(e for e in scenario.events if e.id == record.cause)
    if record.kind == "srlg" or event.target.kind == "srlg":
        srlg = topology.srlgs[event.target.ids[0]]
        if srlg.failure_class is not None:
            return classes[srlg.failure_class]
    link = topology.links.get(record.element)
    if link is not None:
        return classes[link.failure_class]
    node = topology.nodes[record.element]
    return classes[node.failure_class or next(iter(sorted(classes)))]


def _unit(scenario: Scenario, record: ElementOutage, at_h: float) -> ResourceState | None:
    """The unit on `record`'s job at `at_h` (None while the fault still queues for one).

    Its times count work, not the calendar: a closed window that stopped the job's clock
    moves them later by the time it held, so a run from the state resumes with the work left
    (and conditions the repair on the time truly spent on it)."""
    started = record.repair_started_at_h
    if record.resource is None or started is None or started > at_h:
        return None
    worked_h = at_h - started - _held_h(scenario, record, started, at_h)
    if worked_h < record.mobilisation_h:
        return ResourceState(record.resource, job=record.element, mobilising_since_h=-worked_h)
    return ResourceState(
        record.resource,
        job=record.element,
        repairing_since_h=record.mobilisation_h - worked_h,
    )


def _held_h(scenario: Scenario, record: ElementOutage, started_h: float, at_h: float) -> float:
    """The hours of [started_h, at_h) the unit's closed windows stopped the job's clock."""
    start = calendar_start(scenario)
    pool = next((r for r in scenario.repair_resources if r.id == record.resource), None)
    if start is None or pool is None or not pool.closed or record.window_wait_h == 0.0:
        return 0.0
    intervals = cached_closed_intervals(start, pool.closed, scenario.horizon_h)
    work_h = record.mobilisation_h + (record.repair_h or 0.0)
    held = work_end_h(intervals, started_h, work_h).held
    return math.fsum(max(0.0, min(to_h, at_h) - from_h) for from_h, to_h in held)
