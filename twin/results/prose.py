"""The readable prose of a run, rendered from its structured records, for display only.

Nothing in the twin reads these sentences back: Monte Carlo cause ranking, the run report and
plots read `twin.results.records.ElementOutage` fields and outage `caused_by` ids. A test
rewords this module and checks that no result changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from twin.results.records import NO_PATH_AT_START, ElementOutage
from twin.results.run import TimelineEntry

# One line of the engine's log: (t_h, kind, subject, payload). `subject` is a fault's id for
# failure, maintenance, down (found down at the start), repair-queued, repair-start and restore
# entries, and a demand id for disconnect (payload: the ids of the faults that cut its last
# path), reconnect (payload: RTT in ms) and reroute (payload: RTT before, which may be None,
# and after, in ms).
RawTimelineEntry = tuple[float, str, "int | str", Any]


def describe(record: ElementOutage) -> str:
    """One fault as people read it: "link tcfo failed (submarine-caspian)", "tcfo-cut (link
    tcfo)"."""
    if record.cause_kind == "failure":
        return f"{record.kind} {record.element} failed ({record.cause})"
    if record.cause_kind == "state":
        return f"{record.kind} {record.element} down at the start ({record.cause})"
    return f"{record.cause} ({record.kind} {record.element})"


def describe_causes(records: Sequence[ElementOutage], caused_by: Sequence[int]) -> str:
    """The faults behind an outage, one phrase per failure or scheduled event.

    Faults of one scheduled event are named together ("red-sea (links aae-1,seacom)").
    """
    if not caused_by:
        return NO_PATH_AT_START
    groups: dict[tuple[str, str | int], list[ElementOutage]] = {}
    for index in caused_by:
        record = records[index]
        key: tuple[str, str | int] = (
            ("event", record.cause)
            if record.cause_kind in ("cut", "maintenance")
            else ("failure", index)
        )
        groups.setdefault(key, []).append(record)
    return "; ".join(_describe_group(group) for group in groups.values())


def _describe_group(group: Sequence[ElementOutage]) -> str:
    if len(group) == 1:
        return describe(group[0])
    kinds = sorted({r.kind for r in group})
    noun = f"{kinds[0]}s" if len(kinds) == 1 else "elements"
    return f"{group[0].cause} ({noun} {','.join(r.element for r in group)})"


def describe_restore(record: ElementOutage) -> str:
    if record.cause_kind == "state" and record.repair_h is None:
        return f"{record.kind} {record.element} back (ETA)"
    if record.cause_kind in ("failure", "state"):
        return f"{record.kind} {record.element} repaired"
    return f"{record.cause} restored"


def describe_repair_start(record: ElementOutage) -> str:
    hold_h = record.mobilisation_h + (record.repair_h or 0.0)
    text = f"{record.resource} after {record.wait_h:.1f} h wait; {hold_h:.1f} h to fix"
    if record.window_wait_h > 0:
        text += f"; {record.window_wait_h:.1f} h held by closed window {record.window}"
    return text


def _detail(kind: str, subject: int | str, payload: Any, records: Sequence[ElementOutage]) -> str:
    if isinstance(subject, int):
        record = records[subject]
        if kind in ("failure", "maintenance", "down"):
            return describe(record)
        if kind == "repair-queued":
            return f"waiting for {record.resource}"
        if kind == "repair-start":
            return describe_repair_start(record)
        return describe_restore(record)
    if kind == "disconnect":
        return f"after {describe_causes(records, payload)}"
    if kind == "reconnect":
        return f"RTT {payload:.1f} ms"
    old_ms, new_ms = payload
    return f"RTT {old_ms:.1f} -> {new_ms:.1f} ms" if old_ms is not None else f"RTT {new_ms:.1f} ms"


def render_timeline(
    raw: Iterable[RawTimelineEntry], records: Sequence[ElementOutage]
) -> tuple[TimelineEntry, ...]:
    """The readable timeline of a run: one entry per logged happening, in the engine's order.

    An element entry names the elements its fault took down ("aae-1", or an SRLG's members
    "x,y"); a demand entry names the demand.
    """
    entries = []
    for t_h, kind, subject, payload in raw:
        element = ",".join(records[subject].elements) if isinstance(subject, int) else subject
        entries.append(TimelineEntry(t_h, kind, element, _detail(kind, subject, payload, records)))
    return tuple(entries)
