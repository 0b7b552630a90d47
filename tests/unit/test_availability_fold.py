"""Bounds with truncated states folded into refinements (`frontier_bounds`): every fold is a
refinement (it never raises a state's chance to connect the ends, computed exactly from the
diagram), the bounds bracket closed forms and the previous engine at every cap, and folding
recovers the truncated mass that dropping would have left unknown."""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Callable

import pytest
from _factoring_reference import factoring_availability
from test_availability_formulas import (
    BRIDGE,
    _bridge_formula,
    _grid,
    _random_network,
    _topology,
    p_of,
)

from twin.analysis.availability import (
    AvailabilityResult,
    Settings,
    _second_pass,
    availability_of_demands,
)
from twin.analysis.availability_blocks import decompose
from twin.analysis.availability_network import build_network
from twin.analysis.frontier import PENDING, Diagram, Key, Marks
from twin.analysis.frontier_bounds import Marked, _Absorbed, _marked_step, bounded_pair, refine
from twin.analysis.frontier_plan import Plan, build_plan
from twin.model import FailureClass, RepairTime, Topology


def _plan(topo: Topology, ends: tuple[str, str]) -> Plan:
    network = build_network(topo, False, set(ends))
    return build_plan(network.vertices, network.edges, network.component_p_up)


def _states_after(diagram: Diagram, k: int, ends: tuple[str, str]) -> Marked:
    """Every marked state after step k, untruncated."""
    states: Marked = {diagram.start(): {(PENDING, PENDING): 1.0}}
    for j in range(k + 1):
        states = _marked_step(diagram, j, states, ends, _Absorbed())
    return states


def _connects_from(
    diagram: Diagram, k: int, key: Key, marks: Marks, ends: tuple[str, str]
) -> float:
    """P(the ends end up connected | the state after step k), exactly."""
    absorbed = _Absorbed()
    states: Marked = {key: {marks: 1.0}}
    for j in range(k + 1, len(diagram.plan.steps)):
        states = _marked_step(diagram, j, states, ends, absorbed)
    assert not states
    return absorbed.connected


@pytest.mark.parametrize("seed", range(5))
def test_a_fold_never_raises_the_chance_to_connect(seed: int) -> None:
    """For every reachable state at a few steps, with any choice of the vertex a mark moves to
    (a random `leaves_at`): P(connect | refinement) <= P(connect | state). Random networks with
    SRLGs and failing nodes, so the components-down bits are exercised too."""
    topo, names = _random_network(seed)
    ends = (names[0], names[-1])
    diagram = Diagram(_plan(topo, ends))
    steps = len(diagram.plan.steps)
    rng = random.Random(seed)
    checked = 0
    for k in sorted(rng.sample(range(steps - 1), 4)):
        for (labels, bits), marked in _states_after(diagram, k, ends).items():
            for marks in marked:
                leaves_at = [rng.randrange(steps) for _ in labels]
                new_labels, new_marks = refine(labels, marks, leaves_at)
                before = _connects_from(diagram, k, (labels, bits), marks, ends)
                after = _connects_from(diagram, k, (new_labels, bits), new_marks, ends)
                assert after <= before + 1e-15
                checked += 1
    assert checked > 0


def test_a_fold_splits_every_block_and_keeps_marks_on_their_blocks() -> None:
    labels, marks = (0, 1, 0, -1, 2, 1), (0, 1)
    new_labels, new_marks = refine(labels, marks, [5, 9, 7, 0, 1, 3])
    assert new_labels == (0, 1, 2, -1, 3, 4)
    # s's block is slots 0 and 2 (slot 2 leaves last), t's is slots 1 and 5 (slot 1 does).
    assert new_marks == (new_labels[2], new_labels[1])
    assert refine(labels, (PENDING, 2), [0] * 6)[1] == (PENDING, 3)


def _ring(n: int) -> Topology:
    nodes = [f"v{i}" for i in range(n)]
    return _topology([(f"e{i}", nodes[i], nodes[(i + 1) % n], "r2") for i in range(n)])


