"""The Monte Carlo result: each demand's measures as a mean with a 95 % interval, and the verdict.

Written by `twin run --replications` (`twin.montecarlo`), read back by `twin report`, `twin plot`
and the HTML report. Everything that reads a Monte Carlo file goes through `from_dict`, and
everything that judges an SLA against an interval goes through `sla_verdict` (the one
SLA rule of `twin.results.sla`), so the terminal, the HTML report and `twin check` cannot
disagree on a demand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, NotRequired

from typing_extensions import TypedDict

from twin.provenance import NO_INPUT, InputRecord
from twin.results.document import Adapter, finite, json_schema, parse
from twin.results.frames import Frames
from twin.results.interval import Interval, IntervalDoc
from twin.results.outlook import (
    Outlook,
    ProportionDoc,
    RestorationPointDoc,
    RiskDriverDoc,
    outlook_doc,
    outlook_from_doc,
)
from twin.results.sla import Verdict, judge

MC_SCHEMA = "silkroad-twin/montecarlo/1"

__all__ = ["Interval", "IntervalDoc"]  # re-exported: the interval type lives in .interval


def sla_verdict(interval: Interval, target: float | None) -> Verdict:
    """The SLA rule (`twin.results.sla.judge`) on a 95 % interval, never on its mean alone.

    An undefined interval (one replication) decides nothing, whatever its mean."""
    return judge(interval.low, interval.high, target)


def replications_to_decide(interval: Interval, target: float | None) -> int | None:
    """About how many replications would shrink the interval off the target.

    The half-width falls as 1 / sqrt(n), so n x (half-width / |mean - target|)^2 puts the
    target just outside it; None when the mean sits on the target (no count decides it).
    """
    if target is None or interval.n < 2:
        return None
    gap = abs(interval.mean - target)
    half = interval.half_width
    if not gap > 0 or not math.isfinite(half):
        return None
    return max(interval.n + 1, math.ceil(interval.n * (half / gap) ** 2))


@dataclass(frozen=True)
class DemandStats:
    id: str
    availability: Interval
    sla_availability: Interval
    downtime_min_per_year: Interval
    sla_downtime_min_per_year: Interval
    traffic_lost_gbit: Interval
    sla_target: float | None
    # (element or cause, share of the demand's downtime over all replications, outages), worst
    # first: which element's failures take the demand down most, the thing a planner acts on.
    downtime_causes: tuple[tuple[str, float, int], ...] = ()
    source: str = ""
    destination: str = ""
    # From a state ("now"): restoration curve, SLA minutes lost, further-cut risk.
    outlook: Outlook | None = None
    # Which estimator gave the figures above: "plain" (the runs' time-averages) or
    # "conditional" (the same runs with the rare-event correction, docs/rare-events.md).
    estimator: str = "plain"
    # Traffic survivability: Gbit lost per year, and the share of the year the demand is
    # connected but over its RTT budget (None in files written before they were recorded).
    traffic_lost_gbit_per_year: Interval | None = None
    over_rtt_share: Interval | None = None

    def relative_precision(self) -> float:
        """Half-width of the unavailability interval over its mean (inf when undefined)."""
        unavailability = 1.0 - self.availability.mean
        if not unavailability > 0:
            return math.inf
        return self.availability.half_width / unavailability

    def verdict(self) -> Verdict:
        return sla_verdict(self.sla_availability, self.sla_target)


@dataclass(frozen=True)
class LinkStats:
    """A link's mean failures and downtime per simulated year, over the replications."""

    id: str
    failures_per_year: float
    downtime_h_per_year: float


class CauseDoc(TypedDict):
    cause: str
    share: float
    outages: int


class LinkDoc(TypedDict):
    id: str
    failures_per_year: float
    downtime_h_per_year: float


class DemandDoc(TypedDict):
    id: str
    source: NotRequired[str]
    destination: NotRequired[str]
    sla_target: float | None
    availability: IntervalDoc
    sla_availability: IntervalDoc
    downtime_min_per_year: IntervalDoc
    sla_downtime_min_per_year: NotRequired[IntervalDoc]
    traffic_lost_gbit: IntervalDoc
    downtime_causes: NotRequired[list[CauseDoc]]
    relative_precision: NotRequired[float | None]
    restoration: NotRequired[list[RestorationPointDoc]]
    restored_in_horizon: NotRequired[ProportionDoc]
    sla_minutes_lost: NotRequired[IntervalDoc]
    further_cut: NotRequired[ProportionDoc]
    further_cut_drivers: NotRequired[list[RiskDriverDoc]]
    estimator: NotRequired[str]
    traffic_lost_gbit_per_year: NotRequired[IntervalDoc]
    over_rtt_share: NotRequired[IntervalDoc]


