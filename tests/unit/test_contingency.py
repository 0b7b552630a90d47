"""Contingency analysis on graphs whose answers are known, and incremental == full recompute."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twin.analysis.contingency import contingency
from twin.analysis.ecmp_units import EcmpUnits
from twin.ecmp import EcmpGraph, after_link_failures, demand_flows, destination_dag, ecmp_loads
from twin.model import Demand, FailureClass, Link, Node, RepairTime, Sla, Srlg, Topology
from twin.routing import Router

FC = {"t": FailureClass("t", "per_1000km", 1.0, RepairTime("fixed", 12.0))}


def _topo(
    edges: list[tuple[str, str, str]],
    capacity: float = 100.0,
    srlgs: dict[str, tuple[str, ...]] | None = None,
) -> Topology:
    nodes: dict[str, Node] = {}
    for _, a, b in edges:
        for n in (a, b):
            nodes.setdefault(n, Node(n, n, "KZ", "pop", 43.0 + len(nodes) * 0.1, 50.0))
    links = {
        lid: Link(
            lid,
            a,
            b,
            "terrestrial",
            100.0,
            capacity,
            "t",
            srlgs=tuple(g for g, members in (srlgs or {}).items() if lid in members),
        )
        for lid, a, b in edges
    }
    groups = {g: Srlg(g) for g in (srlgs or {})}
    return Topology("t", nodes, links, groups, FC)


def _ring(n: int) -> Topology:
    return _topo([(f"e{i}", f"v{i}", f"v{(i + 1) % n}") for i in range(n)])


def test_n1_on_a_ring_disconnects_nothing_and_stretches_the_long_way_round() -> None:
    topo = _ring(6)
    demand = Demand("d", "v0", "v2", 10.0)
    result = contingency(topo, [demand], mode="n-1")
    assert len(result.failures) == 6
    assert all(not f.disconnected for f in result.failures)
    by_label = {f.label: f for f in result.failures}
    # Cutting e0 (on the 2-hop path) forces the 4-hop way: RTT doubles (equal spans, equal nodes).
    assert by_label["link e0"].stretch["d"] == pytest.approx(2.0)
    assert "d" not in by_label["link e3"].stretch  # off the working path: untouched


def test_n1_on_a_chain_every_link_disconnects_the_demands_across_it() -> None:
    topo = _topo([("ab", "a", "b"), ("bc", "b", "c"), ("cd", "c", "d")])
    demands = [
        Demand("ad", "a", "d", 5.0),
        Demand("ab", "a", "b", 7.0),
        Demand("cd", "c", "d", 3.0),
    ]
    by_label = {f.label: f for f in contingency(topo, demands, mode="n-1").failures}
    assert by_label["link ab"].disconnected == ("ab", "ad")
    assert by_label["link bc"].disconnected == ("ad",)
    assert by_label["link cd"].disconnected == ("ad", "cd")
    assert by_label["link ab"].unrouted_gbps == pytest.approx(12.0)


def test_n2_on_a_ring_disconnects_exactly_the_separated_pairs() -> None:
    topo = _ring(5)
    demands = [Demand(f"v0-v{k}", "v0", f"v{k}", 1.0) for k in range(1, 5)]
    result = contingency(topo, demands, mode="n-2")
    assert len(result.failures) == 10
    for f in result.failures:
        i, j = sorted(int(e[1:]) for e in f.elements)
        # Cutting e_i and e_j (i < j) isolates the arc v_{i+1} .. v_j from v0.
        expected = {f"v0-v{k}" for k in range(i + 1, j + 1)}
        assert set(f.disconnected) == expected, f.label


def test_srlg_mode_fails_the_whole_group() -> None:
    topo = _topo([("x", "a", "b"), ("y", "a", "b"), ("z", "b", "c")], srlgs={"trench": ("x", "y")})
    result = contingency(topo, [Demand("ac", "a", "c", 1.0)], mode="srlg")
    assert [(f.label, f.elements, f.disconnected) for f in result.failures] == [
        ("SRLG trench", ("x", "y"), ("ac",))
    ]


def test_ecmp_splits_per_node() -> None:
    """Square s-a-t, s-b-t: 50/50. Two-level diamond s->{a,b}, a->{c,d}, b->t, c->t, d->t with
    equal hop counts to t only via the listed links: s splits 1/2, a splits its half again."""
    square = _topo([("sa", "s", "a"), ("at", "a", "t"), ("sb", "s", "b"), ("bt", "b", "t")])
    router = Router(square, metric="hops")
    loads, _ = ecmp_loads(router, [("s", "t", 100.0)], frozenset())
    assert loads[("s", "a", "sa")] == pytest.approx(50.0)
    assert loads[("b", "t", "bt")] == pytest.approx(50.0)
    diamond = _topo(
        [
            ("sa", "s", "a"),
            ("sb", "s", "b"),
            ("ac", "a", "c"),
            ("ad", "a", "d"),
            ("bx", "b", "x"),
            ("ct", "c", "t"),
            ("dt", "d", "t"),
            ("xt", "x", "t"),
        ]
    )
    loads, flows = ecmp_loads(Router(diamond, metric="hops"), [("s", "t", 100.0)], frozenset())
    assert loads[("s", "a", "sa")] == pytest.approx(50.0)
    assert loads[("a", "c", "ac")] == pytest.approx(25.0)
    assert loads[("d", "t", "dt")] == pytest.approx(25.0)
    assert loads[("x", "t", "xt")] == pytest.approx(50.0)
    assert flows[0].rtt_ms is not None


def test_loads_add_up_on_shared_links() -> None:
    topo = _ring(7)
    demands = [Demand("a", "v0", "v2", 10.0), Demand("b", "v1", "v4", 5.0)]
    result = contingency(topo, demands, mode="n-1")
    # a: v0-v1-v2; b: v1-v2-v3-v4 (3 hops, against 4 the other way). Both cross e1 (v1->v2).
    assert result.base_max_utilisation == pytest.approx(0.15)
    f = next(f for f in result.failures if f.label == "link e5")
    assert not f.stretch and f.max_utilisation == pytest.approx(0.15)  # off both paths
    g = next(f for f in result.failures if f.label == "link e1")
    # Both move the long way round; e0 (v0-v1) direction v1->v0 then carries b only (5) and
    # v0->... a goes v0-v6-...-v2 (5 hops): every directed link carries at most 10 + 5.
    assert set(g.stretch) == {"a", "b"}


edges_strategy = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 5)).filter(lambda e: e[0] != e[1]),
    min_size=3,
    max_size=12,
)


# Up to 8 nodes, with parallel links (the same pair drawn twice).
multigraph_edges = st.lists(
    st.tuples(st.integers(0, 7), st.integers(0, 7)).filter(lambda e: e[0] != e[1]),
    min_size=4,
    max_size=18,
)


@settings(max_examples=40, deadline=None)
@given(edges=edges_strategy, routing=st.sampled_from(["shortest", "ecmp"]))
def test_incremental_equals_full_recomputation(edges: list[tuple[int, int]], routing: str) -> None:
    """Rerouting only the affected demands must give what routing everything from scratch does.

    Shortest-path routing uses latency with lengths 100 + 2^i / 1000 km, so every set of links
    has a distinct length and there are no ties to break differently; ECMP uses hop counts, whose
    ties it splits over by design.
    """
    topo = _topo([(f"e{i}", f"n{a}", f"n{b}") for i, (a, b) in enumerate(edges)])
    topo = replace(
        topo,
        links={
            lid: replace(link, length_km=100.0 + 2 ** int(lid[1:]) / 1000.0)
            for lid, link in topo.links.items()
        },
    )
    metric = "hops" if routing == "ecmp" else "latency"
    nodes = sorted(topo.nodes)
    demands = [
        Demand(f"{s}-{t}", s, t, 1.0 + i)
        for i, (s, t) in enumerate((s, t) for s in nodes for t in nodes if s < t)
    ]
    result = contingency(topo, demands, mode="n-1", routing=routing, metric=metric)  # type: ignore[arg-type]
    for f in result.failures:
        reduced = replace(topo, links={k: v for k, v in topo.links.items() if k not in f.elements})
        full = contingency(reduced, demands, mode="n-1", routing=routing, metric=metric)  # type: ignore[arg-type]
        assert f.max_utilisation == pytest.approx(full.base_max_utilisation, abs=1e-9)
        router = Router(reduced)
        unreachable = {
            d.id for d in demands if router.shortest_path(d.source, d.destination) is None
        }
        base_router = Router(topo)
        was_reachable = {
            d.id for d in demands if base_router.shortest_path(d.source, d.destination) is not None
        }
        assert set(f.disconnected) == unreachable & was_reachable


def test_n2_on_the_corridor_is_quick_enough_to_run_in_tests() -> None:
    """Not a timing test: it only checks that N-2 over the corridor's links completes and finds
    the known SPOF pair (both GE-AZ crossings) among the failures that disconnect Baku."""
    from pathlib import Path

    from twin.loading import load_topology

    topo = load_topology(Path(__file__).resolve().parents[2] / "topologies" / "silk-road-2026.yaml")
    result = contingency(topo, [Demand("fra-baku", "frankfurt", "baku", 10.0)], mode="n-2")
    cut = {f.elements for f in result.failures if f.disconnected}
    assert ("ganja-baku", "tbilisi-baku") in cut


def test_demands_over_their_rtt_budget_rank_above_a_higher_link_load() -> None:
    """Ring of 6 equal 100 Gbit/s spans: a light demand v0->v1 (1 hop) with a budget of 3 hops'
    RTT, and 60 Gbit/s v3->v4 and 40 Gbit/s v0->v5 without budgets, each on its own span.

    Cutting e0 sends v0->v1 the other way (5 hops): over its budget, nothing disconnected, the
    worst link stays e3 at 0.6. Cutting e3 sends v3->v4 round through v0->v5, where it meets
    the 40 Gbit/s: utilisation 1.0, but no SLA breach. Before RTT breaches counted, the
    ranking put the higher utilisation first.
    """
    topo = _ring(6)
    one_hop = Router(topo).shortest_path("v0", "v1")
    assert one_hop is not None
    budget = 3 * one_hop.rtt_ms  # 5 hops of the detour exceed 3 hops, 1 hop does not
    light = replace(Demand("light", "v0", "v1", 1.0), sla=Sla(max_rtt_ms=budget))
    heavy = Demand("heavy", "v3", "v4", 60.0)
    other = Demand("other", "v0", "v5", 40.0)
    result = contingency(topo, [light, heavy, other], mode="n-1")
    by_label = {f.label: f for f in result.failures}
    assert by_label["link e0"].over_rtt == ("light",)
    assert by_label["link e3"].over_rtt == ()
    assert by_label["link e0"].max_utilisation == pytest.approx(0.6)
    assert by_label["link e3"].max_utilisation == pytest.approx(1.0)
    assert result.worst(1)[0].label == "link e0"


def test_link_utilisation_map_is_kept_only_when_asked_and_same_for_any_workers() -> None:
    """Square v0-v1-v2-v3, 10 Gbit/s v0->v1 on 100 Gbit/s links: cutting e0 sends it the long
    way, so each of the three directed links of v0->v3->v2->v1 carries it at 0.1."""
    topo = _ring(4)
    demands = [Demand("d", "v0", "v1", 10.0)]
    plain = contingency(topo, demands, mode="n-1")
    assert all(f.utilisation is None for f in plain.failures)
    assert all("utilisation" not in f for f in plain.to_dict()["failures"])
    full = contingency(topo, demands, mode="n-1", link_utilisation=True)
    e0 = next(f for f in full.failures if f.label == "link e0")
    assert e0.utilisation == pytest.approx(
        {"e3 (v0->v3)": 0.1, "e2 (v3->v2)": 0.1, "e1 (v2->v1)": 0.1}
    )
    e2 = next(f for f in full.failures if f.label == "link e2")
    assert e2.utilisation == pytest.approx({"e0 (v0->v1)": 0.1})  # off the path: base loads
    parallel = contingency(topo, demands, mode="n-1", link_utilisation=True, workers=2)
    assert parallel.to_dict() == full.to_dict()


def test_a_notebook_asking_for_thousands_of_workers_gets_the_usable_cores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`contingency(workers=10_000)` from Python starts no more processes than the cores it may
    use (the command line caps and says so; the library caps quietly: results do not change)."""
    import concurrent.futures

    from twin.option_values import usable_cores

    started: list[int] = []

    class Recording(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, max_workers: int, **kwargs: object) -> None:
            started.append(max_workers)
            super().__init__(max_workers, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Recording)
    monkeypatch.setattr("twin.option_values.usable_cores", lambda: 2)
    topo = _topo([(f"e{i}", f"v{i}", f"v{(i + 1) % 8}") for i in range(8)])
    demands = [Demand("d", "v0", "v4", 10.0)]
    many = contingency(topo, demands, mode="n-1", workers=10_000)
    assert started == [2] and usable_cores() == 2
    assert many.to_dict() == contingency(topo, demands, mode="n-1").to_dict()


