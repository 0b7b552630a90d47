"""Ctrl-C in a single `twin run`, `twin contingency` or `twin sweep` leaves a parseable file.

The rule (issue 13): once a command has started its work, Ctrl-C never leaves nothing: either
the complete result or a valid one marked `partial: true` holding what was done. Real processes
receive SIGINT at several moments of inputs that take a few seconds; each time the exit status
is 130 (or 0 when the command finished first) and the file is checked for what it claims.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from twin.results.contingency import CONTINGENCY_SCHEMA
from twin.results.run import RUN_SCHEMA
from twin.results.sweep import SWEEP_SCHEMA

ROOT = Path(__file__).resolve().parents[2]
TOPOLOGY = ROOT / "topologies" / "silk-road-2026.yaml"
SCENARIO = ROOT / "scenarios" / "annual-reliability.yaml"
TWIN = str(Path(sys.executable).with_name("twin"))
HOURS_PER_YEAR = 8766.0  # what `--horizon 999y` means in hours (365.25 d)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@pytest.fixture(scope="module")
def ready_s() -> float:
    """How long this machine, now, takes to start `twin` and load the topology: a process
    signalled later than this (with a margin) has surely installed its Ctrl-C handling."""
    started = time.monotonic()
    done = subprocess.run(
        [TWIN, "validate", str(TOPOLOGY)], capture_output=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return time.monotonic() - started


# A process signalled before its command began (Typer still building the command line, on a
# machine slowed by other jobs) rightly exits 130 having written nothing: nothing had begun.
# Such a try says nothing of the command, so it is repeated this much later, a few times.
STARTUP_RETRY_S = 1.0
STARTUP_TRIES = 4


def _interrupt(args: list[str], after_s: float, out: Path, schema: str) -> tuple[int, Any]:
    """(exit status, the document written) of `args` sent SIGINT after `after_s`: exit 130,
    or 0 if it finished first, no traceback, and a parseable document of `schema`."""
    for attempt in range(STARTUP_TRIES):
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(after_s + STARTUP_RETRY_S * attempt)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=180)
        assert proc.returncode in (0, 130), err.decode()
        assert b"Traceback" not in err
        if out.exists():
            break
        # Nothing written is only right for an interrupt before the command began.
        assert proc.returncode == 130
    document = json.loads(out.read_text())
    assert document["schema"] == schema
    return proc.returncode, document


def _moments(ready_s: float, count: int, step_s: float) -> list[float]:
    # Twice the start-up measured: a machine shared with other jobs slows down unevenly.
    return [2.0 * ready_s + 0.5 + step_s * k for k in range(count)]


def _check_run(document: dict[str, Any], requested_h: float) -> None:
    """A single run's file covers the hours it says it simulated, every measure over them."""
    horizon_h = document["horizon_h"]
    assert 0.0 < horizon_h <= requested_h
    assert document["partial"] is (horizon_h < requested_h)
    for demand in document["demands"]:
        downtime_h = demand["downtime_min"] / 60.0
        assert demand["availability"] == pytest.approx(1.0 - downtime_h / horizon_h, abs=1e-8)
        assert all(o["end_h"] <= horizon_h for o in demand["outages"])
    assert all(entry["t_h"] <= horizon_h for entry in document["timeline"])


def test_single_run_interrupted_keeps_the_simulated_hours(tmp_path: Path, ready_s: float) -> None:
    requested_h = 999 * HOURS_PER_YEAR  # about 30 s of simulation: every signal lands in it
    for step, after_s in enumerate(_moments(ready_s, 3, 0.7)):
        out = tmp_path / f"run-{step}.json"
        status, document = _interrupt(
            [TWIN, "run", str(SCENARIO), "--horizon", "999y", "--json", str(out), "--quiet"],
            after_s,
            out,
            RUN_SCHEMA,
        )
        _check_run(document, requested_h)
        if document["partial"]:
            assert any("interrupted" in note for note in document["notes"])
        if status == 0:
            assert document["partial"] is False
    assert not list(tmp_path.glob(".*.tmp"))


# With 2 workers one moment only: the ranges running when Ctrl-C comes finish first.
@pytest.mark.parametrize(("workers", "moments"), [(1, 2), (2, 1)])
def test_contingency_interrupted_keeps_the_failures_evaluated(
    tmp_path: Path, workers: int, moments: int, ready_s: float
) -> None:
    for step, after_s in enumerate(_moments(ready_s, moments, 1.0)):
        out = tmp_path / f"n2-{step}.json"
        status, document = _interrupt(
            [
                TWIN, "contingency", str(TOPOLOGY), "--mode", "n-2", "--routing", "ecmp",
                "--gravity", "1000", "--workers", str(workers), "--json", str(out),
            ],
            after_s,
            out,
            CONTINGENCY_SCHEMA,
        )  # fmt: skip
        total = document["failures_total"]
        assert total > 0
        evaluated = len(document["failures"])
        assert document["partial"] is (evaluated < total)
        if status == 0:
            assert evaluated == total
        labels = [f["label"] for f in document["failures"]]
        assert len(set(labels)) == evaluated
    assert not list(tmp_path.glob(".*.tmp"))


def test_sweep_interrupted_keeps_the_variants_run(tmp_path: Path, ready_s: float) -> None:
    grid = "failures.classes.submarine-caspian.repair.median=10d,30d,90d"
    for step, after_s in enumerate(_moments(ready_s, 2, 1.5)):
        out = tmp_path / f"sweep-{step}.json"
        status, document = _interrupt(
            [TWIN, "sweep", str(SCENARIO), "--set", grid, "--replications", "200",
             "--json", str(out)],
            after_s,
            out,
            SWEEP_SCHEMA,
        )  # fmt: skip
        variants = document["variants"]
        assert len(variants) <= 3
        # Only the last variant kept may have been cut short; the ones before ran in full.
        assert all(v["result"]["replications"] == 200 for v in variants[:-1])
        cut_short = bool(variants) and variants[-1]["result"]["partial"]
        assert document["partial"] is (len(variants) < 3 or cut_short)
        if status == 0:
            assert document["partial"] is False
    assert not list(tmp_path.glob(".*.tmp"))