class TotalsDoc(TypedDict):
    traffic_lost_gbit_per_year: IntervalDoc
    over_rtt_share: IntervalDoc


class MonteCarloDoc(TypedDict):
    """The Monte Carlo results file; keys marked NotRequired are absent from older files."""

    schema: str
    scenario: str
    seed: int
    replications: int
    partial: NotRequired[bool]
    reason: NotRequired[str]
    precision_target: NotRequired[float | None]
    precision_reached: NotRequired[bool | None]
    precision_demands: NotRequired[list[str]]
    notes: NotRequired[list[str]]
    topology: NotRequired[str]
    horizon_h: NotRequired[float]
    scenario_path: NotRequired[str]
    scenario_sha256: NotRequired[str | None]
    topology_path: NotRequired[str]
    topology_sha256: NotRequired[str | None]
    links: NotRequired[list[LinkDoc]]
    as_of: NotRequired[str]
    state_path: NotRequired[str]
    rare_events: NotRequired[str]
    totals: NotRequired[TotalsDoc | None]
    demands: list[DemandDoc]


ADAPTER: Adapter[MonteCarloDoc] = Adapter(MonteCarloDoc)


def _optional(doc: IntervalDoc | None) -> Interval | None:
    return None if doc is None else Interval.from_dict(doc)


def _demand_doc(d: DemandStats) -> DemandDoc:
    precision = d.relative_precision()
    doc: DemandDoc = {
        "id": d.id,
        "source": d.source,
        "destination": d.destination,
        "sla_target": d.sla_target,
        "availability": d.availability.to_dict(),
        "sla_availability": d.sla_availability.to_dict(),
        "downtime_min_per_year": d.downtime_min_per_year.to_dict(),
        "sla_downtime_min_per_year": d.sla_downtime_min_per_year.to_dict(),
        "traffic_lost_gbit": d.traffic_lost_gbit.to_dict(),
        "downtime_causes": [
            {"cause": cause, "share": round(share, 9), "outages": count}
            for cause, share, count in d.downtime_causes
        ],
        "relative_precision": finite(precision),
        "estimator": d.estimator,
    }
    if d.traffic_lost_gbit_per_year is not None:
        doc["traffic_lost_gbit_per_year"] = d.traffic_lost_gbit_per_year.to_dict()
    if d.over_rtt_share is not None:
        doc["over_rtt_share"] = d.over_rtt_share.to_dict()
    if d.outlook is not None:
        doc.update(outlook_doc(d.outlook))  # type: ignore[typeddict-item]
    return doc


def _outlook(doc: DemandDoc) -> Outlook | None:
    if "restoration" not in doc:
        return None
    return outlook_from_doc(
        {
            "restoration": doc["restoration"],
            "restored_in_horizon": doc["restored_in_horizon"],
            "sla_minutes_lost": doc["sla_minutes_lost"],
            "further_cut": doc["further_cut"],
            "further_cut_drivers": doc.get("further_cut_drivers", []),
        }
    )


def _demand(doc: DemandDoc) -> DemandStats:
    # Files written before SLA downtime was recorded: it was then the same as the downtime.
    sla_dt = doc.get("sla_downtime_min_per_year", doc["downtime_min_per_year"])
    return DemandStats(
        id=doc["id"],
        availability=Interval.from_dict(doc["availability"]),
        sla_availability=Interval.from_dict(doc["sla_availability"]),
        downtime_min_per_year=Interval.from_dict(doc["downtime_min_per_year"]),
        sla_downtime_min_per_year=Interval.from_dict(sla_dt),
        traffic_lost_gbit=Interval.from_dict(doc["traffic_lost_gbit"]),
        sla_target=doc["sla_target"],
        downtime_causes=tuple(
            (c["cause"], c["share"], c["outages"]) for c in doc.get("downtime_causes", [])
        ),
        source=doc.get("source", ""),
        destination=doc.get("destination", ""),
        outlook=_outlook(doc),
        estimator=doc.get("estimator", "plain"),
        traffic_lost_gbit_per_year=_optional(doc.get("traffic_lost_gbit_per_year")),
        over_rtt_share=_optional(doc.get("over_rtt_share")),
    )


