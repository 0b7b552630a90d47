"""`twin validate` and `twin schema` through the CLI: summaries, JSON, directories, limits."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from twin.cli.app import main
from twin.loading import validate_files, validate_paths
from twin.loading.schema import json_schemas
from twin.loading.yaml_marks import MAX_FILE_BYTES

DATA = Path(__file__).resolve().parents[1] / "data"
GOOD = DATA / "good"
BAD = DATA / "bad"


def test_valid_files_exit_0_with_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["validate", str(GOOD / "base.yaml"), str(GOOD / "scenario.yaml")])
    out = capsys.readouterr()
    assert status == 0
    assert out.err == ""
    assert "4 nodes, 3 links, 1 SRLGs" in out.out
    assert "1 demands, 2 events" in out.out
    assert "valid" in out.out and "invalid" not in out.out


def test_a_directory_expands_to_its_yaml_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(GOOD)]) == 0
    out = capsys.readouterr().out
    for name in ("base.yaml", "variant.yaml", "scenario.yaml"):
        assert name in out


def test_one_bad_file_among_good_ones_fails_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["validate", str(GOOD / "base.yaml"), str(BAD / "self-loop.yaml")])
    captured = capsys.readouterr()
    assert status == 2
    assert "self-loop.yaml:" in captured.err and "base.yaml:" not in captured.err
    assert "invalid" in captured.out


def test_json_document_has_schema_version_and_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "result.json"
    status = main(
        ["validate", str(GOOD / "base.yaml"), str(BAD / "unknown-node.yaml"), "--json", str(out)]
    )
    capsys.readouterr()
    assert status == 2
    doc = json.loads(out.read_text())
    assert doc["schema"] == "silkroad-twin/validate/1"
    assert doc["valid"] is False
    good, bad = doc["files"]
    assert (good["kind"], good["valid"], good["problems"]) == ("topology", True, [])
    assert good["counts"] == {"nodes": 4, "links": 3, "srlgs": 1}
    assert bad["kind"] == "topology" and not bad["valid"]
    (problem,) = [p for p in bad["problems"] if "aktua" in p["message"]]
    assert problem["line"] > 1 and problem["col"] >= 1
    assert "did you mean 'aktau'?" in problem["hint"]


def test_json_to_stdout_is_byte_identical_between_runs(capsys: pytest.CaptureFixture[str]) -> None:
    outputs = []
    for _ in range(2):
        main(["validate", str(BAD / "faster-than-light.yaml"), "--json", "-"])
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    doc = json.loads(outputs[0])  # stdout holds the document alone, no summary table
    assert doc["schema"] == "silkroad-twin/validate/1" and doc["valid"] is False


def test_missing_path_is_bad_input_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["validate", str(tmp_path / "nowhere.yaml")])
    err = capsys.readouterr().err
    assert status == 2
    assert "nowhere.yaml" in err and "cannot read file" in err and "Traceback" not in err


def test_oversized_file_is_refused_before_parsing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("name: x\n" + "#" * MAX_FILE_BYTES + "\n")
    status = main(["validate", str(big)])
    err = capsys.readouterr().err
    assert status == 2
    assert f"big.yaml:1:1: file is {big.stat().st_size} bytes, over the" in err


def test_deep_nesting_is_refused_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("nodes: " + "[" * 5000 + "]" * 5000 + "\n")
    status = main(["validate", str(deep)])
    err = capsys.readouterr().err
    assert status == 2 and "deep.yaml:" in err and "Traceback" not in err


def test_extends_problem_points_into_the_parent_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fault inherited from the parent is reported at the parent's line, not the child's."""
    parent = (GOOD / "base.yaml").read_text().replace("lat: 43.65", "lat: 143.65")
    (tmp_path / "base.yaml").write_text(parent)
    shutil.copy(GOOD / "variant.yaml", tmp_path / "variant.yaml")
    status = main(["validate", str(tmp_path / "variant.yaml")])
    err = capsys.readouterr().err
    assert status == 2
    line = next(i for i, text in enumerate(parent.splitlines(), 1) if "143.65" in text)
    assert f"{tmp_path / 'base.yaml'}:{line}:" in err


def test_validate_paths_returns_every_problem_of_every_file() -> None:
    assert validate_paths([GOOD]) == []
    problems = validate_paths([BAD / "unknown-node.yaml", BAD / "self-loop.yaml"])
    assert {Path(p.path).name for p in problems} == {"unknown-node.yaml", "self-loop.yaml"}
    results = validate_files([GOOD / "scenario.yaml"])
    assert results[0].kind == "scenario" and results[0].model is not None


def test_schema_command_writes_both_schemas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", "-o", str(tmp_path)]) == 0
    capsys.readouterr()
    expected = json_schemas()
    for kind in ("topology", "scenario"):
        written = json.loads((tmp_path / f"{kind}.schema.json").read_text())
        assert written == expected[kind]
        assert written["additionalProperties"] is False


def test_help_teaches_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--help"]) == 0
    assert "twin validate topologies/*.yaml scenarios/" in capsys.readouterr().out


