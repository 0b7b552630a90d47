"""The one way a result document is checked on reading and described as a JSON Schema.

Each result module declares its JSON document as `TypedDict`s and wraps them in one pydantic
`TypeAdapter`: the same declaration validates a file read back (`parse`) and generates the
JSON Schema shipped in `twin/schemas/` (`json_schema`), so the two cannot drift apart.
"""

from __future__ import annotations

import math
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from twin.errors import InputError

T = TypeVar("T")
SCHEMA_URL = "https://silkroad-twin.org/schemas"


def parse(adapter: TypeAdapter[T], data: Any, what: str, path: str = "<results>") -> T:
    """`data` checked against the document type, or an InputError naming the first bad field."""
    if not isinstance(data, dict):
        raise InputError.at(path, 1, 1, f"not a {what} file: the document is not a JSON object")
    try:
        return adapter.validate_python(data, strict=False)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "the document"
        raise InputError.at(
            path,
            1,
            1,
            f"{what}: {where}: {error['msg']}",
            f"write it again with the twin version that reads it ({what} schema)",
        ) from None


def json_schema(adapter: TypeAdapter[Any], name: str, title: str) -> dict[str, Any]:
    """The document's JSON Schema (draft 2020-12) with its published id and a title."""
    schema = adapter.json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"{SCHEMA_URL}/{name}.schema.json"
    schema["title"] = title
    return schema


def finite(value: float) -> float | None:
    """JSON has no infinity or NaN: an undefined bound is written as null."""
    return value if math.isfinite(value) else None


def bound(value: float | None, missing: float) -> float:
    """A bound read back: null stands for the undefined value it was written for."""
    return missing if value is None else float(value)
