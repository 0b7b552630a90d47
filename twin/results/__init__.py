"""Every result type of the twin, in one package: typed data computed once, rendered many ways.

`twin.results.run` holds the result of one simulated replication, `twin.results.records` the
structured records of its faults, and `twin.results.prose` the sentences rendered from them for
display. Further result kinds (Monte Carlo, contingency, analysis, check, diff) live beside
them, so a renderer reads one home and never re-derives or re-parses what a computation produced.
"""

from twin.results.backtest import (
    BACKTEST_SCHEMA,
    BacktestResult,
    BacktestSummary,
    IncidentResult,
    ObservationScore,
)
from twin.results.records import ElementOutage
from twin.results.run import (
    RUN_SCHEMA,
    RUN_SCHEMA_V1,
    DemandResult,
    LinkResult,
    Outage,
    ResourceResult,
    SimulationResult,
    TimelineEntry,
    write_result_json,
)

__all__ = [
    "BACKTEST_SCHEMA",
    "RUN_SCHEMA",
    "RUN_SCHEMA_V1",
    "BacktestResult",
    "BacktestSummary",
    "DemandResult",
    "ElementOutage",
    "IncidentResult",
    "LinkResult",
    "ObservationScore",
    "Outage",
    "ResourceResult",
    "SimulationResult",
    "TimelineEntry",
    "write_result_json",
]
