"""Scale: imported backbones of thousands of nodes (topohub backbone/eurasia and backbone/world).

Reports import time (what `twin import` does before validating: read the source, render the
YAML, write it), load+validate time (what `twin validate` and every command do with that file),
N-1 contingency with 1,000 demands, simulated events per second over a one-year stochastic run,
and peak memory (ru_maxrss of this process).
Targets for backbone/world: load+validate < 5 s, N-1 with 1,000 demands <= 5 s on 1 worker,
peak < 2 GiB.
"""

from __future__ import annotations

import random
import resource
import tempfile
import time
from pathlib import Path

from bench.__main__ import Row
from twin.units import HOURS_PER_YEAR

DEMANDS = 1000


def _demands(topology):  # type: ignore[no-untyped-def]
    from twin.model import Demand

    rng = random.Random("bench/demands")
    nodes = sorted(topology.nodes)
    out = []
    while len(out) < DEMANDS:
        a, b = rng.sample(nodes, 2)
        out.append(Demand(f"d{len(out)}", a, b, 1.0))
    return out


def run() -> list[Row]:
    from twin.analysis.contingency import contingency
    from twin.io import load_source, render_yaml
    from twin.loading import load_topology
    from twin.model import Failover, Scenario
    from twin.sim import simulate

    rows: list[Row] = []
    for key in ("backbone/eurasia", "backbone/world"):
        name = f"scale {key}"
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "imported.yaml"
            started = time.perf_counter()
            imported = load_source(f"topohub:{key}")
            path.write_text(render_yaml(imported.topology), encoding="utf-8")
            rows.append(
                Row(
                    name,
                    "import (source to YAML file)",
                    time.perf_counter() - started,
                    "s",
                    f"{imported.report.nodes} nodes, {imported.report.links} links, "
                    f"{path.stat().st_size / 2**20:.1f} MiB",
                )
            )
            started = time.perf_counter()
            topology = load_topology(path)
            rows.append(
                Row(
                    name,
                    "load + validate (the YAML file)",
                    time.perf_counter() - started,
                    "s",
                    "target < 5 s",
                )
            )
        demands = _demands(topology)
        results = []
        for workers in (1, 2):
            started = time.perf_counter()
            result = contingency(topology, demands, mode="n-1", workers=workers)
            results.append(result)
            rows.append(
                Row(
                    name,
                    f"N-1 latency, {DEMANDS} demands, {workers} worker(s)",
                    time.perf_counter() - started,
                    "s",
                    f"{len(result.failures)} link failures, "
                    f"{sum(f.rerouted for f in result.failures)} reroutes; "
                    + ("target <= 5 s" if workers == 1 else "same result as 1 worker"),
                )
            )
        if results[0] != results[1]:
            raise RuntimeError("N-1 results differ between 1 and 2 workers")
        scenario = Scenario(
            name="scale",
            topology=topology,
            topology_path=key,
            horizon_h=HOURS_PER_YEAR,
            seed=1,
            demands=tuple(demands[:100]),
            stochastic_failures=True,
            default_failover=Failover(),
        )
        started = time.perf_counter()
        run_result = simulate(scenario)
        elapsed = time.perf_counter() - started
        rows.append(
            Row(
                name,
                "simulated events per second",
                run_result.events_processed / elapsed,
                "events/s",
                f"1 year stochastic, 100 demands, "
                f"{run_result.events_processed} events in {elapsed:.1f} s",
            )
        )
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(Row("scale", "peak memory (whole bench process)", peak_mib, "MiB", "target < 2048"))
    return rows
