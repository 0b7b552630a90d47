"""The shipped winter example through the CLI: the closed windows' hold, as the terminal and the
JSON report it, equals the remainder of each window after its cut (derived from the dates)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from twin.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "caspian-winter-cut.yaml"


def test_winter_cuts_wait_out_their_windows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("NO_COLOR", "1")
    out = tmp_path / "run.json"
    assert main(["run", str(SCENARIO), "--json", str(out)]) == 0
    text = capsys.readouterr().out
    # Start 10 January; TCFO cut at once, its vessel closed January-February: held until
    # 1 March. CCS cut two days later, its ship closed in January: held until 1 February.
    caspian_h = (date(2027, 3, 1) - date(2027, 1, 10)).days * 24.0
    black_sea_h = (date(2027, 2, 1) - date(2027, 1, 12)).days * 24.0
    records = {r["element"]: r for r in json.loads(out.read_text())["element_outages"]}
    assert (records["tcfo"]["window_wait_h"], records["tcfo"]["window"]) == (caspian_h, "jan-feb")
    assert (records["ccs"]["window_wait_h"], records["ccs"]["window"]) == (black_sea_h, "jan")
    tcfo = records["tcfo"]
    assert tcfo["restored_at_h"] == pytest.approx(
        caspian_h + tcfo["mobilisation_h"] + tcfo["repair_h"]
    )
    assert "held by closed windows" in text
    assert f"{caspian_h / 24:.1f} d" in text and f"{black_sea_h / 24:.1f} d" in text


def test_the_sweep_table_shows_what_the_winter_costs_the_sla(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "400")
    out = tmp_path / "sweep.json"
    assert main(["sweep", str(SCENARIO), "--replications", "2", "--json", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any("fra-ala SLA availability [95% CI]" in line for line in lines)
    variants = json.loads(out.read_text())["variants"]
    sla = {}
    for variant in variants:
        (start,) = variant["settings"].values()
        (row,) = [line for line in lines if f"start={start}" in line]
        for demand in variant["result"]["demands"]:
            s = demand["sla_availability"]
            assert f"{s['mean']:.6f} [{s['low']:.6f}, {s['high']:.6f}]" in row
            sla[start, demand["id"]] = s["mean"]
    # Connectivity never drops (the detours hold), but in January both repairs wait out their
    # windows with the same repair draws (common random numbers): Frankfurt-Almaty spends
    # longer over its RTT budget, so its SLA availability is lower than from June.
    assert sla["2027-01-10", "fra-ala"] < sla["2027-06-10", "fra-ala"]
