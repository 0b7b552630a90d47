"""A fast reader for plain block-style YAML, the style twin's files are written in.

PyYAML (even with LibYAML) builds a node, two marks and a resolver call per scalar in Python
before `twin.loading.yaml_marks` turns the nodes into marked values: 180 M instructions for a
662-demand file, more than the analysis of it. Files written by `twin import` and most written
by hand use a small part of YAML: block mappings and sequences of one-line plain scalars,
comments. This module reads exactly that part, line by line, into the same `MDict`/`MList`
values with the same marks, and declines (returns None) at the first thing outside it: a
quote, a flow collection, an anchor, alias or tag, a multi-line or empty value, a duplicate
key, a tab, a character PyYAML would check or refuse, a scalar whose type it does not know
for certain. A declined file is read by PyYAML (`twin.loading.yaml_pyyaml`), which also
reports every fault, so a file's values, marks and errors do not depend on which reader read
it (tests/unit/test_yaml_plain.py compares the two on every shipped file and on generated ones).

Scalar types follow YAML 1.1 as PyYAML resolves them: a plain scalar is an int, float, bool
or null only when it is written as one (`12`, `2.5`, `1.0e-05`, `true`, `null`); text that
begins with a digit is taken as text only when it ends in a lower-case letter and holds no 'x'
(`12h`, `150ms`, `14d`: no number, date or time ends so but hexadecimal `0x1f`); everything
else that begins like a number is declined.
"""

from __future__ import annotations

import re
from typing import Any

from twin.loading.yaml_marks import Mark, MDict, MList

# Code points of a file this reader takes: printable text (and newlines). Tabs, carriage
# returns, YAML's other line breaks (U+0085, U+2028, U+2029), byte-order marks, C0/C1 controls
# and bidirectional controls are left to PyYAML and the checks on its values. Ranges rather
# than a regular expression: compiling a class this wide costs 30 M instructions.
_TAKEN_RANGES = (
    (0x20, 0x7E),
    (0xA0, 0x2027),
    (0x202F, 0x2065),
    (0x206A, 0xD7FF),
    (0xE000, 0xFEFE),
    (0xFF00, 0xFFFD),
    (0x10000, 0x10FFFF),
)
# One line: indentation, an optional sequence entry "- ", an optional simple key, the rest.
# YAML refuses a simple key longer than 1024 characters (PyYAML: "could not find expected
# ':'"), so a longer one is not taken as a key and the line is declined.
_LINE = re.compile(r"( *)(?:(-) +)?(?:([A-Za-z_][A-Za-z0-9_]{0,999}):(?: +|$))?(.*)")
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+(?:[eE][-+][0-9]+)?")
# A plain scalar may not begin with these (YAML indicators); '-' is allowed before a number.
_INDICATORS = frozenset("?:,[]{}#&*!|>'\"%@`<=")
_NUMBER_START = frozenset("0123456789-+.")
# Python refuses to convert an integer of more than 4300 digits (sys.int_info); well below it.
_MAX_INT_CHARS = 4000
_WORDS: dict[str, Any] = {
    **dict.fromkeys(("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"), True),
    **dict.fromkeys(("false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"), False),
    **dict.fromkeys(("null", "Null", "NULL", "~"), None),
}
# No YAML 1.1 number, date or time ends in a lower-case letter, but a hexadecimal one (0x1f).
_TEXT_ENDINGS = frozenset("abcdefghijklmnopqrstuvwxyz")


class _Declined(Exception):
    """The document uses YAML beyond the plain block style: PyYAML reads it."""


def read_plain(name: str, text: str) -> MDict | None:
    """The document as marked values, or None when it is not (only) plain block style."""
    if not _taken_characters(text):
        return None
    try:
        lines = _lines(text)
        if not lines or lines[0][1] != 0:
            return None
        reader = _Reader(name, lines)
        value, end = reader.block(0)
    except (_Declined, RecursionError):
        # Nesting deeper than Python's recursion limit: PyYAML reports it as too deep.
        return None
    if end != len(lines) or not isinstance(value, MDict):
        return None
    return value


def _taken_characters(text: str) -> bool:
    """Whether every character of `text` is one this reader takes (checked once per distinct
    character, a hundred or so in a file)."""
    distinct = set(text)
    distinct.discard("\n")
    return all(any(lo <= ord(c) <= hi for lo, hi in _TAKEN_RANGES) for c in distinct)


# (line number, indentation, '-' or '', key or None, key column, value text, value column)
_Line = tuple[int, int, str, str | None, int, str, int]


