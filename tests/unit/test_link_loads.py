"""The array load book gives the dictionary bookkeeping's results to the bit.

The reference here is the plain computation the book replaces, spelled out with dictionaries:
base loads summed contribution by contribution, the moved demands' old loads taken off and new
ones put on in order, utilisation = load / capacity, the worst link (ties within `tie` to the
lowest key) and every overloaded link in key order. Loads are drawn from a few values so sums
cancel to float residue, utilisations tie, and links overload.
"""

from __future__ import annotations

import random

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
