"""`twin.loading.validation_report`: the `twin validate` result built by the library, counted
from each loaded model, and rendered in words from those counts alone."""

from __future__ import annotations

from pathlib import Path

import yaml

from twin.errors import Problem
from twin.loading import load_demands, load_scenario, load_state, load_topology, validation_report
from twin.report.terminal_validate import contents
from twin.results.validate import FileValidation

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "data" / "good"
BAD = ROOT / "tests" / "data" / "bad"
STATE = ROOT / "scenarios" / "states" / "now-caspian-cut.state.yaml"


def test_counts_come_from_the_loaded_models() -> None:
    report = validation_report([GOOD / "base.yaml", GOOD / "scenario.yaml", STATE])
    assert report.valid
    topology_file, scenario_file, state_file = report.files
    topology = load_topology(GOOD / "base.yaml")
    scenario = load_scenario(GOOD / "scenario.yaml")
    state = load_state(STATE)
    assert dict(topology_file.counts) == {
        "nodes": len(topology.nodes),
        "links": len(topology.links),
        "srlgs": len(topology.srlgs),
    }
    assert dict(scenario_file.counts) == {
        "demands": len(scenario.demands),
        "events": len(scenario.events),
    }
    assert dict(state_file.counts) == {"down": len(state.down), "resources": len(state.resources)}
    assert state_file.as_of == str(state.as_of)
    assert "as_of" not in report.to_dict()["files"][2]  # the JSON keeps its shape


def test_words_are_rendered_from_the_counts() -> None:
    topology = FileValidation("t.yaml", "topology", {"nodes": 4, "links": 3, "srlgs": 1}, ())
    assert contents(topology) == "4 nodes, 3 links, 1 SRLGs"
    state = FileValidation("s.yaml", "state", {"down": 2, "resources": 5}, (), as_of="T")
    assert contents(state) == "as of T: 2 down, 5 units"
    problem = Problem("x.yaml", 3, 1, "bad")
    invalid = FileValidation("x.yaml", "topology", {}, (problem, problem))
    assert contents(invalid) == "2 problem(s)"


def test_a_demands_file_is_counted(tmp_path: Path) -> None:
    demands = [{"id": f"d{i}", "source": "a", "destination": "b", "gbps": 1.0} for i in range(3)]
    path = tmp_path / "demands.yaml"
    path.write_text(yaml.safe_dump({"demands": demands}), encoding="utf-8")
    (file,) = validation_report([path]).files
    assert file.kind == "demands"
    assert dict(file.counts) == {"demands": len(load_demands(path))} == {"demands": 3}


def test_an_invalid_file_has_its_problems_and_no_counts(tmp_path: Path) -> None:
    report = validation_report([BAD / "unknown-node.yaml"], lambda name: f"--{name}")
    (file,) = report.files
    assert not report.valid and file.problems and not file.counts
    assert all(Path(p.path).name == "unknown-node.yaml" for p in file.problems)
    empty = tmp_path / "empty"
    empty.mkdir()
    (directory,) = validation_report([empty]).files
    assert directory.kind == "directory" and not directory.valid
