"""Every result type of the twin, in one package: typed data computed once, rendered many ways.

`twin.results.run` holds the result of one simulated replication. Further result kinds
(Monte Carlo, contingency, analysis, check, diff) live beside it, so a renderer reads one home
and never re-derives or re-parses what a computation produced.
"""

from twin.results.run import (
    RUN_SCHEMA,
    DemandResult,
    LinkResult,
    Outage,
    ResourceResult,
    SimulationResult,
    TimelineEntry,
    timeline_entries,
    write_result_json,
)

__all__ = [
    "RUN_SCHEMA",
    "DemandResult",
    "LinkResult",
    "Outage",
    "ResourceResult",
    "SimulationResult",
    "TimelineEntry",
    "timeline_entries",
    "write_result_json",
]
