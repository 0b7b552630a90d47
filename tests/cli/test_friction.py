"""What a new user met: tables that truncate silently, durations in unfit units, wide diffs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from twin.cli.app import main
from twin.results import RUN_SCHEMA

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


def test_durations_print_in_units_that_fit_them() -> None:
    from twin.units import WAIT_UNIT, format_duration_h

    assert format_duration_h(0.0, WAIT_UNIT) == "0 h"  # a zero repair wait
    assert format_duration_h(0.5, WAIT_UNIT) == "0.5 h"  # not "30.0 min" for a wait
    assert format_duration_h(9.9 * 24, WAIT_UNIT) == "9.9 d"
    assert format_duration_h(44.85 / 3600) == "44.9 s"  # failover keeps its small units
    assert format_duration_h(0.0) == "0 ms"
    assert format_duration_h(36.0) == "36.0 h" and format_duration_h(48.0) == "2.0 d"


def test_a_run_prints_a_zero_repair_wait_in_hours(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The good scenario's vessel never waits (one job): its waits are 0, shown as 0 h.
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["run", str(GOOD / "scenario.yaml"), "--quiet"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if "vessel" in line)
    assert "0 h" in row and "ms" not in row


def test_the_diff_table_fits_120_columns_and_says_still_disconnected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    out = tmp_path / "diff.json"
    base, head = ROOT / "topologies/silk-road-2021.yaml", ROOT / "topologies/silk-road-2026.yaml"
    main(["diff", str(base), str(head), "--json", str(out)])
    text = capsys.readouterr().out
    assert max(len(line) for line in text.splitlines()) <= 120
    for demand in json.loads(out.read_text())["demands"]:
        rows = [line for line in text.splitlines() if line.startswith(f"│ {demand['demand_id']} ")]
        assert len(rows) == 1, text  # one line per demand: no 13-line cells
        never = (
            demand["before"]["n1_worst_rtt_ms"] is None
            and demand["after"]["n1_worst_rtt_ms"] is None
        )
        assert ("still disconnected" in rows[0]) == never
    assert "unreachable → unreachable" not in text


def test_every_writer_says_what_it_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    run_json, timeline = tmp_path / "run.json", tmp_path / "t.csv"
    scenario = str(GOOD / "scenario.yaml")
    argv = ["run", scenario, "--quiet", "--json", str(run_json), "--timeline", str(timeline)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"wrote {run_json}" in out and f"wrote {timeline}" in out
    # With the JSON on standard output, stdout holds it alone; the message goes to stderr.
    assert main(["run", scenario, "--quiet", "--json", "-", "--timeline", str(timeline)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["schema"] == RUN_SCHEMA
    assert f"wrote {timeline}" in captured.err
    junit, exported = tmp_path / "j.xml", tmp_path / "t.graphml"
    assert main(["check", scenario, "--junit", str(junit)]) == 0
    assert f"wrote {junit}" in capsys.readouterr().out
    assert (
        main(["export", str(GOOD / "base.yaml"), "--format", "graphml", "-o", str(exported)]) == 0
    )
    assert f"wrote {exported}" in capsys.readouterr().out
