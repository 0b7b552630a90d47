"""Two-terminal reliability by frontier-based search over one shared diagram.

A diagram *state* after a step of the plan (see `frontier_plan`) is the partition of the
frontier vertices into the blocks they are connected to through links that are up so far (one
label per vertex slot, -1 for a free slot, labels numbered in order of first appearance so equal
partitions are equal tuples), plus a bit mask of the shared components that are down. The
transitions of a state depend only on the network, so they are computed once and remembered
(`Diagram`), whatever the demand: that memo *is* the decision diagram, and memory grows with it,
not with the number of demands.

A demand s -> t follows the same diagram with two marks: the block of s and the block of t
(`PENDING` before the vertex enters, `CLOSED` once its block has no frontier vertex left). When
the marks meet, the mass of the state is connected for good; when one closes first, it is
disconnected for good. Up to the step where the first of s and t enters, every demand's
distribution is the unmarked one, so the unmarked distribution is advanced once and each demand
starts from it there (`availability_of_pairs`).

Bounds: a search that keeps only the most probable states of each step is in
`frontier_bounds`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from twin.analysis.frontier_plan import Kind, Plan, Step

PENDING = -2
CLOSED = -3
Labels = tuple[int, ...]
Key = tuple[Labels, int]  # (block label per slot, bit mask of components down)
Mapping = dict[int, int] | None  # old label -> new label (absent: closed); None: unchanged
Transition = tuple[float, Labels, int, Mapping]
Marks = tuple[int, int]


class OutOfTime(Exception):
    """The caller's time budget ran out in the middle of a demand."""


@dataclass(frozen=True)
class PairOutcome:
    """Probability masses of one demand: connected (lower bound), disconnected (so 1 - it is
    the upper bound) and unknown (dropped by the state cap)."""

    source: str
    destination: str
    connected: float
    disconnected: float
    dropped: float
    peak_states: int
    complete: bool = True  # False: the time budget ended the search, the rest is in `dropped`
    # Bounds only: mass of truncated states folded into refinements (`frontier_bounds`); what
    # of it did not end connected for certain is in `dropped`.
    folded: float = 0.0

    @property
    def exact(self) -> bool:
        return self.dropped == 0.0


def _canon(raw: Sequence[int]) -> tuple[Labels, dict[int, int]]:
    mapping: dict[int, int] = {}
    out = []
    for x in raw:
        if x < 0:
            out.append(-1)
            continue
        y = mapping.get(x)
        if y is None:
            y = mapping[x] = len(mapping)
        out.append(y)
    return tuple(out), mapping


def _add(step: Step, labels: Labels, bits: int) -> list[Transition]:
    raw = list(labels)
    raw[step.slot] = max(labels, default=-1) + 1
    new, mapping = _canon(raw)
    return [(1.0, new, bits, mapping)]


def _remove(step: Step, labels: Labels, bits: int) -> list[Transition]:
    raw = list(labels)
    raw[step.slot] = -1
    new, mapping = _canon(raw)
    return [(1.0, new, bits, mapping)]


def _edge(step: Step, labels: Labels, bits: int) -> list[Transition]:
    a, b = labels[step.slot], labels[step.other]
    p = step.p_up
    if bits & step.guard or p <= 0.0:
        return [(1.0, labels, bits, None)]
    if a == b:  # a loop in the processed part: up or down, nothing changes
        return [(1.0, labels, bits, None)]
    new, mapping = _canon([a if x == b else x for x in labels])
    mapping[b] = mapping[a]
    up: Transition = (p, new, bits, mapping)
    return [up] if p >= 1.0 else [up, (1.0 - p, labels, bits, None)]


def _decide(step: Step, labels: Labels, bits: int) -> list[Transition]:
    p = step.p_up
    down: Transition = (1.0 - p, labels, bits | (1 << step.slot), None)
    if p >= 1.0:
        return [(1.0, labels, bits, None)]
    return [down] if p <= 0.0 else [(p, labels, bits, None), down]


def _forget(step: Step, labels: Labels, bits: int) -> list[Transition]:
    return [(1.0, labels, bits & ~(1 << step.slot), None)]


_APPLY: dict[Kind, Callable[[Step, Labels, int], list[Transition]]] = {
    Kind.ADD: _add,
    Kind.REMOVE: _remove,
    Kind.EDGE: _edge,
    Kind.DECIDE: _decide,
    Kind.FORGET: _forget,
}


class Diagram:
    """The plan's transitions, computed on first use and remembered per (step, state).

    `remember=False` computes them afresh each time: a truncated search visits each state of
    a step once per demand, and remembering would keep every state it ever dropped.
    """

    def __init__(self, plan: Plan, *, remember: bool = True) -> None:
        self.plan = plan
        self.remember = remember
        self.memo: list[dict[Key, list[Transition]]] = [{} for _ in plan.steps] if remember else []
        self.size = 0  # remembered states: the diagram's node count
        self.widest = 0  # most states at one step, once a full forward pass has run

    def transitions(self, k: int, key: Key) -> list[Transition]:
        step = self.plan.steps[k]
        if not self.remember:
            return _APPLY[step.kind](step, key[0], key[1])
        level = self.memo[k]
        found = level.get(key)
        if found is None:
            found = level[key] = _APPLY[step.kind](step, key[0], key[1])
            self.size += 1
        return found

    def start(self) -> Key:
        return (tuple([-1] * self.plan.slots), 0)


def _relabel(mark: int, mapping: Mapping) -> int:
    if mark < 0 or mapping is None:
        return mark
    return mapping.get(mark, CLOSED)


def _plain_step(diagram: Diagram, k: int, states: dict[Key, float]) -> dict[Key, float]:
    out: dict[Key, float] = {}
    for key, mass in states.items():
        for factor, labels, bits, _ in diagram.transitions(k, key):
            nxt = (labels, bits)
            out[nxt] = out.get(nxt, 0.0) + mass * factor
    return out
