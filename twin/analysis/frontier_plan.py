"""The edge order and step list of a frontier-based reliability diagram.

A frontier-based search (Hardy, Lucet and Limnios, "K-terminal network reliability measures
with binary decision diagrams", IEEE Trans. Reliability 56(3), 2007; Sekine, Imai and Tani,
"Computing the Tutte polynomial of a graph of moderate size", ISAAC 1995) visits the links
one at a time. Its state after link k only needs the vertices that touch both a visited and an
unvisited link (the *frontier*), so its size depends on the frontier's width along the order,
not on the number of links. This module picks the order and turns it into a list of steps:

- ``ADD v`` before v's first link and ``REMOVE v`` after its last (v enters and leaves the
  frontier), each vertex in a *slot* reused once freed, so a state is a short tuple;
- ``DECIDE c`` before the first link of a shared component c (an SRLG or a failing node, whose
  one random state takes down all its links) and ``FORGET c`` after its last: c's state is one
  bit of the frontier state while it matters, which keeps correlated failures exact;
- ``EDGE`` for each link: up with its own probability if no component it depends on is down.

Everything here is iterative: nothing recurses in proportion to the network.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum


class Kind(IntEnum):
    ADD = 0
    REMOVE = 1
    DECIDE = 2
    FORGET = 3
    EDGE = 4


@dataclass(frozen=True)
class PlanEdge:
    """A link as the diagram sees it: its ends, its own availability and the indices of the
    shared components that take it down."""

    u: str
    v: str
    p_up: float
    components: tuple[int, ...] = ()


@dataclass(frozen=True)
class Step:
    kind: Kind
    slot: int  # vertex slot (ADD, REMOVE, EDGE's first end) or component bit (DECIDE, FORGET)
    other: int = -1  # EDGE: the second end's slot
    p_up: float = 1.0  # EDGE: own availability; DECIDE: the component's availability
    guard: int = 0  # EDGE: bit mask of the components that must be up
    vertex: str = ""  # ADD, REMOVE: the vertex


@dataclass(frozen=True)
class Plan:
    """Steps of one diagram, shared by every demand on the same network."""

    steps: tuple[Step, ...]
    slots: int  # the largest frontier (vertex slots in use at once)
    widths: tuple[int, ...]  # frontier size at each link
    live_bits: tuple[int, ...]  # shared components alive at each link
    bits: int  # the most component bits in use at once
    add_step: dict[str, int]  # vertex -> index of its ADD step
    remove_step: dict[str, int]  # vertex -> index of its REMOVE step

    @property
    def width(self) -> int:
        return self.slots


def _adjacency(vertices: Sequence[str], edges: Sequence[PlanEdge]) -> dict[str, list[str]]:
    adjacency: dict[str, list[str]] = {v: [] for v in vertices}
    for e in edges:
        adjacency[e.u].append(e.v)
        adjacency[e.v].append(e.u)
    return adjacency


def _farthest(adjacency: dict[str, list[str]], start: str) -> str:
    """The last vertex a breadth-first search from `start` reaches: a peripheral start keeps
    the frontier narrow on long, thin networks."""
    seen = {start}
    queue = [start]
    head = 0
    while head < len(queue):
        x = queue[head]
        head += 1
        for y in adjacency[x]:
            if y not in seen:
                seen.add(y)
                queue.append(y)
    return queue[-1]


def _greedy_order(adjacency: dict[str, list[str]], start: str) -> list[str]:
    """Vertices in an order that keeps the frontier small: next, the candidate with the most
    links back to placed vertices and the fewest forward (a greedy path decomposition)."""
    placed: set[str] = set()
    order: list[str] = []
    back = dict.fromkeys(adjacency, 0)
    heap: list[tuple[int, int, str]] = [(0, 0, start)]
    while len(order) < len(adjacency):
        if not heap:  # the component is placed (its last pops may have been stale entries)
            rest = next(v for v in adjacency if v not in placed)
            heapq.heappush(heap, (0, len(order), rest))
        _, _, x = heapq.heappop(heap)
        if x in placed:
            continue
        placed.add(x)
        order.append(x)
        for y in adjacency[x]:
            if y not in placed:
                back[y] += 1
                forward = len(adjacency[y]) - back[y]
                heapq.heappush(heap, (forward - 2 * back[y], len(order), y))
    return order


def _edge_order(order: Sequence[str], edges: Sequence[PlanEdge]) -> list[int]:
    position = {v: i for i, v in enumerate(order)}
    return sorted(
        range(len(edges)),
        key=lambda i: (
            max(position[edges[i].u], position[edges[i].v]),
            min(position[edges[i].u], position[edges[i].v]),
            i,
        ),
    )


def order_edges(vertices: Sequence[str], edges: Sequence[PlanEdge]) -> list[int]:
    """The edge order with the narrowest frontier among a few greedy starts (each O(m log m))."""
    adjacency = _adjacency(vertices, edges)
    linked = [v for v in vertices if adjacency[v]]
    if not linked:
        return []
    starts = {_farthest(adjacency, linked[0])}
    starts.add(_farthest(adjacency, next(iter(starts))))
    starts.add(min(linked, key=lambda v: (len(adjacency[v]), v)))
    best: list[int] = []
    best_cost = (1 << 62, 1 << 62)
    for start in sorted(starts):
        candidate = _edge_order(_greedy_order(adjacency, start), edges)
        widths = frontier_widths(candidate, edges)
        cost = (max(widths, default=0), sum(1 << min(w, 40) for w in widths))
        if cost < best_cost:
            best, best_cost = candidate, cost
    return best


def frontier_widths(order: Sequence[int], edges: Sequence[PlanEdge]) -> list[int]:
    """Frontier size after each link of `order`: the cost estimate of the diagram."""
    last: dict[str, int] = {}
    for k, i in enumerate(order):
        last[edges[i].u] = k
        last[edges[i].v] = k
    alive: set[str] = set()
    widths = []
    for k, i in enumerate(order):
        alive.update((edges[i].u, edges[i].v))
        widths.append(len(alive))
        alive.difference_update(x for x in (edges[i].u, edges[i].v) if last[x] == k)
    return widths


class _Slots:
    """Lowest free slot first, so states stay short and comparable."""

    def __init__(self) -> None:
        self.free: list[int] = []
        self.used = 0

    def take(self) -> int:
        if self.free:
            return heapq.heappop(self.free)
        self.used += 1
        return self.used - 1

    def give(self, slot: int) -> None:
        heapq.heappush(self.free, slot)


def build_plan(
    vertices: Sequence[str], edges: Sequence[PlanEdge], component_p_up: Sequence[float]
) -> Plan:
    """Steps for `edges` in a narrow order, with the shared components decided just in time."""
    order = order_edges(vertices, edges)
    last_vertex: dict[str, int] = {}
    last_component: dict[int, int] = {}
    for k, i in enumerate(order):
        last_vertex[edges[i].u] = last_vertex[edges[i].v] = k
        for c in edges[i].components:
            last_component[c] = k
    vertex_slots, bit_slots = _Slots(), _Slots()
    slot_of: dict[str, int] = {}
    bit_of: dict[int, int] = {}
    steps: list[Step] = []
    widths: list[int] = []
    live_bits: list[int] = []
    live = 0
    add_step: dict[str, int] = {}
    remove_step: dict[str, int] = {}
    for k, i in enumerate(order):
        e = edges[i]
        for x in (e.u, e.v):
            if x not in slot_of:
                slot_of[x] = vertex_slots.take()
                add_step[x] = len(steps)
                steps.append(Step(Kind.ADD, slot_of[x], vertex=x))
        for c in e.components:
            if c not in bit_of:
                bit_of[c] = bit_slots.take()
                steps.append(Step(Kind.DECIDE, bit_of[c], p_up=component_p_up[c]))
                live += 1
        live_bits.append(live)
        guard = 0
        for c in e.components:
            guard |= 1 << bit_of[c]
        steps.append(Step(Kind.EDGE, slot_of[e.u], slot_of[e.v], e.p_up, guard))
        widths.append(len(slot_of) - len(remove_step))
        for c in sorted(set(e.components)):
            if last_component[c] == k:
                steps.append(Step(Kind.FORGET, bit_of[c]))
                live -= 1
                bit_slots.give(bit_of[c])
        for x in dict.fromkeys((e.u, e.v)):
            if last_vertex[x] == k:
                remove_step[x] = len(steps)
                steps.append(Step(Kind.REMOVE, slot_of[x], vertex=x))
                vertex_slots.give(slot_of[x])
    return Plan(
        tuple(steps),
        vertex_slots.used,
        tuple(widths),
        tuple(live_bits),
        bit_slots.used,
        add_step,
        remove_step,
    )
