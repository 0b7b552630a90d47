"""`twin report` and `twin plot` through the real command line (exit codes, files, messages)."""

from __future__ import annotations

import hashlib
import json
import os
import struct
from pathlib import Path

import pytest

from twin.cli.app import main
from twin.loading import load_scenario
from twin.sim import simulate

ROOT = Path(__file__).resolve().parents[2]
# trans-caspian-cut runs on the calibrated corridor: an overlay extending silk-road-2026.
CALIBRATED = ROOT / "topologies" / "silk-road-2026-calibrated.yaml"
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
    topo = CALIBRATED  # the scenario's topology
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


@pytest.mark.parametrize("command", ["report", "plot"])
def test_a_version_1_run_file_is_refused_with_the_way_out(
    results_json: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """Version 1 named outage causes in prose only: refused (exit 2, nothing written), and the
    message says to re-run, since reading it would mean parsing that prose."""
    data = json.loads(results_json.read_text())
    del data["element_outages"]
    for demand in data["demands"]:
        for outage in demand["outages"]:
            del outage["caused_by"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps({**data, "schema": "silkroad-twin/run/1"}))
    out = tmp_path / ("r.html" if command == "report" else "p.png")
    assert main([command, str(old), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{old}:") and "silkroad-twin/run/1" in err
    assert "twin run SCENARIO --json FILE" in err and "Traceback" not in err
    assert not out.exists()


def test_plot_png_and_svg(results_json: Path, tmp_path: Path) -> None:
    topo = CALIBRATED  # the scenario's topology
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


TOPOLOGY = ROOT / "topologies" / "silk-road-2026.yaml"


@pytest.fixture(scope="module")
def montecarlo_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from twin.montecarlo import run_replications

    here = Path.cwd()
    os.chdir(ROOT)
    try:
        scenario = load_scenario(Path("scenarios/trans-caspian-cut.yaml"))
        data = run_replications(scenario, replications=3).to_dict()
    finally:
        os.chdir(here)
    out = tmp_path_factory.mktemp("mc") / "mc.json"
    out.write_text(json.dumps(data))
    return out


def test_montecarlo_report_has_the_map_and_the_inputs_hash(
    montecarlo_json: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # the recorded paths are relative to where the run started
    html_path = tmp_path / "mc.html"
    assert main(["report", str(montecarlo_json), "-o", str(html_path)]) == 0
    html = html_path.read_text("utf-8")
    assert 'id="map"' in html and 'data-link="tcfo"' in html
    # The inputs digest is over the scenario's and topology's file digests, as for a run.
    from twin.report.html import InputFile, inputs_digest

    def sha(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    files = [
        InputFile("scenario", "", sha(SCENARIO)),
        InputFile("topology", "", sha(CALIBRATED)),
        InputFile("extends", "", sha(TOPOLOGY)),
        InputFile("extends", "", sha(ROOT / "topologies" / "silk-road-2021.yaml")),
    ]
    assert inputs_digest(files) in html
    assert "fixed 3 replications" in html and "precision target" not in html


def test_montecarlo_map_plot_uses_the_recorded_topology(
    montecarlo_json: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    png = tmp_path / "mc-map.png"
    assert main(["plot", str(montecarlo_json), "--kind", "map", "-o", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_refuses_a_topology_of_another_name(
    results_json: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = ROOT / "topologies" / "eurasia-routes.yaml"
    out = tmp_path / "r.html"
    status = main(["report", str(results_json), "-o", str(out), "--topology", str(other)])
    assert status == 2
    err = capsys.readouterr().err
    assert "is not the one" in err and "silk-road-2026" in err
    assert not out.exists()


def test_report_warns_when_the_topology_file_changed_since_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edited = tmp_path / "silk-road-2026.yaml"
    edited.write_text(TOPOLOGY.read_text("utf-8") + "\n# edited after the run\n", "utf-8")
    parent = ROOT / "topologies" / "silk-road-2021.yaml"  # silk-road-2026 extends it
    (tmp_path / parent.name).write_bytes(parent.read_bytes())
    contingency = {
        "schema": "silkroad-twin/contingency/1",
        "topology": "silk-road-2026",
        "topology_path": str(TOPOLOGY),
        "topology_sha256": hashlib.sha256(TOPOLOGY.read_bytes()).hexdigest(),
        "mode": "n-1",
        "routing": "shortest",
        "metric": "latency",
        "demands": 0,
        "base_max_utilisation": 0.0,
        "base_max_utilisation_link": "",
        "failures": [],
    }
    results = tmp_path / "cont.json"
    results.write_text(json.dumps(contingency))
    out = tmp_path / "c.html"
    assert main(["report", str(results), "-o", str(out), "--topology", str(edited)]) == 0
    assert "differs from the topology file" in capsys.readouterr().err


def test_contingency_report_uses_the_recorded_absolute_path_anywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Copied under another name, so only the recorded path (not topologies/NAME.yaml) finds it.
    copy = tmp_path / "elsewhere" / "network.yaml"
    copy.parent.mkdir()
    copy.write_bytes(TOPOLOGY.read_bytes())
    parent = ROOT / "topologies" / "silk-road-2021.yaml"  # silk-road-2026 extends it
    (copy.parent / parent.name).write_bytes(parent.read_bytes())
    contingency = {
        "schema": "silkroad-twin/contingency/1",
        "topology": "silk-road-2026",
        "topology_path": str(copy.resolve()),
        "mode": "n-1",
        "routing": "shortest",
        "metric": "latency",
        "demands": 0,
        "base_max_utilisation": 0.0,
        "base_max_utilisation_link": "",
        "failures": [],
    }
    results = tmp_path / "cont.json"
    results.write_text(json.dumps(contingency))
    monkeypatch.chdir(tmp_path)  # outside the repository: the name alone would not be found
    assert main(["report", str(results), "-o", str(tmp_path / "c.html")]) == 0
    del contingency["topology_path"]
    results.write_text(json.dumps(contingency))
    assert main(["report", str(results), "-o", str(tmp_path / "c2.html")]) == 2
