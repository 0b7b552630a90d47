"""The file schemas, as pydantic models: they validate files and generate the JSON Schemas.

One definition serves both jobs so that what an editor checks while a person types
(`twin schema` → `twin/schemas/*.json`) is exactly what `twin validate` enforces: the shape of
every entry, `checks:` and failure-class overrides included, is stated here and nowhere else.
What JSON Schema cannot express lives elsewhere: references between ids in
`twin.loading.references`, and rules that need the model (geodesic lengths, horizons, extends
cycles) in `twin.loading.topology` / `twin.loading.scenario`.
"""

from __future__ import annotations

import copy
import math
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

from twin.model import MONTH_NAMES
from twin.units import HOURS_PER_YEAR

# A reported restoration longer than a decade is a typo, not an incident.
MAX_OBSERVED_H = 10 * HOURS_PER_YEAR

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
Duration = Annotated[
    str | float,
    Field(description="a number of hours, or a number with a unit: ms, s, min, h, d, w, y"),
]
SourceTags = Annotated[list[str], Field(description="citation tags, e.g. [S13, S20]")]

# Physical ranges: a value past these is a typo or a unit slip, and left alone it overflows the
# latency and availability arithmetic (1e308 km) or makes a run that never ends.
EQUATOR_KM = 40_075.0  # no cable or route between two points on Earth is longer
MAX_EQUIPMENT_DELAY_MS = 1_000.0  # a node that holds light for a second is not a router
MAX_RTT_MS = 10_000.0  # ten seconds: far beyond any terrestrial or satellite round trip


# The calendar (seasonal failure rates, closed repair windows, a scenario's start date).
_MONTH = f"({'|'.join(MONTH_NAMES)})"
# A month's factor a hundred times another's mean is a typo, not a season.
MAX_SEASONAL_FACTOR = 100.0
# Dates a network model can mean; past these a year is a typo (and 9999 + a horizon overflows).
MIN_CALENDAR_YEAR, MAX_CALENDAR_YEAR = 1900, 2200


def _seasonal_factors(value: Any) -> list[float]:
    """Twelve monthly factors, January first, from a list of twelve or a month map (months
    left out: 1). One validator rather than a union, so a mistake gets one message naming the
    month, not one per shape the value might have had."""
    if isinstance(value, dict):
        unknown = sorted(str(k) for k in value if k not in MONTH_NAMES)
        if unknown:
            raise ValueError(f"unknown month '{unknown[0]}': use jan, feb, ..., dec")
        items = [(month, value.get(month, 1.0)) for month in MONTH_NAMES]
    elif isinstance(value, list):
        if len(value) != 12:
            count = len(value)
            raise ValueError(f"seasonal factors need twelve values, January first, not {count}")
        items = list(zip(MONTH_NAMES, value, strict=True))
    else:
        raise ValueError("seasonal factors are a list of twelve numbers or a map such as {jan: 2}")
    factors: list[float] = []
    for month, factor in items:
        if isinstance(factor, bool) or not isinstance(factor, int | float):
            raise ValueError(f"the seasonal factor for {month} is not a number")
        if not (math.isfinite(factor) and 0 <= factor <= MAX_SEASONAL_FACTOR):
            raise ValueError(
                f"the seasonal factor for {month} ({factor}) is outside the allowed range: a "
                f"finite number from 0 to {MAX_SEASONAL_FACTOR:g}"
            )
        factors.append(float(factor))
    return factors


_FACTOR_SCHEMA = {"type": "number", "minimum": 0, "maximum": MAX_SEASONAL_FACTOR}
Seasonal = Annotated[
    list[float],
    BeforeValidator(_seasonal_factors),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "array", "items": _FACTOR_SCHEMA, "minItems": 12, "maxItems": 12},
                {
                    "type": "object",
                    "properties": dict.fromkeys(MONTH_NAMES, _FACTOR_SCHEMA),
                    "additionalProperties": False,
                },
            ],
            "description": "relative monthly risk, 0 to 100: twelve factors from January, or a "
            "map such as {jan: 2} (months left out have factor 1); scaled so the annual rate "
            "stays `rate`, and followed only by a simulation with a start date",
        }
    ),
]
CalendarTime = Annotated[
    datetime | date,
    Field(description="an ISO date or timestamp, UTC unless it says otherwise"),
]


