"""The array load book gives the dictionary bookkeeping's results to the bit.

The reference here is the plain computation the book replaces, spelled out with dictionaries:
base loads summed contribution by contribution, the moved demands' old loads taken off and new
ones put on in order, utilisation = load / capacity, the worst link (ties within `tie` to the
lowest key) and every overloaded link in key order. Loads are drawn from a few values so sums
cancel to float residue, utilisations tie, and links overload.
"""

from __future__ import annotations

import random
import sys

import pytest

from twin.analysis.link_loads import LoadBook
from twin.ecmp import DirectedLink

EPS, TIE, OVER = 1e-9, 1e-12, 1.0 + 1e-9


def _label(key: DirectedLink) -> str:
    return f"{key[2]} ({key[0]}->{key[1]})"


def _reference(
    base: list[dict[DirectedLink, float]],
    removed: list[dict[DirectedLink, float]],
    added: list[dict[DirectedLink, float]],
    capacity: dict[str, float],
) -> tuple[float, str, list[tuple[str, float]]]:
    loads: dict[DirectedLink, float] = {}
    for contribution in base:
        for key, load in contribution.items():
            loads[key] = loads.get(key, 0.0) + load
    for contribution in removed:
        for key, load in contribution.items():
            loads[key] = loads.get(key, 0.0) - load
    for contribution in added:
        for key, load in contribution.items():
            loads[key] = loads.get(key, 0.0) + load
    utils = {k: v / capacity[k[2]] for k, v in loads.items() if v > EPS}
    worst = max(utils.values(), default=0.0)
    near = [k for k, u in utils.items() if u >= worst - TIE]
    link = _label(min(near)) if near and worst > 0.0 else ""
    over = [(_label(k), utils[k]) for k in sorted(utils) if utils[k] > OVER]
    return worst, link, over


@pytest.mark.parametrize("seed", range(40))
def test_a_failure_summary_equals_the_dictionary_bookkeeping(seed: int) -> None:
    rng = random.Random(seed)
    nodes = [f"n{i}" for i in range(6)]
    ring = zip(nodes, nodes[1:] + nodes[:1], strict=True)
    links = [(a, b, f"l{i}") for i, (a, b) in enumerate(ring)]
    directed = [*links, *((b, a, lid) for a, b, lid in links)]
    capacity = {lid: rng.choice([10.0, 20.0, 30.0]) for _, _, lid in links}

    def contribution() -> dict[DirectedLink, float]:
        load = rng.choice([0.1, 0.2, 0.3, 7.0, 10.0, 1e-12])
        return dict.fromkeys(rng.sample(directed, rng.randint(1, 5)), load)

    base = [contribution() for _ in range(rng.randint(1, 12))]
    book = LoadBook(directed, base, capacity, _label, (EPS, TIE, OVER))
    assert book.base_summary() == _reference(base, [], [], capacity)
    moved = rng.sample(range(len(base)), rng.randint(0, len(base)))
    removed = [base[i] for i in moved]
    added = [contribution() for _ in moved]
    changed, loads = book.after([book.arrays(c) for c in removed], [book.arrays(c) for c in added])
    touched = {key for c in removed + added for key in c}
    assert [book.keys[i] for i in changed.tolist()] == sorted(touched)
    assert book.summary(changed, loads) == _reference(base, removed, added, capacity)
    # The same rule over plain lists (what ECMP hands over), to the same Python floats.
    summary = book.summary(changed.tolist(), loads.tolist())
    assert summary == _reference(base, removed, added, capacity)
    assert all(type(u) is float for _, u in summary[2]) and type(summary[0]) is float


def test_ecmp_contingency_runs_without_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    """ECMP moves its loads on lists: NumPy's import (a quarter of a whole CLI run on SNDlib
    germany50) is never paid. With NumPy hidden, any import of it would raise here."""
    from twin.analysis.contingency import contingency
    from twin.model import Demand, FailureClass, Link, Node, RepairTime, Topology

    monkeypatch.setitem(sys.modules, "numpy", None)
    fc = {"t": FailureClass("t", "per_1000km", 1.0, RepairTime("fixed", 12.0))}
    nodes = {n: Node(n, n, "KZ", "pop", 43.0 + i * 0.1, 50.0) for i, n in enumerate("abcd")}
    ring = [("ab", "a", "b"), ("bc", "b", "c"), ("cd", "c", "d"), ("da", "d", "a")]
    links = {lid: Link(lid, a, b, "terrestrial", 100.0, 10.0, "t") for lid, a, b in ring}
    topology = Topology("ring", nodes, links, fc)
    demands = [Demand("d1", "a", "c", 8.0), Demand("d2", "b", "d", 4.0)]
    result = contingency(topology, demands, routing="ecmp", metric="hops", link_utilisation=True)
    # Base: a->c splits 4+4 over a-b-c and a-d-c, b->d 2+2 over b-c-d and b-a-d, so a->d and
    # b->c carry 6 of 10 (tie: the lower key, (a, d, da)). Losing a-b puts all 8 of a->c on
    # a-d-c (a->d and d->c at 0.8) and all 4 of b->d on b-c-d.
    assert result.base_max_utilisation == pytest.approx(0.6)
    assert result.base_max_utilisation_link == "da (a->d)"
    ab = next(f for f in result.failures if f.elements == ("ab",))
    assert ab.max_utilisation == pytest.approx(0.8)
    assert ab.max_utilisation_link == "da (a->d)"
    assert ab.utilisation == pytest.approx(
        {"bc (b->c)": 0.4, "cd (c->d)": 0.4, "cd (d->c)": 0.8, "da (a->d)": 0.8}
    )
