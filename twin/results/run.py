"""Result types of a simulation run: plain data with `to_dict()` / `from_dict()` and a schema.

Results are computed once by `twin.sim` and rendered many ways (terminal table, JSON, CSV
timeline, HTML report, Monte Carlo aggregation), so they hold no behaviour beyond conversion.
Floats are rounded to 9 decimals on output so files are compact and stable; the same scenario and
seed give byte-identical JSON.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from twin.atomic import write_json_atomic

RUN_SCHEMA = "silkroad-twin/run/1"


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return round(value, 9)
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


@dataclass(frozen=True)
class Outage:
    start_h: float
    end_h: float
    cause: str

    @property
    def duration_h(self) -> float:
        return self.end_h - self.start_h


@dataclass(frozen=True)
class DemandResult:
    """How one demand fared over the horizon (the measures a user feels)."""

    id: str
    source: str
    destination: str
    gbps: float
    sla_availability_target: float | None
    sla_max_rtt_ms: float | None
    availability: float  # fraction of the horizon connected
    sla_availability: float  # connected, within max RTT, fully carried, not in failover
    downtime_min: float
    downtime_min_per_year: float
    sla_downtime_min_per_year: float
    outages: tuple[Outage, ...]
    mean_time_to_restore_h: float | None
    max_time_to_restore_h: float | None
    rtt_p50_ms: float | None
    rtt_p99_ms: float | None
    rtt_max_ms: float | None
    base_rtt_ms: float | None
    rtt_series: tuple[tuple[float, float | None], ...]  # (t_h, rtt_ms or None when down)
    failovers: int
    traffic_lost_gbit: float
    sla_held: bool
    sla_note: str

    @property
    def outage_count(self) -> int:
        return len(self.outages)


@dataclass(frozen=True)
class LinkResult:
    id: str
    failures: int
    downtime_h: float
    utilisation_mean: float
    utilisation_p99: float
    utilisation_max: float


@dataclass(frozen=True)
class ResourceResult:
    id: str
    kind: str
    count: int
    jobs: int
    mean_wait_h: float
    max_wait_h: float
    busy_fraction: float


class TimelineEntry(NamedTuple):
    """One readable line of what happened in a run.

    A named tuple rather than a frozen dataclass: a simulated decade logs a few thousand
    entries per run, and building them was a tenth of a run's time; a tuple is built in C.
    """

    t_h: float
    kind: str  # failure | restore | repair-start | repair-queued | reroute | disconnect | reconnect
    element: str
    detail: str


def timeline_entries(raw: Iterable[tuple[float, str, str, str]]) -> tuple[TimelineEntry, ...]:
    """Entries from (t_h, kind, element, detail) tuples, as the observer records them."""
    return tuple(map(TimelineEntry._make, raw))


@dataclass(frozen=True)
class SimulationResult:
    scenario: str
    scenario_path: str
    topology: str
    topology_path: str
    seed: int
    replication: int
    horizon_h: float
    routing: str
    demands: tuple[DemandResult, ...]
    links: tuple[LinkResult, ...]
    resources: tuple[ResourceResult, ...]
    timeline: tuple[TimelineEntry, ...]
    routing_states: int = 0
    events_processed: int = 0
    partial: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    def demand(self, demand_id: str) -> DemandResult:
        for d in self.demands:
            if d.id == demand_id:
                return d
        raise KeyError(demand_id)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        # asdict keeps named tuples as tuples: the JSON has one object per timeline entry.
        data["timeline"] = [entry._asdict() for entry in self.timeline]
        data["schema"] = RUN_SCHEMA
        for demand, src in zip(data["demands"], self.demands, strict=True):
            demand["outage_count"] = src.outage_count
        return dict(_clean(data))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SimulationResult:
        if data.get("schema") != RUN_SCHEMA:
            raise ValueError(f"not a run result (schema {data.get('schema')!r})")
        demands = []
        for d in data["demands"]:
            d = {k: v for k, v in d.items() if k != "outage_count"}
            d["outages"] = tuple(Outage(**o) for o in d["outages"])
            d["rtt_series"] = tuple((float(t), r) for t, r in d["rtt_series"])
            demands.append(DemandResult(**d))
        return cls(
            scenario=data["scenario"],
            scenario_path=data["scenario_path"],
            topology=data["topology"],
            topology_path=data["topology_path"],
            seed=data["seed"],
            replication=data["replication"],
            horizon_h=data["horizon_h"],
            routing=data["routing"],
            demands=tuple(demands),
            links=tuple(LinkResult(**x) for x in data["links"]),
            resources=tuple(ResourceResult(**x) for x in data["resources"]),
            timeline=tuple(TimelineEntry(**x) for x in data["timeline"]),
            routing_states=data.get("routing_states", 0),
            events_processed=data.get("events_processed", 0),
            partial=data.get("partial", False),
            notes=tuple(data.get("notes", ())),
        )


def write_result_json(path: str, result: SimulationResult) -> None:
    write_json_atomic(path, result.to_dict())