class Strict(BaseModel):
    # allow_inf_nan=False: '.inf' and '.nan' are valid YAML floats but meaningless as a length,
    # rate or capacity, and would otherwise pass every range check and poison the results.
    model_config = ConfigDict(extra="forbid", strict=False, allow_inf_nan=False, defer_build=True)
    # What this mapping's keys are called in an "unknown ..." message ("unknown assertion").
    KEY_NOUN: ClassVar[str] = "key"


def _no_null(schema: dict[str, Any]) -> None:
    """A partial entry's optional keys may be left out, never written empty (`rate:`): say so
    in the JSON Schema too, rather than pydantic's `anyOf [..., null]`."""
    for prop in schema.get("properties", {}).values():
        options = prop.get("anyOf")
        if options and {"type": "null"} in options:
            rest = [o for o in prop.pop("anyOf") if o != {"type": "null"}]
            if len(rest) == 1:
                prop.update(rest[0])
            else:
                prop["anyOf"] = rest
        if "default" in prop and prop["default"] is None:
            del prop["default"]


class Partial(Strict):
    """An entry whose keys are all optional: only the keys written count (an override changes
    those fields and no other). An empty value (`rate:` alone) is refused, not read as absent."""

    model_config = ConfigDict(json_schema_extra=_no_null)

    @model_validator(mode="after")
    def _written_keys_have_values(self) -> Self:
        empty = sorted(k for k in self.model_fields_set if getattr(self, k) is None)
        if empty:
            raise ValueError(f"'{empty[0]}' has no value: give it one or leave the key out")
        return self

    def written(self) -> dict[str, Any]:
        """The keys the file wrote, with their validated values."""
        return {k: getattr(self, k) for k in type(self).model_fields if k in self.model_fields_set}


class RepairSpec(Strict):
    kind: Literal["fixed", "exponential", "lognormal"]
    median: Duration
    p90: Duration | None = None


class FailureClassSpec(Strict):
    id: Id
    basis: Literal["per_1000km", "per_link"]
    rate: Annotated[float, Field(ge=0)]
    multiplier: Annotated[float, Field(gt=0)] = 1.0
    repair: RepairSpec
    description: str = ""
    source: SourceTags = []
    estimate: bool = False
    seasonal: Seasonal | None = None


class SrlgSpec(Strict):
    id: Id
    description: str = ""
    failure_class: Id | None = None


class NodeSpec(Strict):
    id: Id
    name: str
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}(/[A-Z]{2})*$")]
    role: Literal["pop", "landing", "border", "ixp", "datacenter"]
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    equipment_delay_ms: Annotated[float, Field(ge=0, le=MAX_EQUIPMENT_DELAY_MS)] = Field(
        default=0.0,
        description="delay through the node's equipment, 0 to 1,000 ms (a second is no router)",
    )
    failure_class: Id | None = None
    source: SourceTags = []
    estimate: bool = False
    hub: bool = Field(
        default=False,
        description="the node that stands for its country in per-country measurements "
        "(twin calibrate); at most one per country",
    )


class LinkSpec(Strict):
    id: Id
    name: str = ""
    a: Id
    b: Id
    kind: Literal["terrestrial", "submarine"]
    sea: Id | None = None
    length_km: Annotated[float, Field(gt=0, le=EQUATOR_KM)] | None = Field(
        default=None,
        description="route length, above 0 and at most 40,075 km (the equator: no link is "
        "longer); omitted on land, the geodesic times route_factor",
    )
    capacity_gbps: Annotated[float, Field(gt=0)]
    srlgs: list[Id] = []
    status: Literal["active", "planned", "retired"] = "active"
    failure_class: Id
    igp_metric: Annotated[float, Field(gt=0)] | None = None
    source: SourceTags = []
    estimate: bool = False


