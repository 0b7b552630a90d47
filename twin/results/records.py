"""Structured records of what failed in a run, and the prose people read, rendered from them.

The engine records one `ElementOutage` per fault: which element, why (a failure class or a
scheduled event), when it failed, when its repair started and ended, which repair resource did
the work and how long the fault queued for it. Every reader (Monte Carlo cause ranking, the run
report, plots) reads these fields; the readable sentences ("link tcfo failed
(submarine-caspian)", "caspian-vessel after 5.5 h wait") are rendered from them for display
only (`twin.results.prose`), so rewording a sentence cannot change a result.

Times are hours from the start of the horizon (a fault a state found down at the start keeps its
real, earlier start: a negative `failed_at_h`); a field that names no unit is not a quantity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, NamedTuple

ElementKind = Literal["link", "node", "srlg"]
# What put the element down: a stochastic fault of its failure class, an unplanned scheduled
# cut, or planned maintenance (the two scheduled kinds name the event), or a state's "down at
# the start" (named by the failure class whose repair applies, or "eta" for a known ETA).
CauseKind = Literal["failure", "cut", "maintenance", "state"]

ELEMENT_KINDS: tuple[ElementKind, ...] = ("link", "node", "srlg")
CAUSE_KINDS: tuple[CauseKind, ...] = ("failure", "cut", "maintenance", "state")
# The cause of an outage no element record explains: the demand had no path from the start.
NO_PATH_AT_START = "no path at start"


class ElementOutage(NamedTuple):
    """One fault of one element, from failure to restoration.

    An immutable named tuple rather than a frozen dataclass: a simulated decade of the reference
    corridor has a few hundred faults per replication, Monte Carlo builds them for every
    replication, and a tuple is built in C (a frozen dataclass sets each field through
    `object.__setattr__`, which measurably slowed replications).

    `elements` are the links or nodes the fault took down (the element itself, or an SRLG's
    member links). The engine dispatches a repair as the fault happens (it models no
    fault-location delay), so `detected_at_h` equals `failed_at_h`; the field is kept so a model
    of detection delay adds a value, not a field. `repair_h` is the drawn repair time and
    `mobilisation_h` the resource's fixed mobilisation: a repair holds its resource for their
    sum plus `window_wait_h`, the time its clock stood still because a closed window of the
    resource was open (winter storms, ice: `window` names the first that held it), so
    `restored_at_h - repair_started_at_h == mobilisation_h + repair_h + window_wait_h` when both
    ends lie within the horizon (a job still held at the horizon counts the hours up to it).
    `wait_h` is the time queued for the resource (up to the horizon if the repair never
    started). A scheduled outage that ends at a time or after a duration has no
    repair: `repair_h`, `repair_started_at_h` and `resource` are None. `restored_at_h` is None
    when the element was still down at the end of the horizon. `permit_wait_h` is the wait an
    incident shares before any of its repairs may start (a scheduled cut's `permit_wait`; the
    part of it within the horizon): the repair is asked for after it, so
    `repair_started_at_h == failed_at_h + permit_wait_h + wait_h`.
    """

    id: int
    element: str
    kind: ElementKind
    elements: tuple[str, ...]
    cause_kind: CauseKind
    cause: str  # failure class id for a stochastic fault, else the scheduled event id
    failed_at_h: float
    detected_at_h: float
    repair_started_at_h: float | None
    restored_at_h: float | None
    resource: str | None
    wait_h: float
    mobilisation_h: float
    repair_h: float | None
    permit_wait_h: float = 0.0
    window_wait_h: float = 0.0
    window: str | None = None

    @property
    def scheduled(self) -> bool:
        return self.cause_kind in ("cut", "maintenance")

    @property
    def found_down(self) -> bool:
        """Down at the start, as the run's state said (`failed_at_h` may lie before 0)."""
        return self.cause_kind == "state"

    def end_h(self, horizon_h: float) -> float:
        """When the element came back, or the horizon if it never did within it."""
        return horizon_h if self.restored_at_h is None else self.restored_at_h

    def to_dict(self) -> dict[str, Any]:
        data = self._asdict()
        data["elements"] = list(self.elements)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ElementOutage:
        kind, cause_kind = data["kind"], data["cause_kind"]
        if kind not in ELEMENT_KINDS:
            raise ValueError(f"element outage {data.get('id')!r}: unknown kind {kind!r}")
        if cause_kind not in CAUSE_KINDS:
            raise ValueError(
                f"element outage {data.get('id')!r}: unknown cause_kind {cause_kind!r}"
            )
        return cls(
            id=int(data["id"]),
            element=str(data["element"]),
            kind=kind,
            elements=tuple(str(e) for e in data["elements"]),
            cause_kind=cause_kind,
            cause=str(data["cause"]),
            failed_at_h=float(data["failed_at_h"]),
            detected_at_h=float(data["detected_at_h"]),
            repair_started_at_h=_hours_or_none(data["repair_started_at_h"]),
            restored_at_h=_hours_or_none(data["restored_at_h"]),
            resource=None if data["resource"] is None else str(data["resource"]),
            wait_h=float(data["wait_h"]),
            mobilisation_h=float(data["mobilisation_h"]),
            repair_h=_hours_or_none(data["repair_h"]),
            permit_wait_h=float(data.get("permit_wait_h", 0.0)),  # absent before shared waits
            window_wait_h=float(data.get("window_wait_h", 0.0)),  # absent before the calendar
            window=None if data.get("window") is None else str(data["window"]),
        )


def _hours_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def cause_elements(records: Sequence[ElementOutage], caused_by: Iterable[int]) -> tuple[str, ...]:
    """The elements whose faults an outage's `caused_by` names, in record order, each once."""
    return tuple(dict.fromkeys(records[i].element for i in caused_by))
