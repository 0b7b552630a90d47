"""What a new user met: tables that truncate silently, durations in unfit units, wide diffs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from twin.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "data" / "good"


def test_a_truncated_contingency_table_says_how_many_it_shows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    out = tmp_path / "n2.json"
    argv = ["contingency", str(GOOD / "base.yaml"), "--mode", "n-2", "--json", str(out)]
    assert main([*argv, "--top", "2"]) == 0
    total = len(json.loads(out.read_text())["failures"])
    assert total > 2
    assert f"2 of {total:,} shown; `--top N` or `--json` for all" in capsys.readouterr().out
    assert main([*argv, "--top", str(total)]) == 0
    assert "shown;" not in capsys.readouterr().out