@pytest.mark.parametrize("routing", ["shortest", "ecmp"])
def test_demands_unroutable_before_any_failure_are_reported_once_not_per_failure(
    routing: str,
) -> None:
    """Chain a-b-c and an island x-y: `xc` (7 Gbit/s) has no path even with nothing failed, and
    shares its destination with `ac` (5 Gbit/s), so ECMP routes both in one unit.

    By hand: ab, bc and node a, b or c each cut `ac` off (5 Gbit/s lost); xy, node x and node y
    touch nothing routed. `xc` is unroutable in the base state, 7 Gbit/s, in no failure."""
    topo = _topo([("ab", "a", "b"), ("bc", "b", "c"), ("xy", "x", "y")])
    demands = [Demand("ac", "a", "c", 5.0), Demand("xc", "x", "c", 7.0)]
    result = contingency(topo, demands, mode="n-1", routing=routing, include_nodes=True)  # type: ignore[arg-type]
    expected = {"link ab": 5.0, "link bc": 5.0, "link xy": 0.0}
    expected |= {f"node {n}": 5.0 if n in "abc" else 0.0 for n in "abcxy"}
    by_label = {f.label: f for f in result.failures}
    assert set(by_label) == set(expected)
    for label, gbps in expected.items():
        assert by_label[label].unrouted_gbps == pytest.approx(gbps), label
        assert by_label[label].disconnected == (("ac",) if gbps else ()), label
    assert result.base_unroutable == ("xc",)
    assert result.base_unroutable_gbps == pytest.approx(7.0)
    assert list(result.to_dict()["base_unroutable"]) == ["xc"]


