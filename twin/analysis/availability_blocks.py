"""Exact decomposition of one demand's network before any diagram: blocks in series, then
series-parallel reductions inside each block.

Every s-t path crosses the blocks (biconnected components) on the s-t path of the block-cut
tree, one after the other, entering and leaving each through its cut vertices. So the demand is
up exactly when the ends and those cut vertices are up (a failing node cuts every link at it)
and every block connects its entry to its exit. With the ends' and cut vertices' node failures
factored out, the blocks' events are independent, and availability is the product of the
blocks' two-terminal availabilities (Colbourn, "The Combinatorics of Network Reliability",
1987, ch. 2) -- unless a shared component (an SRLG) guards links of several blocks: then the
blocks from its first to its last are one group, solved together.

Inside a group, a non-terminal vertex with two links is a series link and links between the
same vertices with the same shared components are a parallel link (Moskowitz 1958); a shared
component guarding one link only is folded into that link. All are exact and iterative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx

from twin.analysis.availability_network import Network
from twin.analysis.frontier_plan import PlanEdge


@dataclass(frozen=True)
class Group:
    """Blocks in series solved as one two-terminal problem from `entry` to `exit`."""

    entry: str
    exit: str
    network: Network


@dataclass(frozen=True)
class Chain:
    """A demand as independent factors: node availabilities and groups, all in series."""

    factor: float  # availability of the ends and cut vertices that can fail
    groups: tuple[Group, ...]


def _path_blocks(edges: Sequence[PlanEdge], s: str, t: str) -> list[tuple[set[str], str, str]]:
    """Vertex sets of the blocks on the s-t path with their entry and exit vertices."""
    graph = nx.Graph()
    graph.add_edges_from((e.u, e.v) for e in edges)
    tree = nx.Graph()
    blocks = [set(b) for b in nx.biconnected_components(graph)]
    cuts = set(nx.articulation_points(graph))
    for i, block in enumerate(blocks):
        tree.add_edges_from((("b", i), ("c", v)) for v in block & cuts)
        tree.add_node(("b", i))

    def where(x: str) -> tuple[str, object]:
        return ("c", x) if x in cuts else ("b", next(i for i, b in enumerate(blocks) if x in b))

    try:
        path = nx.shortest_path(tree, where(s), where(t))
    except nx.NetworkXNoPath:
        return []
    out: list[tuple[set[str], str, str]] = []
    entry = s
    for k, (kind, ref) in enumerate(path):
        if kind != "b":
            continue
        exit_ = path[k + 1][1] if k + 1 < len(path) else t
        assert isinstance(ref, int) and isinstance(exit_, str)
        out.append((blocks[ref], entry, exit_))
        entry = exit_
    return out


def _group_ranges(per_block: list[list[PlanEdge]]) -> list[tuple[int, int]]:
    """Consecutive block ranges such that no shared component spans two ranges."""
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for i, block_edges in enumerate(per_block):
        for e in block_edges:
            for c in e.components:
                first.setdefault(c, i)
                last[c] = i
    reach = list(range(len(per_block)))
    for c, i in first.items():
        reach[i] = max(reach[i], last[c])
    ranges: list[tuple[int, int]] = []
    start, end = 0, -1
    for i in range(len(per_block)):
        if i > end and end >= 0:
            ranges.append((start, end))
            start = i
        end = max(end, reach[i])
    ranges.append((start, end))
    return ranges


def decompose(network: Network, s: str, t: str) -> Chain:
    """The demand s-t (distinct ends with links) as a product of independent factors; no
    groups and a factor of 0 when the ends are not connected."""
    blocks = _path_blocks(network.edges, s, t)
    if not blocks:
        return Chain(0.0, ())
    node_of = {cid[5:]: i for i, cid in enumerate(network.component_ids) if cid[:5] == "node:"}
    series = {s, t} | {entry for _, entry, _ in blocks}
    factored = {node_of[v] for v in series if v in node_of}
    factor = 1.0
    for c in sorted(factored):
        factor *= network.component_p_up[c]
    per_block: list[list[PlanEdge]] = [[] for _ in blocks]
    blocks_at: dict[str, list[int]] = {}
    for i, (members, _, _) in enumerate(blocks):
        for v in members:
            blocks_at.setdefault(v, []).append(i)
    for e in network.edges:
        shared = set(blocks_at.get(e.u, ())) & set(blocks_at.get(e.v, ()))
        if shared:
            kept = tuple(c for c in e.components if c not in factored)
            per_block[min(shared)].append(PlanEdge(e.u, e.v, e.p_up, kept))
    groups = []
    for first, last in _group_ranges(per_block):
        edges = [e for i in range(first, last + 1) for e in per_block[i]]
        entry, exit_ = blocks[first][1], blocks[last][2]
        reduced = reduce_series_parallel(edges, {entry, exit_}, network.component_p_up)
        vertices = tuple(sorted({x for e in reduced for x in (e.u, e.v)}))
        local = Network(vertices, tuple(reduced), network.component_p_up, network.component_ids)
        groups.append(Group(entry, exit_, local))
    return Chain(factor, tuple(groups))


class _Reducer:
    """Edges by id with incidence lists and component use counts, reduced by a work list."""

    def __init__(self, edges: Sequence[PlanEdge], component_p_up: Sequence[float]) -> None:
        self.p_component = component_p_up
        self.edges: dict[int, PlanEdge] = {}
        self.at: dict[str, set[int]] = {}
        self.uses: dict[int, int] = {}
        for e in edges:
            for c in e.components:
                self.uses[c] = self.uses.get(c, 0) + 1
        self.next_id = 0
        for e in edges:
            self.add(e)

    def add(self, e: PlanEdge) -> int:
        p = e.p_up
        kept = []
        for c in e.components:
            if self.uses[c] == 1:  # private to this link: part of its own availability
                p *= self.p_component[c]
                self.uses[c] = 0
            else:
                kept.append(c)
        i = self.next_id
        self.next_id += 1
        self.edges[i] = PlanEdge(e.u, e.v, p, tuple(kept))
        self.at.setdefault(e.u, set()).add(i)
        self.at.setdefault(e.v, set()).add(i)
        return i

    def drop(self, i: int) -> PlanEdge:
        e = self.edges.pop(i)
        self.at[e.u].discard(i)
        self.at[e.v].discard(i)
        return e

    def parallel(self, i: int) -> None:
        """Merge link i with every link between the same ends under the same components."""
        while True:
            e = self.edges[i]
            twin = next((j for j in sorted(self.at[e.u] & self.at[e.v]) if self._same(i, j)), None)
            if twin is None:
                return
            f = self.drop(twin)
            self.drop(i)
            for c in e.components:
                self.uses[c] -= 1
            p = 1.0 - (1.0 - e.p_up) * (1.0 - f.p_up)
            i = self.add(PlanEdge(e.u, e.v, p, e.components))

    def _same(self, i: int, j: int) -> bool:
        e, f = self.edges[i], self.edges[j]
        return j != i and {f.u, f.v} == {e.u, e.v} and set(f.components) == set(e.components)

    def series(self, v: str) -> tuple[str, ...]:
        """Replace the two links at v by one; returns the vertices whose degree changed."""
        i, j = sorted(self.at[v])
        e, f = self.drop(i), self.drop(j)
        a = e.v if e.u == v else e.u
        b = f.v if f.u == v else f.u
        for c in set(e.components) & set(f.components):
            self.uses[c] -= 1
        if a == b:  # a cycle through v alone lies on no path between other vertices
            for c in set(e.components) | set(f.components):
                self.uses[c] -= 1
            return (a,)
        guards = tuple(sorted(set(e.components) | set(f.components)))
        self.parallel(self.add(PlanEdge(a, b, e.p_up * f.p_up, guards)))
        return (a, b)


def reduce_series_parallel(
    edges: Sequence[PlanEdge], terminals: set[str], component_p_up: Sequence[float]
) -> list[PlanEdge]:
    """Series and parallel reductions and private components folded, until none applies.

    Each reduction removes a link, so the work list ends after at most as many rounds as links.
    """
    r = _Reducer(edges, component_p_up)
    for i in sorted(r.edges):
        if i in r.edges:
            r.parallel(i)
    work = sorted(r.at)
    while work:
        v = work.pop()
        if v in terminals or len(r.at.get(v, ())) != 2:
            continue
        work.extend(r.series(v))
    return [r.edges[i] for i in sorted(r.edges)]
