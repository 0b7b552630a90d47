"""Result tables as pandas DataFrames, for notebooks: one generic reader for every result.

A result's *tables* are its fields that hold records: a sequence of dataclass instances
(`ContingencyResult.failures`, `MonteCarloResult.demands`) or a mapping of id to one
(`SimulationResult.demands`). Each record becomes a row; a nested dataclass field becomes
dotted columns (`sla_availability.mean`), so nothing is re-derived, only laid out.

pandas is the optional extra `frames` and is imported only when a frame is asked for:
`pip install 'silkroad-twin[frames]'`.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from twin.errors import TwinError

if TYPE_CHECKING:
    import pandas as pd


class FramesUnavailable(TwinError):
    """pandas, which DataFrames need, is not installed."""


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:
        raise FramesUnavailable(
            "DataFrames need pandas, an optional extra: pip install 'silkroad-twin[frames]'"
        ) from exc
    return pandas


def _is_record(value: object) -> bool:
    """A dataclass instance, or a named tuple (a run's timeline entries)."""
    dataclass_instance = dataclasses.is_dataclass(value) and not isinstance(value, type)
    return dataclass_instance or (isinstance(value, tuple) and hasattr(value, "_asdict"))


def _records(value: object) -> list[Any] | None:
    """The records a field holds (possibly none), or None when the field is not a table."""
    if isinstance(value, Mapping):
        items = list(value.values())
    elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
        items = list(value)
    else:
        return None
    return items if all(_is_record(item) for item in items) else None


def table_names(result: object) -> list[str]:
    """The fields of `result` that are tables, in declaration order (the first is the main one).

    A field declared as a collection of records counts even when it is empty.
    """
    if not _is_record(result):
        raise TypeError(f"{type(result).__name__} is not a result object")
    return [
        f.name
        for f in dataclasses.fields(result)  # type: ignore[arg-type]
        if _is_table(type(result), f.name, getattr(result, f.name))
    ]


def _is_table(cls: type, name: str, value: object) -> bool:
    items = _records(value)
    if items is None:
        return False
    return bool(items) or _declares_records(cls, name)


def _declares_records(cls: type, name: str) -> bool:
    """Whether the field's annotation holds a record type (`tuple[FailureImpact, ...]`)."""
    try:
        hint = typing.get_type_hints(cls)[name]
    except (NameError, TypeError, KeyError):  # an annotation only a type checker can resolve
        return False
    return any(
        dataclasses.is_dataclass(arg) or hasattr(arg, "_fields") for arg in typing.get_args(hint)
    )


def _fields(record: object) -> list[str]:
    if dataclasses.is_dataclass(record):
        return [f.name for f in dataclasses.fields(record)]
    return list(record._fields)  # type: ignore[attr-defined]


def _row(record: object, prefix: str = "") -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name in _fields(record):
        value = getattr(record, name)
        if _is_record(value):
            row.update(_row(value, f"{prefix}{name}."))
        else:
            row[f"{prefix}{name}"] = value
    return row


def to_frame(result: object, table: str | None = None) -> pd.DataFrame:
    """One table of `result` as a DataFrame: `table` by name, or the result's first table.

    Raises ValueError naming the tables when `table` is not one of them.
    """
    names = table_names(result)
    if not names:
        raise ValueError(f"{type(result).__name__} holds no table of records")
    name = names[0] if table is None else table
    if name not in names:
        raise ValueError(f"{type(result).__name__} has no table {name!r}: it has {names}")
    records = _records(getattr(result, name)) or []
    columns = _fields(records[0]) if records else None
    rows = [_row(record) for record in records]
    frame: pd.DataFrame = _pandas().DataFrame(rows or None, columns=None if rows else columns)
    return frame


def to_frames(result: object) -> dict[str, pd.DataFrame]:
    """Every table of `result`, by field name."""
    return {name: to_frame(result, name) for name in table_names(result)}


class Frames:
    """Mixin for result dataclasses: `result.to_frame()` and `result.to_frames()`."""

    __slots__ = ()

    def to_frame(self, table: str | None = None) -> pd.DataFrame:
        """The result's main table (or `table`) as a pandas DataFrame (extra `frames`)."""
        return to_frame(self, table)

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Every table of the result as pandas DataFrames, by field name (extra `frames`)."""
        return to_frames(self)