def test_reports_state_the_base_unroutable_traffic_once() -> None:
    """The terminal table and the HTML report name the base-unroutable traffic apart."""
    from rich.console import Console

    from twin.report.html_contingency import render_contingency_html
    from twin.report.terminal_contingency import print_contingency

    topo = _topo([("ab", "a", "b"), ("xy", "x", "y")])
    result = contingency(topo, [Demand("ab", "a", "b", 5.0), Demand("xa", "x", "a", 7.0)])
    console = Console(record=True, width=200)
    print_contingency(console, result)
    text = console.export_text()
    assert "unroutable in the base state" in text and "1 demands, 7 Gbit/s" in text
    html = render_contingency_html(result, topo)
    assert "1 demands unroutable in the base state (7 Gbit/s)" in html


@settings(max_examples=60, deadline=None)
@given(edges=multigraph_edges, data=st.data())
def test_repaired_dag_is_the_searched_dag(
    edges: list[tuple[int, int]], data: st.DataObject
) -> None:
    """A hop-metric DAG repaired after link failures (parallel links, several failures at once,
    nodes cut off) is exactly what a new search builds: distances, next hops in their order,
    and the upstream-first order, which fix every float of the flows."""
    topo = _topo([(f"e{i}", f"n{a}", f"n{b}") for i, (a, b) in enumerate(edges)])
    graph = EcmpGraph(Router(topo, metric="hops"))
    failed = frozenset(
        graph.link_index[lid]
        for lid in data.draw(st.sets(st.sampled_from(sorted(topo.links)), max_size=3))
    )
    for destination in range(len(graph.nodes)):
        base = destination_dag(graph, destination, frozenset(), frozenset())
        assert base is not None
        searched = destination_dag(graph, destination, frozenset(), failed)
        repaired = after_link_failures(graph, base, failed)
        assert searched is not None
        assert repaired.distance == searched.distance
        assert repaired.order == searched.order
        assert [list(h) for h in repaired.next_hops] == [list(h) for h in searched.next_hops]


