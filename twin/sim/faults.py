"""A fault while the simulation runs: the mutable twin of `twin.results.ElementOutage`.

The engine fills one in as a fault goes through failure, queueing, repair and restoration, and
freezes it into an `ElementOutage` when the run ends. One is built per fault (never per routing
event) and holds numbers and ids only: no text is formatted while the simulation runs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from twin.results.records import CauseKind, ElementKind, ElementOutage


class Fault:
    __slots__ = (
        "cause",
        "cause_kind",
        "due_h",
        "element",
        "elements",
        "failed_at_h",
        "held",
        "id",
        "kind",
        "mobilisation_h",
        "permit_wait_h",
        "repair_h",
        "repair_started_at_h",
        "resource",
        "restored_at_h",
        "wait_h",
        "window",
    )

    def __init__(
        self,
        kind: ElementKind,
        element: str,
        elements: tuple[str, ...],
        cause_kind: CauseKind,
        cause: str,
        failed_at_h: float,
        repair_h: float | None = None,
    ) -> None:
        self.id = -1  # its position among the run's faults, set when it happens
        self.kind: ElementKind = kind
        self.element = element
        self.elements = elements
        self.cause_kind: CauseKind = cause_kind
        self.cause = cause
        self.failed_at_h = failed_at_h
        self.repair_h = repair_h
        self.resource: str | None = None
        self.mobilisation_h = 0.0
        self.permit_wait_h = 0.0
        self.repair_started_at_h: float | None = None
        self.wait_h = 0.0
        self.restored_at_h: float | None = None
        # When it will be back, once that is known (repair under way, or a timed event).
        self.due_h: float | None = None
        # Spans [from_h, to_h) the repair stood still for a closed window, and the first's name.
        self.held: tuple[tuple[float, float], ...] = ()
        self.window: str | None = None


def freeze_all(faults: Iterable[Fault], horizon_h: float) -> tuple[ElementOutage, ...]:
    """The records of `faults`, in order, as the run left them at `horizon_h`.

    One loop over the faults rather than a method call per fault, and each record built as the
    tuple it is (`tuple.__new__`, what `_make` calls, without `_make`'s Python frame), skipping
    the keyword-checking constructor: this runs for every fault of every Monte Carlo
    replication.
    """
    records: list[ElementOutage] = []
    append = records.append
    for fault in faults:
        failed_at_h = fault.failed_at_h
        wait_h = fault.wait_h
        permit_wait_h = fault.permit_wait_h
        if permit_wait_h:  # the part of a shared wait within the horizon (none: nothing to cut)
            permit_wait_h = min(permit_wait_h, horizon_h - failed_at_h)
        if fault.resource is not None and fault.repair_started_at_h is None:
            # still queueing when the horizon came
            wait_h = horizon_h - failed_at_h - permit_wait_h
        append(
            _new_record(
                ElementOutage,
                (
                    fault.id,
                    fault.element,
                    fault.kind,
                    fault.elements,
                    fault.cause_kind,
                    fault.cause,
                    failed_at_h,
                    failed_at_h,  # detected: the engine dispatches a repair as the fault happens
                    fault.repair_started_at_h,
                    fault.restored_at_h,
                    fault.resource,
                    wait_h,
                    fault.mobilisation_h,
                    fault.repair_h,
                    permit_wait_h,
                    _held_h(fault.held, horizon_h) if fault.held else 0.0,
                    fault.window,
                ),
            )
        )
    return tuple(records)


def _held_h(held: tuple[tuple[float, float], ...], horizon_h: float) -> float:
    """Hours of the spans up to the horizon (a job still held then counts what has passed)."""
    return math.fsum(min(to_h, horizon_h) - from_h for from_h, to_h in held if from_h < horizon_h)


_new_record = tuple.__new__
