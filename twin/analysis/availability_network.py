"""The random network behind analytic availability: links with their own availability, and the
shared components (failing nodes, SRLGs with a failure class) that take several links down.

A node's failure is a component guarding every link at the node: the node is then cut off,
which is what its failure means to a demand through it or to it. An SRLG is a component guarding
its member links. Parts that cannot matter are dropped before any diagram is built: trees
hanging off the network without a demand end in them, and connected parts without one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from twin.analysis.frontier_plan import PlanEdge
from twin.model import Topology
from twin.routing import build_graph


@dataclass(frozen=True)
class Network:
    vertices: tuple[str, ...]
    edges: tuple[PlanEdge, ...]
    component_p_up: tuple[float, ...]
    component_ids: tuple[str, ...]

    @property
    def random_components(self) -> int:
        """Independent random elements: links that can fail plus shared components in use."""
        used = {c for e in self.edges for c in e.components}
        return sum(e.p_up < 1.0 for e in self.edges) + len(used)

    def has_edges_at(self, vertex: str) -> bool:
        return any(vertex in (e.u, e.v) for e in self.edges)


def _shared(topology: Topology, links: dict[str, tuple[str, str]]) -> list[tuple[str, float]]:
    shared: list[tuple[str, float]] = []
    for sid in sorted(topology.srlgs):
        srlg = topology.srlgs[sid]
        members = [lid for lid in links if sid in topology.links[lid].srlgs]
        if srlg.failure_class is None or not members:
            continue
        fc = topology.failure_classes[srlg.failure_class]
        length = max(topology.links[m].length_km for m in members)
        shared.append((f"srlg:{sid}", fc.availability(length)))
    for nid in sorted(topology.nodes):
        node = topology.nodes[nid]
        if node.failure_class is not None:
            fc = topology.failure_classes[node.failure_class]
            shared.append((f"node:{nid}", fc.availability(0.0)))
    return [(cid, p) for cid, p in shared if p < 1.0]


def build_network(topology: Topology, include_planned: bool, terminals: Iterable[str]) -> Network:
    """Links in service (and planned ones if asked) with their components, pruned to what can
    matter to a demand between `terminals`."""
    graph = build_graph(topology, include_planned)
    links = {key: (u, v) for u, v, key in graph.edges(keys=True)}
    shared = _shared(topology, links)
    index = {cid: i for i, (cid, _) in enumerate(shared)}
    edges = []
    for lid in sorted(links):
        link = topology.links[lid]
        u, v = links[lid]
        guards = [index[f"srlg:{s}"] for s in link.srlgs if f"srlg:{s}" in index]
        guards += [index[f"node:{n}"] for n in dict.fromkeys((u, v)) if f"node:{n}" in index]
        p = topology.failure_classes[link.failure_class].availability(link.length_km)
        edges.append(PlanEdge(u, v, p, tuple(sorted(set(guards)))))
    kept = _prune(edges, set(terminals))
    return Network(
        tuple(sorted(topology.nodes)),
        tuple(kept),
        tuple(p for _, p in shared),
        tuple(cid for cid, _ in shared),
    )


def _prune(edges: list[PlanEdge], terminals: set[str]) -> list[PlanEdge]:
    """Drop self-loops, hanging trees without a terminal and parts without a terminal
    (iteratively: peel degree-one vertices with a work list)."""
    edges = [e for e in edges if e.u != e.v]
    incident: dict[str, list[int]] = {}
    for i, e in enumerate(edges):
        incident.setdefault(e.u, []).append(i)
        incident.setdefault(e.v, []).append(i)
    alive = [True] * len(edges)
    degree = {v: len(ix) for v, ix in incident.items()}
    work = [v for v, d in degree.items() if d == 1 and v not in terminals]
    while work:
        x = work.pop()
        for i in incident[x]:
            if alive[i]:
                alive[i] = False
                for y in (edges[i].u, edges[i].v):
                    degree[y] -= 1
                    if degree[y] == 1 and y not in terminals:
                        work.append(y)
    graph = nx.Graph()
    graph.add_edges_from((e.u, e.v) for i, e in enumerate(edges) if alive[i])
    useful: set[str] = set()
    for part in nx.connected_components(graph):
        if part & terminals:
            useful |= part
    return [e for i, e in enumerate(edges) if alive[i] and e.u in useful]
