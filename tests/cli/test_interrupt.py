"""Ctrl-C at any moment of `twin run --json` leaves a parseable file: complete, or marked partial.

A real process receives SIGINT at 15 different moments of a run that would otherwise not end
(a precision target no run reaches): while replications run, while the stopping rule aggregates,
while the progress statistics are recomputed. Each time the exit status is 130 and the results
file holds exactly the replications it says it holds.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

GOOD = Path(__file__).resolve().parents[1] / "data" / "good"
SCENARIO = GOOD / "scenario.yaml"
TWIN = str(Path(sys.executable).with_name("twin"))


def _startup_s(tmp_path: Path) -> float:
    """How long this machine, now, takes to start, load the scenario, run one replication and
    write it: after that long a second process is surely past start-up and loading."""
    started = time.monotonic()
    done = subprocess.run(
        [TWIN, "run", str(SCENARIO), "--replications", "1", "--quiet"],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return time.monotonic() - started


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigint_at_15_moments_leaves_a_complete_or_partial_file(tmp_path: Path) -> None:
    ready_s = _startup_s(tmp_path)
    for step in range(15):
        out = tmp_path / f"mc-{step}.json"
        proc = subprocess.Popen(
            [
                TWIN, "run", str(SCENARIO), "--precision", "1e-9",
                "--max-replications", "1000000", "--json", str(out), "--quiet",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        # Past start-up with a margin for a busy machine, then 0.13 s further each time.
        time.sleep(1.2 * ready_s + 0.2 + 0.13 * step)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 130, (step, err.decode())
        assert b"Traceback" not in err
        document = json.loads(out.read_text())
        assert document["schema"] == "silkroad-twin/montecarlo/1"
        assert document["partial"] is True and document["reason"] == "interrupted"
        for demand in document["demands"]:
            assert demand["availability"]["n"] == document["replications"]
        assert not list(tmp_path.glob(".*.tmp"))