def test_every_problem_in_a_file_is_reported_not_only_the_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        (GOOD / "base.yaml")
        .read_text()
        .replace("b: aktau,", "b: aktua,")  # unknown node (tcfo)
        .replace("lat: 43.25", "lat: 93.25")  # latitude out of range (almaty)
        .replace("failure_class: t}", "failure_class: x}")  # unknown class (bs and ka)
    )
    path = tmp_path / "many.yaml"
    path.write_text(text)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    lines = text.splitlines()

    def line_of(fragment: str) -> int:
        return next(i for i, line in enumerate(lines, 1) if fragment in line)

    assert f"many.yaml:{line_of('aktua')}:" in err and "unknown node 'aktua'" in err
    assert f"many.yaml:{line_of('93.25')}:" in err
    assert err.count("unknown failure class 'x'") == 2


def test_scenario_reference_faults_are_reported_beside_a_schema_fault(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(GOOD / "base.yaml", tmp_path / "base.yaml")
    text = (
        "name: sc\n"
        "topology: base.yaml\n"
        "horizon: 30d\n"
        "seed: notanint\n"  # schema fault, line 4
        "demands:\n"
        "  - {id: d, source: bakku, destination: almaty}\n"  # line 6
        "events:\n"
        "  - {at: 4d, cut: {link: tcf0}}\n"  # line 8
        "checks:\n"
        "  - max_rtt: {demand: dd, rtt_ms: 40}\n"  # line 10
    )
    path = tmp_path / "sc.yaml"
    path.write_text(text)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    located = [
        line.split(": ", 1)[0].rsplit(":", 2)[1] for line in err.splitlines() if "sc.yaml:" in line
    ]
    assert located == ["4", "6", "8", "10"], err
    for hint in ("did you mean 'baku'?", "did you mean 'tcfo'?", "did you mean 'd'?"):
        assert hint in err


def test_a_directory_without_yaml_fails_rather_than_checking_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("not yaml")
    assert main(["validate", str(tmp_path)]) == 2
    assert f"{tmp_path}: directory holds no *.yaml files" in capsys.readouterr().err


def test_a_demands_file_written_by_twin_import_validates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A node-link source with an SNDlib-style demand table, imported by the real command.
    source = tmp_path / "tiny.json"
    source.write_text(
        json.dumps(
            {
                "directed": False,
                "multigraph": False,
                "graph": {"name": "tiny", "demands": {"0": {"1": 5.0, "2": 2.5}}},
                "nodes": [
                    {"id": i, "name": n, "lat": 50.0 + i, "lon": 8.0 + i}
                    for i, n in enumerate("ABC")
                ],
                "links": [{"source": 0, "target": 1}, {"source": 1, "target": 2}],
            }
        )
    )
    topology, demands = tmp_path / "tiny.yaml", tmp_path / "tiny-demands.yaml"
    assert main(["import", str(source), "-o", str(topology), "--demands-out", str(demands)]) == 0
    capsys.readouterr()
    report = tmp_path / "validate.json"
    assert main(["validate", str(topology), str(demands), "--json", str(report)]) == 0
    files = {Path(f["path"]).name: f for f in json.loads(report.read_text())["files"]}
    assert files["tiny-demands.yaml"]["kind"] == "demands"
    assert files["tiny-demands.yaml"]["counts"] == {"demands": 2}  # A-B and A-C of the table


def test_a_bad_demands_file_is_refused_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "demands.yaml"
    path.write_text("demands:\n  - {source: a, destination: a}\n  - {source: a, destination: b}\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2:5: demand a-a starts where it ends" in err


def test_the_pre_commit_hook_only_validates_the_twin_folders() -> None:
    import re

    import yaml

    (hook,) = yaml.safe_load((DATA.parents[1] / ".pre-commit-hooks.yaml").read_text())
    pattern = re.compile(hook["files"])  # pre-commit applies `files` with re.search
    for path in ("topologies/silk-road-2026.yaml", "scenarios/red-sea-2024.yml"):
        assert pattern.search(path), path
    for path in (
        ".github/workflows/topology-check.yml",
        "docker-compose.yaml",
        ".pre-commit-hooks.yaml",
    ):
        assert not pattern.search(path), path


def test_every_independent_mistake_of_a_file_is_reported_in_one_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Two faults the schema refuses (lat 95, an unknown key) and three it cannot see (p90
    # below the median, a sea on a land link, a link shorter than the geodesic): one run
    # names all five at their lines, and the entries with a schema fault cause no echo.
    path = BAD / "five-independent-mistakes.yaml"
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    lines = sorted(int(line) for line in re.findall(rf"{re.escape(str(path))}:(\d+):\d+:", err))
    assert lines == [4, 8, 10, 12, 13], err
    assert "unknown node" not in err


def test_every_independent_mistake_of_a_scenario_is_reported_in_one_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Schema faults (an unknown key in an event and in failover) beside faults only the loader
    # sees (an event after the horizon, a repair pool for a misspelt sea, a NaN check limit).
    path = BAD / "scenario-five-independent-mistakes.yaml"
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    lines = sorted(int(line) for line in re.findall(rf"{re.escape(str(path))}:(\d+):\d+:", err))
    assert lines == [8, 9, 11, 13, 15], err
    assert "event event-2 at 40d" in err  # numbered as in the file, the refused one included
