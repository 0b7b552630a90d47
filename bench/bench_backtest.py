"""The incident back-test: wall time of `twin backtest` over the shipped library, and its
coverage and scores, so a change to a failure class or a repair default shows here.

The library is `scenarios/incidents/` at the CLI's default replication count, run as the CLI
runs it (`twin.backtest.backtest`, in-process for 1 worker, a process pool per incident for 2),
wall time including loading and pool start-up. The issue's target: the whole library in under
a minute on a 2-core laptop. Results must not depend on the number of workers: the two runs'
JSON documents are compared and the benchmark raises if they differ.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from bench.__main__ import Row

LIBRARY = Path(__file__).resolve().parent.parent / "scenarios" / "incidents"
NAME = "backtest scenarios/incidents"


def run() -> list[Row]:
    from twin.backtest.library import DEFAULT_REPLICATIONS, backtest

    rows: list[Row] = []
    documents: list[str] = []
    result = None
    for workers in (1, 2):
        started = time.perf_counter()
        result = backtest(LIBRARY, replications=DEFAULT_REPLICATIONS, workers=workers)
        wall_s = time.perf_counter() - started
        document = result.to_dict()
        # Everything but the worker count the document records.
        documents.append(json.dumps([document["incidents"], document["summary"]], sort_keys=True))
        rows.append(
            Row(
                NAME,
                f"wall time, {workers} worker(s)",
                wall_s,
                "s",
                f"{len(result.incidents)} incidents x {DEFAULT_REPLICATIONS} replications; "
                "target < 60 s on 2 cores",
            )
        )
    if documents[0] != documents[1]:
        raise AssertionError("backtest results differ between 1 and 2 workers")
    assert result is not None
    s = result.summary
    rows += [
        Row(
            NAME,
            "coverage of the modelled 10-90 % band",
            s.coverage,
            "",
            f"{s.inside_band} of {s.observations} reported restorations; about 0.8 if calibrated",
        ),
        Row(
            NAME,
            "mean CRPS, log-time (headline)",
            s.mean_crps_log,
            "ln h",
            "lower is better; results identical for 1 and 2 workers",
        ),
        Row(
            NAME,
            "mean CRPS, hours",
            s.mean_crps_h,
            "h",
            "dominated by the Red Sea repairs (months)",
        ),
        Row(
            NAME,
            "median percentile of the reported times",
            s.median_percentile,
            "%",
            "about 50 if unbiased",
        ),
    ]
    return rows
