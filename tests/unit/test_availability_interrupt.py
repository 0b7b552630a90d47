"""Ctrl-C during the availability analysis keeps the demands finished, and says which were not.

The signal is sent from the progress callback, i.e. exactly when the first demand is done:
the process's own SIGINT handler (installed by the analysis) then runs, as for a real Ctrl-C.
The demand finished must equal its uninterrupted value; the rest carry the only bounds known
without analysis, [0, 1], marked interrupted.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from twin.analysis.availability import Method, Settings, availability_of_demands
from twin.loading import load_topology

ROOT = Path(__file__).resolve().parents[2]
PAIRS = [("frankfurt", "baku"), ("frankfurt", "almaty"), ("baku", "almaty")]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@pytest.mark.parametrize("method", ["exact", "bounds"])
def test_ctrl_c_after_the_first_demand_keeps_it(method: Method) -> None:
    topology = load_topology(ROOT / "topologies" / "silk-road-2026.yaml")
    settings = Settings(method=method)
    whole = availability_of_demands(topology, PAIRS, settings=settings)
    assert not any(r.interrupted for r in whole)

    def ctrl_c_once(done: int, total: int) -> None:
        if done == 1:
            os.kill(os.getpid(), signal.SIGINT)

    cut = availability_of_demands(topology, PAIRS, settings=settings, progress=ctrl_c_once)
    finished = [r for r in cut if not r.interrupted]
    assert len(finished) == 1
    (kept,) = finished
    assert kept == whole[cut.index(kept)]
    for r in cut:
        if r.interrupted:
            assert (r.lower, r.upper, r.exact) == (0.0, 1.0, False)
            assert r.to_dict()["interrupted"] is True
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler given back