def _lines(text: str) -> list[_Line]:
    """The lines that carry content, split into their parts; comments and blank lines dropped."""
    out: list[_Line] = []
    match = _LINE.match
    for number, raw in enumerate(text.split("\n"), 1):
        content = raw.lstrip(" ")
        if not content or content[0] == "#":
            continue
        found = match(raw)
        assert found is not None  # every group is optional
        indent, dash, key, rest = found.groups()
        value_col = found.start(4)
        comment = rest.find(" #")
        if comment >= 0:
            rest = rest[:comment]
        if rest.startswith("#"):
            rest = ""
        rest = rest.rstrip(" ")
        key_col = found.start(3) if key is not None else value_col
        out.append((number, len(indent), dash or "", key, key_col, rest, value_col))
    return out


def _scalar(text: str) -> Any:
    """A plain scalar's value as PyYAML's safe loader resolves it, or `_Declined`."""
    first = text[0]
    if first in _INDICATORS or ": " in text or text[-1] == ":":
        raise _Declined
    if first in _NUMBER_START:
        if _INT.fullmatch(text):
            if len(text) > _MAX_INT_CHARS:
                raise _Declined  # int() refuses it; PyYAML's path reports the value
            return int(text)
        if _FLOAT.fullmatch(text):
            return float(text)
        if first.isdigit() and text[-1] in _TEXT_ENDINGS and "x" not in text:
            return text
        raise _Declined
    if text in _WORDS:
        return _WORDS[text]
    return text


_new_tuple = tuple.__new__


class _Reader:
    def __init__(self, name: str, lines: list[_Line]) -> None:
        self.name = name
        self.lines = lines
        # A file repeats its values (node ids, `gbps: 2.0`): each distinct text is typed once.
        self.values: dict[str, Any] = {}

    def mark(self, line: int, col: int) -> Mark:
        """`Mark(name, line, col + 1)` without the named tuple's Python-level constructor:
        a file records one per key and value."""
        return _new_tuple(Mark, (self.name, line, col + 1))

    def scalar(self, text: str) -> Any:
        values = self.values
        if text in values:
            return values[text]
        value = values[text] = _scalar(text)
        return value

    def block(self, i: int) -> tuple[Any, int]:
        """The mapping or sequence that starts at line `i`, and the index after it."""
        line = self.lines[i]
        if line[2]:
            return self.sequence(i, line[1])
        if line[3] is not None:
            return self.mapping(i, line[1])
        raise _Declined  # a scalar alone on its lines (possibly multi-line)

    def sequence(self, i: int, col: int) -> tuple[MList, int]:
        lines = self.lines
        result = MList(self.mark(lines[i][0], col))
        items, marks = result, result.item_marks
        while i < len(lines):
            number, indent, dash, key, key_col, rest, value_col = lines[i]
            if indent < col or (indent == col and not dash):
                break  # the parent's next entry
            if indent > col:
                raise _Declined  # a continuation line, or indentation YAML refuses
            if key is not None:
                item, i = self.mapping(i, key_col)
                items.append(item)
                marks.append(item.mark)
            elif rest:
                items.append(self.scalar(rest))
                marks.append(self.mark(number, value_col))
                i += 1
            else:
                raise _Declined  # an empty entry, or one whose value starts on the next line
        return result, i

    def mapping(self, i: int, col: int) -> tuple[MDict, int]:
        """The mapping whose keys stand at column `col`; its first key may follow a '- '."""
        lines, mark, scalar = self.lines, self.mark, self.scalar
        result = MDict(mark(lines[i][0], col))
        key_marks, value_marks = result.key_marks, result.value_marks
        first = True
        end = len(lines)
        while i < end:
            number, indent, dash, key, key_col, rest, value_col = lines[i]
            if not first:
                if indent < col:
                    break
                if indent > col or dash:
                    raise _Declined
            first = False
            if key is None or key in _WORDS or key in result:
                raise _Declined  # not a key, a key that is not text, or a duplicate
            key_marks[key] = mark(number, key_col)
            i += 1
            if rest:
                result[key] = scalar(rest)
                value_marks[key] = mark(number, value_col)
                continue
            if i == end:
                raise _Declined  # an empty value
            below = lines[i]
            if below[1] > col:
                value, i = self.block(i)
            elif below[1] == col and below[2]:
                value, i = self.sequence(i, col)  # a sequence written at its key's indentation
            else:
                raise _Declined  # an empty value
            result[key] = value
            value_marks[key] = value.mark
        return result, i
