"""The streamed JSON writer spells a document exactly as the whole-document writer does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twin.atomic import canonical_json, canonical_json_chunks, write_chunks_atomic

_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(
    head=st.dictionaries(st.text(), _values, max_size=5),
    key=st.text(),
    items=st.lists(_values, max_size=5),
)
def test_streamed_bytes_equal_the_whole_document(head: dict, key: str, items: list) -> None:  # type: ignore[type-arg]
    head.pop(key, None)
    streamed = "".join(canonical_json_chunks(head, key, iter(items)))
    assert streamed == canonical_json({**head, key: items})
    assert json.loads(streamed)[key] == json.loads(json.dumps(items))


def test_a_key_both_streamed_and_in_the_head_is_refused() -> None:
    with pytest.raises(ValueError, match="both streamed and in the head"):
        list(canonical_json_chunks({"failures": 1}, "failures", []))


def test_the_file_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old\n", encoding="utf-8")

    def pieces():  # type: ignore[no-untyped-def]
        yield "{"
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_chunks_atomic(target, pieces())
    assert target.read_text(encoding="utf-8") == "old\n"
    assert list(tmp_path.iterdir()) == [target], "no temporary file left behind"
    write_chunks_atomic(target, canonical_json_chunks({"a": 1}, "b", [1, 2]))
    assert json.loads(target.read_text(encoding="utf-8")) == {"a": 1, "b": [1, 2]}


def _stdlib(value: object) -> str:
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


# Strings with what the fast encoder's row splitting must not be fooled by: brackets, commas,
# "]," itself, escaped newlines, quotes, non-ASCII.
_tricky_text = st.text(alphabet=st.sampled_from(list('[]{},:" \n\\\té€a1')), max_size=8)
_plain_values = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _tricky_text
)
_rows = st.lists(st.lists(_plain_values, max_size=4) | st.tuples(_plain_values, _plain_values))
_nested = st.recursive(
    _plain_values | _rows,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(_tricky_text, inner, max_size=4)
        | st.dictionaries(st.integers(), inner, max_size=3)
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(value=_nested)
def test_canonical_json_is_exactly_the_indenting_encoders_spelling(value: object) -> None:
    assert canonical_json(value) == _stdlib(value)


def test_canonical_json_nested_past_the_fast_depths_and_unusual_types_is_still_exact() -> None:
    deep: object = [["row", 1.5]]
    for depth in range(40):
        deep = {"level": deep, "n": depth} if depth % 2 else [deep, [[1, 2], [3, 4]]]
    assert canonical_json(deep) == _stdlib(deep)

    class Count(int):
        pass

    odd = {"count": Count(3), "rows": [(Count(1), 2.0)], "keys": {1: "a", 2: [["b"]]}}
    assert canonical_json(odd) == _stdlib(odd)


@pytest.mark.parametrize("value", [float("nan"), [1.0, float("inf")], [["a", float("-inf")]]])
def test_canonical_json_refuses_nan_and_infinity(value: object) -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        canonical_json(value)
