"""Demands files → `twin.model.Demand`s, and the demand entries a scenario shares with them.

A demands file is one `demands:` list whose entries are exactly a scenario's demands, so the
entry rules live here once and `twin.loading.scenario` builds on them. Kept apart from the
scenario loader so that a command reading a topology and a demands file (`twin contingency
--demands`) imports neither the scenario's models nor its calendar and observation rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from twin.errors import InputError, Problem
from twin.loading.errors import problems_from_validation
from twin.loading.references import demand_reference_problems
from twin.loading.salvage import distinct
from twin.loading.schema import DemandSpec, Strict
from twin.loading.yaml_marks import Mark, MDict, MList, load_yaml_with_marks
from twin.model import DEFAULT_SWITCHOVER_MS, Demand, Failover, Sla, Topology
from twin.units import UnitError, hours_to_ms, parse_duration_h


class DemandsFile(Strict):
    """A demands file: one `demands:` list whose entries are exactly a scenario's demands."""

    demands: list[DemandSpec]


def load_demands(path: str | Path, topology: Topology | None = None) -> tuple[Demand, ...]:
    """Load a demands file (`demands:` entries as in a scenario, SLA and priority included).

    Every problem is reported at its FILE:LINE:COL: schema faults, a demand that starts where
    it ends, duplicate ids and, when `topology` is given, ends that are not its nodes. Without
    a topology (`twin validate` of the file alone) the node references cannot be checked.
    """
    file_path = Path(path)
    raw = load_yaml_with_marks(file_path)
    problems: list[Problem] = []
    if topology is not None:
        problems += demand_reference_problems(raw.get("demands"), topology)
    try:
        spec = DemandsFile.model_validate(raw)
    except ValidationError as exc:
        problems += problems_from_validation(exc, raw, DemandsFile, raw.mark)
        raise InputError(distinct(problems)) from exc
    demands = demands_from_specs(spec.demands, raw.get("demands"), problems)
    if problems:
        raise InputError(distinct(problems))
    return tuple(demands)


def hours_or_problem(value: Any, mark: Mark, what: str, problems: list[Problem]) -> float | None:
    """A duration in hours, or None with the problem recorded at `mark`."""
    try:
        return parse_duration_h(value)
    except UnitError as exc:
        problems.append(mark.problem(f"{what}: {exc}"))
        return None


def mark_at(raw: Any, *keys: Any) -> Mark:
    """The mark of the value at `keys` in a loaded file, or of its nearest written parent."""
    current = raw
    mark: Mark = raw.mark
    for key in keys:
        in_dict = isinstance(current, MDict) and isinstance(key, str) and key in current
        in_list = isinstance(current, MList) and isinstance(key, int) and key < len(current)
        if not (in_dict or in_list):
            break
        mark = current.mark_of(key)
        current = current[key]
    return mark


def failover_from_spec(spec: Any, mark: Mark, problems: list[Problem]) -> Failover | None:
    """A demand's (or a scenario's default) failover; None with the problem recorded."""
    detection_h = hours_or_problem(spec.detection, mark, "failover detection", problems)
    switchover_ms = DEFAULT_SWITCHOVER_MS[spec.mechanism]
    if spec.switchover is not None:
        switch_h = hours_or_problem(spec.switchover, mark, "failover switchover", problems)
        if switch_h is None:
            return None
        switchover_ms = hours_to_ms(switch_h)
    if detection_h is None:
        return None
    return Failover(spec.mechanism, hours_to_ms(detection_h), switchover_ms)


def demands_from_specs(specs: Sequence[Any], items: Any, problems: list[Problem]) -> list[Demand]:
    """Demands from their schema entries, for a scenario and a demands file alike.

    `items` is the raw `demands:` list (its marks locate each problem). Checks that a demand
    has two different ends and a unique id (default SOURCE-DESTINATION); whether its ends are
    nodes of a topology is a reference check (`twin.loading.references`).
    """
    demands: list[Demand] = []
    seen: dict[str, Mark] = {}
    for i, d in enumerate(specs):
        m = mark_at(items, i) if isinstance(items, MList) else mark_at(items)
        demand_id = d.id or f"{d.source}-{d.destination}"
        if d.source == d.destination:
            problems.append(
                m.problem(
                    f"demand {demand_id} starts where it ends ({d.source})",
                    "a demand needs two different nodes; remove it or fix its destination",
                )
            )
        if demand_id in seen:
            problems.append(
                m.problem(
                    f"duplicate demand id '{demand_id}' (first at line {seen[demand_id].line})",
                    "give the demands distinct ids (the default id is SOURCE-DESTINATION)",
                )
            )
        else:
            seen[demand_id] = m
        failover = failover_from_spec(d.failover, m, problems) if d.failover is not None else None
        sla = Sla(d.sla.availability, d.sla.max_rtt_ms)
        demands.append(
            Demand(demand_id, d.source, d.destination, d.gbps, d.priority, sla, failover)
        )
    return demands
