"""Importance of elements from the analytic availability engine: downtime saved if an element
never failed (Birnbaum-type importance) or were repaired in half the time.

Each measure is a change of the model, a topology variant, evaluated by the same engine as
the base (`twin.analysis.availability`): the element's failure rate set to 0, or its repair
time (every kind of repair distribution) scaled by 1/2, which halves the mean time to repair
and so gives the new steady-state unavailability. The saving is the difference of the two
unavailabilities in minutes a year. Where the engine is exact, so is the saving (low = high);
where it gives certified bounds, the saving is bracketed by the difference of the bounds.
Both changes can only lower unavailability (it is monotone in each component's availability),
so a bracket's lower end is clipped at 0.

The variants change only the element: a link's own failure class is copied under a new id
for that link alone, so its class mates keep theirs. Repair resources (queues) are not in the
analytic model; `twin.ranking` values them by simulation.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from twin.analysis.availability import AvailabilityResult, Settings, availability_of_demands
from twin.model import FailureClass, RepairTime, Scenario, Topology
from twin.results.rank import ElementKind, ImportanceEntry, MeasureKind, Saved
from twin.routing import in_service
from twin.units import HOURS_PER_YEAR

MINUTES_PER_YEAR = HOURS_PER_YEAR * 60.0
ANALYTIC_MEASURES: tuple[MeasureKind, ...] = ("never-fails", "repair-halved")
CANNOT_FAIL = "exact: cannot fail in this model (no failure class or rate 0)"


@dataclass(frozen=True)
class Element:
    kind: ElementKind
    id: str


@dataclass(frozen=True)
class Downtime:
    """A demand's unavailability in minutes a year, as an interval (low = high when exact)."""

    low: float
    high: float
    exact: bool

    @classmethod
    def of(cls, result: AvailabilityResult) -> Downtime:
        return cls(
            result.down_lower * MINUTES_PER_YEAR,
            result.down_upper * MINUTES_PER_YEAR,
            result.exact,
        )

    @property
    def value(self) -> float:
        return (self.low + self.high) / 2.0


def scaled_repair(fc: FailureClass, factor: float) -> FailureClass:
    """The class with every repair time multiplied by `factor`: median and p90 together, so a
    lognormal keeps its shape and its mean (MTTR) scales by `factor` exactly."""
    r = fc.repair
    p90 = None if r.p90_h is None else r.p90_h * factor
    return replace(fc, repair=RepairTime(r.kind, r.median_h * factor, p90))


def never_failing(fc: FailureClass) -> FailureClass:
    return replace(fc, rate=0.0)


def _class_of(topology: Topology, element: Element) -> str | None:
    if element.kind == "link":
        return topology.links[element.id].failure_class
    if element.kind == "node":
        return topology.nodes[element.id].failure_class
    if element.kind == "srlg":
        return topology.srlgs[element.id].failure_class
    if element.kind == "failure-class":
        return element.id
    return None


def with_changed_class(
    topology: Topology, element: Element, change: Callable[[FailureClass], FailureClass]
) -> Topology:
    """The topology with `change` applied to the element's failure (a failure class: to every
    element of the class; a link, node or SRLG: to that element alone, through a private copy
    of its class)."""
    class_id = _class_of(topology, element)
    if class_id is None:
        return topology
    classes = dict(topology.failure_classes)
    if element.kind == "failure-class":
        classes[class_id] = change(classes[class_id])
        return replace(topology, failure_classes=classes)
    private = f"{class_id}@{element.kind}:{element.id}"
    classes[private] = replace(change(classes[class_id]), id=private)
    if element.kind == "link":
        links = dict(topology.links)
        links[element.id] = replace(links[element.id], failure_class=private)
        return replace(topology, links=links, failure_classes=classes)
    if element.kind == "node":
        nodes = dict(topology.nodes)
        nodes[element.id] = replace(nodes[element.id], failure_class=private)
        return replace(topology, nodes=nodes, failure_classes=classes)
    srlgs = dict(topology.srlgs)
    srlgs[element.id] = replace(srlgs[element.id], failure_class=private)
    return replace(topology, srlgs=srlgs, failure_classes=classes)


def _can_fail(topology: Topology, element: Element) -> bool:
    class_id = _class_of(topology, element)
    if class_id is None:
        return False
    fc = topology.failure_classes[class_id]
    length_km = topology.links[element.id].length_km if element.kind == "link" else 1000.0
    return fc.failures_per_year(length_km) > 0


