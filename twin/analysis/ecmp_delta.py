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
down, hence the intact state's worst delay.
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
    """RTT and fibre RTT of the `sources` upstream of a `changed` node (the only ones whose worst
    path can differ), and None for those the failure cut off. `dag` is the hop-metric DAG
    `twin.ecmp.repaired` made of `base.dag` after link failures, whose next hops differ at
    `changed` only.

    The nodes upstream of a changed node are found over the intact state's next hops: an
    unchanged node keeps its next hops, and a node whose next hops changed is a changed node
    itself, so the walk up from the changed nodes finds the same nodes in either DAG.
    """
    distance, above = dag.distance, base.upstream
    upstream = set(changed)
    stack = list(changed)
    while stack:
        for w in above[stack.pop()]:
            if w not in upstream:
                upstream.add(w)
                stack.append(w)
    # Loops, not comprehensions: each of those is a function call (Python 3.11).
    reaching = []
    listed = []
    for u in upstream:
        if distance[u] < _INF:
            reaching.append(u)
            if u in sources:
                listed.append(u)
    fibre: dict[int, float] = {}
    if listed:
        worst = base.worst_ms.copy()
        reaching.sort(key=distance.__getitem__)
        fill_worst_delays(graph, dag.next_hops, reaching, worst)
        for s in listed:
            fibre[s] = 2.0 * worst[s]
    rtt: dict[int, float | None] = dict(calibrated(graph, dag.destination, fibre))
    base_distance = base.dag.distance
    for s in changed:
        if distance[s] == _INF and s in sources and base_distance[s] < _INF:
            rtt[s] = None
    return rtt, fibre
