"""The scenario file's schema: events, failure overrides, repair resources, checks, observed
restorations, as pydantic models that validate files and generate the JSON Schema.

Apart from `twin.loading.schema` (the topology's and the demand entries' models, which these
build on) so that a command reading only a topology and a demands file (`twin contingency
--demands`) never creates the scenario's models.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import ConfigDict, Field, model_validator

from twin.loading.schema import (
    MAX_OBSERVED_H,
    MAX_RTT_MS,
    MONTH_PATTERN,
    CalendarTime,
    DemandSpec,
    Duration,
    FailoverSpec,
    Id,
    Partial,
    Seasonal,
    SourceTags,
    Strict,
    no_null,
)


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

    months: Annotated[str, Field(pattern=f"^{MONTH_PATTERN}(-{MONTH_PATTERN})?$")] | None = Field(
        default=None,
        description="a month or an inclusive range of months recurring every year, e.g. jan "
        "or dec-mar (wraps the year end)",
    )
    from_: CalendarTime | None = Field(default=None, alias="from")
    to: CalendarTime | None = Field(
        default=None, description="end of a dated window; a date alone includes that day"
    )
    reason: str = ""
    source: SourceTags = Field(default=[])
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
    no_null(schema)
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
    elements: list[Id] = Field(default=[])
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
    events: list[EventSpec] = Field(default=[])
    failures: FailuresSpec = FailuresSpec()
    repair: list[RepairResourceSpec] = Field(default=[])
    failover: FailoverDefaultsSpec = FailoverDefaultsSpec()
    checks: list[CheckSpec] = Field(default=[])
    sweep: dict[str, list[object]] = Field(default={})
    observed: list[ObservedSpec] = Field(default=[])
