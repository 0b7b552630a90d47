"""Equal-cost multipath routing, as routers do it: per-node equal splits over shortest next hops.

For each destination, a shortest-path DAG toward it is computed once per failure state (one
search from the destination: links are symmetric), or, after link failures, repaired from the
intact state's DAG (`after_link_failures`, hop metric; `without_links` otherwise). Traffic
entering a node is split equally over *all* its next-hop links on the DAG — parallel equal-cost
links count separately — which is per-hop hashing, not per-path splitting. Loads are per
direction (u -> v over a link), the unit routers and pyNTM report utilisation in.

The work runs on integers (`EcmpGraph`: nodes numbered in name order, directed links numbered):
an N-1 analysis builds thousands of DAGs and flows, and string-keyed dictionaries and tuple
keys were most of their cost. Numbering nodes in name order keeps every tie broken as before
(upstream-first order by distance then name; next hops by neighbour then link id).

This sits beside `twin.routing` (single lowest-cost path, used by the simulator) and shares its
graph and link costs.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from twin.routing import FailureState, Router

DirectedLink = tuple[str, str, str]  # (from node, to node, link id)
Hop = tuple[int, int, int]  # (next node, directed link index, link index)
_REL_TOL = 1e-9
_INF = float("inf")


class EcmpGraph:
    """A router's links in service as integer adjacency, built once per analysis."""

    def __init__(self, router: Router) -> None:
        self.router = router
        self.nodes = sorted(router.adjacency)
        self.index = {n: i for i, n in enumerate(self.nodes)}
        link_ids = sorted({key for hops in router.adjacency.values() for _, key, _ in hops})
        self.link_index = {lid: j for j, lid in enumerate(link_ids)}
        self.directed: list[DirectedLink] = []
        directed_index: dict[DirectedLink, int] = {}
        # node -> ((neighbour, directed link toward it, link, cost), ...) in the router's order
        self.adjacency: list[tuple[tuple[int, int, int, float], ...]] = []
        self.ends: list[tuple[int, int]] = [(0, 0)] * len(link_ids)
        for u in self.nodes:
            row = []
            for v, key, cost in router.adjacency[u]:
                directed_index[(u, v, key)] = len(self.directed)
                self.directed.append((u, v, key))
                row.append((self.index[v], directed_index[(u, v, key)], self.link_index[key], cost))
                self.ends[self.link_index[key]] = (self.index[u], self.index[v])
            self.adjacency.append(tuple(row))
        # For searches from the destination: node -> ((neighbour, link, the neighbour's hop
        # back to the node), ...), each hop one shared tuple (a search allocates none).
        reverse = [directed_index[(v, u, key)] for u, v, key in self.directed]
        self.back: list[tuple[tuple[int, int, Hop], ...]] = [
            tuple((v, link, (u, reverse[d], link)) for v, d, link, _ in row)
            for u, row in enumerate(self.adjacency)
        ]
        # node -> ((neighbour, link, the node's hop to it), ...): the next hops a repair gives
        # a moved node are these shared tuples, not new ones.
        self.forward: list[tuple[tuple[int, int, Hop], ...]] = [
            tuple((v, link, (v, d, link)) for v, d, link, _ in row) for row in self.adjacency
        ]
        self.hop_metric = router.metric == "hops"
        self.node_delay_ms = [router.node_delay_ms[n] for n in self.nodes]
        self.link_delay_ms = [router.link_delay_ms[lid] for lid in link_ids]

    def failed(self, state: FailureState) -> tuple[frozenset[int], frozenset[int]]:
        """The failed nodes and links of `state` that this graph has (others change nothing)."""
        nodes = frozenset(self.index[e] for e in state if e in self.index)
        links = frozenset(self.link_index[e] for e in state if e in self.link_index)
        return nodes, links


class DestinationDag(NamedTuple):
    """Shortest-path DAG toward one destination in one failure state (node indices).

    A named tuple, not a frozen dataclass: N-1 makes thousands, and the dataclass' frozen
    `__init__` was a tenth of repairing one."""

    destination: int
    distance: list[float]  # per node; infinite where the destination is out of reach
    next_hops: list[Sequence[Hop]]  # per node; empty at the destination and out of reach
    order: tuple[int, ...]  # reachable nodes by decreasing distance, then name (upstream first)
    # With the hop metric: the reachable nodes of each distance, in name order (the order's
    # runs), which lets `after_link_failures` move a few nodes without sorting them all.
    levels: tuple[list[int], ...] | None = None


