"""PyYAML's half of the marked loader: any YAML at all, with its errors located.

`twin.loading.yaml_marks` reads the plain block style that twin's files are written in itself
(`twin.loading.yaml_plain`) and hands every other document here: flow collections, quotes,
anchors, tags, multi-line scalars, and every malformed file, whose error message comes from
PyYAML. Kept apart so that a command whose files are all plain never imports PyYAML (its
regular expressions cost a command a sixth of its start-up).
"""

from __future__ import annotations

import ast
import re
from typing import Any

import yaml

from twin.errors import InputError, Problem
from twin.gc_pause import paused_gc
from twin.loading import yaml_marks
from twin.loading.yaml_marks import TWIN_KEYS, Mark, MDict, MList
from twin.text_safety import CONTROL_CHARS, code_point, first_control_char

# LibYAML's parser (same safe constructors, same marks) is ~10x faster than the pure-Python one,
# which matters for imported backbones of thousands of nodes; fall back when it is not built.
_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BASE_LOADER):  # type: ignore[misc]
    """The safe loader, remembering the tag of each distinct plain scalar it resolved.

    The parser asks for the implicit tag of every scalar (a list of regular expressions tried
    in Python); a large file repeats the same keys and many values (`source:`, node ids,
    `gbps: 10`) thousands of times. For scalars the answer depends on the text and its
    implicitness alone, unless path resolvers were added (then nothing is remembered)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._scalar_tags: dict[tuple[str, Any], str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode or self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = self._scalar_tags.get(key)
        if tag is None:
            tag = self._scalar_tags[key] = super().resolve(kind, value, implicit)
        return tag


_LOADER: Any = _Loader


_PLAIN_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})
_STR_TAG = "tag:yaml.org,2002:str"


class _Builder:
    def __init__(self, path: str, loader: yaml.SafeLoader | Any) -> None:
        self.path = path
        self.loader = loader
        self.expanded = 0
        self.seen: set[int] = set()  # ids of the nodes built so far; the composer keeps them alive

    def mark(self, node: yaml.Node) -> Mark:
        return Mark(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node, via_alias: bool = False) -> Any:
        """Build `node`; `via_alias` when it is reached again through an alias (`*name`).

        The composer hands an alias back as the very node object its anchor made, so a node
        seen before is an alias, and everything built under it is alias expansion: only that
        is counted against `MAX_ALIAS_VALUES`, never the values written out in the file.
        """
        if (
            node.tag == _STR_TAG
            and not via_alias
            and isinstance(node, yaml.ScalarNode)
            and id(node) not in self.seen
        ):
            # Most values of a large file: plain text, which SafeConstructor would return as it
            # is. Built here in one step, a 20,000-link topology loads in half the time.
            self.seen.add(id(node))
            return self._text(node)
        if not via_alias and id(node) in self.seen:
            via_alias = True
        if via_alias:
            self.expanded += 1
            limit = yaml_marks.MAX_ALIAS_VALUES  # read here: tests lower it
            if self.expanded > limit:
                raise self.refused(
                    node,
                    f"aliases expand to more than {limit:,} values (the limit)",
                    "YAML aliases that multiply content (an 'alias bomb') are refused; "
                    "write the content out or split the file",
                )
        else:
            self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _PLAIN_TAGS:
            # Collections are built here, not by SafeConstructor, so refuse foreign tags
            # (e.g. !!python/object) explicitly rather than silently reading them as plain data.
            raise self.refused(
                node,
                f"tag '{node.tag}' is not allowed",
                "remove the tag: files hold plain mappings, lists and scalars",
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, via_alias)
        if isinstance(node, yaml.SequenceNode):
            seq = MList(self.mark(node))
            for item in node.value:
                seq.add(self.build(item, via_alias), self.mark(item))
            return seq
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, via_alias: bool) -> MDict:
        """A mapping with its marks; a key written twice is refused, since YAML would silently
        keep only the last and the first (often the intended one) would vanish."""
        result = MDict(self.mark(node))
        self.loader.flatten_mapping(node)
        path, key_marks, value_marks = self.path, result.key_marks, result.value_marks
        for key_node, value_node in node.value:
            key = self._fresh_text(key_node, via_alias)
            if key is None:
                key = self.build(key_node, via_alias)
                if not isinstance(key, str):
                    key = str(key)
            if key in result:
                first = key_marks[key]
                raise self.refused(
                    key_node,
                    f"duplicate key '{key}' (first at line {first.line})",
                    "remove one of them; YAML would silently keep only the last",
                )
            value = self._fresh_text(value_node, via_alias)
            result[key] = self.build(value_node, via_alias) if value is None else value
            # What `MDict.set` does, inline: a large file has tens of thousands of entries.
            at = key_node.start_mark
            key_marks[key] = Mark(path, at.line + 1, at.column + 1)
            at = value_node.start_mark
            value_marks[key] = Mark(path, at.line + 1, at.column + 1)
        return result

    def _fresh_text(self, node: yaml.Node, via_alias: bool) -> str | None:
        """The text of a plain string scalar met for the first time (most keys and values of a
        large file), checked as `build` checks it; None for any other node, left to `build`."""
        if (
            via_alias
            or node.tag != _STR_TAG
            or not isinstance(node, yaml.ScalarNode)
            or id(node) in self.seen
        ):
            return None
        self.seen.add(id(node))
        text = str(node.value)
        return text if CONTROL_CHARS.search(text) is None else self._checked_text(node, text)

    def _scalar(self, node: yaml.Node) -> Any:
        """A scalar through PyYAML's safe constructor, refusing what it lets escape as plain
        Python errors and text hiding control characters behind escapes."""
        try:
            value = self.loader.construct_object(node, deep=True)
        except (ValueError, TypeError, OverflowError) as exc:
            # SafeConstructor lets some malformed scalars escape as plain Python errors, e.g. a
            # timestamp with month 13 or an invalid !!binary payload.
            raise self.refused(
                node,
                f"cannot read value {node.value!r} as {node.tag.rsplit(':', 1)[-1]}: {exc}",
                "quote it to keep it as text",
            ) from exc
        if isinstance(value, str):
            return self._checked_text(node, value)
        return value

    def _text(self, node: yaml.ScalarNode) -> str:
        return self._checked_text(node, str(node.value))

    def _checked_text(self, node: yaml.Node, value: str) -> str:
        if (char := first_control_char(value)) is not None:
            # The reader refuses raw control bytes; these came from escapes ("\e", "\0").
            raise self.refused(
                node,
                f"text contains the control character {code_point(char)}",
                "names, descriptions and ids are plain text: remove the escape "
                "(such as \\e, \\a, \\0 or \\u202e)",
            )
        return value

    def refused(self, node: yaml.Node, message: str, hint: str) -> InputError:
        """Bad input at `node`, ready to raise."""
        return InputError(self.problem(node, message, hint))

    def problem(self, node: yaml.Node, message: str, hint: str) -> Problem:
        """A problem at `node`'s position in this file."""
        return self.mark(node).problem(message, hint)