class CorridorCalibrationSpec(Strict):
    """A corridor's own fit: applies to paths with both ends in `countries`."""

    name: Id
    countries: Annotated[list[Annotated[str, Field(pattern=r"^[A-Z]{2}$")]], Field(min_length=1)]
    stretch: Annotated[float, Field(ge=1.0, le=10.0)]
    overhead_ms: Annotated[float, Field(ge=0.0, le=1000.0)]


class LatencyCalibrationSpec(Strict):
    """Measured RTT = stretch × fibre RTT + overhead_ms, as fitted by `twin calibrate`."""

    stretch: Annotated[float, Field(ge=1.0, le=10.0)]
    overhead_ms: Annotated[float, Field(ge=0.0, le=1000.0)]
    source: str = ""
    fitted_on: str = ""
    date: str = ""
    out_of_sample_mae_ms: Annotated[float, Field(ge=0.0)] | None = None
    corridors: list[CorridorCalibrationSpec] = []


class RemoveSpec(Strict):
    nodes: list[Id] = []
    links: list[Id] = []
    srlgs: list[Id] = []
    failure_classes: list[Id] = []


class TopologyFile(Strict):
    """A topology file after `extends:` has been resolved."""

    schema_: str | None = Field(default=None, alias="schema")
    name: Id
    description: str = ""
    extends: str | None = None
    route_factor: Annotated[float, Field(ge=1.0, le=5.0)] = 1.3
    latency_calibration: LatencyCalibrationSpec | None = None
    failure_classes: list[FailureClassSpec] = []
    srlgs: list[SrlgSpec] = []
    nodes: list[NodeSpec]
    links: list[LinkSpec] = []
    remove: RemoveSpec | None = None


# ---------------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------------


class SlaSpec(Strict):
    availability: Annotated[float, Field(gt=0, le=1)] | None = Field(
        default=None, description="availability target, a fraction in (0, 1]"
    )
    max_rtt_ms: Annotated[float, Field(gt=0, le=MAX_RTT_MS)] | None = Field(
        default=None,
        description="round-trip budget, above 0 and at most 10,000 ms (no round trip on "
        "Earth comes near ten seconds)",
    )


class FailoverSpec(Strict):
    mechanism: Literal["protection", "frr", "igp"] = "igp"
    detection: Duration = "150ms"
    switchover: Duration | None = None


class DemandSpec(Strict):
    id: Id | None = None
    source: Id
    destination: Id
    gbps: Annotated[float, Field(gt=0)] = 10.0
    priority: int = 0
    # A factory, not `= SlaSpec()`: pydantic deep-copies a model default for every demand
    # (a third of validating a 1,600-demand file). The JSON Schema still states the default.
    sla: SlaSpec = Field(
        default_factory=SlaSpec,
        json_schema_extra={"default": {"availability": None, "max_rtt_ms": None}},
    )
    failover: FailoverSpec | None = None


class TargetSpec(Strict):
    link: Id | None = None
    links: list[Id] | None = None
    srlg: Id | None = None
    node: Id | None = None


class EventSpec(Strict):
    id: Id | None = None
    at: Duration
    cut: TargetSpec | None = None
    maintenance: TargetSpec | None = None
    restore: Duration | None = None
    duration: Duration | None = None
    permit_wait: Duration | None = Field(
        default=None,
        description="a repaired cut only: one wait (a permit, a mobilisation) shared by every "
        "element the event cuts before any of their repairs starts",
    )
    note: str = ""


class RepairOverride(Partial):
    """The repair-time keys a scenario changes; a median alone keeps a lognormal's shape."""

    kind: Literal["fixed", "exponential", "lognormal"] | None = None
    median: Duration | None = None
    p90: Duration | None = None


class FailureClassOverride(Partial):
    """A scenario's change to one failure class of its topology, merged field by field."""

    basis: Literal["per_1000km", "per_link"] | None = None
    rate: Annotated[float, Field(ge=0)] | None = None
    multiplier: Annotated[float, Field(gt=0)] | None = None
    repair: RepairOverride | None = None
    description: str | None = None
    seasonal: Seasonal | None = None


