"""The one way a result document is checked on reading and described as a JSON Schema.

Each result module declares its JSON document as `TypedDict`s and wraps them in one pydantic
`TypeAdapter`: the same declaration validates a file read back (`parse`) and generates the
JSON Schema shipped in `twin/schemas/` (`json_schema`), so the two cannot drift apart. The
adapter is built on first use (`Adapter`): building one generates its core schema (tens to
hundreds of ms), and a command that only writes results never needs it.
"""

from __future__ import annotations

import math
from typing import Any, Generic, TypeVar

from pydantic import TypeAdapter, ValidationError

from twin.errors import InputError

T = TypeVar("T")
SCHEMA_URL = "https://silkroad-twin.org/schemas"


class Adapter(Generic[T]):
    """A document type's pydantic `TypeAdapter`, built the first time it is needed."""

    def __init__(self, kind: type[T]) -> None:
        self.kind = kind
        self._built: TypeAdapter[T] | None = None

    def get(self) -> TypeAdapter[T]:
        if self._built is None:
            self._built = TypeAdapter(self.kind)
        return self._built


def parse(adapter: Adapter[T], data: Any, schema_id: str, what: str, path: str) -> T:
    """`data` checked against the document type, or an InputError naming the first bad field.

    The schema id is checked first, so a file of another kind is named as such rather than by
    its first missing field."""
    found = data.get("schema") if isinstance(data, dict) else None
    if found != schema_id:
        raise InputError.at(
            path,
            1,
            1,
            f"not a {what} file (schema {found!r}, expected {schema_id!r})",
            "give the file the command that reads it expects",
        )
    try:
        return adapter.get().validate_python(data, strict=False)
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


def json_schema(adapter: Adapter[Any], schema_id: str, name: str, title: str) -> dict[str, Any]:
    """The document's JSON Schema (draft 2020-12) with its published id and a title; its
    `schema` key must hold `schema_id` (declared as a plain string, so the id is written once)."""
    schema = adapter.get().json_schema(mode="serialization")
    schema["properties"] = {**schema.get("properties", {}), "schema": {"const": schema_id}}
    schema["required"] = sorted({"schema", *schema.get("required", [])})
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"{SCHEMA_URL}/{name}.schema.json"
    schema["title"] = title
    return schema


def dataclass_schema(
    adapter: Adapter[Any], schema_id: str, name: str, title: str, written: dict[str, Any]
) -> dict[str, Any]:
    """The JSON Schema of a document that is a result dataclass as `dataclasses.asdict` writes
    it, plus its `schema` id and the `written` properties derived on writing (not read back)."""
    schema = json_schema(adapter, schema_id, name, title)
    schema["properties"] = {**schema["properties"], **written}
    schema["required"] = [*schema["required"], *written]
    return schema


def finite(value: float) -> float | None:
    """JSON has no infinity or NaN: an undefined bound is written as null."""
    return value if math.isfinite(value) else None


def bound(value: float | None, missing: float) -> float:
    """A bound read back: null stands for the undefined value it was written for."""
    return missing if value is None else float(value)
