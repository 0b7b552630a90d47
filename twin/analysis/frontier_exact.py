"""Exact two-terminal unavailability of many demands from one diagram, forward and backward.

Following every demand through the diagram with two marks costs one pass per demand. Instead:

1. one unmarked forward pass builds the whole diagram (every reachable state at every step)
   and keeps the distribution where each demand end enters (`_forward`);
2. one backward pass gives, for every state and every pair of its blocks, the probability that
   the rest of the network never joins the two blocks (`_never_joined`);
3. one forward pass per *source* marks the source's block, and when a destination enters the
   frontier (a block of its own) the demand's unavailability is the mass whose source block had
   already closed plus the sum over states of mass x never-joined(source block, new block).

Every term is a non-negative product of probabilities, so small unavailabilities keep their
relative precision (no 1 - 0.9999999 cancellation). A network of n demand ends costs at most n
forward passes plus one backward pass, whatever the number of demands.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from twin.analysis.frontier import (
    CLOSED,
    PENDING,
    Diagram,
    Key,
    OutOfTime,
    PairOutcome,
    _plain_step,
    _relabel,
)
from twin.analysis.frontier_plan import Kind


class TooLarge(Exception):
    """The diagram has more states at some step than the caller allowed."""

    def __init__(self, step: int, states: int) -> None:
        super().__init__(f"{states} states at step {step}")
        self.step = step
        self.states = states


def _pair_index(i: int, j: int) -> int:
    if i > j:
        i, j = j, i
    return j * (j - 1) // 2 + i


def _blocks(labels: tuple[int, ...]) -> int:
    return max(labels, default=-1) + 1


def _forward(
    diagram: Diagram, snapshot_at: set[int], max_states: int, deadline: float
) -> dict[int, dict[Key, float]]:
    """Build every state of the diagram; keep the distribution before each step in
    `snapshot_at`. Raises `TooLarge` past `max_states` states at a step."""
    states: dict[Key, float] = {diagram.start(): 1.0}
    kept: dict[int, dict[Key, float]] = {}
    for k in range(len(diagram.plan.steps)):
        if k in snapshot_at:
            kept[k] = states
        if time.monotonic() > deadline:
            raise OutOfTime
        states = _plain_step(diagram, k, states)
        diagram.widest = max(diagram.widest, len(states))
        if len(states) > max_states:
            raise TooLarge(k, len(states))
    return kept


def _never_joined_level(
    diagram: Diagram, k: int, after: dict[Key, list[float]]
) -> dict[Key, list[float]]:
    """For each state before step k: P(blocks i and j never join), indexed by `_pair_index`."""
    level: dict[Key, list[float]] = {}
    for key in diagram.memo[k]:
        blocks = _blocks(key[0])
        values = [0.0] * (blocks * (blocks - 1) // 2)
        for factor, labels, bits, mapping in diagram.transitions(k, key):
            later = after.get((labels, bits))
            for j in range(1, blocks):
                mj = _relabel(j, mapping)
                for i in range(j):
                    mi = _relabel(i, mapping)
                    if mi == mj and mi >= 0:
                        continue
                    if mi == CLOSED or mj == CLOSED:
                        values[j * (j - 1) // 2 + i] += factor
                    elif later is not None:
                        values[j * (j - 1) // 2 + i] += factor * later[_pair_index(mi, mj)]
        level[key] = values
    return level


def _never_joined(
    diagram: Diagram, keep_at: set[int], deadline: float
) -> dict[int, dict[Key, list[float]]]:
    """The backward pass, keeping only the levels in `keep_at` (states before those steps)."""
    after: dict[Key, list[float]] = {}
    kept: dict[int, dict[Key, list[float]]] = {}
    for k in range(len(diagram.plan.steps) - 1, -1, -1):
        if time.monotonic() > deadline:
            raise OutOfTime
        after = _never_joined_level(diagram, k, after)
        if k in keep_at:
            kept[k] = after
    return kept


def _source_step(
    diagram: Diagram, k: int, states: dict[Key, dict[int, float]], source: str
) -> tuple[dict[Key, dict[int, float]], float]:
    """One step of the distribution marked with the source's block; returns the mass whose
    source block closed at this step (disconnected from every vertex not yet entered)."""
    step = diagram.plan.steps[k]
    adds_source = step.kind == Kind.ADD and step.vertex == source
    out: dict[Key, dict[int, float]] = {}
    closed = 0.0
    for key, marked in states.items():
        for factor, labels, bits, mapping in diagram.transitions(k, key):
            target = out.get((labels, bits))
            for mark, mass in marked.items():
                ms = labels[step.slot] if adds_source else _relabel(mark, mapping)
                if ms == CLOSED:
                    closed += mass * factor
                    continue
                if target is None:
                    target = out[(labels, bits)] = {}
                target[ms] = target.get(ms, 0.0) + mass * factor
    return out, closed


def _unavailability_at(
    states: dict[Key, dict[int, float]], slot: int, never: dict[Key, list[float]]
) -> float:
    """Mass that never joins the source block to the block of the vertex in `slot`."""
    total = 0.0
    for key, marked in states.items():
        values = never[key]
        block = key[0][slot]
        for ms, mass in marked.items():
            total += mass * values[_pair_index(ms, block)]
    return total


def _one_source(
    diagram: Diagram,
    source: str,
    start: dict[Key, float],
    destinations: dict[str, list[int]],
    never: dict[int, dict[Key, list[float]]],
    deadline: float,
) -> dict[str, float]:
    """Unavailability from `source` to every destination that enters after it."""
    plan = diagram.plan
    k = plan.add_step[source]
    states: dict[Key, dict[int, float]] = {key: {PENDING: m} for key, m in start.items()}
    closed = 0.0
    remaining = {plan.add_step[d]: d for d in destinations}
    found: dict[str, float] = {}
    while remaining:
        if time.monotonic() > deadline:
            raise OutOfTime
        states, now_closed = _source_step(diagram, k, states, source)
        closed += now_closed
        destination = remaining.pop(k, None)
        if destination is not None:
            slot = plan.steps[k].slot
            found[destination] = closed + _unavailability_at(states, slot, never[k + 1])
        k += 1
    return found


def exact_pairs(
    diagram: Diagram,
    pairs: Iterable[tuple[str, str]],
    *,
    max_states: int,
    deadline: float = float("inf"),
    progress: Callable[[PairOutcome], None] | None = None,
) -> list[PairOutcome]:
    """Exact outcome of every pair (ends must be distinct vertices of the plan).

    Raises `TooLarge` when a step has more than `max_states` states (before any per-demand
    work), `OutOfTime` past `deadline`.
    """
    plan = diagram.plan
    wanted = list(dict.fromkeys(pairs))
    by_source: dict[str, dict[str, list[int]]] = {}
    for s, t in wanted:
        first, second = (s, t) if plan.add_step[s] < plan.add_step[t] else (t, s)
        by_source.setdefault(first, {}).setdefault(second, [])
    starts = _forward(diagram, {plan.add_step[s] for s in by_source}, max_states, deadline)
    keep_at = {plan.add_step[d] + 1 for targets in by_source.values() for d in targets}
    never = _never_joined(diagram, keep_at, deadline)
    unavailable: dict[tuple[str, str], float] = {}
    for source in sorted(by_source, key=lambda v: plan.add_step[v]):
        start = starts.pop(plan.add_step[source])
        found = _one_source(diagram, source, start, by_source[source], never, deadline)
        for destination, value in found.items():
            unavailable[(source, destination)] = unavailable[(destination, source)] = value
            if progress is not None:
                progress(PairOutcome(source, destination, 1.0 - value, value, 0.0, 0))
    out = []
    for s, t in wanted:
        value = min(1.0, max(0.0, unavailable[(s, t)]))
        out.append(PairOutcome(s, t, 1.0 - value, value, 0.0, len(plan.steps)))
    return out
