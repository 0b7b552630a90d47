"""The cold path of `twin run`: the whole process as a user starts it (imports, loading and
validation, the first replication, the terminal summary), for the two reference scenarios.

Wall and CPU time of each process, median of `ROUNDS`, the scenarios interleaved. CPU time
(user + system, from the operating system's accounting of the finished child) is the figure
to compare across runs: on shared cores the wall time also counts the waits for a core.
Bytecode caching is left on (`PYTHONDONTWRITEBYTECODE` removed), as an installed package has
it; the first, uncounted round writes the caches.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.__main__ import Row

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("trans-caspian-cut", "annual-reliability")
ROUNDS = 7


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _run_once(scenario: str) -> tuple[float, float]:
    """(wall s, CPU s) of one `twin run` process."""
    twin = str(Path(sys.executable).with_name("twin"))
    args = [twin, "run", str(ROOT / "scenarios" / f"{scenario}.yaml"), "--quiet"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, env=_env())
    wall_s = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall_s, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run() -> list[Row]:
    for scenario in SCENARIOS:  # warm-up: bytecode caches written, files in the page cache
        _run_once(scenario)
    timings: dict[str, list[tuple[float, float]]] = {s: [] for s in SCENARIOS}
    for _ in range(ROUNDS):
        for scenario in SCENARIOS:
            timings[scenario].append(_run_once(scenario))
    rows = []
    for scenario in SCENARIOS:
        wall = statistics.median(w for w, _ in timings[scenario])
        cpu = statistics.median(c for _, c in timings[scenario])
        name = f"cold start twin run {scenario}"
        note = f"median of {ROUNDS} processes; imports, load, one replication, summary"
        rows.append(Row(name, "CPU time (user + system), whole process", cpu, "s", note))
        rows.append(Row(name, "wall time, whole process", wall, "s", "shared cores: waits too"))
    return rows
