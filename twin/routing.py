"""Paths through a topology in a given failure state, with capacity placement and a cache.

A *failure state* is the frozen set of element ids that are down (link ids and node ids; an SRLG
is expanded to its links before it gets here). Every question the simulator or the analyses ask
("where does Frankfurt-Almaty go now that TCFO is cut?") is a function of the topology, the
demands and that set, so results are cached by it: a decade of simulation revisits the same few
dozen states thousands of times.

Latency is the routing metric by default: one-way delay of each span (fibre length x 4.897 us/km)
plus the equipment delay of every node on the path.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, cast

from twin.lru import Lru
from twin.model import Demand, Link, Topology
from twin.once import once

if TYPE_CHECKING:
    import networkx as nx

    from twin.replacement_paths import ReplacementPaths

FailureState = frozenset[str]
Metric = Literal["latency", "hops", "igp"]
NO_FAILURES: FailureState = frozenset()
# A demand that does not fit on one path is split over at most this many paths before the rest
# is counted as dropped (capacity-aware routing).
MAX_SPLITS = 4
_EPS_GBPS = 1e-9
_INF = float("inf")
# ALT landmarks: how many to precompute, and how many guide one search. Below the node count,
# plain Dijkstra is as fast as setting them up.
LANDMARKS = 16
ACTIVE_LANDMARKS = 4
LANDMARK_MIN_NODES = 64
# Landmark bounds are remembered per (source, destination): N-1 over a thousand demands
# reroutes each demand dozens of times and the simulator revisits its demands in every new
# failure state, and evaluating the bound was two fifths of a search. Past this many remembered
# values (about 100 MB) they are forgotten and rebuilt as needed.
BOUND_MEMO_MAX_VALUES = 1_500_000
# The tie rule, one for every way a path is found (the search here and the shortest-path trees
# of twin.replacement_paths): a node's distance is the exact float minimum of
# (predecessor's distance + step cost) over its usable incoming links, and among the links that
# reach that minimum exactly ("tight"), the node is entered over the one from the lowest node id,
# then the lowest link id. A path is the walk back from the destination along these choices.
# The rule is local to each node, so it does not depend on the order a search settles nodes in,
# and a tree built by any Dijkstra gives the same paths.
TIE_RULE = "lowest predecessor node id, then lowest link id, among exactly tight links"
# What `_detour` says when a search must decide (None already means "no path").
UNKNOWN: Any = object()


@dataclass(frozen=True)
class Path:
    """A route: the nodes it visits, the link taken between each pair, and its latency.

    `one_way_ms` is physics (fibre plus equipment). `rtt_ms` is what the twin reports and checks
    budgets against: the calibrated round trip when the topology carries a
    `latency_calibration`, else the fibre one; `fibre_rtt_ms` is always the physical figure.
    """

    nodes: tuple[str, ...]
    links: tuple[str, ...]
    length_km: float
    one_way_ms: float
    calibrated_rtt_ms: float | None = None
    # The directed links as numbers into the router's `directed_links`, when whatever found
    # the path had them at hand (the replacement paths do), else None. Not part of the path's
    # identity: a path found by search is the same path.
    directed: Any = field(default=None, compare=False, repr=False)

    @property
    def fibre_rtt_ms(self) -> float:
        return 2.0 * self.one_way_ms

    @property
    def rtt_ms(self) -> float:
        if self.calibrated_rtt_ms is not None:
            return self.calibrated_rtt_ms
        return 2.0 * self.one_way_ms

    @property
    def hops(self) -> int:
        return len(self.links)


@dataclass(frozen=True)
class DemandRoute:
    """How one demand is carried in one failure state.

    Its derived figures are worked out on first read and kept (`twin.once`): the simulator reads
    them at every state change.
    """

    demand_id: str
    flows: tuple[tuple[Path, float], ...]  # (path, gbps carried on it)
    offered_gbps: float

    @once
    def connected(self) -> bool:
        return bool(self.flows)

    @once
    def carried_gbps(self) -> float:
        return sum(gbps for _, gbps in self.flows)

    @once
    def dropped_gbps(self) -> float:
        return max(0.0, self.offered_gbps - self.carried_gbps)

    @once
    def fully_carried(self) -> bool:
        return self.dropped_gbps <= 1e-6 * max(1.0, self.offered_gbps)

    @once
    def rtt_ms(self) -> float | None:
        """Worst RTT over the paths carrying the demand (what its slowest packets see)."""
        if not self.flows:
            return None
        return max(path.rtt_ms for path, _ in self.flows)

    @once
    def links(self) -> frozenset[str]:
        return frozenset(lid for path, _ in self.flows for lid in path.links)

    @once
    def elements(self) -> frozenset[str]:
        """Links and nodes the demand's traffic crosses: a failure of any of them hits it."""
        return self.links | frozenset(n for path, _ in self.flows for n in path.nodes)


