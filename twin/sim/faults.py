"""A fault while the simulation runs: the mutable twin of `twin.results.ElementOutage`.

The engine fills one in as a fault goes through failure, queueing, repair and restoration, and
freezes it into an `ElementOutage` when the run ends. One is built per fault (never per routing
event) and holds numbers and ids only: no text is formatted while the simulation runs.
"""

from __future__ import annotations

import math

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

    def freeze(self, horizon_h: float) -> ElementOutage:
        """The record of this fault as the run left it at `horizon_h`."""
        wait_h = self.wait_h
        permit_wait_h = min(self.permit_wait_h, horizon_h - self.failed_at_h)
        if self.resource is not None and self.repair_started_at_h is None:
            # still queueing when the horizon came
            wait_h = horizon_h - self.failed_at_h - permit_wait_h
        # Built as the tuple it is (`tuple.__new__`, what `_make` calls, without `_make`'s Python
        # frame), skipping the keyword-checking constructor: this runs for every fault of every
        # Monte Carlo replication.
        return _new_record(
            ElementOutage,
            (
                self.id,
                self.element,
                self.kind,
                self.elements,
                self.cause_kind,
                self.cause,
                self.failed_at_h,
                self.failed_at_h,  # detected: the engine dispatches a repair as the fault happens
                self.repair_started_at_h,
                self.restored_at_h,
                self.resource,
                wait_h,
                self.mobilisation_h,
                self.repair_h,
                permit_wait_h,
                _held_h(self.held, horizon_h) if self.held else 0.0,
                self.window,
            ),
        )


def _held_h(held: tuple[tuple[float, float], ...], horizon_h: float) -> float:
    """Hours of the spans up to the horizon (a job still held then counts what has passed)."""
    return math.fsum(min(to_h, horizon_h) - from_h for from_h, to_h in held if from_h < horizon_h)


_new_record = tuple.__new__
