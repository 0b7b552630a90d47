"""Contingency analysis: what every single failure, pair of failures or SRLG does to the demands.

For each failure (N-1: every link, and every node with `include_nodes`; N-2: every pair of
links; srlg: every shared-risk group) it reports which demands lose connectivity, which exceed
their `max_rtt_ms`, the RTT stretch of each rerouted demand, the link utilisations that result
(per direction), the overloaded links and the traffic that finds no path; the failures are
ranked by impact.

It scales because only the demands whose base routing touched a failed element are re-routed:
loads start from the base loads minus the affected demands' base contributions, plus their new
ones. With ECMP, one shortest-path DAG per affected destination is computed per failure state.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from twin.ecmp import DirectedLink, demand_flows, destination_dag
from twin.model import Demand, Topology
from twin.routing import FailureState, Metric, Router, expand_srlgs

CONTINGENCY_SCHEMA = "silkroad-twin/contingency/1"
Mode = Literal["n-1", "n-2", "srlg"]
Routing = Literal["shortest", "ecmp"]


@dataclass(frozen=True)
class _Contribution:
    """What one routing unit puts on the links: a demand (shortest path) or every demand to one
    destination (ECMP, whose loads add up linearly, so a destination is routed in one pass)."""

    loads: Mapping[DirectedLink, float]
    nodes: frozenset[str]
    rtt_ms: Mapping[int, float | None]  # demand index -> RTT (None: unreachable)


@dataclass(frozen=True)
class FailureImpact:
    label: str
    elements: tuple[str, ...]
    disconnected: tuple[str, ...]
    over_rtt: tuple[str, ...]
    stretch: Mapping[str, float]
    max_utilisation: float
    max_utilisation_link: str
    overloaded: tuple[tuple[str, float], ...]
    unrouted_gbps: float
    rerouted: int

    @property
    def impact_key(self) -> tuple[float, int, float]:
        return (self.unrouted_gbps, len(self.disconnected), self.max_utilisation)


@dataclass(frozen=True)
class ContingencyResult:
    topology: str
    mode: str
    routing: str
    metric: str
    demands: int
    base_max_utilisation: float
    base_max_utilisation_link: str
    failures: tuple[FailureImpact, ...]

    def worst(self, n: int = 10) -> list[FailureImpact]:
        return sorted(self.failures, key=lambda f: f.impact_key, reverse=True)[:n]

    @property
    def worst_utilisation(self) -> tuple[float, str, str]:
        """(utilisation, link, failure) of the worst link load over all failures."""
        best = (self.base_max_utilisation, self.base_max_utilisation_link, "no failure")
        for f in self.failures:
            if f.max_utilisation > best[0]:
                best = (f.max_utilisation, f.max_utilisation_link, f.label)
        return best

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["schema"] = CONTINGENCY_SCHEMA
        data["worst"] = [f.label for f in self.worst()]
        return data


def _label(link: DirectedLink) -> str:
    return f"{link[2]} ({link[0]}->{link[1]})"


class _Evaluator:
    def __init__(
        self,
        topology: Topology,
        demands: Sequence[Demand],
        routing: Routing,
        metric: Metric,
        include_planned: bool,
    ) -> None:
        self.topology = topology
        self.demands = list(demands)
        self.routing = routing
        self.router = Router(topology, include_planned=include_planned, metric=metric)
        self.capacity = {lid: link.capacity_gbps for lid, link in topology.links.items()}
        # Routing units: one per demand (shortest) or one per destination (ECMP).
        self.units: dict[str, list[int]] = {}
        for i, d in enumerate(self.demands):
            unit = d.destination if routing == "ecmp" else str(i)
            self.units.setdefault(unit, []).append(i)
        self.base = self._route(list(self.units), frozenset())
        self.base_rtt: dict[int, float | None] = {}
        self.base_loads: dict[DirectedLink, float] = {}
        for c in self.base.values():
            self.base_rtt.update(c.rtt_ms)
            for link, load in c.loads.items():
                self.base_loads[link] = self.base_loads.get(link, 0.0) + load
        # Index: element id -> units whose base routing touches it.
        self.users: dict[str, set[str]] = {}
        for unit, c in self.base.items():
            for _u, _v, lid in c.loads:
                self.users.setdefault(lid, set()).add(unit)
            for node in c.nodes:
                self.users.setdefault(node, set()).add(unit)

    def _route(self, units: Sequence[str], state: FailureState) -> dict[str, _Contribution]:
        out: dict[str, _Contribution] = {}
        for unit in units:
            members = self.units[unit]
            if self.routing == "ecmp":
                out[unit] = self._route_destination(unit, members, state)
            else:
                out[unit] = self._route_single(members[0], state)
        return out

    def _route_destination(
        self, destination: str, members: list[int], state: FailureState
    ) -> _Contribution:
        dag = destination_dag(self.router, destination, state)
        loads: dict[DirectedLink, float] = {}
        rtts: dict[int, float | None] = {}
        by_source: dict[str, float] = {}
        for i in members:
            d = self.demands[i]
            reachable = dag is not None and d.source not in state and d.source in dag.distance
            if reachable:
                by_source[d.source] = by_source.get(d.source, 0.0) + d.gbps
        if dag is not None and by_source:
            flow = demand_flows(self.router, dag, by_source)
            loads = dict(flow.loads)
            for i in members:
                source = self.demands[i].source
                rtts[i] = flow.rtt_ms.get(source) if source in by_source else None
        else:
            rtts = dict.fromkeys(members)
        nodes = frozenset(n for u, v, _ in loads for n in (u, v))
        return _Contribution(loads, nodes, rtts)

    def _route_single(self, i: int, state: FailureState) -> _Contribution:
        d = self.demands[i]
        path = self.router.shortest_path(d.source, d.destination, state)
        if path is None:
            return _Contribution({}, frozenset(), {i: None})
        loads = {
            (u, v, lid): d.gbps
            for u, v, lid in zip(path.nodes, path.nodes[1:], path.links, strict=False)
        }
        return _Contribution(loads, frozenset(path.nodes), {i: path.rtt_ms})

    def utilisation(
        self, loads: Mapping[DirectedLink, float]
    ) -> tuple[float, str, list[tuple[str, float]]]:
        worst, worst_link = 0.0, ""
        overloaded = []
        for key in sorted(loads):
            u = loads[key] / self.capacity[key[2]]
            if u > worst + 1e-12:
                worst, worst_link = u, _label(key)
            if u > 1.0 + 1e-9:
                overloaded.append((_label(key), u))
        return worst, worst_link, overloaded

    def evaluate(self, label: str, elements: tuple[str, ...], state: FailureState) -> FailureImpact:
        affected = {unit for e in elements for unit in self.users.get(e, ())}
        # Demands that start or end at a failed node are lost whatever the routing.
        if any(e in self.topology.nodes for e in elements):
            for unit, members in self.units.items():
                if any(
                    self.demands[i].source in state or self.demands[i].destination in state
                    for i in members
                ):
                    affected.add(unit)
        ordered = sorted(affected)
        loads = dict(self.base_loads)
        for unit in ordered:
            for key, load in self.base[unit].loads.items():
                loads[key] -= load
        new = self._route(ordered, state)
        disconnected, over_rtt = [], []
        stretch: dict[str, float] = {}
        unrouted = 0.0
        rerouted = 0
        for unit in ordered:
            c = new[unit]
            for key, load in c.loads.items():
                loads[key] = loads.get(key, 0.0) + load
            for i in self.units[unit]:
                d = self.demands[i]
                rtt = c.rtt_ms.get(i)
                base_rtt = self.base_rtt.get(i)
                if rtt is None:
                    if base_rtt is not None:
                        disconnected.append(d.id)
                    unrouted += d.gbps
                    continue
                if base_rtt is not None and abs(rtt - base_rtt) > 1e-9:
                    rerouted += 1
                    stretch[d.id] = rtt / base_rtt
                if d.sla.max_rtt_ms is not None and rtt > d.sla.max_rtt_ms:
                    over_rtt.append(d.id)
        loads = {k: v for k, v in loads.items() if v > 1e-9}
        worst, worst_link, overloaded = self.utilisation(loads)
        return FailureImpact(
            label=label,
            elements=elements,
            disconnected=tuple(sorted(disconnected)),
            over_rtt=tuple(sorted(over_rtt)),
            stretch=dict(sorted(stretch.items())),
            max_utilisation=worst,
            max_utilisation_link=worst_link,
            overloaded=tuple(overloaded),
            unrouted_gbps=unrouted,
            rerouted=rerouted,
        )


def _failures(
    router: Router, topology: Topology, mode: Mode, include_nodes: bool
) -> list[tuple[str, tuple[str, ...], FailureState]]:
    links = sorted({key for _, _, key in router.graph.edges(keys=True)})
    out: list[tuple[str, tuple[str, ...], FailureState]] = []
    if mode == "n-1":
        out += [(f"link {lid}", (lid,), frozenset({lid})) for lid in links]
        if include_nodes:
            out += [(f"node {n}", (n,), frozenset({n})) for n in sorted(router.graph.nodes)]
    elif mode == "n-2":
        out += [
            (f"links {a}+{b}", (a, b), frozenset({a, b}))
            for a, b in itertools.combinations(links, 2)
        ]
    else:
        for sid in sorted(topology.srlgs):
            members = tuple(sorted(expand_srlgs(topology, [sid]) & set(links)))
            if members:
                out.append((f"SRLG {sid}", members, frozenset(members)))
    return out


def contingency(
    topology: Topology,
    demands: Sequence[Demand],
    *,
    mode: Mode = "n-1",
    routing: Routing = "shortest",
    metric: Metric = "latency",
    include_nodes: bool = False,
    include_planned: bool = False,
) -> ContingencyResult:
    """Evaluate every failure of `mode`; see the module docstring for what is reported."""
    evaluator = _Evaluator(topology, demands, routing, metric, include_planned)
    base_worst, base_link, _ = evaluator.utilisation(evaluator.base_loads)
    impacts = tuple(
        evaluator.evaluate(label, elements, state)
        for label, elements, state in _failures(evaluator.router, topology, mode, include_nodes)
    )
    return ContingencyResult(
        topology=topology.name,
        mode=mode,
        routing=routing,
        metric=metric,
        demands=len(demands),
        base_max_utilisation=base_worst,
        base_max_utilisation_link=base_link,
        failures=impacts,
    )