CLOSED_FORMS: list[tuple[str, Callable[[], Topology], tuple[str, str], Callable[[], float]]] = [
    ("bridge", lambda: _topology(BRIDGE), ("s", "t"), _bridge_formula),
    ("ring", lambda: _ring(7), ("v0", "v3"), lambda: p_of(2) ** 3 + p_of(2) ** 4 - p_of(2) ** 7),
    (
        "parallel of series",
        lambda: _topology(
            [
                (f"{p}{i}", f"{p}{i}" if i else "s", f"{p}{i + 1}" if i < 2 else "t", "r1")
                for p in "abc"
                for i in range(3)
            ]
        ),
        ("s", "t"),
        lambda: 1 - (1 - p_of(1) ** 3) ** 3,
    ),
]


@pytest.mark.parametrize(("name", "build", "ends", "formula"), CLOSED_FORMS)
def test_folded_bounds_bracket_closed_forms_at_every_cap(
    name: str,
    build: Callable[[], Topology],
    ends: tuple[str, str],
    formula: Callable[[], float],
) -> None:
    """Series-parallel reductions are bypassed (the plan is built on the raw links), so the
    truncated search itself must bracket the formula, and be exact with room for every state."""
    expected = formula()
    plan = _plan(build(), ends)
    for cap in (1, 2, 3, 4, 6, 10_000):
        out = bounded_pair(Diagram(plan, remember=False), ends, max_states=cap)
        assert out.connected <= expected + 1e-15 <= 1 - out.disconnected + 2e-15, name
        assert out.connected + out.disconnected + out.dropped == pytest.approx(1.0, abs=1e-12)
    assert out.dropped == 0.0 and out.connected == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("seed", range(6, 12))
def test_folded_bounds_bracket_the_previous_engine(seed: int) -> None:
    topo, names = _random_network(seed)
    ends = (names[1], names[-1])
    exact = factoring_availability(topo, *ends)
    plan = _plan(topo, ends)
    for cap in (1, 2, 3, 5, 8):
        out = bounded_pair(Diagram(plan, remember=False), ends, max_states=cap)
        assert out.connected <= exact + 1e-15 and exact <= 1 - out.disconnected + 1e-15


def test_folding_recovers_most_of_the_truncated_mass() -> None:
    """A 7 x 7 grid (frontier 8) of links down 0.06 % of the time, as on a backbone, at a cap far
    below the diagram's width. The exact distribution evolves as it would if truncated states
    were dropped, so dropping would leave exactly the folded mass unknown; folded, a state keeps
    its marked vertices and every link still to come, so nearly all of it ends connected."""
    slow = FailureClass("r5", "per_link", 0.01, RepairTime("fixed", 500.0))
    topo = dataclasses.replace(_grid(7, 7, "r5"), failure_classes={"r5": slow})
    ends = ("g0-0", "g6-6")
    out = bounded_pair(Diagram(_plan(topo, ends), remember=False), ends, max_states=16)
    exact = availability_of_demands(topo, [ends], settings=Settings(method="exact"))[0]
    assert out.connected <= exact.value <= 1 - out.disconnected
    assert out.folded > 0.0
    assert out.dropped <= 0.1 * out.folded


def test_the_second_pass_keeps_the_narrower_certified_interval() -> None:
    """A demand the first pass left wide (here: told it knew nothing) is retried with a larger
    first round; the retry's interval is kept only where it is narrower, and still brackets the
    exact value. With no time left the first-pass result stands."""
    topo = _grid(6, 6)
    ends = ("g0-0", "g5-5")
    exact = availability_of_demands(topo, [ends], settings=Settings(method="exact"))[0]
    network = build_network(topo, False, set(ends))
    chain = decompose(network, *ends)
    plans = [
        build_plan(g.network.vertices, g.network.edges, g.network.component_p_up)
        for g in chain.groups
    ]
    settings = Settings(method="bounds", tolerance=0.0, relative_width=1e-3, max_exact_states=0)
    wide = AvailabilityResult(*ends, 0.0, 1.0, False, "first pass", 0, 0, converged=False)
    results = {ends: wide}
    _second_pass(results, [(*ends, chain, plans)], settings, time.monotonic())
    assert results[ends] is wide  # no time left: nothing retried
    _second_pass(results, [(*ends, chain, plans)], settings, time.monotonic() + 600.0)
    again = results[ends]
    assert again.gap < wide.gap and again.converged
    assert again.lower <= exact.value <= again.upper