@dataclass(frozen=True)
class RoutingResult:
    state: FailureState
    routes: Mapping[str, DemandRoute]
    link_load_gbps: Mapping[str, float] = field(default_factory=dict)
    # A routing of another state that carries every demand on the very same route objects,
    # so with the same load book, when `place_demands` found one (most states a simulation
    # meets): whatever is worked out from the routes and loads alone can be shared with it.
    # Not part of the result's identity.
    like: RoutingResult | None = field(default=None, compare=False, repr=False)


def in_service(topology: Topology, include_planned: bool = False) -> list[Link]:
    """The links in service (and planned ones if asked), in the topology's order."""
    return [
        link
        for link in topology.links.values()
        if link.status == "active" or (include_planned and link.status == "planned")
    ]


def build_graph(topology: Topology, include_planned: bool = False) -> nx.MultiGraph:
    """The graph of links in service (and planned ones if asked), keyed by link id."""
    import networkx as nx  # a third of a second to import: only for the analyses that use it

    graph = nx.MultiGraph()
    for node in topology.nodes.values():
        graph.add_node(node.id, equipment_delay_ms=node.equipment_delay_ms)
    for link in in_service(topology, include_planned):
        graph.add_edge(link.a, link.b, key=link.id, link=link)
    return graph


def link_cost(link: Link, metric: Metric) -> float:
    if metric == "hops":
        return 1.0
    if metric == "igp":
        return link.igp_metric if link.igp_metric is not None else link.length_km
    return link.delay_ms


