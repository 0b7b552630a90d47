"""`twin rank` through the command: the JSON matches its generated schema and reads back whole,
the table says when it truncates, and the HTML escapes what the user's files hold."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from twin.cli.app import main
from twin.results.rank import RankResult, UpgradeResult
from twin.results.schemas import result_schemas

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "annual-reliability.yaml"
UPGRADES = ROOT / "scenarios" / "upgrades.yaml"


def test_rank_json_matches_its_schema_and_the_table_states_truncation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, page = tmp_path / "rank.json", tmp_path / "rank.html"
    args = ["rank", str(SCENARIO), "--replications", "2", "--top", "5"]
    assert main([*args, "--json", str(out), "--html", str(page)]) == 0
    table = capsys.readouterr().out
    assert "5 of " in table and "shown" in table
    document = json.loads(out.read_text("utf-8"))
    jsonschema.validate(document, result_schemas()["rank.result"])
    result = RankResult.from_dict(document)
    assert result.to_dict() == document
    kinds = {e.kind for e in result.entries}
    assert kinds == {"link", "node", "srlg", "failure-class", "repair-resource"}
    # Every element and measure has a row per demand and one for the total.
    per_element = len(result.demands) + 1
    assert len(result.entries) % per_element == 0
    first = result.ranked(None)[0]
    assert first.saved.value >= result.ranked(None)[1].saved.value
    assert '<section id="rank-total">' in page.read_text("utf-8")


def test_rank_html_escapes_user_text(tmp_path: Path) -> None:
    from twin.report.html_rank import render_rank_html
    from twin.results.rank import DemandBase, ImportanceEntry, Saved

    evil = "<script>alert(1)</script>"
    result = RankResult(
        evil,
        "t",
        (DemandBase(evil, 1.0, 1.0, 5.0, "exact"),),
        (ImportanceEntry(evil, "link", "never-fails", evil, Saved(1.0, 1.0, 1.0, evil)),),
        notes=(evil,),
    )
    html = render_rank_html(result)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_upgrades_json_matches_its_schema(tmp_path: Path) -> None:
    out = tmp_path / "upgrades.json"
    args = ["rank", str(SCENARIO), "--candidates", str(UPGRADES), "--replications", "3"]
    assert main([*args, "--budget", "30", "--json", str(out)]) == 0
    document = json.loads(out.read_text("utf-8"))
    jsonschema.validate(document, result_schemas()["upgrades.result"])
    result = UpgradeResult.from_dict(document)
    assert result.to_dict() == document
    assert {c.id for c in result.candidates} == {
        "superhighway",
        "reserve-caspian-cable",
        "second-caspian-vessel",
        "georgia-diverse-crossing",
        "caspian-repair-contract",
    }
    assert all(c.estimate and c.basis for c in result.candidates)
    vessel = next(c for c in result.candidates if c.id == "second-caspian-vessel")
    assert vessel.total.method.startswith("simulation")
    for plan in result.plans:
        assert plan.cost <= 30
