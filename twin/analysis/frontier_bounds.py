"""Certified bounds for one demand: a frontier search that keeps the most probable states of each
step and *folds* the others into refinements instead of dropping them.

A state of the marked search (`frontier`) is the partition of the frontier into the blocks
connected so far, the shared components that are down, and the marks of the blocks of s and t.
Keeping only the `max_states` most probable states after each step bounds the work; the
question is what the truncated states' mass is worth. Dropped, it is unknown: it could end
connected or not, so it widens the interval by all of it. On a backbone whose demands are near
eleven nines, the states beyond the first few hundred still weigh ~1e-12: as much as the
unavailability being bounded.

Folding: split every block of a truncated state that carries no mark into single vertices.
The result is a *refinement*: the same links still to come, the same components down, fewer
connections made so far. s-t connectivity is monotone in the links that are up (a coherent
structure function; Barlow and Proschan, "Statistical Theory of Reliability and Life
Testing", 1975, ch. 2), so coupled on the same future, every outcome that connects the ends from
the refinement connects them from the original state. The folded mass continues from the
refinement as *pessimistic* mass, in a distribution of its own:

- pessimistic mass that ends connected is connected for certain (a lower bound on
  availability);
- pessimistic mass that ends disconnected is unknown: it may have been connected through the
  blocks that were split.

Refinements of many states coincide (only the marked blocks and the components down tell them
apart), so the pessimistic distribution stays small, and since it is refined, most of its mass
still ends connected: what stays unknown is the folded mass *times its chance of being
disconnected*, orders of magnitude below the folded mass itself. When the pessimistic
distribution outgrows the cap too, its least probable states are folded again, and what still
does not fit is dropped (unknown, as before).

Bounds, all from masses that are exact probabilities: connected = exact connected +
pessimistic connected <= A; disconnected = exact disconnected <= 1 - A; unknown = the rest.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from twin.analysis.frontier import (
    CLOSED,
    PENDING,
    Diagram,
    Key,
    Labels,
    Marks,
    PairOutcome,
    _relabel,
)
from twin.analysis.frontier_plan import Kind

# The folded distribution keeps up to 1 / FOLDED_SHARE as many states as the exact one: its
# states merge well, and it carries little mass.
FOLDED_SHARE = 2
Marked = dict[Key, dict[Marks, float]]
Ranked = list[tuple[float, Key, Marks]]


@dataclass
class _Absorbed:
    """Mass of one distribution that has left it: ends joined, or an end's block closed."""

    connected: float = 0.0
    disconnected: float = 0.0


def _marked_step(
    diagram: Diagram, k: int, states: Marked, ends: tuple[str, str], absorbed: _Absorbed
) -> Marked:
    """One step of a demand's marked distribution; absorbed mass leaves it."""
    step = diagram.plan.steps[k]
    adds = step.kind == Kind.ADD and step.vertex in ends
    out: Marked = {}
    for key, marked in states.items():
        for factor, labels, bits, mapping in diagram.transitions(k, key):
            target = out.get((labels, bits))
            if mapping is None:  # no block joined or closed: the marks stay, nothing absorbed
                if target is None:
                    target = out[(labels, bits)] = {}
                for marks, mass in marked.items():
                    target[marks] = target.get(marks, 0.0) + mass * factor
                continue
            for (ms, mt), mass in marked.items():
                ms, mt = _relabel(ms, mapping), _relabel(mt, mapping)
                if adds:
                    if step.vertex == ends[0]:
                        ms = labels[step.slot]
                    if step.vertex == ends[1]:
                        mt = labels[step.slot]
                weight = mass * factor
                if ms >= 0 and ms == mt:
                    absorbed.connected += weight
                elif ms == CLOSED or mt == CLOSED:
                    absorbed.disconnected += weight
                else:
                    if target is None:
                        target = out[(labels, bits)] = {}
                    target[(ms, mt)] = target.get((ms, mt), 0.0) + weight
    return out


