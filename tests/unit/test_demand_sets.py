"""Demand sets: `--demand` parsing, the demands-file loader and the node-reference checks."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from twin.analysis.demand_sets import (
    ensure_known,
    load_demands_file,
    parse_demand_specs,
    select_demands,
)
from twin.analysis.paths import srlg_disjoint_paths
from twin.cli.app import flag_of
from twin.errors import InputError
from twin.io import render_yaml
from twin.loading import file_kind, load_demands, load_topology
from twin.model import Demand
from twin.routing import Router

ROOT = Path(__file__).resolve().parents[2]
T2026 = ROOT / "topologies" / "silk-road-2026.yaml"


@pytest.fixture(scope="module")
def topology():  # type: ignore[no-untyped-def]
    return load_topology(T2026)


def test_a_demand_from_a_node_to_itself_is_refused_on_the_command_line(topology) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as info:
        parse_demand_specs(["frankfurt:frankfurt"], topology)
    (problem,) = info.value.problems
    assert problem.parameter == "specs"
    assert problem.format(flag_of).startswith("--demand: ")  # as the CLI shows it
    assert "starts where it ends" in problem.message


def test_srlg_disjoint_search_ends_on_an_empty_path(topology) -> None:  # type: ignore[no-untyped-def]
    # The shortest path from a node to itself has no links, so removing "its links" removes
    # nothing: before the fix this looped forever. Run it in a thread so a regression fails
    # the test instead of hanging the suite.
    router = Router(topology)
    out: list[object] = []
    worker = threading.Thread(
        target=lambda: out.append(srlg_disjoint_paths(router, "baku", "baku")), daemon=True
    )
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "srlg_disjoint_paths did not return for source == destination"
    assert out == [[]]


def _write(tmp_path: Path, text: str, name: str = "demands.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_the_demands_file_keeps_sla_priority_and_failover(tmp_path: Path, topology) -> None:  # type: ignore[no-untyped-def]
    path = _write(
        tmp_path,
        "demands:\n"
        "  - id: fra-ala\n"
        "    source: frankfurt\n"
        "    destination: almaty\n"
        "    gbps: 100\n"
        "    priority: 2\n"
        "    sla: {availability: 0.999, max_rtt_ms: 78}\n"
        "    failover: {mechanism: frr, detection: 150ms}\n"
        "  - {source: baku, destination: almaty}\n",
    )
    first, second = load_demands_file(path, topology)
    assert (first.id, first.gbps, first.priority) == ("fra-ala", 100.0, 2)
    assert (first.sla.availability, first.sla.max_rtt_ms) == (0.999, 78.0)
    assert first.failover is not None and first.failover.mechanism == "frr"
    assert first.failover.detection_ms == pytest.approx(150.0)
    # Defaults as in scenarios: id SOURCE-DESTINATION, 10 Gbit/s, no SLA.
    assert second == Demand("baku-almaty", "baku", "almaty", 10.0)


def test_every_bad_entry_is_reported_at_its_line(tmp_path: Path, topology) -> None:  # type: ignore[no-untyped-def]
    path = _write(
        tmp_path,
        "demands:\n"  # line 1
        "  - {id: x, source: frankfurt, destination: baku}\n"  # 2
        "  - {id: x, source: frankfurt, destination: almaty}\n"  # 3: duplicate id
        "  - {source: baku, destination: baku}\n"  # 4: A -> A
        "  - {source: baku, destination: almatyy}\n",  # 5: unknown node (col of the value)
    )
    with pytest.raises(InputError) as info:
        load_demands(path, topology)
    found = {(p.line, p.col): p for p in info.value.problems}
    assert set(found) == {(3, 5), (4, 5), (5, 33)}
    assert "duplicate demand id 'x'" in found[(3, 5)].message
    assert "starts where it ends" in found[(4, 5)].message
    assert "almatyy" in found[(5, 33)].message and "almaty" in found[(5, 33)].hint
    assert all(p.path == str(path) for p in info.value.problems)


def test_faults_deep_in_a_large_demands_file_are_reported_at_their_lines(
    tmp_path: Path, topology
) -> None:  # type: ignore[no-untyped-def]
    # The loader builds keys and values of a large file on a fast path; the line and column
    # of each fault must still be its own, thousands of lines down.
    lines = ["demands:"]
    for i in range(2_000):
        lines += [f"- id: d{i}", "  source: frankfurt", "  destination: baku", "  gbps: 1.5"]
    lines[4 * 1_200 + 3] = "  destination: bakuu"  # an unknown node, 1,200 entries down
    lines[4 * 1_700 + 4] = "  gbps: -2"  # a schema fault
    path = _write(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(InputError) as info:
        load_demands(path, topology)
    found = {(p.line, p.col): p.message for p in info.value.problems}
    assert set(found) == {(4 * 1_200 + 4, 16), (4 * 1_700 + 5, 9)}
    assert "bakuu" in found[(4 * 1_200 + 4, 16)]
    assert "gbps" in found[(4 * 1_700 + 5, 9)]

    lines[4 * 1_700 + 4] = "  gbps: 2"
    lines[4 * 1_900 + 1] = "- id: d1899"  # a duplicate id
    with pytest.raises(InputError) as info:
        load_demands(_write(tmp_path, "\n".join(lines) + "\n", "twice.yaml"), topology)
    found = {(p.line, p.col): p.message for p in info.value.problems}
    assert set(found) == {(4 * 1_200 + 4, 16), (4 * 1_900 + 2, 3)}
    assert "duplicate demand id 'd1899' (first at line 7598)" in found[(4 * 1_900 + 2, 3)]

    escaped = list(lines)
    escaped[4 * 1_500 + 2] = '  source: "fra\\enkfurt"'  # an escape that hides ESC in a value
    with pytest.raises(InputError) as info:
        load_demands(_write(tmp_path, "\n".join(escaped) + "\n", "escaped.yaml"), topology)
    (problem,) = info.value.problems
    assert (problem.line, problem.col) == (4 * 1_500 + 3, 11)
    assert "U+001B" in problem.message

    doubled = list(lines)
    doubled[4 * 1_300 + 4] = "  source: frankfurt"  # a key written twice in one entry
    with pytest.raises(InputError) as info:
        load_demands(_write(tmp_path, "\n".join(doubled) + "\n", "doubled.yaml"), topology)
    (problem,) = info.value.problems
    assert (problem.line, problem.col) == (4 * 1_300 + 5, 3)
    assert f"duplicate key 'source' (first at line {4 * 1_300 + 3})" in problem.message


def test_a_schema_fault_is_located_not_a_pydantic_dump(tmp_path: Path) -> None:
    entry = "  - {source: a, destination: b, gbps: -3}"
    path = _write(tmp_path, f"demands:\n{entry}\n")
    with pytest.raises(InputError) as info:
        load_demands(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.col) == (2, entry.index("-3") + 1)  # 1-based, at the value
    assert "gbps" in problem.message and "validation error" not in problem.message


def test_a_file_with_only_demands_is_a_demands_file(tmp_path: Path) -> None:
    demands = _write(tmp_path, "demands: []\n")
    scenario = _write(tmp_path, "topology: t.yaml\ndemands: []\n", "scenario.yaml")
    assert file_kind(demands) == "demands"
    assert file_kind(scenario) == "scenario"


def test_what_the_importer_writes_loads(tmp_path: Path) -> None:
    # twin import --demands-out renders {"demands": [...]} with the shared YAML writer.
    entries = [{"id": "a--b", "source": "a", "destination": "b", "gbps": 12.5}]
    path = _write(tmp_path, render_yaml({"demands": entries}, "Demands of x."))
    (demand,) = load_demands(path)
    assert (demand.id, demand.source, demand.destination, demand.gbps) == ("a--b", "a", "b", 12.5)


def test_scenario_demands_on_a_topology_without_their_nodes_are_refused() -> None:
    t2021 = load_topology(ROOT / "topologies" / "silk-road-2021.yaml")
    with pytest.raises(InputError) as info:
        select_demands(t2021, scenario=ROOT / "scenarios" / "red-sea-2024.yaml")
    messages = [p.message for p in info.value.problems]
    # Three of red-sea-2024's demands end in cities silk-road-2021 does not model.
    missing = [n for n in ("singapore", "mumbai", "karachi") if n not in t2021.nodes]
    assert len(missing) == 3
    for node in missing:
        assert any(f"node '{node}'" in m for m in messages)


def test_a_node_on_one_side_of_a_diff_is_known() -> None:
    t2021 = load_topology(ROOT / "topologies" / "silk-road-2021.yaml")
    t2026 = load_topology(T2026)
    new_nodes = sorted(set(t2026.nodes) - set(t2021.nodes))
    assert new_nodes, "the 2026 variant adds nodes (TCFO landings)"
    demand = Demand("new", "frankfurt", new_nodes[0])
    ensure_known([demand], t2026, or_in=(t2021,))  # present in head only: a real difference
    with pytest.raises(InputError):
        ensure_known([demand], t2021)


def test_two_sources_of_demands_are_refused(tmp_path: Path, topology) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, "demands: []\n")
    with pytest.raises(InputError) as info:
        select_demands(
            topology, scenario=ROOT / "scenarios" / "trans-caspian-cut.yaml", demands_file=path
        )
    assert "--scenario, --demands" in info.value.problems[0].format(flag_of)


@pytest.mark.parametrize("gbps", [0.0, -1.0, float("nan"), float("inf")])
def test_gravity_needs_a_positive_total(topology, gbps: float) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as info:
        select_demands(topology, gravity_gbps=gbps)
    assert info.value.problems[0].parameter == "gravity_gbps"
    assert flag_of(info.value.problems[0].parameter) == "--gravity"  # as the CLI shows it


def test_a_topology_without_the_standard_pairs_asks_for_demands(tmp_path: Path) -> None:
    """An imported network has none of the corridor's city ids: the default set is empty, and
    an empty table with exit 0 would read as "nothing wrong" in CI. Refused, naming the ways
    to give demands; the same topology with --gravity has demands."""
    text = (ROOT / "tests" / "data" / "good" / "base.yaml").read_text()
    for old, new in (("baku", "bku"), ("almaty", "alm")):
        text = text.replace(old, new)
    path = tmp_path / "other.yaml"
    path.write_text(text)
    other = load_topology(path)
    with pytest.raises(InputError) as info:
        select_demands(other)
    (problem,) = info.value.problems
    assert "no demands to analyse" in problem.message
    assert "--demand A:B" in problem.rendered(flag_of).hint
    assert select_demands(other, gravity_gbps=100.0)
