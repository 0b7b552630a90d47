"""Safe YAML loading that remembers where every value came from.

Validation errors are only useful with a location (`FILE:LINE:COL`), and `extends:` merges
values from several files, so each mapping and sequence carries the marks of its keys and
items, and those marks name their own file. Only PyYAML's safe constructors are used.

Hostile input is refused with a clear message: files over `MAX_FILE_BYTES`, documents that expand
through aliases to more than `MAX_ALIAS_VALUES` values (the "billion laughs" bomb), duplicate keys,
non-UTF-8 bytes.

A file that is not recognisably one of ours (not YAML, not a mapping, or a mapping without any
key that only our formats use) is refused *without quoting it*: `extends: secret.env` must name
the file, the line and the kind of problem, never echo `AWS_SECRET_ACCESS_KEY=...` into a CI
log. YAML syntax errors are reported the same way (PyYAML's message with quoted text removed).

Two readers give the same values and marks: `twin.loading.yaml_plain` for the plain block style
most files are written in, PyYAML (`twin.loading.yaml_pyyaml`) for everything else and for
every fault. A command whose files are plain does not import PyYAML at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from twin.errors import InputError, Problem
from twin.gc_pause import paused_gc

MAX_FILE_BYTES = 5 * 1024 * 1024
# Values built by alias expansion (not values written in the file): a few merge keys per entry
# of a 20,000-link backbone stay far below it, a "billion laughs" bomb reaches it in milliseconds.
MAX_ALIAS_VALUES = 500_000


class Mark(NamedTuple):
    """Where a value was written (1-based line and column). A named tuple rather than a frozen
    dataclass: a file records a mark per key, value and item (7,000 for a 662-demand file),
    and a tuple is built in a third of the time."""

    path: str
    line: int
    col: int

    def problem(self, message: str, hint: str = "") -> Problem:
        """A fault written here: every loader reports through this, so none forgets a place."""
        return Problem(self.path, self.line, self.col, message, hint)


class MDict(dict[str, Any]):
    """A mapping that knows where it, its keys and its values were written."""

    mark: Mark
    key_marks: dict[str, Mark]
    value_marks: dict[str, Mark]

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.key_marks = {}
        self.value_marks = {}

    def mark_of(self, key: str) -> Mark:
        return self.value_marks.get(key, self.mark)

    def set(self, key: str, value: Any, key_mark: Mark, value_mark: Mark) -> None:
        self[key] = value
        self.key_marks[key] = key_mark
        self.value_marks[key] = value_mark


class MList(list[Any]):
    """A sequence that knows where it and each item were written."""

    mark: Mark
    item_marks: list[Mark]

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.item_marks = []

    def mark_of(self, index: int) -> Mark:
        return self.item_marks[index] if 0 <= index < len(self.item_marks) else self.mark

    def add(self, value: Any, mark: Mark) -> None:
        self.append(value)
        self.item_marks.append(mark)


def mark_of(container: Any, key: Any) -> Mark | None:
    if isinstance(container, MDict) and isinstance(key, str):
        return container.mark_of(key)
    if isinstance(container, MList) and isinstance(key, int):
        return container.mark_of(key)
    return None


def locate(root: Any, loc: tuple[Any, ...], fallback: Mark) -> Mark:
    """The mark of the value at `loc` (keys and indices), or of its nearest existing parent."""
    current = root
    best = getattr(root, "mark", fallback)
    for key in loc:
        found = mark_of(current, key)
        if found is None:
            break
        best = found
        try:
            current = current[key]
        except (KeyError, IndexError, TypeError):
            break
    return best


# Top-level keys that only topology, scenario and demands files use; a mapping with none of
# them is some other file (`name:` or `description:` alone would match a CI workflow).
TWIN_KEYS = frozenset(
    {"nodes", "links", "extends", "remove", "failure_classes", "srlgs"}
    | {"topology", "demands", "horizon", "events", "failures", "checks", "sweep"}
    | {"as_of", "down"}
    | {"candidates"}
)


def load_yaml_with_marks(path: str | Path) -> MDict:
    """Parse one YAML file into `MDict`/`MList` values with marks.

    The top level must be a mapping: both file kinds are mappings, and refusing anything else
    here gives one clear message instead of a cascade of type errors later.
    """
    data = _parse(path, build=True)
    if not isinstance(data, MDict):  # _refuse_foreign lets only mappings through
        raise InputError.at(str(path), 1, 1, "the top level must be a mapping (key: value)")
    return data


def top_level_keys(path: str | Path) -> frozenset[str]:
    """The top-level keys of a file, refused as `load_yaml_with_marks` would refuse it, but
    without building its values: what deciding a file's kind needs, at a third of the cost."""
    keys = _parse(path, build=False)
    assert isinstance(keys, frozenset)
    return keys


def _parse(path: str | Path, build: bool) -> Any:
    """The built file (`build`), or the set of its top-level keys.

    A file in the plain block style (what `twin import` writes, and most hand-written files)
    is read by `twin.loading.yaml_plain`, ten times faster than through PyYAML's node graph;
    anything else, including every file with a fault to report, goes through PyYAML."""
    name = str(path)
    text = _read_text(name, Path(path))
    from twin.loading.yaml_plain import read_plain  # it builds on this module's types

    with paused_gc():  # see twin.loading.yaml_pyyaml.parse_text
        plain = read_plain(name, text)
    if plain is not None and plain.keys() & TWIN_KEYS:
        return plain if build else frozenset(plain)
    from twin.loading.yaml_pyyaml import parse_text

    return parse_text(name, text, build)


def _read_text(name: str, file_path: Path) -> str:
    """The file's text, read only once it is known to be a regular file within the size limit
    (a device reports size 0 and may never end), and refused unless it is UTF-8 without NULs."""
    raw = _read_bounded(name, file_path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError.at(name, line, 1, "file is not UTF-8 text", "save it as UTF-8") from exc
    if "\x00" in text:
        at = text.index("\x00")
        raise InputError.at(
            name,
            text.count("\n", 0, at) + 1,
            at - (text.rfind("\n", 0, at) + 1) + 1,
            "file contains NUL bytes: not a YAML text file",
            "is this a binary file, or saved as UTF-16? save it as UTF-8 text",
        )
    return text


def _read_bounded(name: str, file_path: Path) -> bytes:
    """At most `MAX_FILE_BYTES` of a regular file; anything else is refused before reading."""
    try:
        size = file_path.stat().st_size
    except OSError as exc:
        raise InputError.about(name, f"cannot read file: {exc.strerror}", "check the path") from exc
    if file_path.is_dir():
        raise InputError.about(name, "is a directory, not a YAML file")
    if not file_path.is_file():
        # A device or pipe reports size 0 and may never end (/dev/zero): refuse, don't read.
        raise InputError.about(name, "is not a regular file", "give the path of a YAML file")
    too_big = "split it (e.g. with extends:) or check that it is the right file"
    if size > MAX_FILE_BYTES:
        raise InputError.at(
            name, 1, 1, f"file is {size} bytes, over the {MAX_FILE_BYTES} byte limit", too_big
        )
    with file_path.open("rb") as handle:  # bounded: the file may grow after stat()
        raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise InputError.at(name, 1, 1, f"file is over the {MAX_FILE_BYTES} byte limit", too_big)
    return raw
