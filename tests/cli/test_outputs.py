"""Where results go when the destination misbehaves: a directory, an unwritable path, a reader
that stops reading. Each is the user's situation, not a bug: exit 2 (or the command's own
status) with a message, never a traceback, and never a half-written file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from twin.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
TOPOLOGY = ROOT / "topologies" / "silk-road-2026.yaml"
SCENARIO = ROOT / "scenarios" / "trans-caspian-cut.yaml"
TWIN = Path(sys.executable).with_name("twin")


def test_a_directory_as_output_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", str(TOPOLOGY), "--json", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path}: is a directory" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


def test_an_output_under_an_unwritable_folder_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A regular file cannot hold a folder: the path's parent cannot be created."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    target = blocker / "out.json"
    assert main(["analyze", str(TOPOLOGY), "--json", str(target)]) == 2
    err = capsys.readouterr().err
    assert f"{target}: cannot write the output" in err and "internal error" not in err
    assert blocker.read_text() == "x"


def test_a_reader_that_goes_away_does_not_cost_the_results(tmp_path: Path) -> None:
    """`twin run ... --json F | head -1`: the table's reader closes the pipe before the table
    is printed; the run must still write F and exit 0, not 1 (which CI reads as a failed
    check). The read end is closed before the interpreter has started, so the first write
    meets a closed pipe."""
    out = tmp_path / "run.json"
    proc = subprocess.Popen(
        [str(TWIN), "run", str(SCENARIO), "--json", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert "Traceback" not in err
    assert out.read_text().startswith("{") and out.read_text().endswith("}\n")


def test_json_on_a_closed_standard_output_exits_141_without_traceback() -> None:
    proc = subprocess.Popen(
        [str(TWIN), "analyze", str(TOPOLOGY), "--json", "-"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, err
    assert "Traceback" not in err and "internal error" not in err
