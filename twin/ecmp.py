"""Equal-cost multipath routing, as routers do it: per-node equal splits over shortest next hops.

For each destination, a shortest-path DAG toward it is computed once per failure state (one
Dijkstra from the destination: links are symmetric). Traffic entering a node is split equally
over *all* its next-hop links on the DAG — parallel equal-cost links count separately — which is
per-hop hashing, not per-path splitting. Loads are per direction (u -> v over a link), the unit
routers and pyNTM report utilisation in.

This sits beside `twin.routing` (single lowest-cost path, used by the simulator) and shares its
graph and link costs.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from twin.routing import FailureState, Router

DirectedLink = tuple[str, str, str]  # (from node, to node, link id)
_REL_TOL = 1e-9


@dataclass(frozen=True)
class DestinationDag:
    """Shortest-path DAG toward one destination in one failure state."""

    destination: str
    distance: Mapping[str, float]
    next_hops: Mapping[str, tuple[tuple[str, str], ...]]  # node -> ((next node, link id), ...)
    order: tuple[str, ...]  # nodes by decreasing distance (upstream first)


def destination_dag(router: Router, destination: str, state: FailureState) -> DestinationDag | None:
    adjacency = router.adjacency
    if destination in state or destination not in adjacency:
        return None
    dist: dict[str, float] = {destination: 0.0}
    if router.metric == "hops":
        return _hop_dag(adjacency, destination, state)
    heap = [(0.0, destination)]
    done: set[str] = set()
    while heap:
        d, u = heapq.heappop(heap)
        if u in done:
            continue
        done.add(u)
        for v, key, cost in adjacency[u]:
            if v in state or key in state:
                continue
            nd = d + cost
            if nd < dist.get(v, float("inf")) * (1 - _REL_TOL) - 1e-12:
                dist[v] = nd
                heapq.heappush(heap, (nd, v))
    next_hops: dict[str, tuple[tuple[str, str], ...]] = {}
    for u, du in dist.items():
        if u == destination:
            continue
        tolerance = _REL_TOL * max(1.0, du)
        hops = []
        for v, key, cost in adjacency[u]:
            dv = dist.get(v)
            if dv is not None and key not in state and abs(dv + cost - du) <= tolerance:
                hops.append((v, key))
        next_hops[u] = tuple(hops)
    order = tuple(sorted(dist, key=lambda n: (-dist[n], n)))
    return DestinationDag(destination, dist, next_hops, order)


def _hop_dag(
    adjacency: Mapping[str, list[tuple[str, str, float]]], destination: str, state: FailureState
) -> DestinationDag:
    """Unit costs: one breadth-first pass gives distances and next hops together.

    Levels are scanned in node order, so each node's next hops come out in (neighbour, link)
    order, as in the general case.
    """
    dist: dict[str, float] = {destination: 0.0}
    hops: dict[str, list[tuple[str, str]]] = {}
    levels: list[list[str]] = []
    frontier = [destination]
    level = 0.0
    while frontier:
        frontier.sort()
        levels.append(frontier)
        level += 1.0
        nxt = []
        for u in frontier:
            for v, key, _cost in adjacency[u]:
                if key in state or v in state:
                    continue
                dv = dist.get(v)
                if dv is None:
                    dist[v] = level
                    hops[v] = [(u, key)]
                    nxt.append(v)
                elif dv == level:
                    hops[v].append((u, key))
        frontier = nxt
    next_hops = {v: tuple(h) for v, h in hops.items()}
    order = tuple(n for frontier in reversed(levels) for n in frontier)
    return DestinationDag(destination, dist, next_hops, order)


def without_links(dag: DestinationDag, failed: frozenset[str]) -> DestinationDag | None:
    """The DAG once `failed` links are gone, if no node loses its last next hop; else None.

    A node that keeps another equal-cost next hop keeps its distance, and so does every node
    upstream of it: distances, and hence the order, stay as they are, and the DAG is the old
    one minus the failed hops, exactly what a new search would build. An N-1 link failure
    inside a mesh usually takes one of several equal-cost hops, which this answers without
    searching.
    """
    changed: dict[str, tuple[tuple[str, str], ...]] = {}
    for node, hops in dag.next_hops.items():
        if any(key in failed for _, key in hops):
            kept = tuple(hop for hop in hops if hop[1] not in failed)
            if not kept:
                return None
            changed[node] = kept
    if not changed:
        return dag
    next_hops = dict(dag.next_hops)
    next_hops.update(changed)
    return DestinationDag(dag.destination, dag.distance, next_hops, dag.order)


@dataclass(frozen=True)
class EcmpFlow:
    """What one demand puts on each directed link, and its worst-path latency."""

    loads: Mapping[DirectedLink, float]
    rtt_ms: float | None  # worst RTT over the equal-cost paths; None when unreachable


@dataclass(frozen=True)
class DestinationFlows:
    """All traffic toward one destination: loads (linear in the demands) and worst RTTs."""

    loads: Mapping[DirectedLink, float]
    rtt_ms: Mapping[str, float]  # source -> worst RTT over its equal-cost paths (as reported)
    # source -> the same paths' fibre RTT (equal to rtt_ms without a latency_calibration)
    fibre_rtt_ms: Mapping[str, float] = field(default_factory=dict)


def demand_flows(
    router: Router, dag: DestinationDag, offered: Mapping[str, float]
) -> DestinationFlows:
    """Propagate every source's Gbit/s down the DAG in one pass (loads add up linearly)."""
    inflow: dict[str, float] = {s: g for s, g in offered.items() if s in dag.distance}
    loads: dict[DirectedLink, float] = {}
    destination = dag.destination
    next_hops = dag.next_hops
    # Nodes on some source's paths (the only ones whose worst latency is needed), upstream first.
    on_paths: list[str] = []
    for u in dag.order:
        if u not in inflow or u == destination:
            continue
        on_paths.append(u)
        amount = inflow[u]
        hops = next_hops[u]
        share = amount / len(hops)
        for v, key in hops:
            if share > 0.0:
                loads[(u, v, key)] = loads.get((u, v, key), 0.0) + share
            inflow[v] = inflow.get(v, 0.0) + share
    # Worst latency to the destination from each of them (longest path in the DAG, upstream DP).
    node_delay = router.node_delay_ms
    link_delay = router.link_delay_ms
    worst: dict[str, float] = {destination: node_delay[destination]}
    for u in reversed(on_paths):
        worst[u] = node_delay[u] + max(link_delay[key] + worst[v] for v, key in next_hops[u])
    fibre = {s: (0.0 if s == dag.destination else 2.0 * worst[s]) for s in offered if s in worst}
    rtts = fibre
    calibration = router.topology.latency_calibration
    if calibration is not None:  # the same reported RTT as `Path.rtt_ms`: routing stays on fibre
        nodes = router.topology.nodes
        to = nodes[destination].country
        rtts = {
            s: (rtt if s == destination else calibration.rtt_ms(rtt, nodes[s].country, to))
            for s, rtt in fibre.items()
        }
    return DestinationFlows(loads, rtts, fibre)


def demand_flow(router: Router, dag: DestinationDag | None, source: str, gbps: float) -> EcmpFlow:
    """One demand's ECMP flow (a convenience over `demand_flows`)."""
    if dag is None or source not in dag.distance:
        return EcmpFlow({}, None)
    flows = demand_flows(router, dag, {source: gbps})
    return EcmpFlow(flows.loads, flows.rtt_ms[source])


def ecmp_loads(
    router: Router,
    demands: Iterable[tuple[str, str, float]],
    state: FailureState,
) -> tuple[dict[DirectedLink, float], list[EcmpFlow]]:
    """Route (source, destination, gbps) demands with ECMP; total loads and per-demand flows."""
    dags: dict[str, DestinationDag | None] = {}
    total: dict[DirectedLink, float] = {}
    flows = []
    for source, destination, gbps in demands:
        if destination not in dags:
            dags[destination] = destination_dag(router, destination, state)
        flow = demand_flow(router, dags[destination], source, gbps)
        for link, load in flow.loads.items():
            total[link] = total.get(link, 0.0) + load
        flows.append(flow)
    return total, flows
