"""The static path analysis result: best path, physical floor, disjoint paths, SPOFs per demand.

Written by `twin analyze --json` (`twin.analysis.paths`), with each demand's analytic
availability bounds added when `--availability` is asked for.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, NotRequired

from pydantic import ConfigDict
from typing_extensions import TypedDict

from twin.results.document import Adapter, json_schema
from twin.results.frames import Frames

ANALYSIS_SCHEMA = "silkroad-twin/analysis/1"


@dataclass(frozen=True)
class PathInfo:
    nodes: tuple[str, ...]
    links: tuple[str, ...]
    length_km: float
    rtt_ms: float  # calibrated when the topology has a latency_calibration, else = fibre
    fibre_rtt_ms: float  # physics: fibre plus equipment, both ways


@dataclass(frozen=True)
class DemandPaths:
    demand_id: str
    source: str
    destination: str
    best: PathInfo | None
    floor_rtt_ms: float
    stretch: float | None
    link_disjoint: tuple[PathInfo, ...]
    srlg_disjoint: tuple[PathInfo, ...]
    spof_links: tuple[str, ...]
    spof_nodes: tuple[str, ...]
    spof_srlgs: tuple[str, ...]


@dataclass(frozen=True)
class PathAnalysis(Frames):
    topology: str
    topology_path: str
    include_planned: bool
    demands: tuple[DemandPaths, ...]

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["schema"] = ANALYSIS_SCHEMA
        return data


class PathDoc(TypedDict):
    nodes: list[str]
    links: list[str]
    length_km: float
    rtt_ms: float
    fibre_rtt_ms: float


class DemandPathsDoc(TypedDict):
    demand_id: str
    source: str
    destination: str
    best: PathDoc | None
    floor_rtt_ms: float
    stretch: float | None
    link_disjoint: list[PathDoc]
    srlg_disjoint: list[PathDoc]
    spof_links: list[str]
    spof_nodes: list[str]
    spof_srlgs: list[str]


class AvailabilityDoc(TypedDict):
    """`AvailabilityResult.to_dict()` of `twin.analysis.availability` (exactly these keys: a
    test validates a real one, so a field added there must be declared here)."""

    __pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[misc]

    source: str
    destination: str
    lower: float
    upper: float
    value: float
    unavailability: float
    unavailability_lower: float
    unavailability_upper: float
    relative_width: float | None
    exact: bool
    method: str
    states_examined: int
    components: int
    unavailability_min_per_year: float
    converged: bool
    budget_exhausted: bool
    gap: float
    tolerance: float
    interrupted: NotRequired[bool]  # Ctrl-C came first: bounds [0, 1], not analysed


class AnalysisDoc(TypedDict):
    """The `twin analyze --json` file (`availability` only with --availability; `partial`
    when Ctrl-C stopped the availability analysis before every demand was done)."""

    schema: str
    topology: str
    topology_path: str
    include_planned: bool
    demands: list[DemandPathsDoc]
    availability: NotRequired[dict[str, AvailabilityDoc]]
    partial: NotRequired[bool]


ADAPTER: Adapter[AnalysisDoc] = Adapter(AnalysisDoc)


def analysis_schema() -> dict[str, Any]:
    return json_schema(ADAPTER, ANALYSIS_SCHEMA, "analysis.result", "silkroad-twin path analysis")
