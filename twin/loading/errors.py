"""Turning pydantic's validation errors into located, human problems with hints."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from twin.errors import Problem
from twin.loading.yaml_marks import Mark, MDict, MList, locate


def describe_loc(root: Any, loc: tuple[Any, ...]) -> str:
    """`links[tcfo].length_km` rather than `('links', 3, 'length_km')`."""
    parts: list[str] = []
    current = root
    for key in loc:
        if isinstance(key, int):
            label = str(key)
            try:
                item = current[key]
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    label = item["id"]
                current = item
            except (IndexError, KeyError, TypeError):
                current = None
            parts.append(f"[{label}]")
        else:
            parts.append(("." if parts else "") + str(key))
            try:
                current = current[key] if isinstance(current, dict) else None
            except (KeyError, TypeError):
                current = None
    return "".join(parts)


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model that owns the last key of `loc` (for did-you-mean on unknown keys)."""
    current: Any = model
    mapping_key = False  # the key after a `dict[str, Model]` field names an entry, not a field
    for key in loc[:-1]:
        if isinstance(key, int) or mapping_key:
            mapping_key = False
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(key)
        if field is None:
            return None
        mapping_key = getattr(field.annotation, "__origin__", None) is dict
        current = _inner_model(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _field_names(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def problems_from_validation(
    exc: ValidationError, root: MDict, model: type[BaseModel], fallback: Mark
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[Any, ...]] = set()
    for error in exc.errors():
        loc = tuple(error["loc"])
        # Union types report one error per branch; one message per location is enough.
        loc_key = tuple(
            k
            for k in loc
            if not (isinstance(k, str) and k.startswith(("str", "float", "int", "constrained")))
        )
        if loc_key in seen:
            continue
        seen.add(loc_key)
        where = describe_loc(root, loc_key)
        kind = error["type"]
        hint = ""
        if kind == "extra_forbidden":
            key = str(loc_key[-1])
            owner = _model_at(model, loc_key)
            names = _field_names(owner) if owner else []
            close = difflib.get_close_matches(key, names, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(names)}"
            mark = _key_mark(root, loc_key) or locate(root, loc_key, fallback)
            noun = str(getattr(owner, "KEY_NOUN", "key"))
            message = f"unknown {noun} '{key}' in {describe_loc(root, loc_key[:-1]) or 'file'}"
        elif kind == "missing":
            mark = locate(root, loc_key[:-1], fallback)
            where = describe_loc(root, loc_key[:-1]) or "file"
            message = f"missing required key '{loc_key[-1]}' in {where}"
            hint = "add it (see docs/file-formats.md)"
        else:
            mark = locate(root, loc_key, fallback)
            value = error.get("input")
            shown = _describe_value(value)
            # A model's own rule (a ValueError in a validator) is already a sentence.
            msg = str(error["msg"]).removeprefix("Value error, ")
            message = f"{where}: {msg[:1].lower()}{msg[1:]} (got {shown})"
            if kind == "literal_error":
                hint = "allowed values: " + str(error.get("ctx", {}).get("expected", ""))
            elif kind == "string_pattern_mismatch" and loc_key and loc_key[-1] in ("id", "a", "b"):
                hint = "ids are lower-case letters, digits and '-', starting with a letter or digit"
            elif kind == "string_pattern_mismatch" and loc_key and loc_key[-1] == "country":
                hint = "use an ISO 3166 alpha-2 code such as 'AZ', or 'GE/AZ' for a border point"
            elif kind in _RANGE_ERRORS:
                hint = _field_description(model, loc_key)
        problems.append(mark.problem(message, hint))
    return problems


_RANGE_ERRORS = frozenset(
    {"greater_than", "greater_than_equal", "less_than", "less_than_equal", "finite_number"}
)


def _field_description(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    """The field's documented range (its description), the hint for an out-of-range value."""
    owner = _model_at(model, loc)
    if owner is None or not loc or not isinstance(loc[-1], str):
        return ""
    field = owner.model_fields.get(loc[-1])
    return f"allowed: {field.description}" if field is not None and field.description else ""


def _key_mark(root: Any, loc: tuple[Any, ...]) -> Mark | None:
    current = root
    for key in loc[:-1]:
        try:
            current = current[key]
        except (KeyError, IndexError, TypeError):
            return None
    if isinstance(current, MDict):
        return current.key_marks.get(str(loc[-1]))
    return None


def _describe_value(value: Any) -> str:
    """How a refused value is quoted back: scalars as written, collections by shape."""
    if isinstance(value, dict):
        return "an empty mapping" if not value else f"a mapping with {len(value)} key(s)"
    if isinstance(value, list):
        return "an empty list" if not value else f"a list of {len(value)} item(s)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def did_you_mean(value: str, choices: Iterable[str], what: str) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1)
    return f"did you mean '{close[0]}'?" if close else f"no {what} has a similar id"


__all__ = ["MList", "describe_loc", "did_you_mean", "problems_from_validation"]