@dataclass(frozen=True)
class MonteCarloResult(Frames):
    scenario: str
    seed: int
    replications: int
    demands: tuple[DemandStats, ...]
    partial: bool = False
    reason: str = ""
    precision_target: float | None = None
    precision_reached: bool | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    topology: str = ""
    scenario_input: InputRecord = NO_INPUT
    topology_input: InputRecord = NO_INPUT
    horizon_h: float = 0.0
    # The demands the precision rule looked at (all of them unless --demand narrowed it).
    precision_demands: tuple[str, ...] = ()
    links: tuple[LinkStats, ...] = ()
    # The state the replications started from (its time and file), "" when from everything up.
    as_of: str = ""
    state_path: str = ""
    # The rare-event mode the run used ("auto", "on", "off"); each demand names its estimator.
    rare_events: str = "off"
    # Network totals per replication, then intervals: Gbit lost per year summed over the
    # demands, and the traffic-weighted share of the year over the RTT budget.
    total_traffic_lost_gbit_per_year: Interval | None = None
    total_over_rtt_share: Interval | None = None

    def demand(self, demand_id: str) -> DemandStats:
        for d in self.demands:
            if d.id == demand_id:
                return d
        raise KeyError(demand_id)

    def to_dict(self) -> dict[str, Any]:
        doc: MonteCarloDoc = {
            "schema": MC_SCHEMA,
            "scenario": self.scenario,
            "seed": self.seed,
            "replications": self.replications,
            "partial": self.partial,
            "reason": self.reason,
            "precision_target": self.precision_target,
            "precision_reached": self.precision_reached,
            "precision_demands": list(self.precision_demands),
            "notes": list(self.notes),
            "topology": self.topology,
            "horizon_h": self.horizon_h,
            "scenario_path": self.scenario_input.path,
            "scenario_sha256": self.scenario_input.sha256,
            "topology_path": self.topology_input.path,
            "topology_sha256": self.topology_input.sha256,
            "links": [
                {
                    "id": lk.id,
                    "failures_per_year": round(lk.failures_per_year, 9),
                    "downtime_h_per_year": round(lk.downtime_h_per_year, 9),
                }
                for lk in self.links
            ],
            "rare_events": self.rare_events,
            "totals": None
            if self.total_traffic_lost_gbit_per_year is None or self.total_over_rtt_share is None
            else {
                "traffic_lost_gbit_per_year": self.total_traffic_lost_gbit_per_year.to_dict(),
                "over_rtt_share": self.total_over_rtt_share.to_dict(),
            },
            "demands": [_demand_doc(d) for d in self.demands],
        }
        if self.as_of:
            doc["as_of"], doc["state_path"] = self.as_of, self.state_path
        return dict(doc)

    @classmethod
    def from_dict(cls, data: Any, path: str = "<results>") -> MonteCarloResult:
        """The result a file holds; an InputError names the first field that is wrong."""
        doc = parse(ADAPTER, data, MC_SCHEMA, "Monte Carlo results", path)
        totals = doc.get("totals")
        return cls(
            scenario=doc["scenario"],
            seed=doc["seed"],
            replications=doc["replications"],
            demands=tuple(_demand(d) for d in doc["demands"]),
            partial=doc.get("partial", False),
            reason=doc.get("reason", ""),
            precision_target=doc.get("precision_target"),
            precision_reached=doc.get("precision_reached"),
            notes=tuple(doc.get("notes", [])),
            topology=doc.get("topology", ""),
            scenario_input=InputRecord(doc.get("scenario_path", ""), doc.get("scenario_sha256")),
            topology_input=InputRecord(doc.get("topology_path", ""), doc.get("topology_sha256")),
            horizon_h=doc.get("horizon_h", 0.0),
            precision_demands=tuple(doc.get("precision_demands", [])),
            links=tuple(
                LinkStats(lk["id"], lk["failures_per_year"], lk["downtime_h_per_year"])
                for lk in doc.get("links", [])
            ),
            as_of=doc.get("as_of", ""),
            state_path=doc.get("state_path", ""),
            rare_events=doc.get("rare_events", "off"),
            total_traffic_lost_gbit_per_year=_optional(totals["traffic_lost_gbit_per_year"])
            if totals
            else None,
            total_over_rtt_share=_optional(totals["over_rtt_share"]) if totals else None,
        )


def montecarlo_schema() -> dict[str, Any]:
    return json_schema(ADAPTER, MC_SCHEMA, "montecarlo.result", "silkroad-twin Monte Carlo results")
