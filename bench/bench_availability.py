"""Analytic availability: exact all-pairs on every Topology Zoo and SNDlib network topohub ships,
the previous engine for comparison, bounds beyond exact, and a 10,000-link network refused.

- exact: `availability_of_demands` over all node pairs of each network, in-process after
  import (one shared diagram per network). Rows for the networks of 60 links and more, a
  summary row for all (and rows for any taking a second or more); the README's "sizes each
  method covers" come from here.
- previous engine (factoring with reductions, kept in tests/unit/_factoring_reference.py): the
  same demands on AttMpls and BtNorthAmerica, with its old budget of 200,000 sub-problems;
  agreement where it finishes.
- bounds: backbone/europe_nosc (554 nodes, 846 links, frontier width 23), beyond the exact
  state cap, within the default time budget: time and relative width per demand (target
  <= 10 % of the unavailability); each demand is split into independent parts in series, its
  730-link core block reduced to ~580 links of frontier width 20 and bounded (truncated
  states folded), the small parts exact.
- refusal: a 50 x 100 grid with 150 diagonals (5,000 nodes, 10,000 links): the time to a clean
  refusal (`BeyondAnalytic`, exit 2 in the CLI) and the peak memory.
"""

from __future__ import annotations

import importlib.util
import itertools
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.__main__ import Row

BUDGET_S = 120.0
LARGE_LINKS = 60


def _topohub_keys() -> list[str]:
    import topohub

    data = Path(topohub.__file__).parent / "data"
    return [
        f"{group}/{path.stem}"
        for group in ("topozoo", "sndlib")
        for path in sorted((data / group).glob("*.json"))
    ]


def _estimate_ratio(topology: Any) -> float:
    """Predicted widest step (`exact_estimate`) over the widest step of the built diagram."""
    from twin.analysis.availability import exact_estimate
    from twin.analysis.availability_network import build_network
    from twin.analysis.frontier import Diagram
    from twin.analysis.frontier_exact import _forward
    from twin.analysis.frontier_plan import build_plan

    network = build_network(topology, False, set(topology.nodes))
    plan = build_plan(network.vertices, network.edges, network.component_p_up)
    diagram = Diagram(plan)
    _forward(diagram, set(), 10**7, float("inf"))
    return exact_estimate(plan) / max(1, diagram.widest)


def _load(key: str) -> Any:
    """A topohub network as `twin import` then any command would see it."""
    from twin.io import load_source, render_yaml
    from twin.loading import load_topology

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "imported.yaml"
        path.write_text(render_yaml(load_source(f"topohub:{key}").topology), encoding="utf-8")
        return load_topology(path)


def _exact_row(key: str) -> tuple[Row, float, int, float] | None:
    from twin.analysis.availability import Settings, availability_of_demands

    try:
        topology = _load(key)
    except Exception:  # a source the importer refuses is not an availability question
        return None
    nodes = sorted(topology.nodes)
    pairs = list(itertools.combinations(nodes, 2))
    started = time.perf_counter()
    results = availability_of_demands(
        topology, pairs, settings=Settings(method="exact", time_budget_s=BUDGET_S)
    )
    elapsed = time.perf_counter() - started
    assert all(r.exact for r in results)
    method = results[0].method if results else ""
    row = Row(
        f"availability exact {key}",
        "all pairs, wall time",
        elapsed,
        "s",
        f"{len(nodes)} nodes, {len(topology.links)} links, {len(pairs)} pairs; {method}",
    )
    return row, elapsed, len(topology.links), _estimate_ratio(topology)


def _exact_rows() -> list[Row]:
    rows: list[Row] = []
    times: list[float] = []
    largest = (0, "")
    refused = 0
    ratios: list[float] = []
    for key in _topohub_keys():
        found = _exact_row(key)
        if found is None:
            refused += 1
            continue
        row, elapsed, links, ratio = found
        times.append(elapsed)
        ratios.append(ratio)
        largest = max(largest, (links, key))
        if links >= LARGE_LINKS or elapsed >= 1.0:
            rows.append(row)
    rows.append(
        Row(
            "availability exact topohub topozoo + sndlib",
            "networks answered exactly, all pairs",
            len(times),
            "networks",
            f"median {statistics.median(times):.2f} s, max {max(times):.1f} s per network; "
            f"largest {largest[1]} ({largest[0]} links); {refused} not importable",
        )
    )
    rows.append(
        Row(
            "availability exact topohub topozoo + sndlib",
            "predicted / actual widest diagram step",
            statistics.median(ratios),
            "x",
            f"median; range {min(ratios):.2f} to {max(ratios):.1f} (the cost estimate of auto)",
        )
    )
    return rows