def failing_elements(scenario: Scenario) -> list[Element]:
    """Every link in service, node, SRLG and failure class in use, in a fixed order."""
    topology = scenario.topology
    links = sorted(lk.id for lk in in_service(topology, scenario.include_planned))
    used = {topology.links[lid].failure_class for lid in links}
    used |= {n.failure_class for n in topology.nodes.values() if n.failure_class}
    used |= {s.failure_class for s in topology.srlgs.values() if s.failure_class}
    return [
        *(Element("link", lid) for lid in links),
        *(Element("node", nid) for nid in sorted(topology.nodes)),
        *(Element("srlg", sid) for sid in sorted(topology.srlgs)),
        *(Element("failure-class", cid) for cid in sorted(c for c in used if c)),
    ]


def demand_downtimes(topology: Topology, scenario: Scenario, settings: Settings) -> list[Downtime]:
    """Every demand's analytic downtime on `topology`, in the scenario's demand order (one
    shared diagram for all demands when exact)."""
    pairs = [(d.source, d.destination) for d in scenario.demands]
    results = availability_of_demands(
        topology, pairs, include_planned=scenario.include_planned, settings=settings
    )
    return [Downtime.of(r) for r in results]


def method_of(exact: bool) -> str:
    return "exact: analytic steady state" if exact else "bounds: analytic steady state (certified)"


def saved_between(base: Downtime, variant: Downtime) -> Saved:
    """Minutes saved going from `base` to `variant`, bracketed when either is a bound."""
    exact = base.exact and variant.exact
    if exact:
        value = max(0.0, base.low - variant.low)
        return Saved(value, value, value, method_of(True))
    low = max(0.0, base.low - variant.high)
    high = max(0.0, base.high - variant.low)
    return Saved((low + high) / 2.0, low, high, method_of(False))


def weighted_total(saves: Sequence[Saved], weights: Sequence[float]) -> Saved:
    """The traffic-weighted total of per-demand savings (their intervals add the same way)."""
    value = math.fsum(w * s.value for s, w in zip(saves, weights, strict=True))
    low = math.fsum(w * s.low for s, w in zip(saves, weights, strict=True))
    high = math.fsum(w * s.high for s, w in zip(saves, weights, strict=True))
    methods = sorted({s.method for s in saves})
    method = methods[0] if len(methods) == 1 else "; ".join(methods)
    if low == high:
        value = low
    return Saved(value, low, high, method)


def traffic_weights(scenario: Scenario) -> list[float]:
    """Each demand's share of the offered traffic (equal shares when none offers any)."""
    total = math.fsum(d.gbps for d in scenario.demands)
    if total <= 0:
        return [1.0 / len(scenario.demands)] * len(scenario.demands)
    return [d.gbps / total for d in scenario.demands]


def _entries(
    element: Element, measure: MeasureKind, saves: Sequence[Saved], scenario: Scenario
) -> list[ImportanceEntry]:
    rows = [
        ImportanceEntry(element.id, element.kind, measure, d.id, s)
        for d, s in zip(scenario.demands, saves, strict=True)
    ]
    total = weighted_total(saves, traffic_weights(scenario))
    return [*rows, ImportanceEntry(element.id, element.kind, measure, None, total)]


_CHANGES: dict[MeasureKind, Callable[[FailureClass], FailureClass]] = {
    "never-fails": never_failing,
    "repair-halved": lambda fc: scaled_repair(fc, 0.5),
}


def analytic_importance(
    scenario: Scenario,
    base: Sequence[Downtime],
    settings: Settings,
    stop: Callable[[], bool] | None = None,
    tick: Callable[[], None] | None = None,
) -> tuple[list[ImportanceEntry], bool]:
    """Never-fails and repair-halved savings of every element, per demand and in total, and
    whether `stop()` cut the list short (Ctrl-C: the entries so far are kept); `tick()`
    after each element (progress)."""
    entries: list[ImportanceEntry] = []
    zero = Saved(0.0, 0.0, 0.0, CANNOT_FAIL)
    for element in failing_elements(scenario):
        if stop is not None and stop():
            return entries, True
        for measure in ANALYTIC_MEASURES:
            if not _can_fail(scenario.topology, element):
                saves = [zero] * len(scenario.demands)
            else:
                variant = with_changed_class(scenario.topology, element, _CHANGES[measure])
                after = demand_downtimes(variant, scenario, settings)
                saves = [saved_between(b, a) for b, a in zip(base, after, strict=True)]
            entries += _entries(element, measure, saves, scenario)
        if tick is not None:
            tick()
    return entries, False
