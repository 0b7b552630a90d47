"""The plain-style reader reads what PyYAML reads (values, types, every mark) or declines."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path
from typing import Any

import pytest

from twin.errors import InputError
from twin.loading.yaml_marks import MDict, MList, load_yaml_with_marks
from twin.loading.yaml_plain import read_plain
from twin.loading.yaml_pyyaml import parse_text

ROOT = Path(__file__).resolve().parents[2]


def _difference(ours: Any, theirs: Any, where: str = "") -> str | None:
    """Where the two readings differ (type, value, order, or any mark), or None."""
    if type(ours) is not type(theirs) or (
        not isinstance(ours, MDict | MList) and repr(ours) != repr(theirs)
    ):
        return f"{where}: {ours!r} != {theirs!r}"
    if isinstance(ours, MDict):
        if (ours.mark, list(ours), ours.key_marks, ours.value_marks) != (
            theirs.mark,
            list(theirs),
            theirs.key_marks,
            theirs.value_marks,
        ):
            return f"{where}: keys or marks differ"
        pairs = [(ours[k], theirs[k], f"{where}.{k}") for k in ours]
    elif isinstance(ours, MList):
        if (ours.mark, ours.item_marks, len(ours)) != (theirs.mark, theirs.item_marks, len(theirs)):
            return f"{where}: items or marks differ"
        pairs = [(a, b, f"{where}[{i}]") for i, (a, b) in enumerate(zip(ours, theirs, strict=True))]
    else:
        return None
    return next((d for a, b, w in pairs if (d := _difference(a, b, w)) is not None), None)


def _check(text: str) -> bool:
    """Assert the readers agree on `text`; True when the plain reader took it."""
    ours = read_plain("f.yaml", text)
    if ours is None:
        return False
    theirs = parse_text("f.yaml", text, build=True)  # raises if PyYAML refuses what we took
    assert _difference(ours, theirs) is None, (_difference(ours, theirs), text)
    return True


def _shipped_yaml() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "*.yaml", "*.yml"], cwd=ROOT, capture_output=True, text=True
    ).stdout.split()
    return [ROOT / p for p in listed]


def test_every_shipped_file_reads_the_same_or_is_declined() -> None:
    for path in _shipped_yaml():
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            continue  # a test file that is not UTF-8: refused before either reader sees it
        try:
            _check(text)
        except InputError:
            pytest.fail(f"{path}: PyYAML refuses a file the plain reader took")


def test_an_imported_topology_and_demands_file_take_the_plain_path(tmp_path: Path) -> None:
    text = (
        "name: net\nfailure_classes:\n- id: t\n  basis: per_1000km\n  rate: 1.0\n  repair:\n"
        "    kind: lognormal\n    median: 12h\n    p90: 14d\n  estimate: true\nnodes:\n"
        "- id: a\n  lat: -50.76\n  lon: 6\n  source:\n  - S1\n# a comment\n\n"
        "- id: b  # trailing comment\n  name: Frankfurt am Main\n  lat: 1.0e-05\nlinks: # c\n"
        "  - id: a-b\n    a: a\n    b: b\n    igp_metric: 10\n"
    )
    assert _check(text)
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_yaml_with_marks(path)
    assert loaded["nodes"][1]["lat"] == 1.0e-05
    assert loaded["links"].mark_of(0).col == 5  # the first key of the entry, after "  - "


# Scalars where YAML's implicit typing or syntax has a trap: each must be read as PyYAML reads
# it, or declined.
_SCALARS = (
    "x",
    "a",
    "12",
    "-3",
    "0",
    "-0",
    "012",
    "1_000",
    "0x1f",
    "0x1d",
    "0b11",
    "2.5",
    "-0.0",
    ".5",
    "1.",
    "1e3",
    "1.0e-05",
    "1.0E+3",
    "+1",
    "12h",
    "150ms",
    "14d",
    "1d2",
    "2024-01-02",
    "2024-01-02t10:00:00",
    "190:20:30",
    "yes",
    "Yes",
    "no",
    "NO",
    "on",
    "Off",
    "true",
    "False",
    "null",
    "~",
    "Null",
    "y",
    "n",
    ".inf",
    "-.inf",
    ".nan",
    "<<",
    "=",
    "'q'",
    '"q"',
    "[a]",
    "{a:1}",
    "&a",
    "*a",
    "!t",
    "|",
    ">-",
    "%",
    "@",
    "`",
    "a:b",
    "http://x/y",
    "a#b",
    "Zürich",
    "東京",
    "ok-",
    "-x",
    "-",
    "a,b",
    "a]",
    "a:",
    # Unicode digits, which str.isdigit() accepts and int() converts; YAML's [0-9] does not.
    "\u0661\u0662",
    "\uff11\uff12",
    "1\u0662",
    "1:30",
    "0o7",
    "0b101",
    "5.",
    "1.0e+5",
    "1.0E5",
    "2024-1-2",
    "2024-01-02 10:00:00",
    "1e5",
    "tRUE",
    "nULL",
    "Y",
    "N",
    "oFF",
    ".NaN",
    # Non-breaking spaces are text to YAML, not whitespace: around values and before '#'.
    "\u00a0",
    "\u00a0a",
    "a\u00a0",
    "b\u00a0#c",
    "b:\u00a0",
    "a \u3000b",
    "1" * 4299,
    "1" * 5000,
)
_ORDINARY = ("frankfurt", "12", "2.5", "true", "12h", "S13", "Frankfurt am Main", "-7.25")
_KEYS = ("id", "name", "on", "yes", "null", "a", "b", "source", "x_1", "No", "NULL", "y", "_")


def _scalar(rng: random.Random) -> str:
    return rng.choice(_SCALARS if rng.random() < 0.15 else _ORDINARY)


def _document(rng: random.Random, depth: int = 0) -> list[str]:
    """Lines of a random block mapping: scalars, nested mappings and sequences in both
    indentation styles, comments, blank lines and the odd malformed line."""
    lines: list[str] = []
    for key in rng.sample(_KEYS, rng.randint(1, 4)):
        roll = rng.random()
        if depth < 2 and roll < 0.2:
            lines.append(f"{key}:")
            lines += ["  " + line for line in _document(rng, depth + 1)]
        elif depth < 2 and roll < 0.45:
            lines.append(f"{key}:")
            pad = rng.choice(["", "  ", "    "])
            for _ in range(rng.randint(1, 3)):
                if rng.random() < 0.5:
                    lines.append(f"{pad}- {_scalar(rng)}")
                else:
                    inner = _document(rng, depth + 1)
                    lines.append(f"{pad}- {inner[0]}")
                    lines += [f"{pad}  {line}" for line in inner[1:]]
        else:
            lines.append(f"{key}: {_scalar(rng)}" + rng.choice(["", "  # c", " #c"]))
        if rng.random() < 0.1:
            lines.append(
                rng.choice(["", "# note", "   # indented note", "  stray", "\tx: 1", "- y"])
            )
    return lines


def test_generated_documents_read_the_same_or_are_declined() -> None:
    rng = random.Random(18)
    taken = 0
    for _ in range(3000):
        text = "\n".join(["nodes: n", *_document(rng)]) + rng.choice(["", "\n"])
        try:
            taken += _check(text)
        except InputError:
            pytest.fail(f"PyYAML refuses a document the plain reader took:\n{text}")
    assert taken > 300  # the comparison covered many documents the plain reader took


@pytest.mark.parametrize(
    "text",
    [
        "nodes: 'a'\n",
        "nodes: [a]\n",
        "nodes: &x a\nlinks: *x\n",
        "nodes:\n\t- a\n",
        "nodes: a\nnodes: b\n",
        "nodes:\n",
        "nodes: a\n  continued\n",
        "nodes: >-\n  folded\n",
        "nodes: a\r\n",
        "---\nnodes: a\n",
        "nodes: a\u202e\n",
        "nodes: 2024-01-02\n",
    ],
)
def test_what_the_plain_reader_leaves_to_pyyaml(text: str) -> None:
    assert read_plain("f.yaml", text) is None


# Pieces spliced into generated documents at random places: YAML's indicators, its whitespace
# and the characters that look like whitespace or digits but are not to YAML.
_SPLICES = (
    *(" ", "  ", "- ", ":", ": ", "#", " #", "\n", "\n  ", "\n- ", "-", "+", ".", "_"),
    *("0", "1", "e", "x", "y", "Yes", "on", "null", "~", ":30", "2024-01-02", "1e5"),
    *("\u00a0", "\u3000", "\u2000", "\u200b", "\u0661\u0662", "\uff11", "\u00e9"),
    *("'", "!", "?", ",", "]", "}", "|", "=", "<<", "&", "*"),
)


def _mutated(rng: random.Random) -> str:
    """A generated document with a few characters removed or pieces spliced in anywhere but in
    its first key (which keeps it one of twin's files)."""
    text = "\n".join(["nodes: n", *_document(rng)]) + rng.choice(["", "\n"])
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(6, len(text) + 1)
        if rng.random() < 0.3 and at < len(text):
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + rng.choice(_SPLICES) + text[at:]
    return text


def test_mutated_documents_read_the_same_or_are_declined() -> None:
    rng = random.Random(7)
    taken = 0
    for _ in range(3000):
        text = _mutated(rng)
        try:
            taken += _check(text)
        except InputError:
            pytest.fail(f"PyYAML refuses a document the plain reader took:\n{text!r}")
    assert taken > 100  # many mutated documents stayed plain and were compared


def _nested(levels: int) -> str:
    return (
        "nodes:\n"
        + "".join(" " * depth + "a:\n" for depth in range(1, levels))
        + " " * levels
        + "a: 1\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        # int() refuses more than 4300 digits: the plain reader raised ValueError.
        "nodes: " + "1" * 5000 + "\n",
        # YAML refuses a simple key of more than 1024 characters; the plain reader took it.
        "nodes: 1\n" + "a" * 1025 + ": 1\n",
        "nodes:\n- " + "a" * 1025 + ": 1\n",
        "nodes:\n  " + "a" * 2000 + ":\n    b: 1\n",
        # Nesting beyond Python's recursion limit: the plain reader raised RecursionError.
        _nested(1200),
    ],
)
def test_what_the_plain_reader_declined_after_review(text: str, tmp_path: Path) -> None:
    """Each was a divergence: a crash or a document taken that PyYAML refuses. Declined, the
    file gets PyYAML's clear error."""
    assert read_plain("f.yaml", text) is None
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError):
        load_yaml_with_marks(path)


def test_the_longest_simple_key_the_plain_reader_takes_reads_the_same() -> None:
    assert _check("nodes: 1\n" + "k" * 1000 + ": 1\n")
    assert _check("nodes:\n- " + "k" * 1000 + ": 1\n")
