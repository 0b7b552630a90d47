"""Keeping what the schema accepted of a refused file, so one run reports every mistake.

A schema refusal stops the typed model from being built, and with it every check that needs the
model (duplicate ids, geodesic lengths, repair times, horizons): an author fixing the reported
faults met the others only in a second round. The loaders build what remains without the
refused parts and report those checks' findings beside the schema's.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError

from twin.errors import Problem
from twin.loading.yaml_marks import MDict, MList


def salvage(
    raw: MDict, exc: ValidationError, sections: Sequence[str], required: Sequence[str]
) -> MDict | None:
    """The file without what the schema refused: entries of `sections` with a bad field, and
    top-level keys with a bad value anywhere inside. None when a `required` key is missing or
    refused (entries of a required list included: others refer to them, and dropping one
    would make those look wrong): then nothing meaningful can be built."""
    bad_entries: dict[str, set[int]] = {}
    bad_keys: set[str] = set()
    for error in exc.errors():
        loc = tuple(error["loc"])
        if len(loc) >= 2 and loc[0] in sections and isinstance(loc[1], int):
            bad_entries.setdefault(str(loc[0]), set()).add(loc[1])
        elif loc and loc[0] not in required and error["type"] != "missing":
            bad_keys.add(str(loc[0]))
        else:
            return None
    salvaged = MDict(raw.mark)
    for key in raw:
        if key in bad_keys:
            continue
        value = raw[key]
        if key in bad_entries and isinstance(value, MList):
            keep = MList(value.mark)
            for index, (item, mark) in enumerate(zip(value, value.item_marks, strict=True)):
                if index not in bad_entries[key]:
                    keep.add(item, mark)
            value = keep
        salvaged.set(key, value, raw.key_marks[key], raw.value_marks[key])
    return salvaged


def distinct(problems: list[Problem]) -> list[Problem]:
    """Each fault once, in file order: several passes (schema, raw references, salvage) may
    find the same one, at the same place or as the same message on the same line."""
    places: set[tuple[str, int, int]] = set()
    messages: set[tuple[str, int, str]] = set()
    out: list[Problem] = []
    for p in sorted(problems, key=lambda p: (p.path, p.line, p.col)):
        if (p.path, p.line, p.col) in places or (p.path, p.line, p.message) in messages:
            continue
        places.add((p.path, p.line, p.col))
        messages.add((p.path, p.line, p.message))
        out.append(p)
    return out
