"""The ranking results: minutes of SLA downtime a year each element or upgrade would save.

Written by `twin rank` (`twin.ranking`), rendered by `twin.report.terminal_rank` and
`twin.report.html_rank`. Every figure is an interval with the method that produced it: an exact
analytic figure has low = high, certified analytic bounds bracket it, a simulated one is a 95 %
paired (common random numbers) Student t interval. `demand` None is the traffic-weighted total:
the demands' figures weighted by their share of the offered Gbit/s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from typing_extensions import TypedDict

from twin.results.document import Adapter, finite, json_schema, parse
from twin.results.frames import Frames

RANK_SCHEMA = "silkroad-twin/rank/1"
UPGRADES_SCHEMA = "silkroad-twin/upgrades/1"

ElementKind = Literal["link", "node", "srlg", "failure-class", "repair-resource"]
MeasureKind = Literal["never-fails", "repair-halved", "plus-one-unit"]
MEASURE_TEXT: dict[str, str] = {
    "never-fails": "never fails",
    "repair-halved": "repair time halved",
    "plus-one-unit": "one more unit",
}
TOTAL = "total"  # how the traffic-weighted total is named in tables (JSON: demand null)


@dataclass(frozen=True)
class Saved:
    """Minutes of SLA downtime a year saved, with its interval and how it was computed."""

    value: float
    low: float
    high: float
    method: str

    @property
    def exact(self) -> bool:
        return self.low == self.high


class SavedDoc(TypedDict):
    saved_min_per_year: float | None
    low: float | None
    high: float | None
    method: str


def _saved_doc(s: Saved) -> SavedDoc:
    return {
        "saved_min_per_year": finite(s.value),
        "low": finite(s.low),
        "high": finite(s.high),
        "method": s.method,
    }


def _saved(doc: SavedDoc) -> Saved:
    nan = float("nan")
    value, low, high = doc["saved_min_per_year"], doc["low"], doc["high"]
    return Saved(
        nan if value is None else value,
        -float("inf") if low is None else low,
        float("inf") if high is None else high,
        doc["method"],
    )


@dataclass(frozen=True)
class ImportanceEntry:
    element: str
    kind: ElementKind
    measure: MeasureKind
    demand: str | None  # None: the traffic-weighted total
    saved: Saved


class ImportanceDoc(SavedDoc):
    element: str
    kind: ElementKind
    measure: MeasureKind
    demand: str | None


class DemandWeightDoc(TypedDict):
    id: str
    gbps: float
    weight: float
    downtime_min_per_year: float | None
    method: str


@dataclass(frozen=True)
class DemandBase:
    """A demand as ranked: its traffic share in the total and its downtime before any change."""

    id: str
    gbps: float
    weight: float
    downtime_min_per_year: float
    method: str


class RankDoc(TypedDict):
    """The `twin rank --json` file (importance ranking)."""

    schema: str
    scenario: str
    topology: str
    demands: list[DemandWeightDoc]
    entries: list[ImportanceDoc]
    replications: int
    seed: int
    notes: list[str]
    partial: bool


RANK_ADAPTER: Adapter[RankDoc] = Adapter(RankDoc)


def _demand_doc(d: DemandBase) -> DemandWeightDoc:
    return {
        "id": d.id,
        "gbps": d.gbps,
        "weight": d.weight,
        "downtime_min_per_year": finite(d.downtime_min_per_year),
        "method": d.method,
    }


def _demand(doc: DemandWeightDoc) -> DemandBase:
    down = doc["downtime_min_per_year"]
    return DemandBase(
        doc["id"], doc["gbps"], doc["weight"], float("nan") if down is None else down, doc["method"]
    )


@dataclass(frozen=True)
class RankResult(Frames):
    """Importance of every element for every demand and the total, best first per demand."""

    scenario: str
    topology: str
    demands: tuple[DemandBase, ...]
    entries: tuple[ImportanceEntry, ...]
    replications: int = 0
    seed: int = 0
    notes: tuple[str, ...] = ()
    partial: bool = False

    def ranked(self, demand: str | None = None) -> list[ImportanceEntry]:
        """One demand's (None: the total's) entries, most minutes saved first; ties by the
        upper end, then kind, element and measure, so the order is the same on every run."""
        rows = [e for e in self.entries if e.demand == demand]
        return sorted(
            rows, key=lambda e: (-e.saved.value, -e.saved.high, e.kind, e.element, e.measure)
        )

    def to_dict(self) -> dict[str, Any]:
        entries: list[ImportanceDoc] = [
            {
                "element": e.element,
                "kind": e.kind,
                "measure": e.measure,
                "demand": e.demand,
                **_saved_doc(e.saved),
            }
            for e in self.entries
        ]
        doc: RankDoc = {
            "schema": RANK_SCHEMA,
            "scenario": self.scenario,
            "topology": self.topology,
            "demands": [_demand_doc(d) for d in self.demands],
            "entries": entries,
            "replications": self.replications,
            "seed": self.seed,
            "notes": list(self.notes),
            "partial": self.partial,
        }
        return dict(doc)

    @classmethod
    def from_dict(cls, data: Any, path: str = "<results>") -> RankResult:
        doc = parse(RANK_ADAPTER, data, RANK_SCHEMA, "rank results", path)
        entries = tuple(
            ImportanceEntry(e["element"], e["kind"], e["measure"], e["demand"], _saved(e))
            for e in doc["entries"]
        )
        return cls(
            doc["scenario"],
            doc["topology"],
            tuple(_demand(d) for d in doc["demands"]),
            entries,
            doc["replications"],
            doc["seed"],
            tuple(doc["notes"]),
            doc["partial"],
        )


# --- upgrades --------------------------------------------------------------------------------


class CandidateDoc(TypedDict):
    id: str
    description: str
    cost: float
    estimate: bool
    basis: str
    # Per demand id, and "total" for the traffic-weighted total.
    saved: dict[str, SavedDoc]
    saved_per_cost: float | None


@dataclass(frozen=True)
class CandidateOutcome:
    """One upgrade on its own: minutes saved per demand and in total, and per unit of cost."""

    id: str
    description: str
    cost: float
    estimate: bool
    basis: str
    per_demand: tuple[tuple[str, Saved], ...]
    total: Saved

    @property
    def saved_per_cost(self) -> float:
        """Total minutes a year saved per unit of cost (inf for a free upgrade that saves)."""
        if self.cost > 0:
            return self.total.value / self.cost
        return float("inf") if self.total.value > 0 else 0.0


class PlanDoc(TypedDict):
    rule: Literal["greedy", "exact"]
    candidates: list[str]
    cost: float
    saved: SavedDoc


@dataclass(frozen=True)
class Plan:
    """A set of upgrades within the budget and what it saves together (not the sum of its
    parts: two routes around the same cable overlap)."""

    rule: Literal["greedy", "exact"]
    candidates: tuple[str, ...]
    cost: float
    saved: Saved


class UpgradesDoc(TypedDict):
    """The `twin rank --candidates --json` file (upgrade ranking)."""

    schema: str
    scenario: str
    candidates_file: str
    cost_unit: str
    budget: float | None
    candidates: list[CandidateDoc]
    plans: list[PlanDoc]
    notes: list[str]
    partial: bool


UPGRADES_ADAPTER: Adapter[UpgradesDoc] = Adapter(UpgradesDoc)


@dataclass(frozen=True)
class UpgradeResult(Frames):
    scenario: str
    candidates_file: str
    cost_unit: str
    budget: float | None
    candidates: tuple[CandidateOutcome, ...]
    plans: tuple[Plan, ...]
    notes: tuple[str, ...] = ()
    partial: bool = False

    def ranked(self) -> list[CandidateOutcome]:
        """Best value first: minutes saved per unit of cost, then minutes saved, then id."""
        return sorted(self.candidates, key=lambda c: (-c.saved_per_cost, -c.total.value, c.id))

    def to_dict(self) -> dict[str, Any]:
        candidates: list[CandidateDoc] = [
            {
                "id": c.id,
                "description": c.description,
                "cost": c.cost,
                "estimate": c.estimate,
                "basis": c.basis,
                "saved": {
                    **{d: _saved_doc(s) for d, s in c.per_demand},
                    TOTAL: _saved_doc(c.total),
                },
                "saved_per_cost": finite(c.saved_per_cost),
            }
            for c in self.candidates
        ]
        doc: UpgradesDoc = {
            "schema": UPGRADES_SCHEMA,
            "scenario": self.scenario,
            "candidates_file": self.candidates_file,
            "cost_unit": self.cost_unit,
            "budget": self.budget,
            "candidates": candidates,
            "plans": [
                {
                    "rule": p.rule,
                    "candidates": list(p.candidates),
                    "cost": p.cost,
                    "saved": _saved_doc(p.saved),
                }
                for p in self.plans
            ],
            "notes": list(self.notes),
            "partial": self.partial,
        }
        return dict(doc)

    @classmethod
    def from_dict(cls, data: Any, path: str = "<results>") -> UpgradeResult:
        doc = parse(UPGRADES_ADAPTER, data, UPGRADES_SCHEMA, "upgrade results", path)
        candidates = tuple(
            CandidateOutcome(
                c["id"],
                c["description"],
                c["cost"],
                c["estimate"],
                c["basis"],
                tuple((d, _saved(s)) for d, s in c["saved"].items() if d != TOTAL),
                _saved(c["saved"][TOTAL]),
            )
            for c in doc["candidates"]
        )
        plans = tuple(
            Plan(p["rule"], tuple(p["candidates"]), p["cost"], _saved(p["saved"]))
            for p in doc["plans"]
        )
        return cls(
            doc["scenario"],
            doc["candidates_file"],
            doc["cost_unit"],
            doc["budget"],
            candidates,
            plans,
            tuple(doc["notes"]),
            doc["partial"],
        )


def rank_schema() -> dict[str, Any]:
    return json_schema(RANK_ADAPTER, RANK_SCHEMA, "rank.result", "silkroad-twin importance ranking")


def upgrades_schema() -> dict[str, Any]:
    return json_schema(
        UPGRADES_ADAPTER, UPGRADES_SCHEMA, "upgrades.result", "silkroad-twin upgrade ranking"
    )