class FailuresSpec(Strict):
    stochastic: bool = False
    rare_events: Literal["auto", "on", "off"] = Field(
        default="auto",
        description="estimator of Monte Carlo runs: the conditional (rare-event) one for "
        "demands of small pilot unavailability (auto), for every watched demand (on), or never "
        "(off); docs/rare-events.md",
    )
    classes: dict[str, FailureClassOverride] = Field(
        default={}, description="per-scenario overrides, keyed by the topology's class id"
    )


class ClosedWindowSpec(Strict):
    """When a repair resource cannot work: `months` recurring every year, or `from`/`to`."""

    months: Annotated[str, Field(pattern=f"^{_MONTH}(-{_MONTH})?$")] | None = Field(
        default=None,
        description="a month or an inclusive range of months recurring every year, e.g. jan "
        "or dec-mar (wraps the year end)",
    )
    from_: CalendarTime | None = Field(default=None, alias="from")
    to: CalendarTime | None = Field(
        default=None, description="end of a dated window; a date alone includes that day"
    )
    reason: str = ""
    source: SourceTags = []
    estimate: bool = False


class RepairResourceSpec(Strict):
    id: Id
    kind: Literal["crew", "ship"]
    count: Annotated[int, Field(ge=1)]
    covers: list[str]
    mobilisation: Duration = 0.0
    description: str = ""
    closed: list[ClosedWindowSpec] = Field(
        default=[],
        description="windows when it cannot work: a repair's clock stands still while one is "
        "open (needs the scenario's start date)",
    )


class FailoverDefaultsSpec(Strict):
    default: FailoverSpec = FailoverSpec()


# Assertions (`checks:`): one model per kind, so editors check each kind's keys and ranges.
# `demand` is a plain string: an unknown id gets "did you mean" from the reference checks.
# A utilisation of 1 is a full link; a million is no limit anyone means but stays finite.
MAX_UTILISATION = 1e6


def _availability_target() -> Any:
    return Field(default=None, description="an availability above 0 and at most 1")


def _rtt_limit() -> Any:
    return Field(default=None, description=f"a round trip above 0 and at most {MAX_RTT_MS:,.0f} ms")


class SlaAvailabilityCheck(Partial):
    demand: str
    method: Literal["analytic", "montecarlo"] | None = None
    min: Annotated[float, Field(gt=0, le=1)] | None = _availability_target()


class MaxRttCheck(Partial):
    demand: str
    rtt_ms: Annotated[float, Field(gt=0, le=MAX_RTT_MS)] | None = _rtt_limit()


class SurvivesCheck(Partial):
    demand: str
    scope: Literal["link", "node", "srlg"] | None = None


class N1MaxUtilisationCheck(Partial):
    max: Annotated[float, Field(gt=0, le=MAX_UTILISATION)] | None = Field(
        default=None, description="a finite utilisation above 0 (1 is a full link)"
    )


class N1RttBudgetCheck(Partial):
    demand: str
    rtt_ms: Annotated[float, Field(gt=0, le=MAX_RTT_MS)] | None = _rtt_limit()


class RestoredByCheck(Partial):
    """P(the demand is connected and within its RTT budget by `within`) >= `probability`,
    simulated from the state given with the run (Monte Carlo, decided by the 95 % interval)."""

    demand: str
    within: Duration
    probability: Annotated[
        float, Field(gt=0, le=1, description="the least probability, above 0 and at most 1")
    ]


def _one_assertion(schema: dict[str, Any]) -> None:
    _no_null(schema)
    schema["minProperties"] = schema["maxProperties"] = 1


class CheckSpec(Partial):
    """One assertion: a single key naming its kind, e.g. `max_rtt: {demand: d, rtt_ms: 90}`."""

    model_config = ConfigDict(json_schema_extra=_one_assertion)
    KEY_NOUN: ClassVar[str] = "assertion"

    sla_availability: SlaAvailabilityCheck | None = None
    max_rtt: MaxRttCheck | None = None
    survives: SurvivesCheck | None = None
    n1_max_utilisation: N1MaxUtilisationCheck | None = None
    n1_rtt_budget: N1RttBudgetCheck | None = None
    restored_by: RestoredByCheck | None = None

    @model_validator(mode="before")
    @classmethod
    def _single_key(cls, data: Any) -> Any:
        if isinstance(data, dict) and len(data) != 1:
            raise ValueError("each check is one assertion: a single key such as 'max_rtt:'")
        return data

    def kind(self) -> str:
        """The assertion's kind: its one key."""
        return next(iter(self.written()))


