"""Result types of a simulation run: plain data with `to_dict()` / `from_dict()` and a schema.

Results are computed once by `twin.sim` and rendered many ways (terminal table, JSON, CSV
timeline, HTML report, Monte Carlo aggregation), so they hold no behaviour beyond conversion.
Floats are rounded to 9 decimals on output so files are compact and stable; the same scenario and
seed give byte-identical JSON.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, NamedTuple, get_type_hints

from pydantic import TypeAdapter
from typing_extensions import TypedDict

from twin.atomic import write_json_atomic
from twin.results.document import Adapter, dataclass_schema
from twin.results.frames import Frames
from twin.results.records import ElementOutage

RUN_SCHEMA = "silkroad-twin/run/2"
# Version 1 named outage causes in prose only; see docs/file-formats.md for why it is refused.
RUN_SCHEMA_V1 = "silkroad-twin/run/1"


def _clean(value: Any) -> Any:
    """Floats rounded to 9 decimals and non-finite ones as null, through dicts and lists: the
    one JSON cleaning every result type uses, so files are compact and byte-stable."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return round(value, 9)
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


clean_json_value = _clean


@dataclass(frozen=True)
class Outage:
    """A demand without any path from `start_h` to `end_h`.

    `caused_by` are the ids of the element outages (`SimulationResult.element_outages`) whose
    faults cut its last path, empty when it had no path from the start; `cause` is the same
    rendered as a phrase for people (`twin.results.records.describe_causes`), never read back.
    """

    start_h: float
    end_h: float
    cause: str
    caused_by: tuple[int, ...] = ()

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
    # The base path's physical RTT beside `base_rtt_ms`, which is calibrated when the topology
    # has a latency_calibration (else the two are equal).
    base_fibre_rtt_ms: float | None = None
    # The fibre RTTs of the states behind rtt_p50_ms, rtt_p99_ms and rtt_max_ms (None when
    # never connected, or in documents written before they were kept).
    fibre_rtt_p50_ms: float | None = None
    fibre_rtt_p99_ms: float | None = None
    fibre_rtt_max_ms: float | None = None
    # Share of the horizon connected but over the RTT budget (`sla_max_rtt_ms`); 0 without one.
    over_rtt_share: float = 0.0

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


@dataclass(frozen=True)
class SimulationResult(Frames):
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
    # Every fault of the run in the order it happened; an element outage's id is its index.
    element_outages: tuple[ElementOutage, ...] = ()
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
        # asdict keeps named tuples as tuples: the JSON has one object per entry and record.
        data["timeline"] = [entry._asdict() for entry in self.timeline]
        data["element_outages"] = [record.to_dict() for record in self.element_outages]
        data["schema"] = RUN_SCHEMA
        for demand, src in zip(data["demands"], self.demands, strict=True):
            demand["outage_count"] = src.outage_count
        return dict(_clean(data))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SimulationResult:
        if data.get("schema") != RUN_SCHEMA:
            raise ValueError(f"not a run result (schema {data.get('schema')!r})")
        records = tuple(ElementOutage.from_dict(r) for r in data["element_outages"])
        for position, record in enumerate(records):
            if record.id != position:
                raise ValueError(f"element outage at position {position} has id {record.id}")
        demands = []
        for d in data["demands"]:
            d = {k: v for k, v in d.items() if k != "outage_count"}
            d["outages"] = tuple(_outage(o, len(records)) for o in d["outages"])
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
            element_outages=records,
            routing_states=data.get("routing_states", 0),
            events_processed=data.get("events_processed", 0),
            partial=data.get("partial", False),
            notes=tuple(data.get("notes", ())),
        )


def _outage(data: dict[str, Any], record_count: int) -> Outage:
    caused_by = tuple(int(i) for i in data["caused_by"])
    for index in caused_by:
        if not 0 <= index < record_count:
            raise ValueError(f"outage caused_by names element outage {index}, which is not there")
    return Outage(float(data["start_h"]), float(data["end_h"]), str(data["cause"]), caused_by)


def write_result_json(path: str, result: SimulationResult) -> None:
    write_json_atomic(path, result.to_dict())


def _object_schema(row: type[tuple[Any, ...]]) -> dict[str, Any]:
    """A named tuple as `to_dict` writes it: one object with its fields (pydantic would
    describe the tuple as an array)."""
    fields: dict[str, Any] = get_type_hints(row)
    document = TypedDict(row.__name__, fields)  # type: ignore[misc]
    return TypeAdapter(document).json_schema(mode="serialization")


def run_schema() -> dict[str, Any]:
    """The `twin run --json` file of one run: the result dataclass as `to_dict` writes it,
    its timeline entries and element outages as objects, and each demand's `outage_count`."""
    adapter: Adapter[SimulationResult] = Adapter(SimulationResult)
    written: dict[str, Any] = {}
    schema = dataclass_schema(adapter, RUN_SCHEMA, "run.result", "silkroad-twin run", written)
    defs = schema["$defs"]
    for name, row in (("timeline", TimelineEntry), ("element_outages", ElementOutage)):
        defs[row.__name__] = _object_schema(row)
        schema["properties"][name]["items"] = {"$ref": f"#/$defs/{row.__name__}"}
    demand = defs["DemandResult"]
    demand["properties"]["outage_count"] = {"type": "integer", "description": "len(outages)"}
    demand["required"] = [*demand.get("required", []), "outage_count"]
    return schema
