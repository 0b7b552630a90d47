"""`--json -` on every command: standard output carries the JSON document alone.

Each command runs as a real process in an empty working directory, once with `--json -` and
once with `--json FILE`: stdout must parse as the same document the file holds, the tables
must have gone to stderr, the exit status must be the same, and no file named "-" may appear.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TWIN = Path(sys.executable).with_name("twin")
TOPO_2021 = str(ROOT / "topologies" / "silk-road-2021.yaml")
TOPO_2026 = str(ROOT / "topologies" / "silk-road-2026.yaml")
TOPO_CALIBRATED = str(ROOT / "topologies" / "silk-road-2026-calibrated.yaml")  # TCC's topology
TCC = str(ROOT / "scenarios" / "trans-caspian-cut.yaml")
BROKEN = str(ROOT / "tests" / "data" / "check" / "broken-sla.yaml")
GOOD = str(ROOT / "tests" / "data" / "good" / "base.yaml")
BAD = str(ROOT / "tests" / "data" / "bad" / "self-loop.yaml")


def twin(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TWIN), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


# (command arguments, expected exit status): every command with a --json option.
CASES: dict[str, tuple[list[str], int]] = {
    "validate": (["validate", GOOD], 0),
    "validate-invalid": (["validate", BAD], 2),
    "analyze": (["analyze", TOPO_2026], 0),
    "analyze-contingency": (["analyze", TOPO_2026, "--contingency", "n-1"], 0),
    "contingency": (["contingency", TOPO_2026, "--mode", "srlg"], 0),
    "check": (["check", BROKEN], 1),
    "diff": ([*("diff", TOPO_2026, TOPO_2021), "--fail-on", "regression"], 1),
    "run": (["run", TCC, "--horizon", "30d", "--quiet"], 0),
    "run-montecarlo": (["run", TCC, "--horizon", "30d", "--replications", "2", "--quiet"], 0),
    "sweep": (["sweep", TCC, "--set", "horizon=20d,30d", "--replications", "2"], 0),
}


@pytest.mark.parametrize("name", list(CASES))
def test_json_dash_writes_the_document_to_stdout_alone(name: str, tmp_path: Path) -> None:
    args, status = CASES[name]
    to_file = tmp_path / "file"
    to_file.mkdir()
    reference = twin(to_file, *args, "--json", "out.json")
    assert reference.returncode == status, reference.stderr
    on_stdout = tmp_path / "stdout"
    on_stdout.mkdir()
    proc = twin(on_stdout, *args, "--json", "-")
    assert proc.returncode == status, proc.stderr
    assert "Traceback" not in proc.stderr
    doc = json.loads(proc.stdout)  # nothing but the document: no table, no progress
    assert "schema" in doc
    assert proc.stdout == (to_file / "out.json").read_text("utf-8")
    assert proc.stderr.strip(), "the human summary should still be shown, on stderr"
    assert not (on_stdout / "-").exists()
    assert list(on_stdout.iterdir()) == []


def test_report_json_dash(tmp_path: Path) -> None:
    assert (
        twin(tmp_path, "run", TCC, "--horizon", "30d", "--quiet", "--json", "r.json").returncode
        == 0
    )
    proc = twin(
        tmp_path, "report", "r.json", "-o", "r.html", "--topology", TOPO_CALIBRATED, "--json", "-"
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["schema"] == "silkroad-twin/report/1" and doc["kind"] == "run"
    assert "wrote r.html" in proc.stderr
    assert (tmp_path / "r.html").is_file() and not (tmp_path / "-").exists()


def test_markdown_dash_still_prints_markdown_and_keeps_the_table_off_stdout(
    tmp_path: Path,
) -> None:
    proc = twin(tmp_path, "check", BROKEN, "--markdown", "-", "--json", "out.json")
    assert proc.returncode == 1
    assert proc.stdout.startswith("## twin check: 2 of") and proc.stdout.endswith("|\n")
    assert "FAIL" in proc.stderr  # the terminal table, now on stderr
    assert json.loads((tmp_path / "out.json").read_text())["schema"] == "silkroad-twin/check/1"
    assert not (tmp_path / "-").exists()


def test_two_outputs_cannot_share_stdout(tmp_path: Path) -> None:
    proc = twin(tmp_path, "diff", TOPO_2021, TOPO_2026, "--markdown", "-", "--json", "-")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "standard output" in proc.stderr and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_export_dash_still_prints_the_export(tmp_path: Path) -> None:
    proc = twin(tmp_path, "export", TOPO_2026, "--format", "node-link", "-o", "-")
    assert proc.returncode == 0, proc.stderr
    assert "nodes" in json.loads(proc.stdout)
    assert list(tmp_path.iterdir()) == []
