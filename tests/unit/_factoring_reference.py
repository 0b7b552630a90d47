"""The factoring engine that computed analytic availability before the frontier diagram, kept
here as an independent reference for cross-checks (tests only).

Condition on every shared component (SRLGs and failing nodes), then solve each conditioned
graph of independent links by pivotal decomposition (Moskowitz 1958) with series, parallel and
dangling reductions, memoised on the reduced graph. It recurses once per pivot, so it is only
for the small networks of the tests.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from twin.model import Topology
from twin.routing import build_graph

Edge = tuple[str, str, float]  # (u, v, probability up) with u <= v


class _Budget(Exception):
    pass


@dataclass(frozen=True)
class _Component:
    """An independent random element and the graph elements it takes down."""

    id: str
    p_up: float
    links: frozenset[str]
    nodes: frozenset[str]


def _components(
    topology: Topology, include_planned: bool
) -> tuple[dict[str, Edge], list[_Component]]:
    graph = build_graph(topology, include_planned)
    edges: dict[str, Edge] = {}
    for u, v, key in graph.edges(keys=True):
        link = topology.links[key]
        p = topology.failure_classes[link.failure_class].availability(link.length_km)
        a, b = sorted((u, v))
        edges[key] = (a, b, p)
    shared: list[_Component] = []
    for sid in sorted(topology.srlgs):
        srlg = topology.srlgs[sid]
        if srlg.failure_class is None:
            continue
        members = frozenset(lid for lid in edges if sid in topology.links[lid].srlgs)
        if not members:
            continue
        fc = topology.failure_classes[srlg.failure_class]
        length = max(topology.links[m].length_km for m in members)
        shared.append(_Component(f"srlg:{sid}", fc.availability(length), members, frozenset()))
    for nid in sorted(topology.nodes):
        node = topology.nodes[nid]
        if node.failure_class is None:
            continue
        fc = topology.failure_classes[node.failure_class]
        shared.append(
            _Component(f"node:{nid}", fc.availability(0.0), frozenset(), frozenset({nid}))
        )
    return edges, shared


# --- exact: factoring with reductions ------------------------------------------------------------


def _norm(u: str, v: str, p: float) -> Edge:
    return (u, v, p) if u <= v else (v, u, p)


def _reduce(edges: list[Edge], s: str, t: str) -> list[Edge]:
    """Apply parallel, series and dangling reductions until none applies."""
    changed = True
    while changed:
        changed = False
        # Parallel: merge edges between the same pair; drop self-loops.
        merged: dict[tuple[str, str], float] = {}
        for u, v, p in edges:
            if u == v:
                changed = True
                continue
            key = (u, v)
            if key in merged:
                merged[key] = 1.0 - (1.0 - merged[key]) * (1.0 - p)
                changed = True
            else:
                merged[key] = p
        edges = [(u, v, p) for (u, v), p in merged.items()]
        # Keep only the part reachable from s (other components cannot matter).
        adjacency: dict[str, list[int]] = {}
        for i, (u, v, _) in enumerate(edges):
            adjacency.setdefault(u, []).append(i)
            adjacency.setdefault(v, []).append(i)
        seen = {s}
        stack = [s]
        while stack:
            x = stack.pop()
            for i in adjacency.get(x, []):
                u, v, _ = edges[i]
                y = v if u == x else u
                if y not in seen:
                    seen.add(y)
                    stack.append(y)
        if len(seen) < len(adjacency) or any(u not in seen for u, _, _ in edges):
            edges = [e for e in edges if e[0] in seen]
            changed = True
            continue
        # Dangling: a non-terminal node of degree 1 cannot be on a simple s-t path.
        degree = {n: len(ix) for n, ix in adjacency.items()}
        dangling = {n for n, d in degree.items() if d == 1 and n not in (s, t)}
        if dangling:
            edges = [e for e in edges if e[0] not in dangling and e[1] not in dangling]
            changed = True
            continue
        # Series: a non-terminal node of degree 2 joins its two edges into one.
        for node, ix in adjacency.items():
            if node in (s, t) or len(ix) != 2:
                continue
            (a1, b1, p1), (a2, b2, p2) = edges[ix[0]], edges[ix[1]]
            x = b1 if a1 == node else a1
            y = b2 if a2 == node else a2
            rest = [e for i, e in enumerate(edges) if i not in ix]
            rest.append(_norm(x, y, p1 * p2))
            edges = rest
            changed = True
            break
    return edges


def _contract(edges: list[Edge], keep: str, gone: str) -> list[Edge]:
    out = []
    for u, v, p in edges:
        u2 = keep if u == gone else u
        v2 = keep if v == gone else v
        out.append(_norm(u2, v2, p))
    return out


class _Factoring:
    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.calls = 0
        self.memo: dict[tuple[str, str, tuple[Edge, ...]], float] = {}

    def reliability(self, edges: list[Edge], s: str, t: str) -> float:
        if s == t:
            return 1.0
        edges = _reduce(edges, s, t)
        nodes = {n for u, v, _ in edges for n in (u, v)}
        if t not in nodes or s not in nodes:
            return 0.0
        if len(edges) == 1:
            return edges[0][2]
        key = (s, t, tuple(sorted((u, v, round(p, 15)) for u, v, p in edges)))
        cached = self.memo.get(key)
        if cached is not None:
            return cached
        self.calls += 1
        if self.calls > self.budget:
            raise _Budget
        # Pivot on an edge at s: contracting it moves s forward.
        i = next(i for i, (u, v, _) in enumerate(edges) if s in (u, v))
        u, v, p = edges[i]
        other = v if u == s else u
        rest = edges[:i] + edges[i + 1 :]
        up = 1.0 if other == t else self.reliability(_contract(rest, s, other), s, t)
        down = self.reliability(rest, s, t)
        value = p * up + (1.0 - p) * down
        self.memo[key] = value
        return value


def _exact(
    edges: dict[str, Edge], shared: Sequence[_Component], s: str, t: str, budget: int
) -> tuple[float, int]:
    factoring = _Factoring(budget)
    total = 0.0
    for states in itertools.product((True, False), repeat=len(shared)):
        prob = 1.0
        dead_links: set[str] = set()
        dead_nodes: set[str] = set()
        for comp, up in zip(shared, states, strict=True):
            prob *= comp.p_up if up else 1.0 - comp.p_up
            if not up:
                dead_links |= comp.links
                dead_nodes |= comp.nodes
        if prob == 0.0 or s in dead_nodes or t in dead_nodes:
            continue
        alive = [
            e
            for lid, e in edges.items()
            if lid not in dead_links and e[0] not in dead_nodes and e[1] not in dead_nodes
        ]
        total += prob * factoring.reliability(alive, s, t)
    return total, factoring.calls


def factoring_availability(topology: Topology, s: str, t: str, budget: int = 1_000_000) -> float:
    """Availability of s -> t by conditioning and factoring (the pre-diagram engine)."""
    edges, shared = _components(topology, False)
    value, _ = _exact(edges, shared, s, t, budget)
    return value
