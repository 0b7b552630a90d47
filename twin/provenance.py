"""Where a result's inputs were, and what their bytes were: the SHA-256 that lets a report be
traced back to the files it was computed from and tell whether they changed since.

One helper for every result kind (runs, Monte Carlo, contingency, diffs), so they all hash the
same way: the file named, not its `extends:` parents (a report lists those separately).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


def file_sha256(path: str | Path) -> str | None:
    """The SHA-256 of the file's bytes now, or None when it cannot be read."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


@dataclass(frozen=True)
class InputRecord:
    """Where an input of a result was and its SHA-256 when the result was computed."""

    path: str
    sha256: str | None  # None when the file could not be read (a model built in Python)


def file_record(path_text: str) -> InputRecord:
    """The path as recorded by the loader and the SHA-256 of the file's bytes now."""
    if not path_text:
        return InputRecord("", None)
    return InputRecord(path_text, file_sha256(path_text))


NO_INPUT = InputRecord("", None)  # a result built from objects in Python, not from files
