"""Static path questions per demand: best path, physical floor, disjoint paths, SPOFs.

- The *physical floor* is the round trip at fibre speed along the WGS84 geodesic between the two
  ends; every real path is longer, and the *stretch* (RTT / floor) says by how much.
- *Link-disjoint paths*: the maximum number is a max-flow value (Menger); a minimum-total-delay
  set of that many paths comes from a min-cost flow in which every fibre link (parallel links
  included) carries at most one path.
- *SRLG-disjoint paths*: successive shortest paths, each removing every link that shares a risk
  group with the links used. Finding the maximum is NP-hard in general, so the count is a lower
  bound.
- *Single points of failure*: a link, node or SRLG whose loss disconnects the demand. Any such
  element lies on every path, so only the elements of the best path need testing.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from twin.geo import floor_rtt_ms
from twin.model import Demand, Topology
from twin.results.analysis import DemandPaths, PathAnalysis, PathInfo
from twin.routing import Path, Router, expand_srlgs

_US_PER_MS = 1000


def _path_info(path: Path) -> PathInfo:
    return PathInfo(path.nodes, path.links, path.length_km, path.rtt_ms, path.fibre_rtt_ms)


def link_disjoint_paths(router: Router, source: str, destination: str) -> list[Path]:
    """A maximum set of link-disjoint paths with minimum total delay (min-cost max-flow)."""
    graph = nx.DiGraph()
    node_delay_us = {
        n: round(router.topology.nodes[n].equipment_delay_ms * _US_PER_MS) for n in router.graph
    }
    for u, v, key, data in router.graph.edges(keys=True, data=True):
        link = data["link"]
        inside, outside = ("in", key), ("out", key)
        graph.add_edge(inside, outside, capacity=1, weight=round(link.delay_ms * _US_PER_MS))
        for end in (u, v):
            graph.add_edge(end, inside, capacity=1, weight=0)
            graph.add_edge(outside, end, capacity=1, weight=node_delay_us[end])
    if source not in graph or destination not in graph or source == destination:
        return []
    flow = nx.max_flow_min_cost(graph, source, destination)
    paths: list[Path] = []
    while True:
        # Walk one unit of flow; ("out", link id) says which of parallel links it took.
        nodes = [source]
        links: list[str] = []
        current: Any = source
        guard = 0
        while current != destination and guard < 4 * graph.number_of_nodes():
            guard += 1
            nxt = next((w for w, f in flow[current].items() if f > 0), None)
            if nxt is None:
                break
            flow[current][nxt] -= 1
            current = nxt
            if isinstance(current, str):
                nodes.append(current)
            elif current[0] == "out":
                links.append(current[1])
        if current != destination:
            break
        # Remove accidental revisits (a flow may pass a node twice); keep a simple path.
        simple: list[str] = []
        simple_links: list[str] = []
        for i, n in enumerate(nodes):
            if n in simple:
                cut = simple.index(n)
                simple, simple_links = simple[: cut + 1], simple_links[:cut]
            else:
                if i > 0:
                    simple_links.append(links[i - 1])
                simple.append(n)
        paths.append(router.path_over(simple, simple_links))
    return sorted(paths, key=lambda p: (p.rtt_ms, p.links))


def srlg_disjoint_paths(router: Router, source: str, destination: str) -> list[Path]:
    """Greedy SRLG-disjoint paths, shortest first (a lower bound on how many exist).

    Each round removes the links of the path found, so the loop ends, except for a path with
    no links (source == destination), which would be found again forever: that ends it too.
    """
    topology = router.topology
    removed: set[str] = set()
    paths: list[Path] = []
    while True:
        path = router.shortest_path(source, destination, frozenset(removed))
        if path is None or not path.links:
            return paths
        paths.append(path)
        groups = {g for lid in path.links for g in topology.links[lid].srlgs}
        removed.update(path.links)
        removed.update(lid for lid, link in topology.links.items() if groups & set(link.srlgs))


def single_points_of_failure(
    router: Router, best: Path, source: str, destination: str
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(links, nodes, SRLGs) whose loss alone disconnects source from destination."""
    topology = router.topology

    def breaks(state: frozenset[str]) -> bool:
        return router.shortest_path(source, destination, state) is None

    links = tuple(sorted(lid for lid in best.links if breaks(frozenset({lid}))))
    nodes = tuple(sorted(n for n in best.nodes[1:-1] if breaks(frozenset({n}))))
    groups = sorted({g for lid in best.links for g in topology.links[lid].srlgs})
    srlgs = tuple(g for g in groups if breaks(expand_srlgs(topology, [g])))
    return links, nodes, srlgs


def analyse_demand(router: Router, demand: Demand) -> DemandPaths:
    topology = router.topology
    a, b = topology.nodes[demand.source], topology.nodes[demand.destination]
    floor = floor_rtt_ms(a.lat, a.lon, b.lat, b.lon)
    best = router.shortest_path(demand.source, demand.destination)
    if best is None:
        return DemandPaths(
            demand.id, demand.source, demand.destination, None, floor, None, (), (), (), (), ()
        )
    spof_links, spof_nodes, spof_srlgs = single_points_of_failure(
        router, best, demand.source, demand.destination
    )
    return DemandPaths(
        demand_id=demand.id,
        source=demand.source,
        destination=demand.destination,
        best=_path_info(best),
        floor_rtt_ms=floor,
        # Physics: how much longer than the geodesic the fibre path is (calibration aside).
        stretch=best.fibre_rtt_ms / floor if floor > 0 else None,
        link_disjoint=tuple(
            _path_info(p) for p in link_disjoint_paths(router, demand.source, demand.destination)
        ),
        srlg_disjoint=tuple(
            _path_info(p) for p in srlg_disjoint_paths(router, demand.source, demand.destination)
        ),
        spof_links=spof_links,
        spof_nodes=spof_nodes,
        spof_srlgs=spof_srlgs,
    )


def analyze(
    topology: Topology, demands: list[Demand], *, include_planned: bool = False
) -> PathAnalysis:
    """Paths, floors, disjointness and SPOFs for each demand (what `twin analyze` prints)."""
    router = Router(topology, include_planned=include_planned)
    return PathAnalysis(
        topology.name,
        topology.source_path,
        include_planned,
        tuple(analyse_demand(router, d) for d in demands),
    )