class Router:
    """Lowest-cost paths in any failure state, over one adjacency built once.

    Failed elements are skipped while searching rather than removed from a copy of the graph,
    so asking about a new failure state costs one search (stopped at the destination), not a
    graph rebuild. The search runs on plain adjacency lists: NetworkX's generic Dijkstra with a
    weight callback costs several times more per edge, and the simulator asks for thousands of
    paths per simulated decade. On large graphs it is A* guided by landmark lower bounds (see
    `_landmark_table`), which settles a corridor toward the destination, not the whole graph.
    """

    def __init__(
        self, topology: Topology, include_planned: bool = False, metric: Metric = "latency"
    ) -> None:
        self.topology = topology
        self.metric: Metric = metric
        self.include_planned = include_planned
        self.links_in_service = in_service(topology, include_planned)
        self._node_delay_ms = {n.id: n.equipment_delay_ms for n in topology.nodes.values()}
        self.node_delay_ms: Mapping[str, float] = self._node_delay_ms
        self.link_delay_ms: Mapping[str, float] = {
            lid: link.delay_ms for lid, link in topology.links.items()
        }
        self._link_length_km = {lid: link.length_km for lid, link in topology.links.items()}
        self.adjacency = self._build_adjacency()
        # The same lists with each step's search cost: the link's cost plus, for latency, the
        # equipment delay of the node it enters (one addition per edge in the searches).
        self._steps = {
            u: [(v, key, self._search_cost(v, cost)) for v, key, cost in hops]
            for u, hops in self.adjacency.items()
        }
        self._landmarks: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] | None = None
        self._bound_memo: dict[tuple[str, str], dict[str, float]] = {}
        self._bound_memo_values = 0
        self._replacements: ReplacementPaths | None = None

    @cached_property
    def graph(self) -> nx.MultiGraph:
        """The NetworkX graph of the links in service, for analyses that want one (searches
        use `adjacency`): built on first use, so commands that only search never import
        NetworkX."""
        return build_graph(self.topology, self.include_planned)

    def _search_cost(self, v: str, cost: float) -> float:
        return cost + (self._node_delay_ms[v] if self.metric == "latency" else 0.0)

    def _distances_from(self, origin: str) -> dict[str, float]:
        """Search costs from `origin` to every node it reaches with nothing failed."""
        dist = {origin: 0.0}
        done: set[str] = set()
        heap = [(0.0, origin)]
        while heap:
            d, u = heapq.heappop(heap)
            if u in done:
                continue
            done.add(u)
            for v, _key, step in self._steps[u]:
                nd = d + step
                if nd < dist.get(v, _INF):
                    dist[v] = nd
                    heapq.heappush(heap, (nd, v))
        return dist

    def _landmark_table(self) -> dict[str, tuple[tuple[float, ...], tuple[float, ...]]]:
        """Distances to and from a few far-apart landmarks (the ALT technique), built once.

        By the triangle inequality, d(L->t) - d(L->v) and d(v->L) - d(t->L) are lower bounds
        on d(v->t) for any landmark L. They hold in every failure state, because failures only
        remove links and lengthen distances, and they are consistent, so A* guided by them
        returns a lowest-cost path, as Dijkstra would, while settling a corridor toward the
        destination instead of the whole graph: on backbones of thousands of nodes that is
        what brings N-1 over a thousand demands down to seconds. Costs run one way (entering
        a node adds its equipment delay), so d(v->L) = d(L->v) - delay(v) + delay(L).
        Landmarks are picked farthest-first from the lowest node id, so the choice is fixed.
        Returns node -> (distances from each landmark, distances to each); nodes a landmark
        does not reach get infinity there.
        """
        if self._landmarks is not None:
            return self._landmarks
        nodes = sorted(self.adjacency)
        columns: list[tuple[dict[str, float], float]] = []
        if len(nodes) > LANDMARK_MIN_NODES:
            nearest: dict[str, float] = {}
            landmark = nodes[0]
            for _ in range(LANDMARKS):
                dist = self._distances_from(landmark)
                columns.append((dist, self._search_cost(landmark, 0.0)))
                for node, d in dist.items():
                    nearest[node] = min(nearest.get(node, _INF), d)
                candidates = [n for n in nodes if n in nearest and nearest[n] > 0.0]
                if not candidates:
                    break
                landmark = max(candidates, key=lambda n: (nearest[n], n))
        table = {}
        for v in nodes:
            own = self._search_cost(v, 0.0)
            from_l = tuple(dist.get(v, _INF) for dist, _ in columns)
            to_l = tuple(d - own + ld for d, (_, ld) in zip(from_l, columns, strict=True))
            table[v] = (from_l, to_l)
        self._landmarks = table
        return table

    def _bound_to(self, source: str, destination: str) -> Callable[[str], float]:
        """A lower bound on the search cost from any node to `destination` (0 if none).

        Infinity for a node in another component than the destination (no landmark path
        joins them): the search can drop it.
        """
        table = self._landmark_table()
        t_from, t_to = table[destination]
        # The landmarks that reach the destination, best first at the source.
        s_from, s_to = table[source]
        usable = [i for i, d in enumerate(t_from) if d < _INF]
        if not usable:
            return _no_bound
        usable.sort(key=lambda i: -max(t_from[i] - s_from[i], s_to[i] - t_to[i]))
        chosen = tuple((i, t_from[i], t_to[i]) for i in usable[:ACTIVE_LANDMARKS])
        slack = 1.0 - 1e-12  # keeps float rounding from making the bound inconsistent

        def bound(v: str) -> float:
            v_from, v_to = table[v]
            best = 0.0
            for i, to_t, from_t in chosen:
                from_l = v_from[i]
                if from_l == _INF:
                    return _INF
                gap = to_t - from_l
                if gap > best:
                    best = gap
                gap = v_to[i] - from_t
                if gap > best:
                    best = gap
            return best * slack

        return bound

    def _build_adjacency(self) -> dict[str, list[tuple[str, str, float]]]:
        """node -> [(neighbour, link id, link cost)], sorted so ties resolve the same way always.

        Parallel links appear once each; the cost excludes the neighbour's equipment delay,
        which `shortest_path` adds (so ECMP and the analyses can use link costs alone).
        """
        adjacency: dict[str, list[tuple[str, str, float]]] = {n: [] for n in self.topology.nodes}
        for link in self.links_in_service:
            cost = link_cost(link, self.metric)
            adjacency[link.a].append((link.b, link.id, cost))
            adjacency[link.b].append((link.a, link.id, cost))
        for hops in adjacency.values():
            hops.sort()
        return adjacency

    def _best_link(
        self, u: str, v: str, state: FailureState, residual: Mapping[str, float] | None
    ) -> Link:
        links = self.topology.links
        candidates: list[Link] = [
            links[key]
            for w, key, _cost in self.adjacency[u]
            if w == v
            and key not in state
            and (residual is None or residual.get(key, 0.0) > _EPS_GBPS)
        ]
        return min(candidates, key=lambda link: (link_cost(link, self.metric), link.id))

    @cached_property
    def directed_links(self) -> list[tuple[str, str, str]]:
        """Every directed link (from, to, link id) in sorted order: what `Path.directed`
        numbers. The adjacency's lists are sorted, so walking them node by node in sorted
        order gives the sorted list."""
        return [(u, v, key) for u in sorted(self.adjacency) for v, key, _ in self.adjacency[u]]

    def path_over(
        self, nodes: Sequence[str], link_ids: Sequence[str], directed: Any = None
    ) -> Path:
        """The Path along `nodes` over the given links, with its length and latency;
        `directed`, the same links as `directed_links` numbers, is kept when given."""
        length_of, delay_of, node_delay = (
            self._link_length_km,
            self.link_delay_ms,
            self._node_delay_ms,
        )
        # map, not a list: the same left-to-right float sums, without building the lists
        length_km = sum(map(length_of.__getitem__, link_ids))
        one_way_ms = sum(map(delay_of.__getitem__, link_ids)) + sum(
            map(node_delay.__getitem__, nodes)
        )
        calibration = self.topology.latency_calibration
        calibrated = None
        if calibration is not None:
            ends = self.topology.nodes[nodes[0]].country, self.topology.nodes[nodes[-1]].country
            calibrated = calibration.rtt_ms(2.0 * one_way_ms, *ends)
        return Path(tuple(nodes), tuple(link_ids), length_km, one_way_ms, calibrated, directed)

    def make_path(
        self,
        nodes: Sequence[str],
        state: FailureState = NO_FAILURES,
        residual: Mapping[str, float] | None = None,
    ) -> Path:
        """The Path along a node sequence, taking the cheapest usable link between each pair."""
        links = [self._best_link(u, v, state, residual) for u, v in itertools.pairwise(nodes)]
        return self.path_over(nodes, [link.id for link in links])

    def shortest_path(
        self,
        source: str,
        destination: str,
        state: FailureState = NO_FAILURES,
        residual: Mapping[str, float] | None = None,
    ) -> Path | None:
        """The lowest-cost path avoiding `state`, or None when the two are disconnected.

        Links with no residual capacity (when `residual` is given) are unusable. Equal costs
        follow the tie rule (see `TIE_RULE`): each node is entered from its lowest-id tight
        predecessor (then lowest link id), whatever order the search settles nodes in, so the
        choice is the same on every run and the same as the shortest-path trees'
        (`twin.replacement_paths`) that answer N-1 without searching.
        """
        if source in state or destination in state:
            return None
        adjacency = self.adjacency
        if source not in adjacency or destination not in adjacency:
            return None
        if source == destination:
            return Path((source,), (), 0.0, self._node_delay_ms[source])
        if residual is None and len(state) <= 1:
            found = self._detour(source, destination, state)
            if found is not UNKNOWN:
                return cast(Path | None, found)
        hint = None
        if self._replacements is not None and residual is None:
            hint = self._replacements.bound_to(source, destination)
        parent = self._search(source, destination, state, residual, hint)
        if parent is None:
            return None
        return self._path_from_parents(source, destination, parent)

    def _search(
        self,
        source: str,
        destination: str,
        state: FailureState,
        residual: Mapping[str, float] | None,
        hint: Callable[[str], float] | None = None,
    ) -> dict[str, tuple[str, str]] | None:
        """Each reached node's (predecessor, link) under the tie rule, or None when the
        destination is out of reach: A* guided by `hint` when given, else by landmark bounds.

        The search does not stop when it settles the destination but once nothing left can
        cost as little: a tight predecessor of a path node may sit in the heap with exactly the
        destination's cost, and the tie rule must see it. A node reached more cheaply after it
        was expanded is expanded again, and ties are re-decided for expanded nodes too: float
        rounding of the landmark bounds can make A* expand a node one ulp too dear, or before
        one of its tight predecessors, and the rule is about exact float minima.
        """
        steps = self._steps
        # A hint (a bound from the replacement paths' trees) is tighter than the landmarks'
        # and evaluated once per node, so it is not remembered.
        bound = hint if hint is not None else self._bound_to(source, destination)
        known = {} if hint is not None else self._bound_memo_for(source, destination)
        remembered = len(known)
        dist: dict[str, float] = {source: 0.0}
        parent: dict[str, tuple[str, str]] = {}
        reached = _INF
        # Entries are (cost so far + lower bound to go, push order, cost so far, node).
        heap: list[tuple[float, int, float, str]] = [(0.0, 0, 0.0, source)]
        pushed = 1
        while heap:
            f, _, d, u = heapq.heappop(heap)
            if f > reached:
                break
            if d > dist[u]:
                continue  # a stale entry: the node was reached more cheaply since
            if u == destination:
                reached = d
                continue
            for v, key, step in steps[u]:
                if v in state or key in state:
                    continue
                if residual is not None and residual.get(key, 0.0) <= _EPS_GBPS:
                    continue
                nd = d + step
                old = dist.get(v, _INF)
                if nd == old:
                    # (d < nd: a zero-cost step never re-decides, so parents form no cycle)
                    if d < nd and (u, key) < parent.get(v, (u, key)):
                        parent[v] = (u, key)  # the tie rule: lowest predecessor, then link
                    continue
                if nd > old:
                    continue
                dist[v] = nd
                parent[v] = (u, key)
                to_go = known.get(v)
                if to_go is None:
                    to_go = known[v] = bound(v)
                if to_go == _INF:
                    continue  # another component: the destination is out of reach
                heapq.heappush(heap, (nd + to_go, pushed, nd, v))
                pushed += 1
        if hint is None:
            self._bound_memo_values += len(known) - remembered
        return parent if reached < _INF else None

    def _bound_memo_for(self, source: str, destination: str) -> dict[str, float]:
        """The remembered lower bounds to `destination` for searches from `source`.

        Bounds are kept across searches (N-1 searches the same pair many times), but the memo
        is emptied when it holds more than BOUND_MEMO_MAX_VALUES, so memory stays bounded.
        """
        known = self._bound_memo.get((source, destination))
        if known is None:
            if self._bound_memo_values > BOUND_MEMO_MAX_VALUES:
                self._bound_memo.clear()
                self._bound_memo_values = 0
            known = self._bound_memo[(source, destination)] = {}
        return known

    def _path_from_parents(
        self, source: str, destination: str, parent: Mapping[str, tuple[str, str]]
    ) -> Path:
        """The Path a search found, walked back from `destination` through each node's parent
        (the node before it and the link between)."""
        nodes = [destination]
        link_ids: list[str] = []
        while nodes[-1] != source:
            u, key = parent[nodes[-1]]
            link_ids.append(key)
            nodes.append(u)
        nodes.reverse()
        link_ids.reverse()
        return self.path_over(nodes, link_ids)

    def _detour(self, source: str, destination: str, state: FailureState) -> Any:
        """The path with at most one link down, from the demand's replacement paths (see
        `twin.replacement_paths`), or UNKNOWN where only a search can say.

        On large graphs, N-1 asks for every link of every demand's path in turn: two
        shortest-path trees per demand answer all of them, where each search would settle a
        good part of the graph. Small graphs search: that is cheaper than building trees.
        """
        failed = next(iter(state), None)  # no failure: the demand's own path, same trees
        if failed in self._node_delay_ms or len(self.adjacency) <= LANDMARK_MIN_NODES:
            return UNKNOWN
        if self._replacements is None:
            from twin.replacement_paths import ReplacementPaths

            self._replacements = ReplacementPaths(self._steps, self.path_over)
        return self._replacements.detour(source, destination, failed)