class ObservedSpec(Strict):
    """A reported restoration of the incident a scenario replays (for `twin backtest`)."""

    id: Id | None = None
    restored_h: Annotated[
        float, Field(gt=0, le=MAX_OBSERVED_H, description="reported central time to restore, hours")
    ]
    range_h: Annotated[
        list[Annotated[float, Field(gt=0, le=MAX_OBSERVED_H)]],
        Field(min_length=2, max_length=2, description="reported range [low, high], hours"),
    ]
    measure: Literal["elements-up", "demand-connected"]
    elements: list[Id] = []
    demand: Id | None = None
    sources: Annotated[list[str], Field(min_length=1, description="URLs of the reports")]
    note: str = ""


class ScenarioFile(Strict):
    schema_: str | None = Field(default=None, alias="schema")
    name: Id
    description: str = ""
    topology: str
    state: str | None = Field(
        default=None,
        description="a state file (relative to this file): simulate from the network as it is "
        "at its as_of rather than from everything up",
    )
    horizon: Duration
    start: CalendarTime | None = Field(
        default=None,
        description="calendar time of t = 0 (UTC unless it says otherwise), for seasonal rates "
        "and closed repair windows; without it the simulation has no calendar",
    )
    seed: Annotated[int, Field(ge=0)] = 0
    include_planned: bool = False
    routing: Literal["latency", "capacity"] = "latency"
    demands: Annotated[list[DemandSpec], Field(min_length=1)]
    events: list[EventSpec] = []
    failures: FailuresSpec = FailuresSpec()
    repair: list[RepairResourceSpec] = []
    failover: FailoverDefaultsSpec = FailoverDefaultsSpec()
    checks: list[CheckSpec] = []
    sweep: dict[str, list[object]] = {}
    observed: list[ObservedSpec] = []


_SECTION_DEFS = {
    "nodes": "NodeSpec",
    "links": "LinkSpec",
    "srlgs": "SrlgSpec",
    "failure_classes": "FailureClassSpec",
}


def _allow_variants(schema: dict[str, Any]) -> None:
    """A file with `extends:` lists partial entries (overrides) and may omit `nodes:`.

    The JSON Schema says so with if/then/else: with `extends`, section items need only an id;
    without it, items must be complete. The pydantic model validates the merged result.
    """
    defs = schema["$defs"]
    props = schema["properties"]
    full: dict[str, Any] = {}
    patch: dict[str, Any] = {}
    for section, def_name in _SECTION_DEFS.items():
        patch_def = copy.deepcopy(defs[def_name])
        patch_def["required"] = ["id"]
        patch_def["title"] = f"{def_name}Override"
        defs[f"{def_name}Override"] = patch_def
        full[section] = {"type": "array", "items": {"$ref": f"#/$defs/{def_name}"}}
        patch[section] = {"type": "array", "items": {"$ref": f"#/$defs/{def_name}Override"}}
        props[section] = {"type": "array", "description": props[section].get("description", "")}
    schema["required"] = [r for r in schema.get("required", []) if r != "nodes"]
    schema["if"] = {"required": ["extends"]}
    schema["then"] = {"properties": patch}
    schema["else"] = {"properties": full, "required": ["nodes"]}


def json_schemas() -> dict[str, dict[str, Any]]:
    """JSON Schemas of the input file kinds (what `twin schema` writes)."""
    from twin.loading.state import StateFile  # it builds on this module's types

    out: dict[str, dict[str, Any]] = {}
    models: tuple[tuple[str, type[BaseModel]], ...] = (
        ("topology", TopologyFile),
        ("scenario", ScenarioFile),
        ("state", StateFile),
    )
    for kind, model in models:
        schema = model.model_json_schema(by_alias=True)
        if kind == "topology":
            _allow_variants(schema)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://silkroad-twin.org/schemas/{kind}.schema.json"
        out[kind] = schema
    return out
