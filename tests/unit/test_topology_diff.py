"""Element diff and the per-demand regression rules of `twin diff`."""

from __future__ import annotations

from dataclasses import replace

from twin.analysis.topology_diff import compare_demand, diff_elements
from twin.model import FailureClass, Link, Node, RepairTime, Topology
from twin.results.diff import DemandMeasures, Thresholds


def _topology(extra_link: bool) -> Topology:
    fc = FailureClass("t", "per_1000km", 1.0, RepairTime("fixed", 12.0))
    nodes = {
        "a": Node("a", "A", "AZ", "pop", 40.0, 49.0),
        "b": Node("b", "B", "KZ", "pop", 43.0, 51.0),
        "c": Node("c", "C", "KZ", "pop", 43.0, 76.0),
    }
    links = {
        "ab": Link("ab", "a", "b", "submarine", 400.0, 1000.0, "t", sea="caspian"),
        "bc": Link("bc", "b", "c", "terrestrial", 2800.0, 1000.0, "t"),
    }
    if extra_link:
        links["ac"] = Link("ac", "a", "c", "terrestrial", 3000.0, 100.0, "t")
    return Topology("x", nodes, links, {}, {"t": fc})


def test_added_removed_and_changed_elements_are_reported_field_by_field() -> None:
    base = _topology(extra_link=False)
    head_links = dict(_topology(extra_link=True).links)
    head_links["bc"] = replace(head_links["bc"], length_km=3500.0)
    head = replace(base, links=head_links, nodes=dict(base.nodes.items()))
    changes = {(c.kind, c.id): c for c in diff_elements(base, head)}
    assert changes[("link", "ac")].change == "added"
    bc = changes[("link", "bc")]
    assert bc.change == "changed"
    assert [(f.field, f.before, f.after) for f in bc.fields] == [("length_km", 2800.0, 3500.0)]
    assert ("link", "ab") not in changes
    removed = {(c.kind, c.id): c for c in diff_elements(head, base)}
    assert removed[("link", "ac")].change == "removed"


def _measures(**kw: object) -> DemandMeasures:
    base: dict[str, object] = {
        "rtt_ms": 70.0,
        "link_disjoint_paths": 1,
        "srlg_disjoint_paths": 1,
        "spof_links": ("tcfo",),
        "spof_srlgs": (),
        "availability": 0.999,
        "n1_worst_rtt_ms": None,
        "n1_disconnecting": ("tcfo",),
    }
    base.update(kw)
    return DemandMeasures(**base)  # type: ignore[arg-type]


def test_a_second_cable_is_an_improvement_not_a_regression() -> None:
    from twin.model import Demand

    demand = Demand("baku-ala", "baku", "almaty")
    before = _measures()
    after = _measures(
        link_disjoint_paths=2,
        srlg_disjoint_paths=2,
        spof_links=(),
        availability=0.99999,
        n1_worst_rtt_ms=75.0,
        n1_disconnecting=(),
    )
    delta = compare_demand(demand, before, after, Thresholds())
    assert delta.regressions == ()
    assert any("single points of failure removed: tcfo" in s for s in delta.improvements)
    assert any(s.startswith("N-1 worst RTT ms: now 75") for s in delta.improvements)


def test_regressions_respect_thresholds() -> None:
    from twin.model import Demand

    demand = Demand("d", "a", "b")
    small = compare_demand(demand, _measures(), _measures(rtt_ms=70.4), Thresholds(rtt_ms=0.5))
    assert small.regressions == ()
    big = compare_demand(demand, _measures(), _measures(rtt_ms=71.0), Thresholds(rtt_ms=0.5))
    assert big.regressions == ("best RTT ms: 70 -> 71",)
    lost = compare_demand(demand, _measures(), _measures(rtt_ms=None), Thresholds())
    assert lost.regressions[0].startswith("best RTT ms: now unreachable")
