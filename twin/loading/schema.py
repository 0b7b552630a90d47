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
MONTH_PATTERN = f"({'|'.join(MONTH_NAMES)})"
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


def no_null(schema: dict[str, Any]) -> None:
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

    model_config = ConfigDict(json_schema_extra=no_null)

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
    from twin.loading.scenario_schema import ScenarioFile  # they build on this module's types
    from twin.loading.state import StateFile

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
