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


def input_hashes(scenario_path: str, topology_path: str) -> dict[str, str]:
    """`scenario_sha256` and `topology_sha256` for a result document, for the files that
    could be read (a report can then tell whether an input changed since the run)."""
    out: dict[str, str] = {}
    for key, path_text in (("scenario_sha256", scenario_path), ("topology_sha256", topology_path)):
        digest = file_record(path_text).sha256
        if digest is not None:
            out[key] = digest
    return out