def _factoring_reference() -> Any:
    path = Path(__file__).parent.parent / "tests" / "unit" / "_factoring_reference.py"
    spec = importlib.util.spec_from_file_location("_factoring_reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def _previous_engine_rows(key: str, sample: int) -> list[Row]:
    """The previous engine on `sample` random pairs (it takes seconds per pair) against the
    diagram's values for the same pairs."""
    from twin.analysis.availability import Settings, availability_of_demands

    reference = _factoring_reference()
    topology = _load(key)
    pairs = random.Random(f"bench/{key}").sample(
        list(itertools.combinations(sorted(topology.nodes), 2)), sample
    )
    ours = availability_of_demands(topology, pairs, settings=Settings(method="exact"))
    finished, worst, spent = 0, 0.0, 0.0
    for (s, t), r in zip(pairs, ours, strict=True):
        started = time.perf_counter()
        try:
            value = reference.factoring_availability(topology, s, t, budget=200_000)
        except reference._Budget:
            spent += time.perf_counter() - started
            continue
        spent += time.perf_counter() - started
        finished += 1
        worst = max(worst, abs(value - r.value))
    name = f"availability previous engine {key}"
    return [
        Row(name, "pairs it finishes (200,000 sub-problems)", finished, "pairs", f"of {sample}"),
        Row(name, "its wall time on those pairs", spent, "s", "factoring, per pair"),
        Row(name, "largest absolute difference from the diagram", worst, "", "where it finishes"),
    ]


def _bounds_rows() -> list[Row]:
    from twin.analysis.availability import (
        DEFAULT_TIME_BUDGET_S,
        Settings,
        availability_of_demands,
    )

    topology = _load("backbone/europe_nosc")
    rng = random.Random("bench/bounds")
    pairs = [tuple(rng.sample(sorted(topology.nodes), 2)) for _ in range(8)]
    started = time.perf_counter()
    results = availability_of_demands(
        topology, pairs, settings=Settings(method="auto", time_budget_s=DEFAULT_TIME_BUDGET_S)
    )
    elapsed = time.perf_counter() - started
    four_nines = [r for r in results if r.down_upper <= 1e-4]
    widths = [r.relative_width for r in four_nines]
    within = sum(r.converged for r in four_nines)
    for r in results:
        print(f"   {r.source}-{r.destination}: U in [{r.down_lower:.3e}, {r.down_upper:.3e}]")
    return [
        Row(
            "availability bounds backbone/europe_nosc",
            "relative width, worst four-nines demand",
            max(widths, default=0.0),
            "x U",
            f"target <= 0.1 (or gap <= 1e-12): {within} of {len(four_nines)} four-nines demands "
            f"(of {len(pairs)} random) within it; {sum(r.exact for r in results)} exact; "
            f"{sum(r.budget_exhausted for r in results)} stopped by the time budget; median "
            f"{statistics.median(widths) if widths else 0:.2g}",
        ),
        Row(
            "availability bounds backbone/europe_nosc",
            "wall time per demand",
            elapsed / len(pairs),
            "s",
            f"554 nodes, 846 links, default budget {DEFAULT_TIME_BUDGET_S:g} s for all; "
            "demands in independent parts (blocks, series-parallel reductions), the core block "
            "bounded with truncated states folded",
        ),
    ]


def _grid_10k() -> Any:
    from twin.model import FailureClass, Link, Node, RepairTime, Topology

    rows, cols = 50, 100
    rng = random.Random("bench/grid")
    nodes = {
        f"n{r}-{c}": Node(f"n{r}-{c}", f"n{r}-{c}", "ZZ", "pop", 30 + 0.3 * r, -20 + 0.4 * c)
        for r in range(rows)
        for c in range(cols)
    }
    ends = {(f"n{r}-{c}", f"n{r}-{c + 1}") for r in range(rows) for c in range(cols - 1)}
    ends |= {(f"n{r}-{c}", f"n{r + 1}-{c}") for r in range(rows - 1) for c in range(cols)}
    while len(ends) < 10_000:
        r, c = rng.randrange(rows - 1), rng.randrange(cols - 1)
        ends.add((f"n{r}-{c}", f"n{r + 1}-{c + 1}"))
    cls = {"t": FailureClass("t", "per_1000km", 1.0, RepairTime("fixed", 12.0))}
    links = {
        f"{a}--{b}": Link(f"{a}--{b}", a, b, "terrestrial", 60.0, 100.0, "t")
        for a, b in sorted(ends)
    }
    return Topology("grid-10k", nodes, links, {}, cls)


def _refusal_rows() -> list[Row]:
    from twin.analysis.availability import BeyondAnalytic, Settings, availability_of_demands

    topology = _grid_10k()
    rng = random.Random("bench/grid-demands")
    pairs = [tuple(rng.sample(sorted(topology.nodes), 2)) for _ in range(20)]
    started = time.perf_counter()
    try:
        availability_of_demands(topology, pairs, settings=Settings(time_budget_s=60.0))
        outcome = "answered"
    except BeyondAnalytic:
        outcome = "refused (BeyondAnalytic: exit 2, pointing to simulation)"
    elapsed = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [
        Row(
            "availability 5,000 nodes / 10,000 links",
            "time to a clean end, 20 demands",
            elapsed,
            "s",
            f"{outcome}; --time-budget 60",
        ),
        Row("availability", "peak memory (whole bench process)", peak_mib, "MiB", ""),
    ]


def run() -> list[Row]:
    rows = _exact_rows()
    for key, sample in (("topozoo/AttMpls", 4), ("topozoo/BtNorthAmerica", 2)):
        rows += _previous_engine_rows(key, sample)
    rows += _bounds_rows()
    rows += _refusal_rows()
    return rows