def destination_dag(
    graph: EcmpGraph, destination: int, failed_nodes: Collection[int], failed_links: Collection[int]
) -> DestinationDag | None:
    """The DAG toward `destination` with the failed elements gone; None if it failed itself."""
    if destination in failed_nodes:
        return None
    if graph.hop_metric:
        return _hop_dag(graph, destination, failed_nodes, failed_links)
    adjacency = graph.adjacency
    dist = [_INF] * len(adjacency)
    dist[destination] = 0.0
    heap = [(0.0, destination)]
    done = [False] * len(adjacency)
    reached = [destination]
    while heap:
        d, u = heapq.heappop(heap)
        if done[u]:
            continue
        done[u] = True
        for v, _, link, cost in adjacency[u]:
            if v in failed_nodes or link in failed_links:
                continue
            nd = d + cost
            if nd < dist[v] * (1 - _REL_TOL) - 1e-12:
                if dist[v] == _INF:
                    reached.append(v)
                dist[v] = nd
                heapq.heappush(heap, (nd, v))
    next_hops: list[Sequence[Hop]] = [()] * len(adjacency)
    for u in reached:
        if u == destination:
            continue
        du = dist[u]
        tolerance = _REL_TOL * max(1.0, du)
        next_hops[u] = tuple(
            (v, forward, link)
            for v, forward, link, cost in adjacency[u]
            if link not in failed_links and abs(dist[v] + cost - du) <= tolerance
        )
    order = tuple(sorted(reached, key=lambda n: (-dist[n], n)))
    return DestinationDag(destination, dist, next_hops, order)


def _hop_dag(
    graph: EcmpGraph, destination: int, failed_nodes: Collection[int], failed_links: Collection[int]
) -> DestinationDag:
    """Unit costs: one breadth-first pass gives distances and next hops together.

    Levels are scanned in node order, so each node's next hops come out in (neighbour, link)
    order, as in the general case.
    """
    back = _surviving(graph, failed_nodes, failed_links)
    dist = [_INF] * len(back)
    dist[destination] = 0.0
    hops: list[Sequence[Hop]] = [()] * len(back)
    levels: list[list[int]] = []
    frontier = [destination]
    level = 0.0
    while frontier:
        frontier.sort()
        levels.append(frontier)
        level += 1.0
        nxt = []
        for u in frontier:
            for v, _link, hop in back[u]:
                dv = dist[v]
                if dv == _INF:
                    dist[v] = level
                    hops[v] = [hop]
                    nxt.append(v)
                elif dv == level:
                    hops[v].append(hop)  # type: ignore[attr-defined]
        frontier = nxt
    order = tuple(itertools.chain.from_iterable(reversed(levels)))
    return DestinationDag(destination, dist, hops, order, tuple(levels))


def _surviving(
    graph: EcmpGraph, failed_nodes: Collection[int], failed_links: Collection[int]
) -> list[tuple[tuple[int, int, Hop], ...]]:
    """`graph.back` without the failed elements: only the rows of their ends change, so the
    search itself tests no edge against the failure."""
    back = graph.back
    if not failed_nodes and not failed_links:
        return back
    back = back.copy()
    ends = {x for link in failed_links for x in graph.ends[link]}
    ends.update(failed_nodes)
    ends.update(v for x in failed_nodes for v, _, _ in graph.back[x])
    for x in ends:
        back[x] = tuple(
            entry
            for entry in back[x]
            if entry[1] not in failed_links and entry[0] not in failed_nodes
        )
    return back


def without_links(
    graph: EcmpGraph, dag: DestinationDag, failed_links: Collection[int]
) -> DestinationDag | None:
    """The DAG once `failed_links` are gone, if no node loses its last next hop; else None.

    A node that keeps another equal-cost next hop keeps its distance, and so does every node
    upstream of it: distances, and hence the order, stay as they are, and the DAG is the old
    one minus the failed hops, exactly what a new search would build. An N-1 link failure
    inside a mesh usually takes one of several equal-cost hops, which this answers without
    searching. Only a failed link's two ends can have a hop over it.
    """
    changed: dict[int, tuple[Hop, ...]] = {}
    for link in failed_links:
        for node in graph.ends[link]:
            hops = dag.next_hops[node]
            if any(hop[2] in failed_links for hop in hops):
                kept = tuple(hop for hop in hops if hop[2] not in failed_links)
                if not kept:
                    return None
                changed[node] = kept
    if not changed:
        return dag
    next_hops = list(dag.next_hops)
    for node, kept in changed.items():
        next_hops[node] = kept
    return DestinationDag(dag.destination, dag.distance, next_hops, dag.order, dag.levels)


