"""Result of `twin backtest`: how the modelled restoration times of real incidents compare
with what was reported. Plain data, computed once by `twin.backtest`, rendered by
`twin.report.terminal_backtest` (table), `to_dict()` (JSON) and the README/bench tables.

Times are hours. Percentiles are per cent (0-100). `crps_h` is in hours, `crps_log` in
natural-log hours (dimensionless).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter
from typing_extensions import TypedDict

from twin.results.document import Adapter, json_schema

BACKTEST_SCHEMA = "silkroad-twin/backtest/1"


def _num(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, 9)


@dataclass(frozen=True)
class ObservationScore:
    """One reported restoration against its modelled distribution."""

    id: str
    measure: str  # elements-up | demand-connected
    target: tuple[str, ...]  # the elements, or the demand id
    reported_h: float
    reported_range_h: tuple[float, float]
    p10_h: float
    p50_h: float
    p90_h: float
    mean_h: float
    percentile: float  # where reported_h falls in the modelled distribution
    inside_band: bool  # p10 <= reported <= p90
    p_reported_range: float  # modelled probability of the reported range
    crps_h: float
    crps_log: float
    samples: int
    censored: int  # replications not restored within the horizon (counted at the horizon)
    sources: tuple[str, ...] = ()
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "measure": self.measure,
            "target": list(self.target),
            "reported_h": _num(self.reported_h),
            "reported_range_h": [_num(x) for x in self.reported_range_h],
            "modelled": {
                "p10_h": _num(self.p10_h),
                "p50_h": _num(self.p50_h),
                "p90_h": _num(self.p90_h),
                "mean_h": _num(self.mean_h),
            },
            "percentile": _num(self.percentile),
            "inside_band": self.inside_band,
            "p_reported_range": _num(self.p_reported_range),
            "crps_h": _num(self.crps_h),
            "crps_log": _num(self.crps_log),
            "samples": self.samples,
            "censored": self.censored,
            "sources": list(self.sources),
            "note": self.note,
        }


@dataclass(frozen=True)
class IncidentResult:
    """One incident scenario: its inputs and its scored observations."""

    scenario: str
    description: str
    scenario_path: str
    scenario_sha256: str | None
    seed: int
    replications: int
    horizon_h: float
    observations: tuple[ObservationScore, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "description": self.description,
            "scenario_path": self.scenario_path,
            "scenario_sha256": self.scenario_sha256,
            "seed": self.seed,
            "replications": self.replications,
            "horizon_h": _num(self.horizon_h),
            "observations": [o.to_dict() for o in self.observations],
        }


@dataclass(frozen=True)
class BacktestSummary:
    """Over every scored observation of every incident."""

    observations: int
    inside_band: int
    coverage: float  # inside_band / observations (nan when there are none)
    mean_crps_h: float
    mean_crps_log: float
    median_percentile: float
    log_score: float | None
    log_score_note: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "observations": self.observations,
            "inside_band": self.inside_band,
            "coverage_10_90": _num(self.coverage),
            "mean_crps_h": _num(self.mean_crps_h),
            "mean_crps_log": _num(self.mean_crps_log),
            "median_percentile": _num(self.median_percentile),
            "log_score": _num(self.log_score),
            "log_score_note": self.log_score_note,
        }


@dataclass(frozen=True)
class BacktestResult:
    replications: int
    workers: int
    incidents: tuple[IncidentResult, ...]
    summary: BacktestSummary
    partial: bool = False
    reason: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def rows(self) -> list[tuple[IncidentResult, ObservationScore]]:
        """Every observation with its incident, in library order."""
        return [(i, o) for i in self.incidents for o in i.observations]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": BACKTEST_SCHEMA,
            "replications": self.replications,
            "workers": self.workers,
            "partial": self.partial,
            "reason": self.reason,
            "notes": list(self.notes),
            "summary": self.summary.to_dict(),
            "incidents": [i.to_dict() for i in self.incidents],
        }


# The JSON document as `to_dict` writes it; numbers that can be undefined (no observations,
# nothing censored) are written as null.
class ModelledDoc(TypedDict):
    p10_h: float | None
    p50_h: float | None
    p90_h: float | None
    mean_h: float | None


class ObservationDoc(TypedDict):
    id: str
    measure: str
    target: list[str]
    reported_h: float | None
    reported_range_h: list[float | None]
    modelled: ModelledDoc
    percentile: float | None
    inside_band: bool
    p_reported_range: float | None
    crps_h: float | None
    crps_log: float | None
    samples: int
    censored: int
    sources: list[str]
    note: str


class SummaryDoc(TypedDict):
    observations: int
    inside_band: int
    coverage_10_90: float | None
    mean_crps_h: float | None
    mean_crps_log: float | None
    median_percentile: float | None
    log_score: float | None
    log_score_note: str


class BacktestDoc(TypedDict):
    schema: str
    replications: int
    workers: int
    partial: bool
    reason: str
    notes: list[str]
    summary: SummaryDoc
    # Each incident is the dataclass as written, its observations as `ObservationDoc`s
    # (`backtest_schema` puts that right in the generated schema).
    incidents: list[IncidentResult]


ADAPTER: Adapter[BacktestDoc] = Adapter(BacktestDoc)


def backtest_schema() -> dict[str, Any]:
    """The `twin backtest --json` file: an incident is its dataclass, but for the observations
    (`ObservationDoc`, keys of their own) and a horizon written as null when undefined."""
    schema = json_schema(ADAPTER, BACKTEST_SCHEMA, "backtest.result", "silkroad-twin back-test")
    observation = TypeAdapter(ObservationDoc).json_schema(mode="serialization")
    defs = schema["$defs"]
    defs.update(observation.pop("$defs", {}))
    defs["ObservationDoc"] = observation
    defs.pop("ObservationScore", None)
    incident = defs["IncidentResult"]["properties"]
    incident["observations"]["items"] = {"$ref": "#/$defs/ObservationDoc"}
    incident["horizon_h"] = {"anyOf": [{"type": "number"}, {"type": "null"}], "title": "Horizon H"}
    return schema
