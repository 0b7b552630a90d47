"""Ctrl-C during `twin check` leaves every output it was asked for valid, and failing.

A gate that did not finish has not passed: the exit status is 130, never 0, and the JSON, JUnit
and Markdown each say it was interrupted and hold exactly the assertions evaluated before the
signal. A real process receives SIGINT while the Monte Carlo assertion of
tests/data/check/slow-montecarlo.yaml runs (100,000 replications, far more than the wait).
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

from twin.loading import load_scenario
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
