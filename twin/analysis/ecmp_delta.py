"""RTTs of a destination's sources after link failures, recomputed only where they can change.

A link failure changes a destination's hop-metric DAG at a few nodes (`twin.ecmp.repaired`
names them): on SNDlib ta2, 4 of 65 per rerouted destination on average. A source's worst
RTT depends only on the DAG downstream of it, so it can only change if one of those nodes is
downstream of it: 6 nodes on average. Recomputing the worst delay of every node on a path, and
every source's RTT, for each rerouted destination was half of routing it afresh; the demands of
the other sources need not even be looked at (`EcmpUnits.reroute` lists only these sources).

The floats are those of routing the destination afresh (`twin.ecmp.demand_flows`), to the bit:
a node's worst delay is the same function of its next hops' worst delays, computed downstream
first, and a node with no changed node downstream keeps its next hops and theirs, all the way
down, hence the intact state's worst delay; so does a node whose changed downstream nodes all
kept theirs (the walk up stops there, and the sources above it are not listed either).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from twin.ecmp import DestinationDag, DestinationFlows, EcmpGraph, calibrated, fill_worst_delays

_INF = float("inf")


@dataclass(frozen=True)
class BaseDelays:
    """A destination's DAG in the intact state and the worst delay of each node over it."""

    dag: DestinationDag
    worst_ms: list[float]  # worst one-way delay to the destination of every node that reaches it
    upstream: list[list[int]]  # per node, the nodes with a next hop to it (each once)

    @classmethod
    def of(cls, dag: DestinationDag, flows: DestinationFlows) -> BaseDelays:
        """`flows` must have the worst delays of every node (`demand_flows(every_node=True)`),
        not only of those on a source's paths: after a failure, a source's new paths may
        cross nodes no path crossed before."""
        upstream: list[list[int]] = [[] for _ in dag.next_hops]
        for u in dag.order:
            for v, _, _ in dag.next_hops[u]:
                if not upstream[v] or upstream[v][-1] != u:  # parallel links: once
                    upstream[v].append(u)
        return cls(dag, flows.worst_ms, upstream)


def changed_rtts(
    graph: EcmpGraph,
    base: BaseDelays,
    dag: DestinationDag,
    changed: Collection[int],
    sources: Mapping[int, float],
) -> tuple[dict[int, float | None], dict[int, float]]:
    """RTT and fibre RTT of the `sources` whose worst delay was recomputed (the only ones whose
    worst path can differ), and None for those the failure cut off. `dag` is the hop-metric
    DAG `twin.ecmp.repaired` made of `base.dag` after link failures, whose next hops differ at
    `changed` only.

    Worst delays are recomputed from the changed nodes upward, level by level (downstream
    first), and only past a node whose worst delay differs from the intact state's: the nodes
    above one whose worst delay stayed the same see the same floats below them, hence keep
    theirs. On SNDlib germany50 most lost hops were not a node's slowest, and walking up to
    every node above a changed one was a tenth of the N-1 call. A node above a recomputed
    one is found over the intact state's upstream lists: an unchanged node keeps its next
    hops (one into a moved node would have been lost, making it changed), so it is one level
    above in either DAG; changed nodes are recomputed anyway.
    """
    distance, above, base_worst = dag.distance, base.upstream, base.worst_ms
    pending: dict[float, list[int]] = {}  # new distance -> nodes to recompute there
    for node in changed:
        if distance[node] < _INF:
            pending.setdefault(distance[node], []).append(node)
    fibre: dict[int, float] = {}
    if pending:
        worst = base_worst.copy()
        seen = set(changed)
        level, last = min(pending), max(pending)
        while level <= last:
            nodes = pending.pop(level, None)
            level += 1.0
            if nodes is None:
                continue
            fill_worst_delays(graph, dag.next_hops, nodes, worst)  # none feeds another
            for u in nodes:
                if u in sources:
                    fibre[u] = 2.0 * worst[u]
                if worst[u] != base_worst[u]:
                    for w in above[u]:
                        if w not in seen:
                            seen.add(w)
                            pending.setdefault(level, []).append(w)
                            last = level if level > last else last
    rtt: dict[int, float | None] = dict(calibrated(graph, dag.destination, fibre))
    base_distance = base.dag.distance
    for s in changed:
        if distance[s] == _INF and s in sources and base_distance[s] < _INF:
            rtt[s] = None
    return rtt, fibre
