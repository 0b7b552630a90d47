"""Atomic file output: a reader never sees half a result, and a crash leaves the old file.

Everything the twin writes (JSON results, JUnit, Markdown, HTML, topologies) goes through here:
write to a temporary file in the target's directory, flush to disk, then rename over the target.
JSON is canonical (sorted keys, fixed separators, trailing newline) so that the same inputs and
seed give byte-identical files.
"""

from __future__ import annotations

import glob
import json
import os
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from itertools import chain
from pathlib import Path
from typing import Any

from twin.errors import InputError


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` atomically; an unwritable path is the user's input error (a
    directory, a read-only or missing mount), reported with the path, not as a crash."""
    _write_or_refuse(Path(path), [data])


def write_chunks_atomic(path: str | Path, chunks: Iterable[str]) -> None:
    """Write text produced piece by piece (a long result) atomically, without ever holding the
    whole of it: the file appears complete or not at all."""
    _write_or_refuse(Path(path), (chunk.encode("utf-8") for chunk in chunks))


def _write_or_refuse(target: Path, data: Iterable[bytes]) -> None:
    if target.is_dir():
        raise InputError.about(
            str(target),
            "is a directory; an output needs a file name",
            f"e.g. {target / 'results.json'}",
        )
    try:
        _write(target, data)
    except OSError as exc:
        raise InputError.about(
            str(target),
            f"cannot write the output: {exc.strerror or exc}",
            "check that the folder exists or can be created, and that you may write there",
        ) from exc


# A writer killed outright (kill -9, power loss) leaves its temporary file behind. One older than
# this cannot belong to a write still in progress (writes take seconds), so the next write of the
# same target removes it.
STALE_TMP_S = 3600.0


def _remove_stale_temporaries(directory: Path, target: Path) -> None:
    """Delete `.NAME.json.XXXX.tmp` leftovers of earlier, killed writes of `target`."""
    now = time.time()
    for leftover in directory.glob(f".{glob.escape(target.name)}.*.tmp"):
        try:
            if now - leftover.stat().st_mtime > STALE_TMP_S:
                leftover.unlink()
        except OSError:  # another process removed or renamed it first
            continue


def _write(target: Path, data: Iterable[bytes]) -> None:
    directory = target.parent if str(target.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(directory, target)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    # mkstemp creates the file 0600; results are meant to be shared, so apply the usual umask.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in data:
                handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def canonical_json(data: Any) -> str:
    """The one JSON spelling of a result: sorted keys, no NaN, two-space indent, final newline."""
    return _encode(data, 0) + "\n"


def canonical_json_chunks(head: Mapping[str, Any], key: str, items: Iterable[Any]) -> Iterator[str]:
    """`canonical_json({**head, key: list(items)})`, the same bytes, a piece at a time.

    For results with one long list (a contingency's failures): each item is encoded as it
    comes and indented to its depth, so neither the list's encoding nor the list itself need
    exist whole.
    """
    if key in head:
        raise ValueError(f"{key!r} is both streamed and in the head")
    yield "{"
    for position, name in enumerate(sorted([*head, key])):
        yield ("\n  " if position == 0 else ",\n  ") + _encode(name, 0) + ": "
        if name != key:
            yield _encode(head[name], 1)
            continue
        empty = True
        for item in items:
            yield ("[\n    " if empty else ",\n    ") + _encode(item, 2)
            empty = False
        yield "[]" if empty else "\n  ]"
    yield "\n}\n"


# Canonical JSON, fast and exact. `json.dumps(..., indent=2)` runs the pure-Python encoder (the
# C one has no indentation), which was a tenth of a `twin contingency` run on ta2. The C encoder
# takes any separators, though, and a separator may carry a newline and the indentation of its
# depth: a list or mapping of plain values (most of a result) is then encoded in C in the exact
# spelling of the indenting encoder. A list of such lists (a contingency's overloaded links)
# takes one C call with the inner depth's separator; the outer separators are then the only
# "],<newline>" followed by "[", since an encoded string never holds a raw newline. Anything
# else (deeper nesting, other types) is assembled from its parts, or left to the stdlib encoder.
_PLAIN = frozenset({str, int, float, bool, type(None)})
_SEQUENCES = frozenset({list, tuple})
_NEWLINE_PADS = tuple("\n" + "  " * depth for depth in range(32))
_ENCODERS: dict[int, json.JSONEncoder] = {}


def _encoder(depth: int) -> json.JSONEncoder:
    """The C encoder whose item separator ends a line and indents the next to `depth`."""
    encoder = _ENCODERS.get(depth)
    if encoder is None:
        encoder = json.JSONEncoder(
            ensure_ascii=False,
            allow_nan=False,
            sort_keys=True,
            separators=("," + _NEWLINE_PADS[depth], ": "),
        )
        _ENCODERS[depth] = encoder
    return encoder


def _plain(values: Iterable[Any]) -> bool:
    return set(map(type, values)) <= _PLAIN


def _encode(value: Any, depth: int) -> str:
    """`value` as `json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False,
    allow_nan=False)` spells it, with every line after the first indented by `depth` levels."""
    kind = type(value)
    if kind in _PLAIN:
        return _encoder(0).encode(value)
    if depth + 3 >= len(_NEWLINE_PADS):
        return _stdlib_encode(value, depth)
    inner, outer = _NEWLINE_PADS[depth + 1], _NEWLINE_PADS[depth]
    if kind is dict and set(map(type, value)) <= {str}:
        if not value:
            return "{}"
        if _plain(value.values()):
            return "{" + inner + _encoder(depth + 1).encode(value)[1:-1] + outer + "}"
        members = [
            _encoder(0).encode(k) + ": " + _encode(value[k], depth + 1) for k in sorted(value)
        ]
        return "{" + inner + ("," + inner).join(members) + outer + "}"
    if kind in _SEQUENCES:
        if not value:
            return "[]"
        if _plain(value):
            return "[" + inner + _encoder(depth + 1).encode(value)[1:-1] + outer + "]"
        if set(map(type, value)) <= _SEQUENCES and all(value) and _plain(chain(*value)):
            return _encode_rows(value, depth)
        items = [_encode(item, depth + 1) for item in value]
        return "[" + inner + ("," + inner).join(items) + outer + "]"
    return _stdlib_encode(value, depth)


def _encode_rows(rows: Any, depth: int) -> str:
    """A non-empty list of non-empty lists of plain values, in one C call: encoded with the
    rows' item separator, whose lines are indented to the values' depth, the rows' own
    separators and brackets are then moved out by one level."""
    row, inner, outer = _NEWLINE_PADS[depth + 2], _NEWLINE_PADS[depth + 1], _NEWLINE_PADS[depth]
    text = _encoder(depth + 2).encode(rows)[2:-2]
    text = text.replace("]," + row + "[", inner + "]," + inner + "[" + row)
    return "[" + inner + "[" + row + text + inner + "]" + outer + "]"


def _stdlib_encode(value: Any, depth: int) -> str:
    """The stdlib's spelling, re-indented by lines (exact: a JSON string holds no raw newline)."""
    text = json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    return text.replace("\n", "\n" + "  " * depth) if depth else text


def write_json_atomic(path: str | Path, data: Any) -> None:
    write_text_atomic(path, canonical_json(data))