# PyYAML quotes what it stumbled on ('found character %r', 'found undefined alias %r'); its
# token names ('<block end>') are its own words and stay.
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def _unquoted(text: str) -> str:
    """PyYAML's message without the file's text; a single character (what a parser expected or
    found: ',', ']', a tab) is no secret and says what to fix, so it stays."""

    def replace(match: re.Match[str]) -> str:
        quoted = match.group(0)
        if quoted[1:-1].startswith("<") and quoted[1:-1].endswith(">"):
            return quoted
        try:
            value = ast.literal_eval(quoted)
        except (ValueError, SyntaxError):
            value = None
        if isinstance(value, str) and len(value) == 1:
            return (
                repr(value)
                if value.isprintable() and not value.isspace()
                else f"U+{ord(value):04X}"
            )
        return "text"

    return _QUOTED.sub(replace, text)


def _problem_from_yaml_error(path: str, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    col = mark.column + 1 if mark is not None else 1
    problem = _unquoted(str(getattr(exc, "problem", None) or "cannot parse"))
    context = getattr(exc, "context", None)
    message = f"YAML syntax error: {problem}" + (f" ({_unquoted(str(context))})" if context else "")
    return Problem(path, line, col, message, "check indentation, colons and quotes on this line")


def _problem_from_reader_error(path: str, text: str, exc: yaml.reader.ReaderError) -> Problem:
    before = text[: exc.position]
    line = before.count("\n") + 1
    col = exc.position - (before.rfind("\n") + 1) + 1
    return Problem(
        path,
        line,
        col,
        f"character U+{exc.character:04X} is not allowed in YAML",
        "remove the control character (is this a binary file?)",
    )


def parse_text(name: str, text: str, build: bool) -> Any:
    """The built document (`build`), or the set of its top-level keys; refused as
    `twin.loading.yaml_marks.load_yaml_with_marks` documents."""
    try:
        # The reader checks printable characters in its constructor, so it belongs in the try.
        yaml.reader.Reader(text)  # the printable-character check LibYAML does not make
        loader = _LOADER(text)
    except yaml.reader.ReaderError as exc:
        raise InputError(_problem_from_reader_error(name, text, exc)) from exc
    try:
        # Building allocates a few hundred thousand objects for a 20,000-link topology, and
        # each threshold crossed made the collector walk them all again: 60 % of the load time.
        with paused_gc():
            return _compose(name, loader, build)
    except yaml.YAMLError as exc:
        raise InputError(_problem_from_yaml_error(name, exc)) from exc
    except RecursionError as exc:
        raise InputError.at(name, 1, 1, "YAML nesting is too deep") from exc
    finally:
        loader.dispose()


def _compose(name: str, loader: Any, build: bool) -> Any:
    node = loader.get_single_node()
    if node is None:
        raise InputError.at(name, 1, 1, "file is empty", "a topology needs nodes: and links:")
    _refuse_foreign(name, node)
    if build:
        return _Builder(name, loader).build(node)
    return frozenset(str(k.value) for k, _ in node.value if isinstance(k, yaml.ScalarNode))


def _refuse_foreign(name: str, node: yaml.Node) -> None:
    """Refuse, without quoting a word of it, a document that is not one of our file kinds."""
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    if not isinstance(node, yaml.MappingNode):
        shape = "a list" if isinstance(node, yaml.SequenceNode) else "a single text value"
        raise InputError.at(
            name,
            line,
            col,
            "not a topology, scenario or demands file: the top level must be a mapping "
            f"(key: value), not {shape}",
            "check that this is the right file; a topology starts with e.g. 'name: my-network'",
        )
    keys = {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
    if not keys & TWIN_KEYS:
        raise InputError.at(
            name,
            line,
            col,
            "not a topology, scenario or demands file: none of its top-level keys is one "
            f"of {', '.join(sorted(TWIN_KEYS))}",
            "check that this is the right file (see docs/file-formats.md)",
        )