def refine(labels: Labels, marks: Marks, leaves_at: Sequence[int]) -> tuple[Labels, Marks]:
    """Every block split into single vertices, each mark moved to the vertex of its block that
    stays on the frontier longest (`leaves_at`: per slot, the step its vertex leaves at), the
    one with the most links still to come. A refinement: it connects the ends in no more
    outcomes of the links to come than the original state."""
    new: list[int] = []
    best = {m: -1 for m in marks if m >= 0}  # mark -> the slot it moves to
    blocks = 0
    for slot, x in enumerate(labels):
        if x < 0:
            new.append(-1)
            continue
        new.append(blocks)
        blocks += 1
        if x in best and (best[x] < 0 or leaves_at[slot] > leaves_at[best[x]]):
            best[x] = slot
    moved = [m if m < 0 else new[best[m]] for m in marks]
    return tuple(new), (moved[0], moved[1])


def _count(states: Marked) -> int:
    return sum(len(m) for m in states.values())


def _split(states: Marked, max_states: int) -> tuple[Marked, Ranked]:
    """The `max_states` most probable marked states, and the others."""
    if _count(states) <= max_states:
        return states, []
    ranked = sorted(
        ((mass, key, marks) for key, m in states.items() for marks, mass in m.items()),
        key=lambda item: item[0],
        reverse=True,
    )
    kept: Marked = {}
    for mass, key, marks in ranked[:max_states]:
        kept.setdefault(key, {})[marks] = mass
    return kept, ranked[max_states:]


def _fold(into: Marked, ranked: Ranked, leaves_at: Sequence[int]) -> None:
    """Add each state's mass to its refinement in `into`."""
    for mass, (labels, bits), marks in ranked:
        new_labels, new_marks = refine(labels, marks, leaves_at)
        target = into.setdefault((new_labels, bits), {})
        target[new_marks] = target.get(new_marks, 0.0) + mass


@dataclass
class _Search:
    """The two distributions of a bounded search and what has left them."""

    exact: Marked
    folded: Marked
    leaves_at: list[int]  # per slot: the step at which its vertex leaves the frontier
    sure: _Absorbed = field(default_factory=_Absorbed)  # connected / disconnected for certain
    pessimistic: _Absorbed = field(default_factory=_Absorbed)  # connected for certain only
    dropped: float = 0.0
    folded_total: float = 0.0
    peak: int = 0

    def step(self, diagram: Diagram, k: int, ends: tuple[str, str], max_states: int) -> None:
        step = diagram.plan.steps[k]
        if step.kind == Kind.ADD:
            self.leaves_at[step.slot] = diagram.plan.remove_step[step.vertex]
        exact = _marked_step(diagram, k, self.exact, ends, self.sure)
        folded = _marked_step(diagram, k, self.folded, ends, self.pessimistic)
        room = max(1, max_states // FOLDED_SHARE)
        self.peak = max(self.peak, min(_count(exact), max_states))  # folding starts at the cap
        self.exact, beyond = _split(exact, max_states)
        self.folded_total += sum(item[0] for item in beyond)
        _fold(folded, beyond, self.leaves_at)
        folded, beyond = _split(folded, room)
        if beyond:  # blocks joined since they were folded: split them again, then drop
            _fold(folded, beyond, self.leaves_at)
            folded, beyond = _split(folded, room)
            self.dropped += sum(item[0] for item in beyond)
        self.folded = folded

    def in_flight(self) -> float:
        return sum(sum(m.values()) for d in (self.exact, self.folded) for m in d.values())


def bounded_pair(
    diagram: Diagram,
    ends: tuple[str, str],
    *,
    max_states: int,
    deadline: float = float("inf"),
) -> PairOutcome:
    """Connected / disconnected / unknown mass of one demand, keeping at most `max_states`
    states in each of the exact and the folded distribution after each step. Past `deadline`
    (time.monotonic()) the search stops and the mass still in flight is unknown: the outcome
    stays certified, marked incomplete."""
    plan = diagram.plan
    search = _Search({diagram.start(): {(PENDING, PENDING): 1.0}}, {}, [0] * plan.slots)
    complete = True
    k = 0
    while (search.exact or search.folded) and k < len(plan.steps):
        if time.monotonic() > deadline:
            search.dropped += search.in_flight()
            search.exact, search.folded = {}, {}
            complete = False
            break
        search.step(diagram, k, ends, max_states)
        k += 1
    # Past the last step every vertex has left the frontier: nothing is left unabsorbed.
    return PairOutcome(
        ends[0],
        ends[1],
        search.sure.connected + search.pessimistic.connected,
        search.sure.disconnected,
        search.pessimistic.disconnected + search.dropped,
        search.peak,
        complete,
        search.folded_total,
    )
