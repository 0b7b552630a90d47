"""Every single-link detour of one demand from two shortest-path trees (replacement paths).

N-1 contingency on a backbone reroutes each demand once per link of its path: a thousand demands
of forty hops are forty thousand searches, and a search in Python over thousands of nodes is the
whole cost of the analysis. For an undirected graph with positive costs, all those detours
follow from two trees (Malik, Mittal and Gupta, "The k most vital arcs in the shortest path
problem", Oper. Res. Letters 8, 1989): with T_s the shortest-path tree from the source and T_t
the one toward the destination, removing the path's k-th link e_k splits T_s into the side that
keeps the source (S) and the side below e_k (U). Every detour crosses from S to U by some other
link (x, y), and the cheapest one is T_s's path to x, then (x, y), then T_t's path from y, which
never uses e_k. So one pass over the links per path position gives every detour.

Costs here are the router's search costs (a link's cost plus the equipment delay of the node it
enters). They are not symmetric, but a path's cost one way and back differ only by the delays of
its two ends, so shortest paths are those of an undirected graph and the argument holds.

Results must be *the* path the router's search returns, ties included, so a detour is given only
when it is provably the search's: the best crossing link beats every other by a margin far above
float rounding; on the source's side the tree follows the tie rule to the bit; on the
destination's side the tree's path is taken where it has no rival of near-equal cost, and where
it has, the way from y is settled forward by the tie rule over the tree's tight arcs, with the
search's own float sums (see `_Walker._settled_tail`). Anything else (crossing ties, node
failures, several failed links, capacity limits) is answered "unknown" and the caller searches
as before. The trees come from SciPy's compiled Dijkstra.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from twin.routing import UNKNOWN

# Two costs closer than this (relative) are treated as a tie, which the fast path refuses.
# Float rounding over a path of thousands of additions is below 1e-12 relative.
TIE_REL = 1e-9
_INF = float("inf")

# (nodes, link ids, directed-link numbers) -> Path; the numbers are the arcs' (see `arcs`)
PathBuilder = Callable[[Sequence[str], Sequence[str], Any], Any]


@dataclass(frozen=True)
class _Arcs:
    """Directed arcs as parallel arrays: from, to, search cost, and an index into `links`."""

    tail: np.ndarray
    head: np.ndarray
    cost: np.ndarray
    link: np.ndarray


class ReplacementPaths:
    """Single-link detours of demands over one graph, built on first use per demand.

    `adjacency` is the router's search adjacency: node -> [(neighbour, link id, search cost)].
    `make_path` turns node and link ids into the router's Path (so lengths and latencies are
    computed by the same code whichever way a path was found), handing it the path's directed
    links as arc numbers too. Arcs are numbered in (from, to, link id) order, from the nodes in
    sorted order and each node's list as given (the router's lists are sorted), so a path's
    arc numbers index the router's `directed_links` and callers that keep loads per directed
    link need not look each hop up by name.
    """

    def __init__(
        self,
        adjacency: dict[str, list[tuple[str, str, float]]],
        make_path: PathBuilder,
        max_tables: int = 200_000,
    ) -> None:
        from scipy.sparse import csr_array

        self._make_path = make_path
        self.nodes = sorted(adjacency)
        self._index = {n: i for i, n in enumerate(self.nodes)}
        self.links = sorted({key for hops in adjacency.values() for _, key, _ in hops})
        link_index = self._link_index = {lid: i for i, lid in enumerate(self.links)}
        tails: list[int] = []
        heads: list[int] = []
        costs: list[float] = []
        keys: list[int] = []
        # The cheapest link of each ordered node pair, lowest id among equal costs: the rule
        # the router's search applies to parallel links.
        best: dict[tuple[int, int], tuple[float, str, int]] = {}
        for ui, u in enumerate(self.nodes):
            for v, key, cost in adjacency[u]:
                vi = self._index[v]
                arc = len(tails)
                tails.append(ui)
                heads.append(vi)
                costs.append(cost)
                keys.append(link_index[key])
                known = best.get((ui, vi))
                if known is None or (cost, key) < known[:2]:
                    best[(ui, vi)] = (cost, key, arc)
        self.arcs = _Arcs(
            np.asarray(tails, dtype=np.int64),
            np.asarray(heads, dtype=np.int64),
            np.asarray(costs, dtype=np.float64),
            np.asarray(keys, dtype=np.int64),
        )
        # The argument needs positive costs (a zero-cost link could carry a tree path both ways).
        self.usable = bool(costs) and min(costs) > 0.0
        pairs = sorted(best)
        self._pair_pos = {pair: i for i, pair in enumerate(pairs)}
        self._pair_links = [best[pair][1] for pair in pairs]  # by pair position
        self._pair_arc = [best[pair][2] for pair in pairs]
        n = len(self.nodes)
        self._pair_tail = np.asarray([p[0] for p in pairs], dtype=np.int64)
        self._pair_head = np.asarray([p[1] for p in pairs], dtype=np.int64)
        self._pair_cost = np.asarray([best[p][0] for p in pairs], dtype=np.float64)
        self._pair_key = self._pair_tail * len(self.nodes) + self._pair_head  # sorted
        # Each node's pairs as a slice of the pair lists (pairs are sorted by tail).
        starts = np.searchsorted(self._pair_tail, np.arange(n + 1, dtype=np.int64))
        self._out = (starts.tolist(), self._pair_head.tolist(), self._pair_cost.tolist())
        shape = (n, n)
        self._forward = csr_array((self._pair_cost, (self._pair_tail, self._pair_head)), shape)
        self._backward = csr_array((self._pair_cost, (self._pair_head, self._pair_tail)), shape)
        self._tables: dict[tuple[str, str], _Table] = {}
        self._max_tables = max_tables

    def detour(self, source: str, destination: str, failed_link: str | None) -> Any:
        """The router's path from source to destination with `failed_link` down (or nothing,
        for None), None when there is none, or UNKNOWN when it is not provably unique (search
        instead)."""
        if not self.usable or source == destination:
            return UNKNOWN
        key = (source, destination)
        table = self._tables.get(key)
        if table is None:
            if len(self._tables) >= self._max_tables:
                self._tables.clear()
            table = self._tables[key] = self._build(source, destination)
        return table.answer(failed_link)

    def bound_to(self, source: str, destination: str) -> Callable[[str], float] | None:
        """A lower bound on the search cost from any node to `destination` in any failure
        state, for a search this class left undecided (None when it has none): the cost with
        nothing failed, from the destination's tree. Nearly exact near the demand's path, it
        lets A* settle little more than the detour itself. Shrunk by 1e-12 so the tree's
        backward float sums never overestimate the search's forward ones."""
        table = self._tables.get((source, destination))
        if table is None or table.to_destination is None:
            return None
        to_go = (table.to_destination * (1.0 - 1e-12)).tolist()
        index = self._index
        return lambda node: to_go[index[node]]

    def _trees(self, source: int, destination: int) -> tuple[np.ndarray, ...]:
        from scipy.sparse.csgraph import dijkstra

        # The source's tree is rebuilt by the tie rule (`_rule_parents`): its costs suffice.
        dist_s = dijkstra(self._forward, indices=source)
        dist_t, pred_t = dijkstra(self._backward, indices=destination, return_predecessors=True)
        return dist_s, dist_t, pred_t

    def _rivals(self, dist: np.ndarray) -> np.ndarray:
        """Nodes with two or more tight arcs toward the destination's tree root: a rival way
        to the destination of equal cost.

        The destination's tree sums costs backward, not in the search's order, so its ties
        cannot be broken by the tie rule bit for bit: they are refused instead. A rival is any
        arc within `TIE_REL` of tight, since two float sums of one exact tie can differ in
        their last bit.
        """
        tail, head, cost = self._pair_tail, self._pair_head, self._pair_cost
        with np.errstate(invalid="ignore"):
            # Within TIE_REL both ways: scipy's sums and the search's can round an exact tie
            # one ulp apart (seen: 4.897388045699269 against ...2696), and a tie missed here
            # is a path the search would break differently. A near tie only sends the
            # demand back to the search, so erring wide costs speed, never correctness.
            at_tail = dist[tail]
            gap = np.abs(dist[head] + cost - at_tail)
            tight = gap <= TIE_REL * np.maximum(1.0, at_tail)
        counts = np.bincount(tail[tight], minlength=len(self.nodes))
        rivals: np.ndarray = counts > 1
        return rivals

    def _rule_parents(self, dist: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each node's predecessor under the router's tie rule (`twin.routing.TIE_RULE`): the
        lowest-id tail among its exactly tight incoming arcs (-1 for the root and unreached
        nodes), and the position of that pair (-1 likewise). Distances are the search's to the
        bit (the same float sums, the same minimum), so exact equality is the search's tie."""
        tail, head, cost = self._pair_tail, self._pair_head, self._pair_cost
        with np.errstate(invalid="ignore"):
            at_tail, at_head = dist[tail], dist[head]
            tight = np.flatnonzero((at_tail + cost == at_head) & (at_tail < at_head))
        # Pairs are sorted by tail: a head's lowest tight pair position has the lowest tail.
        # (np.minimum.at, not np.unique: no sort of the tight arcs, a tenth of the time.)
        none = len(self._pair_tail)
        pair = np.full(len(self.nodes), none, dtype=np.int64)
        np.minimum.at(pair, head[tight], tight)
        found = pair < none
        parent = np.where(found, tail[np.minimum(pair, none - 1)], -1)
        pair[~found] = -1
        return parent, pair

    def _build(self, source: str, destination: str) -> _Table:
        s, t = self._index.get(source), self._index.get(destination)
        if s is None or t is None:
            return _Table({}, default=UNKNOWN)
        dist_s, dist_t, pred_t = self._trees(s, t)
        if not np.isfinite(dist_s[t]):
            return _Table({}, default=None)  # no path now, none with a link less
        pred_s, pair_s = self._rule_parents(dist_s)
        # Memory views, not lists: the walks read a few hundred of the thousands of entries,
        # and converting whole arrays per demand was a tenth of the analysis.
        pred_s_view, pair_s_view = pred_s.data, pair_s.data
        path = [t]
        while path[-1] != s:
            path.append(pred_s_view[path[-1]])
        path.reverse()
        on_path_pairs = [pair_s_view[v] for v in path[1:]]
        on_path_links = [self._pair_links[p] for p in on_path_pairs]
        on_path_arcs = np.asarray([self._pair_arc[p] for p in on_path_pairs], dtype=_ARC)
        base = self._make_path([self.nodes[i] for i in path], on_path_links, on_path_arcs)
        side = self._side_labels(path, pred_s)
        pred_t = np.where(pred_t >= 0, pred_t, -1).astype(np.int64)
        walker = _Walker(
            self,
            (pred_s_view, pair_s_view),
            pred_t.data,
            self._rivals(dist_t).data,
            (path, on_path_links, on_path_arcs),
            (dist_t, side),
        )
        answers: dict[str, Any] = {}
        arcs, link_index = self.arcs, self._link_index
        cost = dist_s[arcs.tail] + arcs.cost + dist_t[arcs.head]
        low, high = side[arcs.tail], side[arcs.head]
        crossing = np.flatnonzero((low < high) & np.isfinite(cost))
        order = crossing[np.argsort(cost[crossing], kind="stable")]
        low, high, cost_sorted = low[order], high[order], cost[order]
        link_sorted = arcs.link[order]
        failed = np.asarray([link_index[lid] for lid in on_path_links], dtype=np.int64)
        covers = _first_covers(low, high, link_sorted, failed)
        for k, (lid, (first, runner_up)) in enumerate(zip(on_path_links, covers, strict=True), 1):
            if first < 0:
                answers[lid] = None  # the link is a bridge between source and destination
                continue
            if runner_up >= 0:
                best, second = cost_sorted[first], cost_sorted[runner_up]
                if second - best <= TIE_REL * max(1.0, best):
                    answers[lid] = UNKNOWN
                    continue
            arc = order[first]
            x, y = int(arcs.tail[arc]), int(arcs.head[arc])
            # y's cost as the search sums it: x's (the source tree's, to the bit) plus the step
            at_y = float(dist_s[x]) + float(arcs.cost[arc])
            answers[lid] = walker.detour(x, y, int(arc), k, at_y)
        unknown = any(a is UNKNOWN for a in answers.values())
        return _Table(answers, default=base, to_destination=dist_t if unknown else None)

    def _side_labels(self, path: list[int], pred_s: np.ndarray) -> np.ndarray:
        """For every node, the position on `path` of the last path node on its tree path from
        the source (so e_k, the k-th link, separates labels below k from labels k and up).
        Nodes the source does not reach get -1. Pointer jumping: O(n log depth), vectorised."""
        n = len(self.nodes)
        label = np.full(n, -1, dtype=np.int64)
        path_arr = np.asarray(path, dtype=np.int64)
        label[path_arr] = np.arange(len(path), dtype=np.int64)
        up = pred_s.astype(np.int64)
        root = up < 0
        up[root] = np.flatnonzero(root)
        up[path_arr] = path_arr  # path nodes are their own answer: jumps stop at the nearest
        while True:
            open_ = label < 0
            if not open_.any():
                break
            label = np.where(open_, label[up], label)
            nxt = up[up]
            if np.array_equal(nxt, up):
                break
            up = nxt
        return label


# Arc numbers of a path (`_make_path`'s third argument): 32 bits, as the trees keep every detour.
_ARC = np.int32

# Crossing arcs looked at together, cheapest first, for every failed link of a path at once:
# nearly always the two cheapest covers of each link are among them.
_COVER_WINDOW = 256


def _first_covers(
    low: np.ndarray, high: np.ndarray, link: np.ndarray, failed: np.ndarray
) -> list[tuple[int, int]]:
    """For the k-th failed link (k from 1, link index `failed[k-1]`), the positions of the two
    cheapest crossing arcs that cover it (low < k <= high, another link), -1 where fewer.

    Arcs are in cost order. One matrix over the cheapest `_COVER_WINDOW` arcs answers most
    links; a link with fewer than two covers there is scanned over all arcs.
    """
    ks = np.arange(1, len(failed) + 1, dtype=np.int64)[:, None]
    window = min(_COVER_WINDOW, low.size)
    covers = (
        (low[None, :window] < ks)
        & (high[None, :window] >= ks)
        & (link[None, :window] != failed[:, None])
    )
    count = np.cumsum(covers, axis=1, dtype=np.int64)
    total = count[:, -1] if window else np.zeros(len(failed), dtype=np.int64)
    first = np.argmax(count >= 1, axis=1) if window else total
    second = np.argmax(count >= 2, axis=1) if window else total
    out: list[tuple[int, int]] = []
    for k, found in enumerate(total.tolist(), start=1):
        if found >= 2:
            out.append((int(first[k - 1]), int(second[k - 1])))
            continue
        where = np.flatnonzero((low < k) & (high >= k) & (link != failed[k - 1]))[:2].tolist()
        out.append((where[0] if where else -1, where[1] if len(where) > 1 else -1))
    return out


class _Walker:
    """Detours spelled out as node and link ids along the two trees: the source's side by the
    tie rule, the destination's side along its tree or, where that tree has rival paths,
    settled forward by the tie rule. By node, as sequences: the source tree's next node toward
    the source and the position of the pair leading there, the destination tree's next node
    toward the destination (-1 for none), and whether a node has rivals in that tree.

    A detour's two ends mostly run along the demand's own path (its prefix is the source
    tree's path to every path node; a suffix is the destination tree's path wherever that
    tree follows it), so only the branches off the path are walked node by node and the rest
    is sliced from the path."""

    def __init__(
        self,
        owner: ReplacementPaths,
        tree_s: tuple[Sequence[int], Sequence[int]],
        tree_t: Sequence[int],
        rivals_t: Sequence[int],
        base: tuple[list[int], list[str], np.ndarray],
        ties: tuple[np.ndarray, np.ndarray],
    ) -> None:
        self.owner = owner
        self.tree_s, self.tree_t, self.rivals_t = tree_s, tree_t, rivals_t
        path, self.path_links, self.path_arcs = base
        self.destination = path[-1]
        self.path_names = [owner.nodes[i] for i in path]
        self.position = {node: i for i, node in enumerate(path)}
        # The destination's tree costs and the side labels, read only where there are rivals.
        self._ties = ties
        self._tie_lists: tuple[list[float], list[int]] | None = None
        # Per crossing arc: the detour made over it (see `detour`), or None to settle per link.
        self._made: dict[int, tuple[int, int, list[str], Any] | None] = {}
        # Positions from which the destination's tree follows the path to its end, and
        # whether a rival lies on the path from a position on (the tree walk would refuse it).
        after = tree_t
        last = len(path) - 1
        self.follows = [False] * len(path)
        self.rival_from = [False] * len(path)
        self.follows[last] = True
        for i in range(last - 1, -1, -1):
            self.follows[i] = self.follows[i + 1] and after[path[i]] == path[i + 1]
            self.rival_from[i] = self.rival_from[i + 1] or bool(rivals_t[path[i]])

    def detour(self, x: int, y: int, crossing: int, k: int, at_y: float) -> Any:
        """The detour over the crossing arc (x, y), arc number `crossing`, when the path's
        k-th link (from 1) is down; `at_y` is y's search cost (x's plus the step).

        One crossing arc is often the best cover of several links of the path in a row (the
        detour around a stretch of it): on backbone/world, 43,139 detours come from 12,427
        arcs. Where the way from y follows the destination's tree, which does not depend on
        the failed link, the detour is made once per arc and shared; only whether it avoids
        the k-th link is asked per link. Where that tree has rivals, the way is settled per
        failed link (it may differ)."""
        if crossing in self._made:
            made = self._made[crossing]
        else:
            tail = self._tree_tail(y)
            made = self._made[crossing] = None if tail is None else self._spelled(x, crossing, tail)
        if made is None:
            tail = self._settled_tail(y, at_y, k)
            if tail is None:
                return UNKNOWN
            made = self._spelled(x, crossing, tail)
        j, i, off_links, path = made
        if j >= k or i < k or self.path_links[k - 1] in off_links:
            return UNKNOWN  # not a path of the failed graph: only a search can say
        return path

    def _spelled(
        self, x: int, crossing: int, tail: tuple[list[str], list[int], int]
    ) -> tuple[int, int, list[str], Any]:
        """The detour over `crossing` (whose tail is x) with the way `tail` from its head:
        the path's own prefix to where the branch to x leaves it (position j), the branch,
        the crossing arc, the way off the path, and the path's own suffix from where that way
        rejoins it (position i). Returns j, i, the links off the path, and the Path; the
        path's own links before j and from i on are not the k-th when j < k <= i."""
        owner = self.owner
        position, names, pair_links, pair_arc = (
            self.position,
            owner.nodes,
            owner._pair_links,
            owner._pair_arc,
        )
        pred, pred_pair = self.tree_s
        branch, pairs = [x], []
        while branch[-1] not in position:  # up the source's tree to the path
            pairs.append(pred_pair[branch[-1]])
            branch.append(pred[branch[-1]])
        j = position[branch.pop()]
        pairs.reverse()
        nodes = [names[i] for i in reversed(branch)]
        off_nodes, off_pairs, i = tail
        links = [pair_links[p] for p in pairs]
        links.append(owner.links[int(owner.arcs.link[crossing])])
        links += [pair_links[p] for p in off_pairs]
        arcs = [pair_arc[p] for p in pairs]
        arcs.append(crossing)
        arcs += [pair_arc[p] for p in off_pairs]
        path_arcs = self.path_arcs
        path = owner._make_path(
            self.path_names[: j + 1] + nodes + off_nodes + self.path_names[i:],
            self.path_links[:j] + links + self.path_links[i:],
            np.concatenate((path_arcs[:j], np.asarray(arcs, dtype=_ARC), path_arcs[i:])),
        )
        return j, i, links, path

    def _tree_tail(self, y: int) -> tuple[list[str], list[int], int] | None:
        """Nodes from y down the destination's tree until it follows the path to its end, the
        pairs between (the last one onto the path), and the path position it joins at; None
        where that tree has a rival path (or does not reach)."""
        position, names, pair_pos = self.position, self.owner.nodes, self.owner._pair_pos
        after = self.tree_t
        rivals, follows = self.rivals_t, self.follows
        v, nodes, pairs = y, [], []
        while not (v in position and follows[position[v]]):  # down the destination's tree
            if after[v] < 0 or rivals[v]:
                return None
            nodes.append(names[v])
            pairs.append(pair_pos[(v, after[v])])
            v = after[v]
        i = position[v]
        if self.rival_from[i]:
            return None
        return nodes, pairs, i

    def _settled_tail(self, y: int, at_y: float, k: int) -> tuple[list[str], list[int], int] | None:
        """The search's way from y to the destination where the destination's tree has rival
        paths, as `_tree_tail` gives it (joining the path at its last node): settled forward
        from y's search cost by the tie rule, over the arcs tight in that tree (within
        `TIE_REL`), so with the search's own float sums. None when it cannot be told without
        a search (the way crosses back to the source's side, or the failed link, the path's
        k-th, is on a tight arc).

        Why it is the search's: every cheapest path of the failed graph enters the
        destination's side by the one best crossing arc (x, y) (the runner-up is dearer by
        more than `TIE_REL`), and from y it is a shortest path of the intact graph, so it uses
        tight arcs only. A node's tight predecessors in the search are therefore on such
        paths, all settled here, and their costs are the same sums from y's."""
        dist_t, side = self._lists()
        failed_link = self.path_links[k - 1]  # side labels below k are the source's side
        starts, heads, costs = self.owner._out
        pair_links, t = self.owner._pair_links, self.destination
        dist, parent = {y: at_y}, {}
        heap = [(at_y, y)]
        while heap:
            d, u = heapq.heappop(heap)
            if d > dist[u]:
                continue
            if side[u] < k:
                return None  # back on the source's side: the argument does not hold
            if u == t:
                break
            to_go = dist_t[u]
            slack = TIE_REL * max(1.0, to_go)
            for p in range(starts[u], starts[u + 1]):
                w = heads[p]
                if abs(dist_t[w] + costs[p] - to_go) > slack:
                    continue
                if pair_links[p] == failed_link:
                    return None  # a parallel link may stand in for it: only a search can say
                nd = d + costs[p]
                old = dist.get(w, _INF)
                if nd < old:
                    dist[w], parent[w] = nd, (u, p)
                    heapq.heappush(heap, (nd, w))
                elif nd == old and u < parent[w][0]:
                    parent[w] = (u, p)  # the tie rule: the lowest predecessor
        else:
            return None  # the destination is not reached over tight arcs
        nodes, pairs = self._walk_back(y, parent)
        return nodes, pairs, len(self.path_names) - 1

    def _walk_back(self, y: int, parent: dict[int, tuple[int, int]]) -> tuple[list[str], list[int]]:
        """Node ids from y up to (not including) the destination and the pairs between,
        walked back along `parent`."""
        names = self.owner.nodes
        v, nodes, pairs = self.destination, [], []
        while v != y:
            u, p = parent[v]
            pairs.append(p)
            v = u
            nodes.append(names[v])
        nodes.reverse()
        pairs.reverse()
        return nodes, pairs

    def _lists(self) -> tuple[list[float], list[int]]:
        """The destination tree's costs and the side labels as lists, made on first use: most
        demands never need them."""
        if self._tie_lists is None:
            dist_t, side = self._ties
            self._tie_lists = (dist_t.tolist(), side.tolist())
        return self._tie_lists


@dataclass(frozen=True)
class _Table:
    """One demand's answers: per failed link on its path; `default` for any other link."""

    answers: dict[str, Any]
    default: Any
    # Search costs to the destination with nothing failed, kept when some answer is UNKNOWN:
    # a lower bound in every failure state, it guides the search that must decide.
    to_destination: np.ndarray | None = None

    def answer(self, failed_link: str | None) -> Any:
        if failed_link is None:
            return self.default
        return self.answers.get(failed_link, self.default)
