"""Analytic availability on Topology Zoo networks (topohub, the `import` extra) against
independent estimates: plain Monte Carlo sampling of component states, and the previous
factoring engine.

The sampler draws every component (link, failing node, SRLG) up or down with its availability
and checks connectivity with a union-find: nothing shared with the diagram but the model. Link
failure rates are raised so unavailabilities are ~1e-2 and 20,000 samples resolve them; the
check is |estimate - exact| <= 4.5 standard errors (a false alarm per pair about 7e-6).
"""

from __future__ import annotations

import math
import random
from dataclasses import replace
from pathlib import Path

import pytest
from _factoring_reference import factoring_availability

from twin.analysis.availability import Settings, availability_of_demands
from twin.model import FailureClass, RepairTime, Srlg, Topology

pytest.importorskip("topohub")

SAMPLES = 20_000


def _zoo(key: str, folder: Path) -> Topology:
    """As `twin import` writes it and every command then loads it."""
    from twin.io import load_source, render_yaml
    from twin.loading import load_topology

    path = folder / "imported.yaml"
    path.write_text(render_yaml(load_source(f"topohub:{key}").topology), encoding="utf-8")
    return load_topology(path)


def _weakened(topology: Topology) -> Topology:
    """Every link down 15 % of the time, one node 2 %, one two-link SRLG 3 %."""

    def cls(name: str, q: float) -> FailureClass:
        repair_h = 100.0
        rate = q / (1 - q) * 8766.0 / repair_h  # MTTR / (MTBF + MTTR) = q
        return FailureClass(name, "per_link", rate, RepairTime("fixed", repair_h))

    classes = {"link": cls("link", 0.15), "node": cls("node", 0.02), "group": cls("group", 0.03)}
    ids = sorted(topology.links)
    links = {
        lid: replace(link, failure_class="link", srlgs=("g",) if lid in ids[:2] else ())
        for lid, link in topology.links.items()
    }
    hub = max(sorted(topology.nodes), key=lambda n: sum(n in (k.a, k.b) for k in links.values()))
    nodes = dict(topology.nodes)
    nodes[hub] = replace(nodes[hub], failure_class="node")
    return replace(
        topology,
        nodes=nodes,
        links=links,
        srlgs={"g": Srlg("g", "", "group")},
        failure_classes=classes,
    )


def _find(parent: dict[str, str], x: str) -> str:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _sampled_unavailability(
    topology: Topology, pairs: list[tuple[str, str]], seed: int
) -> list[float]:
    rng = random.Random(f"availability-mc/{seed}")
    fc = topology.failure_classes
    q_link = {
        lid: 1 - fc[k.failure_class].availability(k.length_km) for lid, k in topology.links.items()
    }
    q_node = {
        n: 1 - fc[node.failure_class].availability(0.0)
        for n, node in topology.nodes.items()
        if node.failure_class
    }
    q_group = 1 - fc["group"].availability(0.0)
    down = [0] * len(pairs)
    for _ in range(SAMPLES):
        dead_nodes = {n for n, q in q_node.items() if rng.random() < q}
        group_down = rng.random() < q_group
        parent = {n: n for n in topology.nodes}
        for lid, link in topology.links.items():
            up = rng.random() >= q_link[lid]
            if not up or (group_down and link.srlgs) or {link.a, link.b} & dead_nodes:
                continue
            parent[_find(parent, link.a)] = _find(parent, link.b)
        for i, (s, t) in enumerate(pairs):
            down[i] += _find(parent, s) != _find(parent, t)
    return [d / SAMPLES for d in down]


def test_attmpls_exact_values_lie_within_monte_carlo_intervals(tmp_path: Path) -> None:
    """Four demands spread over the range that 20,000 samples resolve (U from 5e-3 to 0.5),
    chosen from the exact all-pairs values."""
    topology = _weakened(_zoo("topozoo/AttMpls", tmp_path))
    nodes = sorted(topology.nodes)
    every = [(a, b) for i, a in enumerate(nodes) for b in nodes[i + 1 :]]
    results = availability_of_demands(topology, every, settings=Settings(method="exact"))
    resolvable = sorted(
        (r for r in results if 5e-3 < r.unavailability < 0.5), key=lambda r: r.unavailability
    )
    assert len(resolvable) >= 4
    chosen = [resolvable[i * (len(resolvable) - 1) // 3] for i in range(4)]
    pairs = [(r.source, r.destination) for r in chosen]
    sampled = _sampled_unavailability(topology, pairs, seed=1)
    for r, estimate in zip(chosen, sampled, strict=True):
        u = r.unavailability
        assert r.exact
        sigma = math.sqrt(u * (1 - u) / SAMPLES)
        assert abs(estimate - u) <= 4.5 * sigma, (r.source, r.destination, u, estimate)


def test_abilene_all_pairs_match_the_factoring_engine(tmp_path: Path) -> None:
    topology = _weakened(_zoo("topozoo/Abilene", tmp_path))
    nodes = sorted(topology.nodes)
    pairs = [(a, b) for i, a in enumerate(nodes) for b in nodes[i + 1 :]]
    results = availability_of_demands(topology, pairs, settings=Settings(method="exact"))
    for (s, t), r in zip(pairs, results, strict=True):
        assert r.value == pytest.approx(factoring_availability(topology, s, t), abs=1e-12)