def _no_bound(_v: str) -> float:
    return 0.0


def place_demands(
    router: Router,
    demands: Iterable[Demand],
    state: FailureState = NO_FAILURES,
    capacity_aware: bool = False,
    base: RoutingResult | None = None,
    nearer: Sequence[RoutingResult] = (),
) -> RoutingResult:
    """Route every demand in one failure state.

    Latency routing puts each demand whole on its lowest-latency path, whatever the load (links
    may then show utilisation above 1). Capacity-aware routing places demands in priority order
    (lower `priority` first, then by id, so the order is reproducible) on the lowest-latency path
    with free capacity, splitting over up to `MAX_SPLITS` paths; what still finds no capacity is
    dropped, never silently carried.

    `base`, the latency routing with nothing failed, spares the searches of demands it routes
    clear of every failed element: their no-failure path is still there and still the
    cheapest. Which demands are searched depends on `state` alone, so the result is a function
    of the state whatever was routed before (ties between equal-cost paths included).
    Capacity-aware routing ignores it: there one demand's detour moves the others.

    `nearer` are latency routings of other states inside `state` (a few elements fewer down),
    used the same way (see `_carried_over`): a demand one of them routes clear of `state` keeps
    that route, and one it leaves without a path has none. Which of them answers changes no
    result, only how many demands are searched.
    """
    ordered = sorted(demands, key=lambda d: (d.priority, d.id))
    routes: dict[str, DemandRoute] = {}
    residual: dict[str, float] | None = None
    if capacity_aware:
        residual = {
            lid: link.capacity_gbps
            for lid, link in router.topology.links.items()
            if lid not in state
        }
    known = () if capacity_aware else _inside(state, base, nearer)
    for demand in ordered:
        route = _carried_over(demand, state, known) if residual is None else None
        if route is None:
            flows = _flows(router, demand, state, residual)
            route = DemandRoute(demand.id, tuple(flows), demand.gbps)
        routes[demand.id] = route
    like = _same_routes(ordered, routes, known)
    if like is not None:
        return RoutingResult(state, routes, dict(like.link_load_gbps), like.like or like)
    return RoutingResult(state, routes, _load_book(ordered, routes))


