"""Validation in one place: references from `twin.loading.references` for valid and refused files
alike, and the schema's typed `checks:` and failure-class overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from twin.errors import InputError
from twin.loading import load_demands, load_scenario, load_topology

GOOD = Path(__file__).resolve().parents[1] / "data" / "good"


def _scenario(tmp_path: Path, body: str) -> Path:
    (tmp_path / "base.yaml").write_text((GOOD / "base.yaml").read_text())
    path = tmp_path / "sc.yaml"
    path.write_text(
        "name: sc\ntopology: base.yaml\nhorizon: 30d\n"
        "demands:\n  - {id: d, source: baku, destination: almaty}\n" + body
    )
    return path


def _problems(path: Path) -> list[tuple[int, str, str]]:
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    return [(p.line, p.message, p.hint) for p in caught.value.problems]


def test_an_unknown_override_class_is_reported_at_its_id_in_block_style(tmp_path: Path) -> None:
    """The id is the key; in block style its value starts on the next line (line 9, not 10)."""
    path = _scenario(tmp_path, "failures:\n  classes:\n    sub:\n      rate: 0.2\n")
    [(line, message, hint)] = _problems(path)
    assert line == 8 and message == "unknown failure class 'sub' in failures.classes"
    assert hint == "no failure class has a similar id"


def test_a_valid_and_a_refused_file_get_the_same_reference_message(tmp_path: Path) -> None:
    """One copy of the check: adding an unrelated schema fault changes nothing about it."""
    target = "events:\n  - {at: 4d, cut: {link: tcf0}}\n"
    valid = _problems(_scenario(tmp_path, target))
    refused = _problems(_scenario(tmp_path, target + "colour: red\n"))
    assert valid == [(7, "unknown link 'tcf0' in event target", "did you mean 'tcfo'?")]
    assert valid[0] in refused and len(refused) == 2


def test_a_refused_scenario_still_reports_its_missing_topology(tmp_path: Path) -> None:
    path = tmp_path / "sc.yaml"
    path.write_text(
        "name: sc\ntopology: none.yaml\nhorizon: 30d\ncolour: red\n"
        "demands:\n  - {id: d, source: baku, destination: almaty}\n"
    )
    messages = [message for _, message, _ in _problems(path)]
    assert any("unknown key 'colour'" in m for m in messages)
    assert any("topology file 'none.yaml' not found" in m for m in messages)


def test_overriding_only_the_median_scales_the_p90(tmp_path: Path) -> None:
    """Base class s: lognormal median 30 d, p90 75 d. A median of 60 d keeps sigma, so the
    p90 doubles with it: 150 d (and the rate is the base's)."""
    path = _scenario(tmp_path, "failures:\n  classes:\n    s: {repair: {median: 60d}}\n")
    fc = load_scenario(path).topology.failure_classes["s"]
    assert (fc.repair.median_h, fc.repair.p90_h) == (60 * 24, 150 * 24)
    assert fc.rate == load_topology(tmp_path / "base.yaml").failure_classes["s"].rate


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("failures:\n  classes:\n    s: {rate: }\n", "'rate' has no value"),
        ("checks:\n  - max_rtt:\n", "'max_rtt' has no value"),
        ("checks:\n  - {max_rtt: {demand: d}, survives: {demand: d}}\n", "one assertion"),
        ("checks:\n  - survives: {demand: d, scope: region}\n", "'link', 'node' or 'srlg'"),
        ("checks:\n  - max_rtt: {rtt_ms: 40}\n", "missing required key 'demand'"),
        ("checks:\n  - max_rtt: {demand: e}\n", "unknown demand 'e' in max_rtt"),
        ("failures:\n  classes:\n    s: {rate: -1}\n", "greater than or equal to 0"),
    ],
)
def test_check_and_override_shapes_are_refused_with_a_located_message(
    tmp_path: Path, body: str, fragment: str
) -> None:
    problems = _problems(_scenario(tmp_path, body))
    assert any(fragment in message and line >= 7 for line, message, _ in problems), problems


def test_a_refused_demands_file_still_reports_unknown_nodes(tmp_path: Path) -> None:
    path = tmp_path / "demands.yaml"
    path.write_text(
        "demands:\n  - {id: a, source: baku, destination: almati}\n"
        "  - {id: b, source: baku, destination: aktau, colour: red}\n"
    )
    with pytest.raises(InputError) as caught:
        load_demands(path, load_topology(GOOD / "base.yaml"))
    lines = [(p.line, p.message) for p in caught.value.problems]
    assert lines == [
        (2, "unknown node 'almati' in demand a (not in topology base)"),
        (3, "unknown key 'colour' in demands[b]"),
    ]
