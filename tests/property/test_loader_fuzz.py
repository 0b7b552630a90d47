"""Whatever bytes a file holds, loading raises only InputError and `twin validate` exits 0 or 2.

Three generators: arbitrary bytes, YAML-ish text assembled from YAML's own punctuation and the
format's keys, and single-line mutations of the good fixtures (so the fuzzing reaches the
schema, reference and extends checks, not only the parser).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twin.cli.app import main
from twin.errors import InputError
from twin.loading import load_scenario, load_topology

GOOD = Path(__file__).resolve().parents[1] / "data" / "good"
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TOKENS = [
    # The format's keys and typical values, so that generated text gets past the parser.
    "name:", "extends:", "nodes:", "links:", "srlgs:", "failure_classes:", "remove:",
    "topology:", "horizon:", "demands:", "events:", "failures:", "repair:", "checks:",
    "sweep:", "id:", "a:", "b:", "lat:", "lon:", "length_km:", "capacity_gbps:", "kind:",
    "sea:", "at:", "cut:", "median:", "p90:", "~", "null", "true", "1e999", "-1", "0", "3.5",
    "30d", "12h", "nan", "baku", "aktau", "tcfo", "base.yaml", "scenario.yaml", "terrestrial",
    "submarine", "é", "2021-13-45",
    # YAML punctuation, anchors, tags and directives, and characters parsers choke on.
    "- ", "{", "}", "[", "]", ", ", ": ", "\n", "\n  ", "\n    ", "&x ", "*x", "<<: ",
    "!!str ", "!!python/object:os.system ", "!!binary ", "'", '"', "#", "---\n", "...\n",
    "? ", "|\n", ">\n", "%YAML 1.1\n", "\t", "\x00", "\x01", "\ufeff",
]  # fmt: skip

yamlish = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)


def _load_any(path: Path) -> None:
    """Both loaders on the same file: each may refuse it, neither may crash."""
    for load in (load_topology, load_scenario):
        try:
            load(path)
        except InputError as exc:
            assert exc.problems
            for problem in exc.problems:
                assert problem.path and problem.message
                assert problem.line >= 0 and problem.col >= 0


def _validate_exits_cleanly(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["validate", str(path)])
    err = capsys.readouterr().err
    assert status in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err


@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes(data: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(data)
    _load_any(path)
    _validate_exits_cleanly(path, capsys)


@FUZZ
@given(text=yamlish)
def test_yamlish_text(text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    _load_any(path)
    _validate_exits_cleanly(path, capsys)


def _mutations() -> st.SearchStrategy[tuple[str, int, str, str]]:
    """(fixture, line index, kind of edit, replacement text)."""
    return st.tuples(
        st.sampled_from(["base.yaml", "variant.yaml", "scenario.yaml"]),
        st.integers(min_value=0, max_value=25),
        st.sampled_from(["replace", "insert", "delete", "splice"]),
        yamlish,
    )


@FUZZ
@given(mutation=_mutations())
def test_mutated_good_files(
    mutation: tuple[str, int, str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, index, edit, text = mutation
    for fixture in ("base.yaml", "variant.yaml", "scenario.yaml"):
        shutil.copy(GOOD / fixture, tmp_path / fixture)
    lines = (GOOD / name).read_text().splitlines()
    index %= len(lines)
    if edit == "replace":
        lines[index] = text
    elif edit == "insert":
        lines.insert(index, text)
    elif edit == "delete":
        del lines[index]
    else:  # splice the tokens into the middle of the line
        middle = len(lines[index]) // 2
        lines[index] = lines[index][:middle] + text + lines[index][middle:]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _load_any(path)
    _validate_exits_cleanly(path, capsys)