def _same_routes(
    ordered: Sequence[Demand], routes: Mapping[str, DemandRoute], known: Sequence[RoutingResult]
) -> RoutingResult | None:
    """The first routing in `known` that carries every demand on the very same route object.

    It made the same load additions in the same order, so its book is copied, to the last bit
    and in the same link order: most states a simulation meets reroute no demand (four in five
    on annual-reliability).
    """
    for result in known:
        prior = result.routes
        if all(prior.get(demand.id) is routes[demand.id] for demand in ordered):
            return result
    return None


def _load_book(ordered: Sequence[Demand], routes: Mapping[str, DemandRoute]) -> dict[str, float]:
    """Gbit/s per link: each demand's traffic added to the links of its paths, demand by
    demand in `ordered`."""
    load: dict[str, float] = {}
    for demand in ordered:
        for path, gbps in routes[demand.id].flows:
            for lid in path.links:
                load[lid] = load.get(lid, 0.0) + gbps
    return load


def _flows(
    router: Router, demand: Demand, state: FailureState, residual: dict[str, float] | None
) -> list[tuple[Path, float]]:
    """A demand's paths and the Gbit/s on each: its lowest-cost path, or with `residual`
    (capacity-aware) up to `MAX_SPLITS` paths with free capacity, taken from `residual`."""
    if residual is None:
        path = router.shortest_path(demand.source, demand.destination, state)
        return [] if path is None else [(path, demand.gbps)]
    flows: list[tuple[Path, float]] = []
    remaining = demand.gbps
    for _ in range(MAX_SPLITS):
        if remaining <= _EPS_GBPS:
            break
        found = router.shortest_path(demand.source, demand.destination, state, residual)
        if found is None:
            break
        bottleneck = min((residual[lid] for lid in found.links), default=remaining)
        placed = min(remaining, bottleneck)
        for lid in found.links:
            residual[lid] -= placed
        flows.append((found, placed))
        remaining -= placed
    return flows


