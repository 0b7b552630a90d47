"""Every result type of the twin, in one package: typed data computed once, rendered many ways.

`twin.results.run` holds the result of one simulated replication, `twin.results.records` the
structured records of its faults, and `twin.results.prose` the sentences rendered from them for
display. Further result kinds (Monte Carlo, contingency, analysis, check, diff, back-test) live
beside them, so a renderer reads one home and never re-derives or re-parses what a computation
produced; they are imported from their own modules, so a command pays only for the kinds it uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from twin.lazy_exports import lazy_getattr

if TYPE_CHECKING:
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
    "RUN_SCHEMA",
    "RUN_SCHEMA_V1",
    "DemandResult",
    "ElementOutage",
    "LinkResult",
    "Outage",
    "ResourceResult",
    "SimulationResult",
    "TimelineEntry",
    "write_result_json",
]

# The run's result types, imported on first use: a command that computes another kind
# (`twin contingency`) never pays for the run's dataclasses.
_LAZY = {
    **{name: "twin.results.run" for name in __all__ if name != "ElementOutage"},
    "ElementOutage": "twin.results.records",
}
__getattr__ = lazy_getattr(__name__, _LAZY)
