"""What a topology change did: elements added, removed and changed, and what it means per demand.

A reviewer of a pull request that edits `topologies/*.yaml` wants two answers: *what changed in
the file* (a new cable, a longer route, a link moved to another SRLG) and *what it does to the
promises we keep* (best RTT, disjoint paths, single points of failure, analytic availability, the
N-1 worst case). The first is a field-by-field comparison of the resolved models; the second runs
the same per-demand measures on both sides and reports the deltas, flagging regressions against
thresholds so CI can fail on them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from twin.analysis.paths import (
    link_disjoint_paths,
    single_points_of_failure,
    srlg_disjoint_paths,
)
from twin.model import Demand, Topology
from twin.results.diff import (
    DemandDelta,
    DemandMeasures,
    ElementChange,
    ElementKind,
    FieldChange,
    Thresholds,
    TopologyDiff,
)
from twin.routing import Path, Router


def _comparable(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    return value


def _diff_records(
    kind: ElementKind, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[ElementChange]:
    changes: list[ElementChange] = []
    for element_id in sorted(set(before) | set(after)):
        if element_id not in before:
            changes.append(ElementChange(kind, element_id, "added"))
        elif element_id not in after:
            changes.append(ElementChange(kind, element_id, "removed"))
        else:
            old = dataclasses.asdict(before[element_id])
            new = dataclasses.asdict(after[element_id])
            fields = tuple(
                FieldChange(name, old.get(name), new.get(name))
                for name in sorted(set(old) | set(new))
                if _comparable(old.get(name)) != _comparable(new.get(name))
            )
            if fields:
                changes.append(ElementChange(kind, element_id, "changed", fields))
    return changes


def diff_elements(base: Topology, head: Topology) -> tuple[ElementChange, ...]:
    """Nodes, links, SRLGs and failure classes added, removed or changed (field by field)."""
    return tuple(
        _diff_records("node", base.nodes, head.nodes)
        + _diff_records("link", base.links, head.links)
        + _diff_records("srlg", base.srlgs, head.srlgs)
        + _diff_records("failure_class", base.failure_classes, head.failure_classes)
    )


MeasureFn = Callable[[Topology, Demand], DemandMeasures]


def compare_demand(
    demand: Demand, before: DemandMeasures, after: DemandMeasures, thresholds: Thresholds
) -> DemandDelta:
    """Classify each measure's change as a regression or an improvement."""
    worse: list[str] = []
    better: list[str] = []

    def number(
        name: str, old: float | None, new: float | None, tol: float, lower_is_better: bool
    ) -> None:
        if old is None and new is None:
            return
        if old is None:
            better.append(f"{name}: now {new:.6g} (was unreachable)")
            return
        if new is None:
            worse.append(f"{name}: now unreachable (was {old:.6g})")
            return
        delta = (new - old) if lower_is_better else (old - new)
        if delta > tol:
            worse.append(f"{name}: {old:.6g} -> {new:.6g}")
        elif delta < -tol:
            better.append(f"{name}: {old:.6g} -> {new:.6g}")

    number("best RTT ms", before.rtt_ms, after.rtt_ms, thresholds.rtt_ms, True)
    number("availability", before.availability, after.availability, thresholds.availability, False)
    number(
        "N-1 worst RTT ms",
        before.n1_worst_rtt_ms,
        after.n1_worst_rtt_ms,
        thresholds.n1_rtt_ms,
        True,
    )
    for name, old_count, new_count in (
        ("link-disjoint paths", before.link_disjoint_paths, after.link_disjoint_paths),
        ("SRLG-disjoint paths", before.srlg_disjoint_paths, after.srlg_disjoint_paths),
    ):
        if new_count < old_count:
            worse.append(f"{name}: {old_count} -> {new_count}")
        elif new_count > old_count:
            better.append(f"{name}: {old_count} -> {new_count}")
    new_spofs = sorted(set(after.spof_links) - set(before.spof_links)) + sorted(
        set(after.spof_srlgs) - set(before.spof_srlgs)
    )
    gone_spofs = sorted(set(before.spof_links) - set(after.spof_links)) + sorted(
        set(before.spof_srlgs) - set(after.spof_srlgs)
    )
    if new_spofs:
        worse.append("new single points of failure: " + ", ".join(new_spofs))
    if gone_spofs:
        better.append("single points of failure removed: " + ", ".join(gone_spofs))
    return DemandDelta(
        demand.id, demand.source, demand.destination, before, after, tuple(worse), tuple(better)
    )


def diff_topologies(
    base: Topology,
    head: Topology,
    demands: Sequence[Demand],
    measure: MeasureFn,
    *,
    base_label: str,
    head_label: str,
    thresholds: Thresholds | None = None,
) -> TopologyDiff:
    """Element diff plus per-demand deltas; `measure` computes one side's facts for one demand.

    Demands whose ends are missing on either side are compared as unreachable there.
    """
    limits = thresholds or Thresholds()
    deltas = []
    for demand in demands:
        before = measure(base, demand)
        after = measure(head, demand)
        deltas.append(compare_demand(demand, before, after, limits))
    return TopologyDiff(base_label, head_label, diff_elements(base, head), tuple(deltas), limits)


def measure_demand(
    topology: Topology, demand: Demand, *, include_planned: bool = False
) -> DemandMeasures:
    """One side's facts for one demand: the inputs of `compare_demand`."""
    router = Router(topology, include_planned=include_planned)
    if demand.source not in topology.nodes or demand.destination not in topology.nodes:
        return DemandMeasures(None, 0, 0, (), (), None, None, ())
    base = router.shortest_path(demand.source, demand.destination)
    if base is None:
        return DemandMeasures(None, 0, 0, (), (), 0.0, None, ())
    spof_links, _spof_nodes, spof_srlgs = single_points_of_failure(
        router, base, demand.source, demand.destination
    )
    worst: Path | None = None if spof_links else base
    if worst is not None:
        for lid in base.links:  # only failures on the working path move the demand
            path = router.shortest_path(demand.source, demand.destination, frozenset({lid}))
            assert path is not None  # not a SPOF
            if path.rtt_ms > worst.rtt_ms:
                worst = path
    availability: float | None
    try:
        from twin.analysis.availability import demand_availability

        availability = demand_availability(
            topology, demand.source, demand.destination, include_planned=include_planned
        ).lower
    except ImportError:  # pragma: no cover - analytic module is part of the package
        availability = None
    return DemandMeasures(
        rtt_ms=base.rtt_ms,
        link_disjoint_paths=len(link_disjoint_paths(router, demand.source, demand.destination)),
        srlg_disjoint_paths=len(srlg_disjoint_paths(router, demand.source, demand.destination)),
        spof_links=spof_links,
        spof_srlgs=spof_srlgs,
        availability=availability,
        n1_worst_rtt_ms=None if worst is None else worst.rtt_ms,
        n1_disconnecting=spof_links,
        fibre_rtt_ms=base.fibre_rtt_ms,
        n1_worst_fibre_rtt_ms=None if worst is None else worst.fibre_rtt_ms,
    )
