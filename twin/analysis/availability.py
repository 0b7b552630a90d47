"""Steady-state availability of a demand from the failure classes: exact, or certified bounds.

Model: every component — a link in service, a node with a failure class, an SRLG with a
failure class (a shared component: when it is down, all its links are) — is up with probability
A = MTBF / (MTBF + MTTR), independently of the others. The demand is available when its two
ends are connected through components that are up. This is the classical two-terminal network
reliability problem (#P-hard in general), so:

- **exact** (`factoring`): condition on every shared component (SRLGs and failing nodes), then
  solve each conditioned graph of independent links by pivotal decomposition (factoring,
  Moskowitz 1958) with series and parallel reductions and dangling-part pruning at every step,
  memoised on the reduced graph. Exact to rounding.
- **bounds** (`most-probable states`): when factoring exceeds its budget, enumerate component
  states in decreasing order of probability (a heap over "flip sets", see `_states_by_probability`):
  each state's probability goes to the lower bound if the ends are connected, to (1 - upper
  bound) if not. The unexplored mass is the gap. Enumeration stops when the gap is at most the
  tolerance (`converged`) or the state budget is spent (not converged: the result says so, with
  the gap). The bounds are certified whatever the order and wherever it stops, since each
  examined state's probability is exact; the order only decides how fast the gap closes.
  Ordering by probability rather than by number of failed components matters when failure
  probabilities differ by orders of magnitude (a long submarine cable against a short span):
  a single failure of a reliable link is then less likely than a double failure of weak ones.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from twin.errors import TwinError
from twin.model import Topology
from twin.routing import build_graph
from twin.units import HOURS_PER_YEAR

Edge = tuple[str, str, float]  # (u, v, probability up) with u <= v
MAX_SHARED_COMPONENTS = 16


@dataclass(frozen=True)
class AvailabilityResult:
    source: str
    destination: str
    lower: float
    upper: float
    exact: bool
    method: str
    states_examined: int
    components: int
    # Bounds only: whether the gap reached the tolerance before the state budget ran out.
    converged: bool = True
    tolerance: float = 0.0

    @property
    def gap(self) -> float:
        return self.upper - self.lower

    @property
    def value(self) -> float:
        return (self.lower + self.upper) / 2.0

    @property
    def unavailability_min_per_year(self) -> float:
        return (1.0 - self.value) * HOURS_PER_YEAR * 60.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "destination": self.destination,
            "lower": self.lower,
            "upper": self.upper,
            "value": self.value,
            "exact": self.exact,
            "method": self.method,
            "states_examined": self.states_examined,
            "components": self.components,
            "unavailability_min_per_year": self.unavailability_min_per_year,
            "converged": self.converged,
            "gap": self.gap,
            "tolerance": self.tolerance,
        }


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


# --- bounds: most probable states ----------------------------------------------------------------


def _connected(edges: Iterable[Edge], s: str, t: str) -> bool:
    adjacency: dict[str, list[str]] = {}
    for u, v, _ in edges:
        adjacency.setdefault(u, []).append(v)
        adjacency.setdefault(v, []).append(u)
    seen = {s}
    stack = [s]
    while stack:
        x = stack.pop()
        if x == t:
            return True
        for y in adjacency.get(x, []):
            if y not in seen:
                seen.add(y)
                stack.append(y)
    return False


def _states_by_probability(p_up: Sequence[float]) -> Iterator[tuple[float, tuple[int, ...]]]:
    """Every up/down state of independent components, most probable first, as (probability,
    indices of components *not* in their more likely state).

    Each component starts in its more likely state (the base state, probability P0 = prod of
    max(p, 1-p)); flipping component i multiplies by r_i = min/max <= 1. With the components
    sorted by r descending, the subsets of flips form a tree in which every child is no more
    probable than its parent (from a flip set ending in j: add j+1, or replace j by j+1), so a
    heap yields them in non-increasing probability, each exactly once.
    """
    n = len(p_up)
    if n == 0:
        yield 1.0, ()
        return
    ratio = [min(p, 1.0 - p) / max(p, 1.0 - p) for p in p_up]
    order = sorted(range(n), key=lambda i: (-ratio[i], i))
    r = [ratio[i] for i in order]
    base = math.prod(max(p, 1.0 - p) for p in p_up)
    yield base, ()
    # Entries: (-probability, flip positions in `order`, probability without the last flip).
    heap: list[tuple[float, tuple[int, ...], float]] = [(-base * r[0], (0,), base)]
    while heap:
        neg, flips, without_last = heapq.heappop(heap)
        prob = -neg
        yield prob, tuple(order[k] for k in flips)
        last = flips[-1]
        if last + 1 < n:
            nxt = last + 1
            heapq.heappush(heap, (-prob * r[nxt], (*flips, nxt), prob))
            heapq.heappush(heap, (-without_last * r[nxt], (*flips[:-1], nxt), without_last))


@dataclass(frozen=True)
class _Bounds:
    lower: float
    upper: float
    examined: int
    max_failed: int  # most components down in any examined state
    converged: bool


def _bounds(
    edges: dict[str, Edge],
    shared: Sequence[_Component],
    s: str,
    t: str,
    tolerance: float,
    max_states: int,
) -> _Bounds:
    components = [_Component(lid, e[2], frozenset({lid}), frozenset()) for lid, e in edges.items()]
    components += list(shared)
    # Components that never fail contribute nothing to any failure state.
    components = [c for c in components if c.p_up < 1.0]
    base_down = {i for i, c in enumerate(components) if c.p_up < 0.5}
    up_mass: list[float] = []  # summed exactly (fsum) at the end: 1e5 tiny terms
    down_mass: list[float] = []
    running = 0.0  # plain running sum of both, for the stopping test only
    examined = 0
    max_failed = 0
    converged = False
    for prob, flips in _states_by_probability([c.p_up for c in components]):
        if examined >= max_states:
            break
        if prob == 0.0:
            converged = True  # every state left has probability zero
            break
        examined += 1
        failed = base_down.symmetric_difference(flips)
        max_failed = max(max_failed, len(failed))
        dead_links = {lid for i in failed for lid in components[i].links}
        dead_nodes = {n for i in failed for n in components[i].nodes}
        if s in dead_nodes or t in dead_nodes:
            down_mass.append(prob)
        else:
            alive = [
                e
                for lid, e in edges.items()
                if lid not in dead_links and e[0] not in dead_nodes and e[1] not in dead_nodes
            ]
            (up_mass if _connected(alive, s, t) else down_mass).append(prob)
        running += prob
        if 1.0 - running <= tolerance:
            converged = True
            break
    else:
        converged = True  # every state examined
    lower = min(1.0, math.fsum(up_mass))
    upper = max(lower, min(1.0, 1.0 - math.fsum(down_mass)))
    converged = converged or upper - lower <= tolerance
    return _Bounds(lower, upper, examined, max_failed, converged)


def _relevant(edges: dict[str, Edge], s: str, t: str) -> dict[str, Edge]:
    """Links on some s-t path only: the others cannot change the answer."""
    import networkx as nx

    graph = nx.MultiGraph()
    for lid, (u, v, _) in edges.items():
        graph.add_edge(u, v, key=lid)
    if s not in graph or t not in graph or not nx.has_path(graph, s, t):
        return {}
    # An edge lies on a simple s-t path iff it is in a biconnected block on the block-cut path
    # between s and t; approximate safely by adding a virtual s-t edge and keeping the block of it.
    graph.add_edge(s, t, key="__virtual__")
    for block in nx.biconnected_component_edges(graph):
        keys = set()
        has_virtual = False
        for u, v in block:
            for k in graph[u][v]:
                if k == "__virtual__":
                    has_virtual = True
                else:
                    keys.add(k)
        if has_virtual:
            return {lid: edges[lid] for lid in sorted(keys) if lid in edges}
    return dict(edges)


class ExactTooLarge(TwinError):
    """Exact factoring was asked for and would exceed its budget (the CLI exits 2)."""


def demand_availability(
    topology: Topology,
    source: str,
    destination: str,
    *,
    include_planned: bool = False,
    tolerance: float = 1e-9,
    max_states: int = 200_000,
    method: str = "auto",
) -> AvailabilityResult:
    """Availability of the demand source -> destination under the failure classes.

    `method`: "auto" (exact unless factoring exceeds `max_states` sub-problems or there are too
    many shared components, then bounds), "exact" or "bounds".
    """
    edges, shared = _components(topology, include_planned)
    edges = _relevant(edges, source, destination)
    shared = [
        c
        for c in shared
        if (c.links & set(edges)) or (c.nodes & ({source, destination} | _nodes_of(edges)))
    ]
    n_components = len(edges) + len(shared)
    if not edges:
        return AvailabilityResult(source, destination, 0.0, 0.0, True, "disconnected", 0, 0)
    if method != "bounds" and (len(shared) <= MAX_SHARED_COMPONENTS or method == "exact"):
        try:
            value, calls = _exact(edges, shared, source, destination, max_states)
            value = min(1.0, max(0.0, value))
            return AvailabilityResult(
                source,
                destination,
                value,
                value,
                True,
                "exact: factoring with series-parallel reductions",
                calls,
                n_components,
            )
        except _Budget:
            if method == "exact":
                raise ExactTooLarge(
                    f"exact availability of {source} -> {destination} needs more than "
                    f"{max_states} factoring sub-problems; use --availability-method auto or "
                    "bounds (certified lower and upper bounds), or analyse a smaller network"
                ) from None
    b = _bounds(edges, shared, source, destination, tolerance, max_states)
    method = f"bounds: most-probable states, up to {b.max_failed} failed components"
    if not b.converged:
        method += f"; tolerance not reached (gap {b.upper - b.lower:.3g} after {b.examined} states)"
    return AvailabilityResult(
        source,
        destination,
        b.lower,
        b.upper,
        False,
        method,
        b.examined,
        n_components,
        converged=b.converged,
        tolerance=tolerance,
    )


def _nodes_of(edges: dict[str, Edge]) -> set[str]:
    return {n for u, v, _ in edges.values() for n in (u, v)}
