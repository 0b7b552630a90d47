"""The simulator against cases whose answers follow from arithmetic, not from earlier runs."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest

from twin.model import (
    Demand,
    Failover,
    FailureClass,
    Link,
    Node,
    RepairResource,
    RepairTime,
    Scenario,
    ScheduledEvent,
    Sla,
    Srlg,
    Target,
    Topology,
)
from twin.results import SimulationResult
from twin.routing import Router
from twin.sim import simulate
from twin.sim.engine import element_rng
from twin.units import HOURS_PER_YEAR

FIXED_12H = FailureClass("fixed", "per_link", 0.0, RepairTime("fixed", 12.0))


def _node(i: str, lon: float) -> Node:
    return Node(i, i.upper(), "KZ", "pop", 43.0, lon)


def _chain(capacity: float = 100.0) -> Topology:
    """a - b - c, plus a longer detour a - d - c: link ab is a bridge for demand a->b."""
    nodes = {n: _node(n, lon) for n, lon in (("a", 50.0), ("b", 51.0), ("c", 52.0), ("d", 51.5))}
    links = {
        "ab": Link("ab", "a", "b", "terrestrial", 100.0, capacity, "fixed"),
        "bc": Link("bc", "b", "c", "terrestrial", 100.0, capacity, "fixed"),
        "ad": Link("ad", "a", "d", "terrestrial", 200.0, capacity, "fixed"),
        "dc": Link("dc", "d", "c", "terrestrial", 200.0, capacity, "fixed"),
    }
    return Topology("chain", nodes, links, {}, {"fixed": FIXED_12H})


def _scenario(topology: Topology, demands: tuple[Demand, ...], **kw: object) -> Scenario:
    base = Scenario(
        name="t",
        topology=topology,
        topology_path="t.yaml",
        horizon_h=1000.0,
        seed=1,
        demands=demands,
        default_failover=Failover("igp", 150.0, 1000.0),
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def test_scheduled_cut_on_a_bridge_disconnects_exactly_its_demands_for_exactly_its_time() -> None:
    topo = _chain()
    nodes = dict(topo.nodes)
    nodes["e"] = _node("e", 51.2)
    links = dict(topo.links)
    links["be"] = Link("be", "b", "e", "terrestrial", 50.0, 100.0, "fixed")  # the only way to e
    topo = replace(topo, nodes=nodes, links=links)
    demands = (
        Demand("ae", "a", "e", 10.0),  # must cross the bridge be
        Demand("ce", "c", "e", 10.0),  # must cross it too
        Demand("ac", "a", "c", 10.0),  # never touches be
    )
    event = ScheduledEvent("cut", "cut", Target("link", ("be",)), 100.0, duration_h=50.0)
    result = simulate(_scenario(topo, demands, events=(event,)))
    by_id = {d.id: d for d in result.demands}
    for demand_id in ("ae", "ce"):
        d = by_id[demand_id]
        assert d.downtime_min == pytest.approx(50.0 * 60.0)
        assert [(o.start_h, o.end_h) for o in d.outages] == [(100.0, 150.0)]
        assert d.availability == pytest.approx(1.0 - 50.0 / 1000.0)
        # Everything offered while disconnected is lost: 10 Gbit/s for 50 h.
        assert d.traffic_lost_gbit == pytest.approx(10.0 * 50.0 * 3600.0)
    assert by_id["ac"].downtime_min == 0.0
    assert by_id["ac"].failovers == 0


def test_single_link_with_fixed_repair_is_down_exactly_as_scheduled() -> None:
    nodes = {"a": _node("a", 50.0), "b": _node("b", 51.0)}
    topo = Topology(
        "one",
        nodes,
        {"ab": Link("ab", "a", "b", "terrestrial", 100.0, 10.0, "fixed")},
        {},
        {"fixed": FIXED_12H},
    )
    events = tuple(
        ScheduledEvent(f"e{i}", "cut", Target("link", ("ab",)), at, repair=True)
        for i, at in enumerate((100.0, 400.0, 700.0))
    )
    result = simulate(_scenario(topo, (Demand("d", "a", "b", 10.0),), events=events))
    d = result.demands[0]
    # Three faults, each repaired in exactly 12 h (fixed distribution, no queue): 36 h down.
    assert d.downtime_min == pytest.approx(36 * 60)
    assert d.outage_count == 3
    assert d.max_time_to_restore_h == pytest.approx(12.0)
    link = result.links[0]
    assert (link.failures, link.downtime_h) == (3, pytest.approx(36.0))


def test_two_faults_with_one_ship_serialize() -> None:
    fc = FailureClass("sub", "per_link", 0.0, RepairTime("fixed", 240.0))
    nodes = {"a": _node("a", 50.0), "b": _node("b", 51.0)}
    links = {
        "x": Link("x", "a", "b", "submarine", 400.0, 10.0, "sub", sea="caspian"),
        "y": Link("y", "a", "b", "submarine", 450.0, 10.0, "sub", sea="caspian"),
    }
    topo = Topology("two", nodes, links, {}, {"sub": fc})
    ship = RepairResource("vessel", "ship", 1, ("caspian",), mobilisation_h=24.0)
    events = (
        ScheduledEvent("cx", "cut", Target("link", ("x",)), 100.0, repair=True),
        ScheduledEvent("cy", "cut", Target("link", ("y",)), 110.0, repair=True),
    )
    result = simulate(
        _scenario(topo, (Demand("d", "a", "b", 1.0),), events=events, repair_resources=(ship,))
    )
    # x: repair starts at once, holds the ship 24 + 240 h -> back at 364 h.
    # y: waits for the ship until 364 h (254 h), then 264 h more -> back at 628 h.
    down = {link.id: link.downtime_h for link in result.links}
    assert down["x"] == pytest.approx(264.0)
    assert down["y"] == pytest.approx(628.0 - 110.0)
    vessel = result.resources[0]
    assert vessel.jobs == 2
    assert vessel.max_wait_h == pytest.approx(364.0 - 110.0)
    assert vessel.mean_wait_h == pytest.approx((364.0 - 110.0) / 2)
    # The demand is down only while both cables are: from 110 h to 364 h.
    assert result.demands[0].downtime_min == pytest.approx((364.0 - 110.0) * 60.0)


def test_failover_loss_is_detection_plus_switchover_per_event() -> None:
    failover = Failover("frr", detection_ms=150.0, switchover_ms=50.0)
    demand = Demand("ac", "a", "c", 40.0, failover=failover)
    events = tuple(
        ScheduledEvent(f"e{i}", "cut", Target("link", ("ab",)), at, duration_h=5.0)
        for i, at in enumerate((100.0, 300.0))
    )
    maintenance = ScheduledEvent("m", "maintenance", Target("link", ("bc",)), 500.0, duration_h=5.0)
    result = simulate(_scenario(_chain(), (demand,), events=(*events, maintenance)))
    d = result.demands[0]
    # Two unplanned hits on the working path a-b-c; the planned drain costs nothing.
    assert d.failovers == 2
    assert d.traffic_lost_gbit == pytest.approx(2 * 40.0 * 0.200)
    assert d.availability == 1.0


@pytest.mark.parametrize("as_one_event", [True, False])
def test_links_cut_at_the_same_instant_are_one_failure(as_one_event: bool) -> None:
    """ab and ad cut at t=100 h, for 5 h: demand a->c loses both of its paths at once. That is
    one detection and one failover (loss 40 Gbit/s x 1.15 s) and one 5 h outage, whether the
    scenario lists the cuts as one event or as two at the same time; applying the two one by
    one would count a reroute onto a-d-c that lasts no time, and a second failover."""
    demand = Demand("ac", "a", "c", 40.0)
    if as_one_event:
        events: tuple[ScheduledEvent, ...] = (
            ScheduledEvent("both", "cut", Target("links", ("ab", "ad")), 100.0, duration_h=5.0),
        )
    else:
        events = tuple(
            ScheduledEvent(f"cut-{lid}", "cut", Target("link", (lid,)), 100.0, duration_h=5.0)
            for lid in ("ab", "ad")
        )
    result = simulate(_scenario(_chain(), (demand,), events=events))
    d = result.demands[0]
    assert d.failovers == 1
    assert d.outage_count == 1
    assert d.downtime_min == pytest.approx(5.0 * 60.0)
    assert result.routing_states == 2  # nothing failed, then both links down: no state between


def test_capacity_overflow_drops_the_lower_priority_traffic() -> None:
    topo = _chain(capacity=100.0)
    demands = (
        Demand("gold", "a", "c", 80.0, priority=1),
        Demand("bronze", "a", "c", 80.0, priority=2),
    )
    # Both paths a-b-c and a-d-c carry 100 Gbit/s. Gold (placed first) takes 80 on a-b-c;
    # bronze fills a-b-c's remaining 20 and puts 60 on a-d-c. Cut ab for 10 h: gold moves to
    # a-d-c (80), bronze keeps the remaining 20 and drops 60 Gbit/s. The failover interrupts
    # what ran over ab: gold's 80 and bronze's 20 Gbit/s, for detection + switchover 1.15 s.
    event = ScheduledEvent("cut", "cut", Target("link", ("ab",)), 100.0, duration_h=10.0)
    result = simulate(_scenario(topo, demands, events=(event,), routing="capacity"))
    by_id = {d.id: d for d in result.demands}
    failover_gbit = 80.0 * (150.0 + 1000.0) / 1000.0
    assert by_id["gold"].traffic_lost_gbit == pytest.approx(failover_gbit)
    assert by_id["bronze"].traffic_lost_gbit == pytest.approx(60.0 * 10.0 * 3600.0 + 20.0 * 1.15)
    assert by_id["bronze"].availability == 1.0  # still connected, partly carried
    assert by_id["bronze"].sla_availability == pytest.approx(1.0 - 10.0 / 1000.0)


def test_stochastic_availability_matches_mtbf_over_mtbf_plus_mttr() -> None:
    """One link, exponential failures (rate 20/yr) and exponential repairs (mean 24 h).

    Steady state A = MTBF / (MTBF + MTTR) = 438.3 / 462.3 = 0.948. Over 200 years there are
    ~3,800 up/down cycles. With exponential up and down times the fraction of time down has a
    standard error of about (1 - A) * sqrt(2 / n) = 0.052 * 0.023 = 0.0012; the tolerance of
    0.0025 is ~2 standard errors at this fixed seed. A sampler with the wrong mean (e.g. using
    the median 16.6 h as the mean) would shift A by ~0.017 and fail.
    """
    fc = FailureClass("exp", "per_link", 20.0, RepairTime("exponential", 24.0 * math.log(2.0)))
    nodes = {"a": _node("a", 50.0), "b": _node("b", 51.0)}
    topo = Topology(
        "one",
        nodes,
        {"ab": Link("ab", "a", "b", "terrestrial", 100.0, 10.0, "exp")},
        {},
        {"exp": fc},
    )
    scenario = _scenario(
        topo,
        (Demand("d", "a", "b", 1.0),),
        stochastic_failures=True,
        horizon_h=200 * HOURS_PER_YEAR,
    )
    result = simulate(scenario)
    mtbf, mttr = HOURS_PER_YEAR / 20.0, 24.0
    expected = mtbf / (mtbf + mttr)
    assert result.demands[0].availability == pytest.approx(expected, abs=0.0025)
    # And the failure count is Poisson-like: ~ horizon / (MTBF + MTTR) within 4 sigma.
    cycles = 200 * HOURS_PER_YEAR / (mtbf + mttr)
    assert abs(result.links[0].failures - cycles) < 4 * math.sqrt(cycles)


def test_same_seed_gives_byte_identical_results() -> None:
    fc = FailureClass("exp", "per_1000km", 2.0, RepairTime("lognormal", 12.0, 36.0))
    topo = replace(_chain(), failure_classes={"fixed": fc})
    scenario = _scenario(
        topo,
        (Demand("ac", "a", "c", 10.0),),
        stochastic_failures=True,
        horizon_h=5 * HOURS_PER_YEAR,
    )
    one = json.dumps(simulate(scenario).to_dict(), sort_keys=True)
    two = json.dumps(simulate(scenario).to_dict(), sort_keys=True)
    assert one == two
    other = json.dumps(simulate(scenario, seed=2).to_dict(), sort_keys=True)
    assert other != one


def test_adding_an_unrelated_link_leaves_other_failure_histories_unchanged() -> None:
    fc = FailureClass("exp", "per_1000km", 2.0, RepairTime("lognormal", 12.0, 36.0))
    topo = replace(_chain(), failure_classes={"fixed": fc})
    links = dict(topo.links)
    links["zz"] = Link("zz", "b", "d", "terrestrial", 300.0, 10.0, "fixed")
    bigger = replace(topo, links=links)
    demands = (Demand("ac", "a", "c", 10.0),)
    # 50 years: the shortest link (100 km, 2 faults per 1000 km a year) expects 10 faults, so
    # the chance that one has none and the comparison below is empty is e^-10.
    horizon_h = HOURS_PER_YEAR * 50
    small_run = simulate(_scenario(topo, demands, stochastic_failures=True, horizon_h=horizon_h))
    big_run = simulate(_scenario(bigger, demands, stochastic_failures=True, horizon_h=horizon_h))

    def history(run: object, link_id: str) -> list[tuple[float, str]]:
        return [
            (e.t_h, e.kind)
            for e in run.timeline  # type: ignore[attr-defined]
            if e.element == link_id and e.kind in ("failure", "restore")
        ]

    for lid in ("ab", "bc", "ad", "dc"):
        assert history(small_run, lid) == history(big_run, lid)
        assert history(small_run, lid)  # something happened, so the comparison has teeth
    # The streams are keyed by id, not by position.
    for purpose in ("failure", "repair"):
        one = element_rng(1, 0, "link", "ab", purpose).random()  # type: ignore[arg-type]
        assert one == element_rng(1, 0, "link", "ab", purpose).random()  # type: ignore[arg-type]
    # and a purpose is a stream of its own
    failure = element_rng(1, 0, "link", "ab", "failure").random()
    assert failure != element_rng(1, 0, "link", "ab", "repair").random()


# --- SLA downtime: the union of the intervals out of SLA (issue 13, item 1) -------------------

FRR_200MS = Failover("frr", detection_ms=150.0, switchover_ms=50.0)
LOSS_H = 0.200 / 3600.0  # detection 150 ms + switchover 50 ms


def _rtt_ms(topology: Topology, source: str, destination: str, down: frozenset[str]) -> float:
    path = Router(topology).shortest_path(source, destination, down)
    assert path is not None
    return path.rtt_ms


def _sla_downtime_h(result: SimulationResult) -> float:
    d = result.demands[0]
    return (1.0 - d.sla_availability) * result.horizon_h


def test_loss_window_on_an_over_budget_detour_is_not_counted_twice() -> None:
    """A 10 h cut moves a->c onto a detour over its RTT budget: it is out of SLA from the cut
    to the repair, loss window included, so SLA downtime is exactly 10 h (not 10 h + 0.2 s)."""
    topo = _chain()
    base_rtt = _rtt_ms(topo, "a", "c", frozenset())
    detour_rtt = _rtt_ms(topo, "a", "c", frozenset({"ab"}))
    assert detour_rtt > base_rtt
    sla = Sla(availability=0.99, max_rtt_ms=(base_rtt + detour_rtt) / 2)  # only the detour fails
    demand = Demand("ac", "a", "c", 40.0, sla=sla, failover=FRR_200MS)
    cut = ScheduledEvent("cut", "cut", Target("link", ("ab",)), 100.0, duration_h=10.0)
    result = simulate(_scenario(topo, (demand,), events=(cut,)))
    d = result.demands[0]
    assert d.failovers == 1
    assert _sla_downtime_h(result) == pytest.approx(10.0, abs=1e-9)
    assert d.sla_downtime_min_per_year == pytest.approx(
        10.0 * 60.0 * HOURS_PER_YEAR / 1000.0, rel=1e-12
    )
    assert d.availability == 1.0  # connected throughout: the detour carries it


def test_loss_window_on_a_detour_within_budget_is_sla_downtime() -> None:
    """The same cut with the detour inside the budget: only the 0.2 s loss window is out of SLA."""
    topo = _chain()
    detour_rtt = _rtt_ms(topo, "a", "c", frozenset({"ab"}))
    sla = Sla(availability=0.99, max_rtt_ms=detour_rtt + 1.0)
    demand = Demand("ac", "a", "c", 40.0, sla=sla, failover=FRR_200MS)
    cut = ScheduledEvent("cut", "cut", Target("link", ("ab",)), 100.0, duration_h=10.0)
    result = simulate(_scenario(topo, (demand,), events=(cut,)))
    assert _sla_downtime_h(result) == pytest.approx(LOSS_H, rel=1e-6)


def test_overlapping_loss_windows_count_their_union() -> None:
    """ab is cut at 100 h (a->c moves to a-d-c), ad 0.1 s later (it moves on to a-e-c): windows
    [0, 0.2 s) and [0.1 s, 0.3 s) after the first cut overlap, so 0.3 s is out of SLA, not 0.4 s."""
    topo = _chain()
    nodes = {**topo.nodes, "e": _node("e", 51.7)}
    links = {
        **topo.links,
        "ae": Link("ae", "a", "e", "terrestrial", 300.0, 100.0, "fixed"),
        "ec": Link("ec", "e", "c", "terrestrial", 300.0, 100.0, "fixed"),
    }
    topo = replace(topo, nodes=nodes, links=links)
    demand = Demand("ac", "a", "c", 40.0, sla=Sla(availability=0.99), failover=FRR_200MS)
    gap_h = 0.100 / 3600.0
    events = (
        ScheduledEvent("c1", "cut", Target("link", ("ab",)), 100.0, duration_h=10.0),
        ScheduledEvent("c2", "cut", Target("link", ("ad",)), 100.0 + gap_h, duration_h=10.0),
    )
    result = simulate(_scenario(topo, (demand,), events=events))
    assert result.demands[0].failovers == 2
    assert _sla_downtime_h(result) == pytest.approx(gap_h + LOSS_H, rel=1e-6)


def test_loss_window_is_cut_at_the_horizon() -> None:
    """A failover 0.05 s before the end of a 1000 h run loses 0.05 s inside the horizon."""
    demand = Demand("ac", "a", "c", 40.0, sla=Sla(availability=0.99), failover=FRR_200MS)
    before_end_h = 0.050 / 3600.0
    cut = ScheduledEvent("cut", "cut", Target("link", ("ab",)), 1000.0 - before_end_h)
    result = simulate(_scenario(_chain(), (demand,), events=(cut,)))
    assert _sla_downtime_h(result) == pytest.approx(before_end_h, rel=1e-6)


# --- A cut of several cables is one repair job per cable (issue 13, item 5) -----------------


def _two_caspian_cables() -> Topology:
    fc = FailureClass("sub", "per_link", 0.0, RepairTime("fixed", 240.0))
    nodes = {"a": _node("a", 50.0), "b": _node("b", 51.0)}
    links = {
        "x": Link("x", "a", "b", "submarine", 400.0, 10.0, "sub", sea="caspian", srlgs=("g",)),
        "y": Link("y", "a", "b", "submarine", 450.0, 10.0, "sub", sea="caspian", srlgs=("g",)),
    }
    return Topology("two", nodes, links, {"g": Srlg("g")}, {"sub": fc})


@pytest.mark.parametrize("form", ["links", "srlg", "two events"])
def test_a_multi_cable_cut_queues_one_repair_job_per_cable(form: str) -> None:
    """x and y cut at t0 = 100 h, one vessel (mobilisation M = 24 h), fixed repair R = 240 h.

    FIFO by hand: x (first in the event) holds the vessel from t0 to t0 + M + R = 364 h; y waits
    until 364 h, then holds it M + R more: back at t0 + 2 (M + R) = 628 h. One job per cable,
    however the cut is written."""
    t0, mob_h, repair_h = 100.0, 24.0, 240.0
    if form == "links":
        events = (ScheduledEvent("cut", "cut", Target("links", ("x", "y")), t0, repair=True),)
    elif form == "srlg":
        events = (ScheduledEvent("cut", "cut", Target("srlg", ("g",)), t0, repair=True),)
    else:
        events = tuple(
            ScheduledEvent(f"cut-{lid}", "cut", Target("link", (lid,)), t0, repair=True)
            for lid in ("x", "y")
        )
    ship = RepairResource("vessel", "ship", 1, ("caspian",), mobilisation_h=mob_h)
    scenario = _scenario(
        _two_caspian_cables(),
        (Demand("d", "a", "b", 1.0),),
        events=events,
        repair_resources=(ship,),
    )
    result = simulate(scenario)
    x_back, y_back = t0 + (mob_h + repair_h), t0 + 2 * (mob_h + repair_h)
    down = {link.id: link.downtime_h for link in result.links}
    assert down["x"] == pytest.approx(x_back - t0)
    assert down["y"] == pytest.approx(y_back - t0)
    vessel = result.resources[0]
    assert vessel.jobs == 2
    assert vessel.max_wait_h == pytest.approx(x_back - t0)  # y waited for x's job
    assert vessel.mean_wait_h == pytest.approx((0.0 + (x_back - t0)) / 2)
    assert vessel.busy_fraction == pytest.approx(2 * (mob_h + repair_h) / scenario.horizon_h)
    # The demand rides either cable: down from the cut until x is back.
    assert result.demands[0].downtime_min == pytest.approx((x_back - t0) * 60.0)
    restores = [(e.t_h, e.element) for e in result.timeline if e.kind == "restore"]
    assert restores == [(pytest.approx(x_back), "x"), (pytest.approx(y_back), "y")]
    # The run report rebuilds one episode per cable, with its wait for the vessel.
    from twin.report.run_view import element_downs

    episodes = {
        d.element: (d.start_h, d.end_h, d.wait_h, d.resource) for d in element_downs(result)
    }
    assert episodes == {
        "x": (t0, pytest.approx(x_back), 0.0, "vessel"),
        "y": (t0, pytest.approx(y_back), pytest.approx(x_back - t0, abs=0.05), "vessel"),
    }
