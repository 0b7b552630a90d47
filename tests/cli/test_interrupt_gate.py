"""Ctrl-C during `twin check` or `twin analyze --availability` leaves valid, partial outputs.

`twin check`:

A gate that did not finish has not passed: the exit status is 130, never 0, and the JSON, JUnit
and Markdown each say it was interrupted and hold exactly the assertions evaluated before the
signal. A real process receives SIGINT while the Monte Carlo assertion of
tests/data/check/slow-montecarlo.yaml runs (100,000 replications, far more than the wait).

`twin analyze --availability`: the demands whose availability was computed are kept as they
are, the others are written with bounds [0, 1] and `interrupted`, the document `partial`.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from twin.analysis.availability import Settings, availability_of_demands
from twin.loading import load_scenario, load_topology
from twin.results.analysis import ANALYSIS_SCHEMA
from twin.results.check import CHECK_SCHEMA, CheckReport

ROOT = Path(__file__).resolve().parents[2]
SLOW = ROOT / "tests" / "data" / "check" / "slow-montecarlo.yaml"
XSD = ROOT / "tests" / "data" / "junit" / "junit-jenkins.xsd"
TWIN = str(Path(sys.executable).with_name("twin"))

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def _ready_s() -> float:
    """How long this machine, now, takes to start `twin check` and finish a short gate."""
    started = time.monotonic()
    done = subprocess.run(
        [TWIN, "check", str(SLOW), "--replications", "2"], capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return time.monotonic() - started


def test_ctrl_c_during_check_writes_partial_failing_outputs(tmp_path: Path) -> None:
    declared = len(load_scenario(SLOW).checks)
    wait_s = 2.0 * _ready_s() + 0.5  # past loading and the first assertion, inside the second
    out = {"json": tmp_path / "c.json", "junit": tmp_path / "c.xml", "md": tmp_path / "c.md"}
    proc = subprocess.Popen(
        [
            TWIN, "check", str(SLOW), "--replications", "100000",
            "--json", str(out["json"]), "--junit", str(out["junit"]),
            "--markdown", str(out["md"]),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    time.sleep(wait_s)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err.decode()
    assert b"Traceback" not in err

    document = json.loads(out["json"].read_text())
    assert document["schema"] == CHECK_SCHEMA
    assert document["partial"] is True and document["passed"] is False
    assert document["assertions_total"] == declared
    evaluated = document["total"]
    assert evaluated == len(document["outcomes"]) < declared
    # Only whole assertions are kept, in order: the Monte Carlo one (second) was cut short.
    assert [o["line"] for o in document["outcomes"]] == [
        a.line for a in load_scenario(SLOW).checks[:evaluated]
    ]
    report = CheckReport.from_dict(document)
    assert report.partial and not report.passed and report.declared == declared

    xmlschema.XMLSchema(str(XSD)).validate(str(out["junit"]))
    root = ET.parse(out["junit"]).getroot()
    assert root.get("errors") == "1"
    assert int(root.get("tests", "0")) == evaluated + 1
    errors = root.findall(".//testcase[@name='interrupted']/error")
    assert len(errors) == 1 and errors[0].get("type") == "interrupted"
    assert f"after {evaluated} of {declared} assertions" in errors[0].get("message", "")

    markdown = out["md"].read_text()
    assert "INTERRUPTED" in markdown.splitlines()[0]
    assert f"interrupted after {evaluated} of {declared} assertions" in markdown
    assert not list(tmp_path.glob(".*.tmp"))


def _grid(folder: Path, side: int) -> Path:
    """A side x side grid of 40 km links (frontier width `side`): bounds take seconds."""
    nodes = [
        f"- {{id: g{r}-{c}, name: G, country: ZZ, role: pop, lat: {40 + 0.2 * r:.1f}, "
        f"lon: {10 + 0.2 * c:.1f}}}"
        for r in range(side)
        for c in range(side)
    ]
    links = [
        f"- {{id: g{r}-{c}--g{r + dr}-{c + dc}, a: g{r}-{c}, b: g{r + dr}-{c + dc}, "
        "kind: terrestrial, length_km: 40, capacity_gbps: 100, failure_class: t}"
        for r in range(side)
        for c in range(side)
        for dr, dc in ((0, 1), (1, 0))
        if r + dr < side and c + dc < side
    ]
    head = [
        "name: grid",
        "failure_classes:",
        "- {id: t, basis: per_1000km, rate: 1.0, repair: {kind: fixed, median: 12h}}",
        "nodes:",
    ]
    path = folder / "grid.yaml"
    path.write_text("\n".join([*head, *nodes, "links:", *links]) + "\n", encoding="utf-8")
    return path


def test_ctrl_c_during_availability_keeps_the_demands_done(tmp_path: Path) -> None:
    grid = _grid(tmp_path, 11)
    pairs = [f"g0-{c}:g10-{10 - c}" for c in range(0, 11, 2)]
    out = tmp_path / "a.json"
    args = [
        TWIN, "analyze", str(grid), "--availability", "--availability-method", "bounds",
        "--tolerance", "0", "--relative-width", "1e-9", "--time-budget", "3600",
        "--json", str(out), *(a for p in pairs for a in ("--demand", p)),
    ]  # fmt: skip
    started = time.monotonic()
    short = subprocess.run([*args[:3], "--demand", pairs[0]], capture_output=True, timeout=120)
    assert short.returncode == 0, short.stderr
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(2.0 * (time.monotonic() - started) + 1.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err.decode()
    assert b"Traceback" not in err

    document = json.loads(out.read_text())
    assert document["schema"] == ANALYSIS_SCHEMA and document["partial"] is True
    entries = list(document["availability"].values())
    assert len(entries) == len(pairs)
    flags = [e["interrupted"] for e in entries]
    # Demands run in order: the ones done come first, then the ones not analysed.
    assert flags == sorted(flags) and flags[-1]
    topology = load_topology(grid)
    for entry in entries:
        if entry["interrupted"]:
            assert (entry["lower"], entry["upper"]) == (0.0, 1.0)
            continue
        alone = availability_of_demands(
            topology, [(entry["source"], entry["destination"])], settings=Settings("bounds")
        )[0]
        assert entry["lower"] <= alone.upper and alone.lower <= entry["upper"]
