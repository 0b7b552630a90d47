"""Reading JSON that someone else wrote (results files, node-link imports) without crashing.

Python's `json` module decodes nested arrays and objects recursively, so a document nested
100,000 deep raises RecursionError (exit 3, a "bug") instead of being refused as bad input. The
nesting is measured first, by a linear scan that skips string contents, and a document deeper
than `MAX_JSON_DEPTH` is refused with its location before the decoder sees it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import TypeAdapter, ValidationError

from twin.errors import InputError, Problem

# Our own documents nest about six levels (a run's demands → outages → fields); GeoJSON and
# node-link graphs a few more. 64 leaves room for any honest file and is far below the ~1,000
# frames at which the recursive decoder fails.
MAX_JSON_DEPTH = 64

# A broken file can be wrong everywhere; the first few wrong values say what is going on.
MAX_SHAPE_PROBLEMS = 10

# A JSON string (escapes included) or one bracket; strings are matched so brackets inside them
# do not count.
_TOKEN_RE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def nesting_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> int | None:
    """The offset of the first bracket that opens level `limit + 1`, or None when within it."""
    depth = 0
    for match in _TOKEN_RE.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return match.start()
        elif token in "]}":
            depth -= 1
    return None


def loads_bounded(text: str, source: str, hint: str, **kwargs: Any) -> Any:
    """`json.loads(text)` after refusing nesting deeper than `MAX_JSON_DEPTH` as bad input.

    Decoding errors are left to the caller (each says what file kind it expected).
    """
    offset = nesting_too_deep(text)
    if offset is not None:
        line = text.count("\n", 0, offset) + 1
        col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise InputError.at(
            source,
            line,
            col,
            f"JSON nested more than {MAX_JSON_DEPTH} levels deep (the limit is {MAX_JSON_DEPTH})",
            hint,
        )
    return json.loads(text, **kwargs)


def json_path(loc: tuple[int | str, ...]) -> str:
    """`$.demands[0].availability` for pydantic's ('demands', 0, 'availability')."""
    return "$" + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in loc)


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(kind: type[Any]) -> TypeAdapter[Any]:
    if kind not in _ADAPTERS:  # building one takes ~0.1 s: once per kind and process
        _ADAPTERS[kind] = TypeAdapter(kind)
    return _ADAPTERS[kind]


def _json_words(message: str) -> str:
    """pydantic speaks Python ('a valid tuple'); a JSON file has lists and objects."""
    message = message.replace("valid tuple", "valid list").replace("valid dictionary", "object")
    return message[:1].lower() + message[1:]


def check_shape(data: Any, kind: type[Any], source: str, what: str, hint: str) -> None:
    """Refuse a document whose values do not have the types of `kind` (a dataclass of results),
    naming the JSON path of each wrong value: a results file with the right `schema` but
    `"demands": "x"` is bad input, not a crash in the code that reads it."""
    try:
        _adapter(kind).validate_python(data)
    except ValidationError as exc:
        problems = [
            Problem(
                source,
                0,
                0,
                f"{what} malformed at {json_path(tuple(error['loc']))}: "
                f"{_json_words(error['msg'])}",
                hint,
            )
            for error in exc.errors()[:MAX_SHAPE_PROBLEMS]
        ]
        raise InputError(problems) from None