@settings(max_examples=150, deadline=None)
@given(edges=multigraph_edges, data=st.data())
def test_rerouted_destinations_are_routed_afresh_to_the_bit(
    edges: list[tuple[int, int]], data: st.DataObject
) -> None:
    """A failure's loads and RTTs from the intact state's (the DAG repaired, loads added
    straight into the failure's, RTTs recomputed only upstream of the changed nodes) are, to
    the last bit, those of routing every destination afresh: loads = base minus each unit's
    base loads plus its new ones, in unit order, listed wherever they are not the base's
    float; every source's RTT either listed or unchanged.
    Hop-count ties everywhere, parallel links, distinct link lengths (so the worst of several
    equal-cost paths matters), sources of 0 Gbit/s, several failures at once, nodes cut off."""
    topo = _uneven(edges)
    nodes = sorted(topo.nodes)
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(nodes), st.sampled_from(nodes))))
    demands = [
        Demand(f"d{i}", s, t, data.draw(st.sampled_from([0.0, 0.1, 2.5, 7.0]) | st.floats(0, 9)))
        for i, (s, t) in enumerate(pairs)
        if s != t
    ]
    units: dict[str, list[int]] = {}
    for i, d in enumerate(demands):
        units.setdefault(d.destination, []).append(i)
    ecmp = EcmpUnits(Router(topo, metric="hops"), demands, units)
    graph = ecmp.graph
    base = {unit: ecmp.route(unit, frozenset())[0] for unit in units}
    book = {link: i for i, link in enumerate(sorted(graph.directed))}
    base_loads = [0.0] * len(book)
    for loads in base.values():
        for link, load in loads.items():
            base_loads[book[link]] += load
    ecmp.use_book(book, base_loads)
    failed = frozenset(data.draw(st.sets(st.sampled_from(sorted(topo.links)), min_size=1)))
    ordered = sorted(data.draw(st.sets(st.sampled_from(sorted(units)))) if units else [])
    changed, loads, rtts = ecmp.reroute(ordered, failed)

    expected = base_loads.copy()
    touched: set[int] = set()
    for unit in ordered:
        for link, load in base[unit].items():
            expected[book[link]] -= load
            touched.add(book[link])
    failed_links = graph.failed(failed)[1]
    for unit in ordered:
        fresh, _, _ = _fresh(ecmp, unit, failed_links)
        for link, load in fresh.items():
            expected[book[link]] += load
            touched.add(book[link])
    # Every link whose load is not the base's float is listed; the others read the base's.
    assert changed == [i for i in sorted(touched) if expected[i] != base_loads[i]]
    assert loads == [expected[i] for i in changed]
    for unit in ordered:
        _, rtt, fibre = _fresh(ecmp, unit, failed_links)
        _, base_rtt, base_fibre = _fresh(ecmp, unit, frozenset())
        listed = rtts[unit]
        for source in ecmp.offered[unit]:
            if base_rtt.get(source) is None:
                continue
            if source in listed.rtt_ms:
                assert listed.rtt_ms[source] == rtt.get(source)
                assert listed.fibre_rtt_ms.get(source) == fibre.get(source)
            else:
                assert rtt[source] == base_rtt[source] and fibre[source] == base_fibre[source]


