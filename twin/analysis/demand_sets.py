"""Which demands to ask about when the user names none, and parsing `A:B` on the command line.

The standard set is the corridor's reference city pairs (Frankfurt to Baku, Almaty, Urumqi and
Hong Kong; Baku to Almaty): the pairs the fact sheet models and that a resilience team reports
on. Pairs whose ends a topology lacks are skipped, so the same default works on every variant.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from twin.errors import InputError, Problem
from twin.model import Demand, Topology

STANDARD_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("fra-baku", "frankfurt", "baku"),
    ("fra-ala", "frankfurt", "almaty"),
    ("fra-urc", "frankfurt", "urumqi"),
    ("fra-hkg", "frankfurt", "hong-kong"),
    ("baku-ala", "baku", "almaty"),
)


def default_demands(*topologies: Topology) -> list[Demand]:
    """The standard pairs present in every given topology."""
    return [
        Demand(demand_id, source, destination)
        for demand_id, source, destination in STANDARD_PAIRS
        if all(source in t.nodes and destination in t.nodes for t in topologies)
    ]


def _check_node(node_id: str, topology: Topology, spec: str) -> Problem | None:
    if node_id in topology.nodes:
        return None
    close = difflib.get_close_matches(node_id, list(topology.nodes), n=1)
    hint = f"did you mean '{close[0]}'?" if close else "node ids are listed by `twin validate`"
    return Problem("--demand", 0, 0, f"unknown node '{node_id}' in demand '{spec}'", hint)


def parse_demand_specs(specs: Iterable[str], topology: Topology) -> list[Demand]:
    """`frankfurt:almaty` → a Demand with id `frankfurt-almaty`; every bad spec reported."""
    demands: list[Demand] = []
    problems: list[Problem] = []
    for spec in specs:
        parts = spec.split(":")
        if len(parts) != 2 or not all(parts):
            problems.append(
                Problem("--demand", 0, 0, f"cannot read demand '{spec}'", "write SOURCE:DEST")
            )
            continue
        found = [p for p in (_check_node(n, topology, spec) for n in parts) if p is not None]
        if found:
            problems.extend(found)
            continue
        demands.append(Demand(f"{parts[0]}-{parts[1]}", parts[0], parts[1]))
    if problems:
        raise InputError(problems)
    return demands


def ensure_known(demands: Sequence[Demand], topology: Topology) -> None:
    problems = [
        p
        for d in demands
        for p in (
            _check_node(d.source, topology, d.id),
            _check_node(d.destination, topology, d.id),
        )
        if p is not None
    ]
    if problems:
        raise InputError(problems)


_ROLE_WEIGHT = {"ixp": 3.0, "datacenter": 3.0, "pop": 2.0, "landing": 1.0, "border": 1.0}


def gravity_demands(topology: Topology, total_gbps: float) -> list[Demand]:
    """Demand i->j proportional to w_i * w_j / d_ij (role weights), scaled to `total_gbps`.

    Weights stand in for populations when a topology carries none; distance damps far pairs.
    """
    from twin.geo import geodesic_km

    nodes = sorted(topology.nodes.values(), key=lambda n: n.id)
    raw: list[tuple[str, str, float]] = []
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            distance = max(1.0, geodesic_km(a.lat, a.lon, b.lat, b.lon))
            weight = _ROLE_WEIGHT.get(a.role, 1.0) * _ROLE_WEIGHT.get(b.role, 1.0) / distance
            raw.append((a.id, b.id, weight))
    total = sum(w for _, _, w in raw)
    if total <= 0:
        return []
    return [Demand(f"{a}--{b}", a, b, total_gbps * w / total) for a, b, w in raw]


def load_demands_file(path: object, topology: Topology) -> list[Demand]:
    """A YAML file with a `demands:` list (entries as in scenarios), checked like one."""
    from pathlib import Path

    from twin.loading.schema import DemandSpec
    from twin.loading.yaml_marks import MList, load_yaml_with_marks

    file_path = Path(str(path))
    data = load_yaml_with_marks(file_path)
    items = data.get("demands")
    mark = data.mark_of("demands")
    if not isinstance(items, MList):
        raise InputError(Problem(str(file_path), mark.line, mark.col, "expected a 'demands:' list"))
    demands: list[Demand] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        m = items.mark_of(index)
        try:
            spec = DemandSpec.model_validate(item)
        except ValueError as exc:
            problems.append(Problem(m.path, m.line, m.col, f"bad demand: {exc}".splitlines()[0]))
            continue
        demand = Demand(
            spec.id or f"{spec.source}-{spec.destination}",
            spec.source,
            spec.destination,
            spec.gbps,
            spec.priority,
        )
        for node_id in (spec.source, spec.destination):
            if node_id not in topology.nodes:
                close = difflib.get_close_matches(node_id, list(topology.nodes), n=1)
                problems.append(
                    Problem(
                        m.path,
                        m.line,
                        m.col,
                        f"unknown node '{node_id}' in demand",
                        f"did you mean '{close[0]}'?" if close else "",
                    )
                )
        demands.append(demand)
    if problems:
        raise InputError(problems)
    return demands
