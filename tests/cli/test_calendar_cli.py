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
