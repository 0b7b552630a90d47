"""Large honest topology: `twin validate` of 5,000 nodes and 19,700 links, no stated lengths.

End to end (a `twin validate` process: start-up, YAML, schema, every length derived from the
coordinates as a WGS84 geodesic x route factor, the checks). Wall time is what a user waits;
CPU time (user + system of the process) is what the work costs, and is steadier on a machine
shared with other jobs. Target (issue 13): a few seconds.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.__main__ import Row
from bench.gen_large_topology import large_topology_text

NODES = 5000
ROUNDS = 3


def _validate_once(path: Path) -> tuple[float, float]:
    """(wall s, CPU s) of one `twin validate` process."""
    twin = str(Path(sys.executable).with_name("twin"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([twin, "validate", str(path)], check=True, capture_output=True)
    wall_s = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall_s, cpu_s


def run() -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mesh.yaml"
        text = large_topology_text(NODES)
        path.write_text(text, encoding="utf-8")
        links = text.count(", a: n")
        timings = [_validate_once(path) for _ in range(ROUNDS)]
    name = f"validate {links:,} links"
    note = f"{NODES} nodes, lengths from coordinates (bench/gen_large_topology.py); median of 3"
    return [
        Row(name, "twin validate wall time", statistics.median(t[0] for t in timings), "s", note),
        Row(
            name,
            "twin validate CPU time",
            statistics.median(t[1] for t in timings),
            "s",
            "user + system; target a few seconds",
        ),
    ]