def test_rtts_are_recomputed_up_to_where_worst_delays_stop_changing() -> None:
    """A node that loses a next hop but keeps its slowest keeps its worst delay, so a source
    above it keeps its RTT and is not even listed; a node whose slowest path goes is listed
    with its new RTT, which is what routing afresh gives."""
    edges = [("e0", "s", "a"), ("e1", "a", "fast"), ("e2", "fast", "t")]
    edges += [("e3", "a", "slow"), ("e4", "slow", "t")]
    topo = _topo(edges)
    lengths = {"e1": 10.0, "e2": 10.0, "e3": 500.0, "e4": 500.0}
    topo = replace(
        topo,
        links={k: replace(v, length_km=lengths.get(k, 100.0)) for k, v in topo.links.items()},
    )
    demands = [Demand("d0", "s", "t", 1.0)]
    ecmp = EcmpUnits(Router(topo, metric="hops"), demands, {"t": [0]})
    base_rtt = ecmp.route("t", frozenset())[1][0]
    book = {link: i for i, link in enumerate(sorted(ecmp.graph.directed))}
    ecmp.use_book(book, [0.0] * len(book))
    source = ecmp.graph.index["s"]
    kept_slowest = ecmp.reroute(["t"], frozenset({"e1"}))[2]["t"]
    assert source not in kept_slowest.rtt_ms  # the walk up stopped at "a"
    assert _fresh(ecmp, "t", ecmp.graph.failed(frozenset({"e1"}))[1])[1][source] == base_rtt
    lost_slowest = ecmp.reroute(["t"], frozenset({"e3"}))[2]["t"]
    fresh = _fresh(ecmp, "t", ecmp.graph.failed(frozenset({"e3"}))[1])[1][source]
    assert lost_slowest.rtt_ms[source] == fresh
    assert base_rtt is not None and fresh < base_rtt