def after_link_failures(
    graph: EcmpGraph, dag: DestinationDag, failed_links: Collection[int]
) -> DestinationDag:
    """The hop-metric DAG once `failed_links` are gone (`repaired`, without the changed nodes)."""
    return repaired(graph, dag, failed_links)[0]


def repaired(
    graph: EcmpGraph, dag: DestinationDag, failed_links: Collection[int]
) -> tuple[DestinationDag, set[int]]:
    """The hop-metric DAG once `failed_links` are gone, repaired from `dag` rather than searched,
    and the nodes whose next hops changed (every other node keeps its distance and next hops,
    which is what lets `twin.analysis.ecmp_delta` recompute flows only around these).

    Nodes whose every next hop fails, or leads to such a node, are the only ones whose distance
    grows (Ramalingam and Reps' dynamic shortest paths, 1996): they get new distances by a
    search seeded from their surviving neighbours, and new next hops; every other node keeps
    its distance and its next hops but those over a failed link or into a moved node (it
    gains none: a moved node is now farther than it was). The result is the DAG a search
    would build, next hops in the same order, so flows over it are the same to the bit.
    """
    if dag.levels is None:
        raise ValueError("after_link_failures needs a hop-metric DAG")
    kept, moved = _lost_hops(graph, dag, failed_links)
    changed = moved.union(kept)
    next_hops = dag.next_hops.copy()
    for node, hops in kept.items():
        next_hops[node] = hops
    if not moved:
        same = DestinationDag(dag.destination, dag.distance, next_hops, dag.order, dag.levels)
        return same, changed
    dist = _moved_distances(graph, dag.distance, moved, failed_links)
    levels = _moved_levels(dag.levels, dag.distance, dist, moved)
    forward = graph.forward
    for node in moved:
        d = dist[node]
        if d == _INF:
            next_hops[node] = ()
            continue
        below = d - 1.0
        new_hops = []  # a loop: a comprehension per moved node is a call (Python 3.11)
        for v, link, hop in forward[node]:
            if dist[v] == below and link not in failed_links:
                new_hops.append(hop)
        next_hops[node] = new_hops
    order = tuple(itertools.chain.from_iterable(reversed(levels)))
    return DestinationDag(dag.destination, dist, next_hops, order, tuple(levels)), changed


def _moved_levels(
    levels: tuple[list[int], ...], distance: list[float], dist: list[float], moved: set[int]
) -> list[list[int]]:
    """`levels` with the `moved` nodes taken from their level at `distance` and put in name
    order into their level at `dist` (none if out of reach), empty levels at the end dropped.
    The levels a move changes are copied once; list.remove and bisect.insort work in C, which
    made this a third of what filtering and sorting each changed level cost."""
    out = list(levels)
    copied = set()
    for node in moved:
        level = int(distance[node])
        if level not in copied:
            copied.add(level)
            out[level] = out[level].copy()
        out[level].remove(node)
    for node in moved:
        d = dist[node]
        if d == _INF:
            continue
        level = int(d)
        if level >= len(out):
            out.extend([] for _ in range(level + 1 - len(out)))
            copied.update(range(len(levels), len(out)))
        elif level not in copied:
            copied.add(level)
            out[level] = out[level].copy()
        bisect.insort(out[level], node)
    while out and not out[-1]:
        out.pop()
    return out


def _lost_hops(
    graph: EcmpGraph, dag: DestinationDag, failed_links: Collection[int]
) -> tuple[dict[int, list[Hop]], set[int]]:
    """The next hops that survive at the nodes that lose some (over a failed link, or into a
    node that loses all of its own), and the nodes that lose all of theirs.

    Counts, not lists, until the end: in a hop-metric DAG of a state with `failed_links` in
    service, every link between consecutive levels is a next hop of its upper end, so the
    hops a node loses are its links into lost nodes and its failed links, one each.
    """
    distance, hops, back = dag.distance, dag.next_hops, graph.back
    left: dict[int, int] = {}  # node -> next hops it keeps, for the nodes that lose some
    stack = []
    for link in failed_links:
        a, b = graph.ends[link]
        upper = a if distance[a] > distance[b] else b
        if distance[upper] == _INF or distance[upper] != distance[a + b - upper] + 1.0:
            continue  # out of reach, or between nodes of one level: no next hop over it
        count = left.get(upper, len(hops[upper])) - 1
        left[upper] = count
        if not count:
            stack.append(upper)
    moved = set(stack)
    while stack:
        lost = stack.pop()
        upstream = distance[lost] + 1.0
        for w, link, _hop in back[lost]:
            if distance[w] == upstream and w not in moved and link not in failed_links:
                count = left.get(w, len(hops[w])) - 1
                left[w] = count
                if not count:
                    moved.add(w)
                    stack.append(w)
    # Loops, not comprehensions: each of those is a function call (Python 3.11), and a repair
    # keeps the hops of two nodes on average.
    kept: dict[int, list[Hop]] = {}
    for node in left:
        if node not in moved:
            survive = []
            for hop in hops[node]:
                if hop[2] not in failed_links and hop[0] not in moved:
                    survive.append(hop)
            kept[node] = survive
    return kept, moved


