"""`twin run` and `twin analyze` through the real console script, as a user or CI job calls them.

Each shipped scenario must run to completion and write its JSON; bad scenarios must be refused
with exit 2 and a FILE:LINE:COL message, never a traceback.

Run times measured when this file was written (full horizons, one process each, including
interpreter start-up): annual-reliability 0.42 s, caspian-ship-shortage 0.35 s,
georgia-corridor-outage 0.36 s, red-sea-2024 0.39 s, trans-caspian-cut 0.36 s; `twin analyze`
0.41 s. All far below 20 s, so no --horizon override is needed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from twin.analysis.demand_sets import default_demands
from twin.loading import file_kind, load_scenario, load_topology

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "data" / "bad"
GOOD = ROOT / "tests" / "data" / "good"
# Scenario files only: scenarios/upgrades.yaml is a candidates file for `twin rank`.
SCENARIOS = sorted(p for p in (ROOT / "scenarios").glob("*.yaml") if file_kind(p) == "scenario")
TWIN = Path(sys.executable).with_name("twin")
# Generous: a single run takes well under a second today (see above).
TIMEOUT_S = 120


def _twin(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TWIN), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        cwd=ROOT,
    )


def test_there_are_shipped_scenarios() -> None:
    assert TWIN.exists(), f"console script not installed at {TWIN}"
    assert len(SCENARIOS) >= 5, SCENARIOS


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_shipped_scenario_runs_and_writes_one_entry_per_demand(
    scenario: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run.json"
    proc = _twin("run", scenario, "--quiet", "--json", out)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    doc = json.loads(out.read_text())
    loaded = load_scenario(scenario)
    # A scenario that starts from a state runs replications: its answer is a probability.
    kind = "silkroad-twin/run/" if loaded.state is None else "silkroad-twin/montecarlo/"
    assert "schema" in doc and doc["schema"].startswith(kind)
    expected = [d.id for d in loaded.demands]
    assert sorted(d["id"] for d in doc["demands"]) == sorted(expected)
    for entry in doc["demands"]:
        availability = entry["availability"]
        mean = availability["mean"] if isinstance(availability, dict) else availability
        assert 0.0 <= mean <= 1.0, entry["id"]


def test_analyze_writes_the_default_demands_with_a_schema(tmp_path: Path) -> None:
    topology = ROOT / "topologies" / "silk-road-2026.yaml"
    out = tmp_path / "analysis.json"
    proc = _twin("analyze", topology, "--json", out)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    doc = json.loads(out.read_text())
    assert doc["schema"] == "silkroad-twin/analysis/1"
    expected = [d.id for d in default_demands(load_topology(topology))]
    assert [d["demand_id"] for d in doc["demands"]] == expected
    assert {"fra-baku", "fra-ala", "fra-hkg"} <= set(expected)
    for entry in doc["demands"]:
        assert entry["best"] is not None, entry["demand_id"]
        assert entry["best"]["rtt_ms"] > entry["floor_rtt_ms"] > 0


def _negative_duration(tmp_path: Path) -> Path:
    # No file in tests/data/bad has a negative duration; line 7 is the faulty event.
    path = tmp_path / "negative-duration.yaml"
    # Beside the scenario: a scenario may only name a topology inside its own project.
    (tmp_path / "base.yaml").write_text((GOOD / "base.yaml").read_text())
    path.write_text(
        textwrap.dedent(
            """\
            name: sc
            topology: base.yaml
            horizon: 30d
            demands:
              - {id: d, source: baku, destination: almaty}
            events:
              - {at: 4d, maintenance: {link: tcfo}, duration: -6h}
            """
        )
    )
    return path


BAD_SCENARIOS = {
    # name: (file maker, line of the fault, regular expression the message must match)
    "unknown-link": (lambda _: BAD / "scenario-unknown-target.yaml", 8, r"unknown link 'tcf0'"),
    "event-after-horizon": (
        lambda _: BAD / "scenario-event-after-horizon.yaml",
        8,
        r"is after the horizon",
    ),
    # Today's message is "cannot read duration '-6h'"; "cannot be negative" would do as well.
    "negative-duration": (_negative_duration, 7, r"duration.*(-6h|negative)"),
    "missing-topology": (
        lambda _: BAD / "scenario-missing-topology.yaml",
        3,
        r"topology file 'none\.yaml' not found",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_SCENARIOS))
def test_a_bad_scenario_exits_2_with_its_location_and_no_traceback(
    name: str, tmp_path: Path
) -> None:
    make, line, pattern = BAD_SCENARIOS[name]
    path = make(tmp_path)
    out = tmp_path / "never.json"
    proc = _twin("run", path, "--quiet", "--json", out)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    located = re.findall(rf"{re.escape(str(path))}:(\d+):(\d+): (.*)", proc.stderr)
    assert located, proc.stderr
    assert any(
        int(found) == line and re.search(pattern, message) for found, _, message in located
    ), proc.stderr
    assert not out.exists(), "a refused scenario must not leave a result file"


ANNUAL = ROOT / "scenarios" / "annual-reliability.yaml"


def test_replications_with_report_write_the_monte_carlo_report(tmp_path: Path) -> None:
    report, out = tmp_path / "mc.html", tmp_path / "mc.json"
    proc = _twin("run", ANNUAL, "--replications", "3", "--quiet", "--report", report, "--json", out)
    assert proc.returncode == 0, proc.stderr
    html = report.read_text("utf-8")
    assert "Monte Carlo report" in html and 'id="map"' in html
    assert "fixed 3 replications" in html and "None" not in html.split('id="provenance"')[1]
    doc = json.loads(out.read_text())
    assert doc["replications"] == 3 and doc["topology"] == load_scenario(ANNUAL).topology.name
    # The report's inputs hash is over the files the results name, so it must be available.
    assert "inputs SHA-256" in html and "unavailable" not in html


def test_replications_refuse_a_timeline_with_a_way_out(tmp_path: Path) -> None:
    timeline = tmp_path / "t.csv"
    proc = _twin("run", ANNUAL, "--replications", "3", "--quiet", "--timeline", timeline)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "one replication" in proc.stderr and "without --replications" in proc.stderr
    assert "Traceback" not in proc.stderr and not timeline.exists()


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("--replications", "0"), "--replications"),
        (("--replications", "-3"), "--replications"),
        (("--precision", "0"), "--precision"),
        (("--precision", "-0.1"), "--precision"),
        (("--precision", "nan"), "--precision"),
        (("--replications", "2", "--workers", "0"), "--workers"),
        (("--precision", "0.1", "--max-replications", "0"), "--max-replications"),
        (("--precision", "0.1", "--demand", "no-such-demand"), "--demand"),
    ],
)
def test_meaningless_numbers_exit_2_naming_the_option(
    args: tuple[str, ...], option: str, tmp_path: Path
) -> None:
    out = tmp_path / "never.json"
    proc = _twin("run", ANNUAL, "--quiet", "--json", out, *args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.startswith(f"{option}: "), proc.stderr
    assert "Traceback" not in proc.stderr and "nan" not in proc.stdout
    assert not out.exists()


def test_precision_on_one_demand_converges_and_says_what_it_watched() -> None:
    # The README's example, narrowed to Frankfurt-Almaty: it must stop well before the cap.
    proc = _twin("run", ANNUAL, "--precision", "0.1", "--demand", "fra-ala", "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    found = re.search(r"watching fra-ala\)\s+reached\s+after\s+(\d+)\s+replications", proc.stdout)
    assert found, proc.stdout
    assert int(found.group(1)) < 1000


def test_run_json_records_the_sha256_of_its_input_files(tmp_path: Path) -> None:
    """So `twin report --topology` can tell a changed topology from the one the run used; the
    digests are recomputed here from the files' bytes."""
    import hashlib
    import json

    out = tmp_path / "run.json"
    scenario = ROOT / "scenarios" / "trans-caspian-cut.yaml"
    assert _twin("run", scenario, "--json", out).returncode == 0
    document = json.loads(out.read_text())
    topology = ROOT / "topologies" / "silk-road-2026-calibrated.yaml"  # the scenario's
    assert document["scenario_sha256"] == hashlib.sha256(scenario.read_bytes()).hexdigest()
    assert document["topology_sha256"] == hashlib.sha256(topology.read_bytes()).hexdigest()
