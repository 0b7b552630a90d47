"""ECMP routing units of a contingency analysis: every demand toward one destination at once.

ECMP loads add up linearly, so all the demands toward one destination are routed in one pass
down its shortest-path DAG. A failure re-routes only the destinations whose base traffic
crossed a failed element (the analysis picks them). For each, after link failures, the DAG is
repaired from the base DAG rather than searched (hop metric: `twin.ecmp.repaired`; otherwise
`without_links`, when every node keeps an equal-cost next hop), its loads go straight into the
failure's, and with the hop metric only the sources upstream of a changed node get a new RTT
(`twin.analysis.ecmp_delta`): the others, and their demands, are left as they were.

Everything here runs on `twin.ecmp`'s integer indices: on SNDlib ta2 (1,614 demands, 108 links)
N-1 builds over two thousand DAGs and flows, and string tuple keys were most of their cost. A
unit's new loads leave as lists in the numbering of the analysis' load book
(`twin.analysis.link_loads`). The arithmetic is the same, in the same order, as routing each
destination afresh, so results are the same to the last bit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import compress
from operator import ne
from typing import NamedTuple

from twin.analysis.ecmp_delta import BaseDelays, changed_rtts
from twin.ecmp import (
    DestinationDag,
    DestinationFlows,
    DirectedLink,
    EcmpGraph,
    add_loads,
    demand_flows,
    destination_dag,
    repaired,
    without_links,
)
from twin.model import Demand
from twin.routing import FailureState, Router

_INF = float("inf")


class UnitRtts(NamedTuple):
    """What a failure leaves the demands of a unit, by `EcmpUnits.key`: RTT (None: no path)
    and fibre RTT (with a path). An ECMP unit lists the sources whose RTT may have changed,
    every other source keeps its base RTT; one path per demand, its demand.
    (A named tuple: N-1 makes one per rerouted destination, thousands.)"""

    rtt_ms: Mapping[int, float | None]
    fibre_rtt_ms: Mapping[int, float]


class EcmpUnits:
    """The destinations of an analysis' demands, their base DAGs and flows, and re-routing."""

    def __init__(self, router: Router, demands: Sequence[Demand], units: Mapping[str, list[int]]):
        self.graph = graph = EcmpGraph(router)
        self.destination = {unit: graph.index[unit] for unit in units}
        # Per unit: Gbit/s offered per source (summed in demand order) and (demand, source).
        self.offered: dict[str, dict[int, float]] = {}
        self.members: dict[str, list[tuple[int, int]]] = {}
        self._source: dict[int, int] = {}
        for unit, indices in units.items():
            offered: dict[int, float] = {}
            members = []
            for i in indices:
                source = graph.index[demands[i].source]
                offered[source] = offered.get(source, 0.0) + demands[i].gbps
                members.append((i, source))
                self._source[i] = source
            self.offered[unit], self.members[unit] = offered, members
        self.base_dags: dict[str, DestinationDag | None] = {}
        self.base_flows: dict[str, DestinationFlows | None] = {}
        self._base: dict[str, BaseDelays] = {}  # units with a DAG and some traffic on it
        # Units with base traffic: their (directed link, Gbit/s) pairs.
        self._base_pairs: dict[str, list[tuple[int, float]]] = {}
        self._book_index: list[int] = []
        self._same_numbering = False
        self._base_loads: list[float] = []

    def key(self, demand: int) -> int:
        """Where a demand's RTT is in a `UnitRtts`: its source (the same for all its demands)."""
        return self._source[demand]

    def route(
        self, unit: str, state: FailureState
    ) -> tuple[Mapping[DirectedLink, float], dict[int, float | None], dict[int, float]]:
        """One unit's loads and, per demand, RTT (None: no path) and fibre RTT (if a path) in
        `state`; the intact state's are kept as the base."""
        failed_nodes, failed_links = self.graph.failed(state)
        dag, flows, rtts = self._route(unit, failed_nodes, failed_links)
        if not state:
            self.base_dags[unit], self.base_flows[unit] = dag, flows
            if flows is not None:  # as `reroute` takes them off: pairs in one list
                self._base_pairs[unit] = list(zip(flows.links, flows.gbps, strict=True))
            if dag is not None and flows is not None and self.graph.hop_metric:
                self._base[unit] = BaseDelays.of(dag, flows)
        directed = self.graph.directed
        loads = {}
        if flows is not None:
            loads = {directed[j]: load for j, load in zip(flows.links, flows.gbps, strict=True)}
        members = self.members[unit]
        return (
            loads,
            {i: rtts.rtt_ms.get(s) for i, s in members},
            {i: rtts.fibre_rtt_ms[s] for i, s in members if s in rtts.fibre_rtt_ms},
        )

    def use_book(self, index: Mapping[DirectedLink, int], base_loads: Sequence[float]) -> None:
        """Number directed links as the analysis' load book does (`LoadBook.index`), whose
        base loads (`LoadBook.base`) a failure's changes start from."""
        self._book_index = [index[link] for link in self.graph.directed]
        self._base_loads = [base_loads[i] for i in self._book_index]
        # Both number directed links in (from, to, link id) order, so the numbers agree
        # whenever both have the same links, and the changes need no renumbering.
        self._same_numbering = self._book_index == list(range(len(self._book_index)))

    def reroute(
        self, ordered: Sequence[str], state: FailureState
    ) -> tuple[list[int], list[float], dict[str, UnitRtts]]:
        """Re-route `ordered` units in `state`: the directed links whose load changes (sorted
        book indices) and their loads, as `LoadBook.after` gives them (base minus the units'
        base loads plus their new ones, in unit order: the same floats) but for the links
        whose load is the base's float again, and each unit's RTTs.
        Done on lists: a few dozen destinations per failure on a small graph cost less in
        Python than in NumPy calls, and an ECMP run never imports NumPy."""
        failed_nodes, failed_links = self.graph.failed(state)
        base = self._base_loads
        loads = base.copy()
        for unit in ordered:
            for j, load in self._base_pairs.get(unit, ()):
                loads[j] -= load
        rtts: dict[str, UnitRtts] = {}
        for unit in ordered:
            rtts[unit] = self._rerouted(unit, failed_nodes, failed_links, loads)
        # The links whose load is not the base's float, found by one comparison of the lists
        # in C rather than by noting every link touched (and sorting them): a link that came
        # back to the same float is left out, the summary reads its base load, the same
        # number (on germany50, half of the links a failure touches).
        changed = list(compress(range(len(loads)), map(ne, loads, base)))
        if self._same_numbering:
            return changed, [loads[j] for j in changed], rtts
        index = self._book_index
        pairs = sorted((index[j], loads[j]) for j in changed)
        return [i for i, _ in pairs], [v for _, v in pairs], rtts

    def _rerouted(
        self,
        unit: str,
        failed_nodes: frozenset[int],
        failed_links: frozenset[int],
        loads: list[float],
    ) -> UnitRtts:
        """Add a unit's loads in a failure state to `loads` (by directed link); return the
        RTTs of its sources that may differ from the base's."""
        graph = self.graph
        base = self._base.get(unit)
        if base is not None and graph.hop_metric and failed_links and not failed_nodes:
            dag, changed = repaired(graph, base.dag, failed_links)
            sources = self.offered[unit]
            add_loads(dag, sources, loads)
            return UnitRtts(*changed_rtts(graph, base, dag, changed, sources))
        _, flows, rtts = self._route(unit, failed_nodes, failed_links)
        every = {s: rtts.rtt_ms.get(s) for s in self.offered[unit]}
        if flows is None:
            return UnitRtts(every, {})
        for j, load in zip(flows.links, flows.gbps, strict=True):
            loads[j] += load
        return UnitRtts(every, rtts.fibre_rtt_ms)

    def _route(
        self, unit: str, failed_nodes: frozenset[int], failed_links: frozenset[int]
    ) -> tuple[DestinationDag | None, DestinationFlows | None, UnitRtts]:
        graph = self.graph
        destination = self.destination[unit]
        dag = None
        base_dag = self.base_dags.get(unit)
        if base_dag is not None and failed_links and not failed_nodes and not graph.hop_metric:
            dag = without_links(graph, base_dag, failed_links)
        if dag is None:
            dag = destination_dag(graph, destination, failed_nodes, failed_links)
        if dag is not None:
            distance = dag.distance
            offered = {
                s: gbps
                for s, gbps in self.offered[unit].items()
                if distance[s] < _INF and s not in failed_nodes
            }
            if offered:
                # The intact state's worst delays of every node start a hop-metric failure's.
                base = graph.hop_metric and not failed_nodes and not failed_links
                flows = demand_flows(graph, dag, offered, every_node=base)
                return dag, flows, UnitRtts(flows.rtt_ms, flows.fibre_rtt_ms)
        return dag, None, UnitRtts({}, {})