def _moved_distances(
    graph: EcmpGraph, distance: list[float], moved: set[int], failed_links: Collection[int]
) -> list[float]:
    """New distances of the `moved` nodes (the others keep theirs): one more than the nearest
    surviving neighbour that stays, then a search among the moved nodes themselves."""
    dist = distance.copy()
    back = graph.back
    heap: list[tuple[float, int]] = []
    for node in moved:
        nearest = _INF  # distances are whole numbers: the nearest plus one is the least sum
        for v, link, _hop in back[node]:
            if distance[v] < nearest and v not in moved and link not in failed_links:
                nearest = distance[v]
        dist[node] = nearest + 1.0
        if nearest < _INF:
            heap.append((nearest + 1.0, node))
    if len(moved) == 1:
        return dist  # no other moved node to relax
    heapq.heapify(heap)
    while heap:
        d, node = heapq.heappop(heap)
        if d > dist[node]:
            continue
        for v, link, _hop in back[node]:
            if v in moved and link not in failed_links and d + 1.0 < dist[v]:
                dist[v] = d + 1.0
                heapq.heappush(heap, (d + 1.0, v))
    return dist


@dataclass(frozen=True)
class DestinationFlows:
    """All traffic toward one destination: loads (linear in the demands) and worst RTTs."""

    links: list[int]  # directed link indices of the links that carry some of it
    gbps: list[float]  # what each of them carries
    rtt_ms: Mapping[int, float]  # source -> worst RTT over its equal-cost paths (as reported)
    # source -> the same paths' fibre RTT (equal to rtt_ms without a latency_calibration)
    fibre_rtt_ms: Mapping[int, float]
    # node -> worst one-way delay to the destination, on the sources' paths (every node that
    # reaches the destination if asked: `twin.analysis.ecmp_delta` starts from them)
    worst_ms: list[float]


def demand_flows(
    graph: EcmpGraph,
    dag: DestinationDag,
    offered: Mapping[int, float],
    every_node: bool = False,
) -> DestinationFlows:
    """Every source's Gbit/s down the DAG in one pass (loads add up linearly), and worst RTTs.

    `offered` holds reachable sources only.
    """
    destination = dag.destination
    loads = [0.0] * len(graph.directed)
    links = loaded_links(dag, add_loads(dag, offered, loads))
    if every_node:
        on_paths = list(dag.order[:-1])  # the destination, alone at distance 0, comes last
    else:
        # Nodes on some source's paths (the only ones whose worst latency is needed), upstream
        # first: those with traffic, and those a source of no traffic (0 Gbit/s) reaches.
        reached = [False] * len(dag.next_hops)
        for source in offered:
            reached[source] = True
        on_paths = []
        for u in dag.order:
            if reached[u] and u != destination:
                on_paths.append(u)
                for v, _, _ in dag.next_hops[u]:
                    reached[v] = True
    worst = worst_delays(graph, dag, on_paths)
    fibre = {s: (0.0 if s == destination else 2.0 * worst[s]) for s in offered}
    rtt_ms = calibrated(graph, destination, fibre)
    return DestinationFlows(links, [loads[j] for j in links], rtt_ms, fibre, worst)


def add_loads(dag: DestinationDag, offered: Mapping[int, float], loads: list[float]) -> list[float]:
    """Add the traffic `offered` by each source to `loads` (by directed link index); return
    each node's inflow, from which `loaded_links` names the links loaded.

    Each node's inflow adds its upstream shares in the DAG's order, so the sums (and hence
    every float) are the same in any failure state that leaves the DAG alike. A source out of
    reach adds nothing (it is not in the DAG's order), nor does a node without traffic (its
    zero shares would leave every sum as it is). Adding straight into a failure's loads,
    rather than into lists added afterwards, is the same float (0.0 + share is share) and
    saved a fifth of rerouting a destination.
    """
    next_hops = dag.next_hops
    inflow = [0.0] * len(next_hops)
    for source, offered_gbps in offered.items():
        inflow[source] = offered_gbps
    for u in dag.order[:-1]:  # the destination, alone at distance 0, comes last
        gbps = inflow[u]
        if gbps > 0.0:
            hops = next_hops[u]
            if len(hops) == 1:  # gbps / 1 is gbps: no division, no inner loop
                v, directed, _link = hops[0]
                loads[directed] += gbps
                inflow[v] += gbps
                continue
            share = gbps / len(hops)
            if share > 0.0:
                for v, directed, _link in hops:
                    loads[directed] += share
                    inflow[v] += share
    return inflow