def _inside(
    state: FailureState, base: RoutingResult | None, nearer: Sequence[RoutingResult]
) -> tuple[RoutingResult, ...]:
    """The given routings of states inside `state`, nearest (most elements down) first."""
    known = [r for r in nearer if r.state <= state]
    known.sort(key=lambda r: -len(r.state))
    if base is not None and base.state <= state:
        known.append(base)
    return tuple(known)


def _carried_over(
    demand: Demand, state: FailureState, known: Sequence[RoutingResult]
) -> DemandRoute | None:
    """The demand's route in `state` read off a latency routing of a state inside it, or None
    when none of them tells (the demand must be searched).

    Taking more elements down only removes links and nodes, so no distance shrinks: a path a
    routing of fewer failures chose, and that avoids everything down now, still costs the
    least, and the tie rule (`TIE_RULE`) still picks it, since each of its nodes keeps its
    tight predecessor and gains no new one. A demand without a path there has none now. The
    route object itself is returned: the same flows for the same offered traffic.
    """
    for result in known:
        prior = result.routes.get(demand.id)
        if prior is None or prior.offered_gbps != demand.gbps:
            continue
        if not prior.flows or state.isdisjoint(prior.elements):
            return prior
    return None


class RoutingCache:
    """Routing results keyed by failure state, for a fixed router and demand set.

    Bounded: the `max_states` most recently used states are kept (least recently used goes
    first), so a long Monte Carlo run that visits ever new failure combinations holds at most
    that many results. An evicted state is routed again on its next visit; routing is a pure
    function of the state, so results are identical whatever the bound, only slower. The
    no-failure routing, the base of every other, is kept apart and never evicted.
    """

    # 4,096 states of a 50-node, 1,000-demand network are a few hundred MB at most; a run
    # revisits far fewer (a handful of links down at once), so the bound is rarely reached.
    DEFAULT_MAX_STATES = 4096

    def __init__(
        self,
        router: Router,
        demands: Sequence[Demand],
        capacity_aware: bool = False,
        max_states: int = DEFAULT_MAX_STATES,
    ) -> None:
        if max_states < 1:
            raise ValueError(f"max_states must be at least 1, got {max_states}")
        self.router = router
        self.demands = tuple(demands)
        self.capacity_aware = capacity_aware
        self.max_states = max_states
        self._results: Lru[FailureState, RoutingResult] = Lru(max_states)
        self._intact: RoutingResult | None = None
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        """Failure states held, the no-failure state included once it has been routed."""
        return len(self._results) + (self._intact is not None)

    def route(self, state: FailureState) -> RoutingResult:
        if not state and self._intact is not None:
            self.hits += 1
            return self._intact
        result = self._results.get(state)
        if result is not None:
            self.hits += 1
            return result
        self.misses += 1
        base = None if self.capacity_aware or not state else self.route(NO_FAILURES)
        nearer = () if base is None else self._one_fewer(state)
        result = place_demands(self.router, self.demands, state, self.capacity_aware, base, nearer)
        if not state:
            self._intact = result
            return result
        return self._results.put(state, result)

    def _one_fewer(self, state: FailureState) -> list[RoutingResult]:
        """The routings held of the states with one element of `state` back up: a simulation
        reaches a new state from one of them (one more failure) more often than not, and
        most demands keep the route they had there (see `place_demands`). Looked up without
        making them the most recently used: reading them is not using them."""
        if len(state) < 2:
            return []
        held = (self._results.peek(state - {element}) for element in state)
        return [result for result in held if result is not None]


def expand_srlgs(topology: Topology, srlg_ids: Iterable[str]) -> frozenset[str]:
    """The link ids that a set of shared-risk groups takes down."""
    wanted = set(srlg_ids)
    return frozenset(lid for lid, link in topology.links.items() if wanted & set(link.srlgs))