def _fresh(
    ecmp: EcmpUnits, unit: str, failed_links: frozenset[int]
) -> tuple[dict[tuple[str, str, str], float], dict[int, float], dict[int, float]]:
    """A unit routed from scratch with `failed_links` gone: loads, RTT and fibre RTT by source."""
    graph = ecmp.graph
    dag = destination_dag(graph, graph.index[unit], frozenset(), failed_links)
    assert dag is not None
    offered = {s: g for s, g in ecmp.offered[unit].items() if dag.distance[s] < float("inf")}
    if not offered:
        return {}, {}, {}
    flows = demand_flows(graph, dag, offered)
    loads = {graph.directed[j]: g for j, g in zip(flows.links, flows.gbps, strict=True)}
    return loads, dict(flows.rtt_ms), dict(flows.fibre_rtt_ms)


@settings(max_examples=60, deadline=None)
@given(edges=edges_strategy, data=st.data())
def test_ecmp_failures_tally_every_demand_as_routing_afresh_does(
    edges: list[tuple[int, int]], data: st.DataObject
) -> None:
    """Each failure's disconnected demands, stretches, unrouted Gbit/s and demands over their
    RTT budget are those of routing every demand afresh in the failure state, although only
    the sources whose RTT the failure may change are looked at. Over budget are the demands
    toward the destinations the failure reroutes (those whose traffic crossed a failed link),
    including those over it before the failure whose own paths it leaves alone."""
    topo = _uneven(edges)
    nodes = sorted(topo.nodes)
    demands = [
        replace(
            Demand(f"{s}-{t}", s, t, 1.0 + i),
            sla=Sla(max_rtt_ms=data.draw(st.sampled_from([None, 1.5, 2.5, 4.0, 6.0]))),
        )
        for i, (s, t) in enumerate((s, t) for s in nodes for t in nodes if s != t)
    ]
    result = contingency(topo, demands, mode="n-1", routing="ecmp", metric="hops")
    router = Router(topo, metric="hops")
    triples = [(d.source, d.destination, d.gbps) for d in demands]
    flows = ecmp_loads(router, triples, frozenset())[1]
    base = [flow.rtt_ms for flow in flows]
    for f in result.failures:
        rerouted = {
            d.destination
            for d, flow in zip(demands, flows, strict=True)
            if any(lid in f.elements for _, _, lid in flow.loads)
        }
        after = [flow.rtt_ms for flow in ecmp_loads(router, triples, frozenset(f.elements))[1]]
        routed = [(d, b, a) for d, b, a in zip(demands, base, after, strict=True) if b is not None]
        assert set(f.disconnected) == {d.id for d, _, a in routed if a is None}
        assert f.unrouted_gbps == pytest.approx(sum(d.gbps for d, _, a in routed if a is None))
        budget = {d.id: d.sla.max_rtt_ms for d, _, _ in routed}
        late = {
            d.id
            for d, _, a in routed
            if d.destination in rerouted and a is not None and a > (budget[d.id] or float("inf"))
        }
        assert set(f.over_rtt) == late
        moved = {d.id: a / b for d, b, a in routed if a is not None and abs(a - b) > 1e-9}
        assert f.stretch == pytest.approx(moved) and f.rerouted == len(moved)


def _uneven(edges: list[tuple[int, int]]) -> Topology:
    """Links e0, e1, ... between nodes n0, n1, ... with lengths of 100 to 110 km, so equal-cost
    paths of equal hop counts have different RTTs."""
    topo = _topo([(f"e{i}", f"n{a}", f"n{b}") for i, (a, b) in enumerate(edges)])
    links = {
        lid: replace(link, length_km=100.0 + (37 * int(lid[1:])) % 11)
        for lid, link in topo.links.items()
    }
    return replace(topo, links=links)


def test_the_collector_pauses_while_failures_are_evaluated_and_resumes_after() -> None:
    """The failure loop runs with the cyclic collector off (it makes no cycles) and leaves it
    as it found it, on, or off when the caller had turned it off, even when stopped early."""
    import gc

    seen: list[bool] = []
    topo = _ring(6)
    demands = [Demand("d", "v0", "v3", 1.0)]
    assert gc.isenabled()
    contingency(
        topo,
        demands,
        routing="ecmp",
        metric="hops",
        progress=lambda *_: seen.append(gc.isenabled()),
    )
    assert seen == [False] and gc.isenabled()
    calls = iter([False, True])
    result = contingency(topo, demands, routing="ecmp", metric="hops", stop=lambda: next(calls))
    assert result.partial and len(result.failures) == 1 and gc.isenabled()
    gc.disable()
    try:
        contingency(topo, demands, routing="ecmp", metric="hops")
        assert not gc.isenabled()
    finally:
        gc.enable()
