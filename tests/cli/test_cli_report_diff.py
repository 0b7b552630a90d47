"""`twin report` and `twin plot` on a `twin diff --json` file, through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from twin.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
OLD = "topologies/silk-road-2021.yaml"
NEW = "topologies/silk-road-2026.yaml"

pytestmark = pytest.mark.skipif(
    not (ROOT / OLD).exists() or not (ROOT / NEW).exists(), reason="shipped topologies not present"
)


@pytest.fixture(scope="module")
def diff_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("diff") / "diff.json"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)  # as in CI: `twin diff` run from the repository root, relative paths
        assert main(["diff", OLD, NEW, "--json", str(out)]) == 0
    return out


def test_report_of_a_diff_writes_html_and_summary(
    diff_json: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(ROOT)  # the labels in the diff are relative to where `twin diff` ran
    html, summary = tmp_path / "out.html", tmp_path / "summary.json"
    assert main(["report", str(diff_json), "-o", str(html), "--json", str(summary)]) == 0
    text = html.read_text("utf-8")
    assert text.startswith("<!DOCTYPE html>") and 'id="map"' in text and "tcfo" in text
    assert "topology diff report" in text
    data = json.loads(summary.read_text())
    assert data["schema"] == "silkroad-twin/report/1" and data["kind"] == "diff"
    assert data["regressed"] is False
    statuses = {d["id"]: d["status"] for d in data["demands"]}
    diff = json.loads(diff_json.read_text())
    assert set(statuses) == {d["demand_id"] for d in diff["demands"]}
    assert "better" in statuses.values()
    out = capsys.readouterr().out
    assert f"wrote {html}" in out and "better" in out


def test_report_of_a_diff_needs_its_head_topology(
    diff_json: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)  # neither side can be found from here
    html = tmp_path / "out.html"
    assert main(["report", str(diff_json), "-o", str(html)]) == 2
    err = capsys.readouterr().err
    assert "HEAD topology" in err and "--topology" in err and "Traceback" not in err
    assert not html.exists()
    # Given the HEAD topology, the report is written; BASE is missing, so removed links (none
    # here) would be tabled only, and the user is told.
    assert main(["report", str(diff_json), "-o", str(html), "--topology", str(ROOT / NEW)]) == 0
    assert "tcfo" in html.read_text("utf-8")
    assert "base topology not read" in capsys.readouterr().out


def test_plot_of_a_diff_is_a_clear_input_error(
    diff_json: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for kind in ("map", "latency"):
        assert main(["plot", str(diff_json), "--kind", kind, "-o", str(tmp_path / "x.png")]) == 2
        err = capsys.readouterr().err
        assert "topology diff" in err and "twin report" in err and "Traceback" not in err
    assert not (tmp_path / "x.png").exists()


def test_report_help_mentions_diff(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--help"]) == 0
    assert "twin diff" in capsys.readouterr().out
