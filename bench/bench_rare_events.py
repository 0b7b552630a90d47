"""Rare events: Frankfurt-Baku to ±10 %, and the conditional estimator's efficiency.

Frankfurt-Baku (unavailability ~3e-5) is down in only a few of its ten-year replications, so
plain sampling needs thousands of them for a ±10 % interval. This benchmark measures, in one
run:

- the end-to-end wall time of `twin run scenarios/annual-reliability.yaml --precision 0.1
  --demand fra-baku --workers 2` (a fresh process, as a user runs it; default --rare-events
  auto), and the replications it needed;
- the relative efficiency of the conditional estimator against plain Monte Carlo on the same
  demand: (variance per replication x seconds per replication), plain over conditional. Both
  run through `run_replications` in this process on the same replication indices, `--demand
  fra-baku` (the estimator follows that demand only), plain with --rare-events off. The time
  is CPU time of this process (simulation and aggregation): the machine is shared, and wall
  time under other load moved the ratio between 48x and 127x for the same code; results are
  byte-identical for any number of workers, so the variance is that of a 2-worker run too. The
  variance per replication is read from the 95 % interval (half-width = t x sd / sqrt(n)).
  Both get the same count: plain sampling's variance is heavy-tailed (a replication with an
  outage weighs hundreds of times one without), so it needs many replications to be read, and
  equal counts give both the same share of the pool's start-up in their time per replication.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bench.__main__ import Row

if TYPE_CHECKING:
    from twin.model import Scenario
    from twin.results.montecarlo import Interval

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "annual-reliability.yaml"
DEMAND = "fra-baku"
WORKERS = 2  # the end-to-end run
PLAIN_REPLICATIONS = 480
CONDITIONAL_REPLICATIONS = 480
GOAL = 100.0


def _per_replication_variance(interval: Interval) -> float:
    from twin.montecarlo import t95

    sd_of_mean = interval.half_width / t95(interval.n - 1)
    return sd_of_mean**2 * interval.n


def _measured(scenario: Scenario, mode: str, replications: int) -> tuple[float, float, float]:
    """(unavailability, variance per replication, seconds per replication) of the demand."""
    from twin.montecarlo import run_replications

    started = time.process_time()
    # An unreachable precision makes `replications` the count run while --demand narrows the
    # estimator to the one demand, as `twin run --precision --demand` does.
    result = run_replications(
        scenario,
        replications=replications,
        precision=1e-9,
        workers=1,
        watch=[DEMAND],
        rare_events=mode,  # type: ignore[arg-type]
    )
    seconds = (time.process_time() - started) / replications
    interval = result.demand(DEMAND).availability
    return 1.0 - interval.mean, _per_replication_variance(interval), seconds


def _end_to_end() -> tuple[float, str]:
    command = [
        str(Path(sys.executable).with_name("twin")),
        "run",
        str(SCENARIO),
        "--precision",
        "0.1",
        "--demand",
        DEMAND,
        "--workers",
        str(WORKERS),
        "--quiet",
        "--json",
        "-",
    ]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    document = json.loads(done.stdout)
    stats = next(d for d in document["demands"] if d["id"] == DEMAND)
    note = (
        f"{document['replications']} replications, relative half-width "
        f"{stats['relative_precision']:.3f} ({stats['estimator']} estimator); "
        f"precision reached: {document['precision_reached']}"
    )
    return seconds, note


def run() -> list[Row]:
    from twin.loading import load_scenario

    name = f"rare events annual-reliability {DEMAND}"
    seconds, note = _end_to_end()
    rows = [Row(name, "twin run --precision 0.1 --demand fra-baku, 2 workers", seconds, "s", note)]
    scenario = load_scenario(SCENARIO)
    u_plain, var_plain, t_plain = _measured(scenario, "off", PLAIN_REPLICATIONS)
    u_cond, var_cond, t_cond = _measured(scenario, "on", CONDITIONAL_REPLICATIONS)
    ratio = (var_plain * t_plain) / (var_cond * t_cond)
    rows += [
        Row(
            name,
            "plain Monte Carlo: relative variance per replication",
            var_plain / u_plain**2,
            "",
            f"unavailability {u_plain:.3g}; {PLAIN_REPLICATIONS} replications, "
            f"{t_plain * 1000:.0f} ms CPU each",
        ),
        Row(
            name,
            "conditional: relative variance per replication",
            var_cond / u_cond**2,
            "",
            f"unavailability {u_cond:.3g}; {CONDITIONAL_REPLICATIONS} replications, "
            f"{t_cond * 1000:.0f} ms CPU each",
        ),
        Row(
            name,
            "relative efficiency (variance x time), conditional over plain",
            ratio,
            "x",
            f"goal >= {GOAL:g}x",
        ),
    ]
    return rows
