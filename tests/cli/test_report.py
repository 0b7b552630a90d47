"""`twin report` and `twin plot` through the real command line (exit codes, files, messages)."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import pytest

from twin.cli.app import main
from twin.loading import load_scenario
from twin.sim import simulate

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "trans-caspian-cut.yaml"

pytestmark = pytest.mark.skipif(not SCENARIO.exists(), reason="shipped scenario not present")


@pytest.fixture(scope="module")
def results_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # As `twin run scenarios/trans-caspian-cut.yaml` from the repository root records it: the
    # input paths in the results are relative to the directory the run was started in.
    here = Path.cwd()
    os.chdir(ROOT)
    try:
        scenario = load_scenario(Path("scenarios/trans-caspian-cut.yaml"))
    finally:
        os.chdir(here)
    out = tmp_path_factory.mktemp("run") / "tcc.json"
    out.write_text(json.dumps(simulate(scenario).to_dict()))
    return out


def test_report_writes_html_and_json_summary(
    results_json: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html, summary = tmp_path / "r.html", tmp_path / "r.json"
    topo = ROOT / "topologies" / "silk-road-2026.yaml"
    status = main(
        [
            "report",
            str(results_json),
            "-o",
            str(html),
            "--topology",
            str(topo),
            "--json",
            str(summary),
        ]
    )
    assert status == 0
    text = html.read_text("utf-8")
    assert text.startswith("<!DOCTYPE html>") and 'id="map"' in text
    data = json.loads(summary.read_text())
    assert data["schema"] == "silkroad-twin/report/1"
    statuses = {d["id"]: d["status"] for d in data["demands"]}
    assert set(statuses) == {"fra-ala", "baku-ala", "fra-baku"}
    assert "tcfo" in text
    assert "SLA" in capsys.readouterr().out


def test_report_finds_the_topology_named_in_the_results(
    results_json: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # the paths in the results are relative to where `twin run` ran
    assert main(["report", str(results_json), "-o", str(tmp_path / "r.html")]) == 0


def test_report_without_findable_topology_is_bad_input(
    results_json: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["report", str(results_json), "-o", str(tmp_path / "r.html")]) == 2
    assert "--topology" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"schema": "silkroad-twin/run/1",\n  "demands": ', "not valid JSON"),
        ('{"schema": "silkroad-twin/other/1"}', "not a run results file"),
        ("[1, 2]", "no 'schema' field"),
    ],
)
def test_bad_results_exit_2_with_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    assert main(["report", str(bad), "-o", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith(f"{bad}:")
    assert "Traceback" not in err
    assert not (tmp_path / "r.html").exists()


def test_plot_png_and_svg(results_json: Path, tmp_path: Path) -> None:
    topo = ROOT / "topologies" / "silk-road-2026.yaml"
    png = tmp_path / "map.png"
    assert (
        main(["plot", str(results_json), "--kind", "map", "-o", str(png), "--topology", str(topo)])
        == 0
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">I", png.read_bytes()[16:20])[0] > 800
    svg = tmp_path / "lat.svg"
    assert main(["plot", str(results_json), "--kind", "latency", "-o", str(svg)]) == 0
    assert svg.read_text().lstrip().startswith("<?xml")


def test_plot_rejects_unknown_kind_and_format(
    results_json: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plot", str(results_json), "--kind", "pie", "-o", str(tmp_path / "x.png")]) == 2
    assert "unknown plot kind" in capsys.readouterr().err
    assert (
        main(["plot", str(results_json), "--kind", "latency", "-o", str(tmp_path / "x.pdf")]) == 2
    )
    assert ".png or .svg" in capsys.readouterr().err


def test_help_teaches_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--help"]) == 0
    out = capsys.readouterr().out
    assert "twin report" in out and "offline" in out