def loaded_links(dag: DestinationDag, inflow: Sequence[float]) -> list[int]:
    """The directed links `add_loads` loaded, given the inflow it returned, in the order it
    loaded them (each once): the next hops of each node, upstream first, whose share of the
    node's inflow is above zero (a node's inflow is complete before it sends any on).

    Apart from `add_loads` because a failure's reroute needs only the loads (its changed
    links are found by comparing them with the base's): noting every link in the loop was
    over 1 % of the instructions of germany50's ECMP N-1."""
    next_hops = dag.next_hops
    links: list[int] = []
    for u in dag.order[:-1]:
        gbps = inflow[u]
        if gbps > 0.0:
            hops = next_hops[u]
            if len(hops) == 1 or gbps / len(hops) > 0.0:
                links.extend([directed for _, directed, _ in hops])
    return links


def worst_delays(graph: EcmpGraph, dag: DestinationDag, on_paths: list[int]) -> list[float]:
    """Worst one-way delay to the destination from each node of `on_paths` (longest path in
    the DAG, downstream first): what the slowest of a source's equal-cost paths sees."""
    worst = [0.0] * len(dag.next_hops)
    worst[dag.destination] = graph.node_delay_ms[dag.destination]
    fill_worst_delays(graph, dag.next_hops, reversed(on_paths), worst)
    return worst


def fill_worst_delays(
    graph: EcmpGraph, next_hops: Sequence[Sequence[Hop]], nodes: Iterable[int], worst: list[float]
) -> None:
    """Set `worst` of `nodes`, given downstream first, from their next hops' worst delays."""
    node_delay, link_delay = graph.node_delay_ms, graph.link_delay_ms
    for u in nodes:
        hops = next_hops[u]
        if len(hops) == 1:
            v, _, link = hops[0]
            worst[u] = node_delay[u] + (link_delay[link] + worst[v])
            continue
        longest = -_INF
        for v, _, link in hops:
            delay = link_delay[link] + worst[v]
            if delay > longest:
                longest = delay
        worst[u] = node_delay[u] + longest


def calibrated(graph: EcmpGraph, destination: int, fibre: dict[int, float]) -> dict[int, float]:
    """The reported RTTs, as `Path.rtt_ms` gives them: routing itself stays on fibre."""
    topology = graph.router.topology
    calibration = topology.latency_calibration
    if calibration is None:
        return fibre
    nodes, names = topology.nodes, graph.nodes
    to = nodes[names[destination]].country
    return {
        s: (rtt if s == destination else calibration.rtt_ms(rtt, nodes[names[s]].country, to))
        for s, rtt in fibre.items()
    }


@dataclass(frozen=True)
class EcmpFlow:
    """What one demand puts on each directed link, and its worst-path latency."""

    loads: Mapping[DirectedLink, float]
    rtt_ms: float | None  # worst RTT over the equal-cost paths; None when unreachable


def ecmp_loads(
    router: Router,
    demands: Iterable[tuple[str, str, float]],
    state: FailureState,
) -> tuple[dict[DirectedLink, float], list[EcmpFlow]]:
    """Route (source, destination, gbps) demands with ECMP; total loads and per-demand flows."""
    graph = EcmpGraph(router)
    failed_nodes, failed_links = graph.failed(state)
    dags: dict[int, DestinationDag | None] = {}
    total: dict[DirectedLink, float] = {}
    flows = []
    for source_id, destination_id, gbps in demands:
        source, destination = graph.index[source_id], graph.index[destination_id]
        if destination not in dags:
            dags[destination] = destination_dag(graph, destination, failed_nodes, failed_links)
        dag = dags[destination]
        if dag is None or source in failed_nodes or dag.distance[source] == _INF:
            flows.append(EcmpFlow({}, None))
            continue
        flow = demand_flows(graph, dag, {source: gbps})
        loads = {graph.directed[j]: load for j, load in zip(flow.links, flow.gbps, strict=True)}
        for link, load in loads.items():
            total[link] = total.get(link, 0.0) + load
        flows.append(EcmpFlow(loads, flow.rtt_ms[source]))
    return total, flows
