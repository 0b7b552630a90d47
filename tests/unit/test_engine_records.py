"""The engine's structured records (issue 14, item 2): what failed, why, when, who repaired it.

Every expected value is derived here: by hand for a deterministic schedule, from the element's
own random streams for a stochastic run, and from the records themselves for the measures that
must agree with them (link failures and downtime, demand outages).
"""

from __future__ import annotations

import ast
import math
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import twin
from twin import model
from twin.montecarlo import run_replications
from twin.report.run_view import element_downs, outage_blame, outage_elements
from twin.results import ElementOutage, SimulationResult
from twin.results import prose as prose_module
from twin.sim import simulate
from twin.sim.engine import element_rng
from twin.units import HOURS_PER_YEAR

T_X_H, T_Y_H = 100.0, 130.0  # cable x is cut at 100 h, cable y at 130 h
MOB_H, REPAIR_H = 24.0, 240.0  # one vessel: fixed mobilisation, fixed repair time


def _node(node_id: str, lon: float) -> model.Node:
    return model.Node(node_id, node_id.upper(), "AZ", "pop", 40.0, lon)


def _two_cables() -> model.Topology:
    fc = model.FailureClass("sub", "per_link", 0.0, model.RepairTime("fixed", REPAIR_H))
    nodes = {"a": _node("a", 50.0), "b": _node("b", 51.0)}
    links = {
        "x": model.Link("x", "a", "b", "submarine", 400.0, 10.0, "sub", sea="caspian"),
        "y": model.Link("y", "a", "b", "submarine", 450.0, 10.0, "sub", sea="caspian"),
    }
    return model.Topology("two", nodes, links, {}, {"sub": fc})


def _cut_scenario(horizon_h: float = 1000.0) -> model.Scenario:
    events = (
        model.ScheduledEvent("cut-x", "cut", model.Target("link", ("x",)), T_X_H, repair=True),
        model.ScheduledEvent("cut-y", "cut", model.Target("link", ("y",)), T_Y_H, repair=True),
    )
    vessel = model.RepairResource("vessel", "ship", 1, ("caspian",), mobilisation_h=MOB_H)
    return model.Scenario(
        "two-cuts",
        _two_cables(),
        "two.yaml",
        horizon_h,
        1,
        (model.Demand("ab", "a", "b", 1.0),),
        events,
        repair_resources=(vessel,),
    )


def test_two_cuts_one_vessel_records_match_the_hand_schedule() -> None:
    """x holds the vessel from 100 h for M + R = 264 h (back at 364 h); y, cut at 130 h, waits
    for it until 364 h (234 h), then holds it 264 h (back at 628 h). The demand rides either
    cable, so y's cut disconnects it, from 130 h until x is back at 364 h."""
    result = simulate(_cut_scenario())
    x_back = T_X_H + MOB_H + REPAIR_H
    y_wait = x_back - T_Y_H
    y_back = x_back + MOB_H + REPAIR_H
    common = {"kind": "link", "cause_kind": "cut", "resource": "vessel", "repair_h": REPAIR_H}
    assert result.element_outages == (
        ElementOutage(
            id=0, element="x", elements=("x",), cause="cut-x", failed_at_h=T_X_H,
            detected_at_h=T_X_H, repair_started_at_h=T_X_H, restored_at_h=x_back, wait_h=0.0,
            mobilisation_h=MOB_H, **common,
        ),
        ElementOutage(
            id=1, element="y", elements=("y",), cause="cut-y", failed_at_h=T_Y_H,
            detected_at_h=T_Y_H, repair_started_at_h=x_back, restored_at_h=y_back, wait_h=y_wait,
            mobilisation_h=MOB_H, **common,
        ),
    )  # fmt: skip
    (outage,) = result.demand("ab").outages
    assert (outage.start_h, outage.end_h, outage.caused_by) == (T_Y_H, x_back, (1,))
    assert outage_elements(result, outage) == ["y"]
    # The prose is rendered from these numbers.
    starts = [e.detail for e in result.timeline if e.kind == "repair-start"]
    assert starts == [
        f"vessel after 0.0 h wait; {MOB_H + REPAIR_H:.1f} h to fix",
        f"vessel after {y_wait:.1f} h wait; {MOB_H + REPAIR_H:.1f} h to fix",
    ]
    assert outage.cause == "cut-y (link y)"


@pytest.mark.parametrize("horizon_h", [500.0, 300.0])
def test_records_cut_at_the_horizon(horizon_h: float) -> None:
    """At 500 h y's repair has started (at 364 h) but not ended; at 300 h y is still queueing
    (170 h so far) and x not yet back, so the outage runs to the horizon."""
    result = simulate(_cut_scenario(horizon_h))
    x_record, y_record = result.element_outages
    x_back = T_X_H + MOB_H + REPAIR_H
    assert y_record.restored_at_h is None
    if horizon_h > x_back:
        assert y_record.repair_started_at_h == x_back
        assert y_record.wait_h == x_back - T_Y_H
        assert x_record.restored_at_h == x_back
    else:
        assert y_record.repair_started_at_h is None
        assert y_record.wait_h == horizon_h - T_Y_H
        assert x_record.restored_at_h is None
        (outage,) = result.demand("ab").outages
        assert (outage.end_h, outage.caused_by) == (horizon_h, (1,))


def test_records_and_outage_links_survive_json() -> None:
    result = simulate(_cut_scenario())
    data = result.to_dict()
    assert data["schema"] == "silkroad-twin/run/2"
    assert data["element_outages"][1]["wait_h"] == T_X_H + MOB_H + REPAIR_H - T_Y_H
    assert data["demands"][0]["outages"][0]["caused_by"] == [1]
    again = SimulationResult.from_dict(data)
    assert again.element_outages == result.element_outages
    assert again.demand("ab").outages == result.demand("ab").outages
    data["demands"][0]["outages"][0]["caused_by"] = [7]
    with pytest.raises(ValueError, match="element outage 7"):
        SimulationResult.from_dict(data)


def test_a_timed_srlg_cut_is_one_record_of_the_srlg() -> None:
    topo = replace(
        _two_cables(),
        srlgs={"g": model.Srlg("g")},
        links={k: replace(v, srlgs=("g",)) for k, v in _two_cables().links.items()},
    )
    cut = model.ScheduledEvent("trench", "cut", model.Target("srlg", ("g",)), 10.0, duration_h=5.0)
    scenario = replace(_cut_scenario(), topology=topo, events=(cut,))
    result = simulate(scenario)
    (record,) = result.element_outages
    assert (record.element, record.kind, record.elements) == ("g", "srlg", ("x", "y"))
    assert (record.failed_at_h, record.restored_at_h, record.repair_started_at_h) == (
        10.0,
        15.0,
        None,
    )
    assert result.demand("ab").outages[0].cause == "trench (srlg g)"


# --- a stochastic run: records consistent with the streams and with the measures -------------


def _stochastic_scenario() -> model.Scenario:
    """A ring a-b-c-d with its own lognormal repairs, an SRLG over two links that fails on its
    own (so faults overlap on a link), and one crew for everything (so faults queue)."""
    land = model.FailureClass("land", "per_1000km", 4.0, model.RepairTime("lognormal", 12.0, 48.0))
    duct = model.FailureClass("duct", "per_link", 3.0, model.RepairTime("lognormal", 24.0, 96.0))
    nodes = {n: _node(n, lon) for n, lon in (("a", 50.0), ("b", 51.0), ("c", 52.0), ("d", 51.5))}
    links = {
        "ab": model.Link("ab", "a", "b", "terrestrial", 300.0, 100.0, "land", srlgs=("duct",)),
        "bc": model.Link("bc", "b", "c", "terrestrial", 300.0, 100.0, "land", srlgs=("duct",)),
        "cd": model.Link("cd", "c", "d", "terrestrial", 400.0, 100.0, "land"),
        "da": model.Link("da", "d", "a", "terrestrial", 400.0, 100.0, "land"),
    }
    topo = model.Topology(
        "ring", nodes, links, {"duct": model.Srlg("duct", failure_class="duct")},
        {"land": land, "duct": duct},
    )  # fmt: skip
    crew = model.RepairResource("crew", "crew", 1, ("*",), mobilisation_h=6.0)
    return model.Scenario(
        "ring",
        topo,
        "ring.yaml",
        20 * HOURS_PER_YEAR,
        11,
        (model.Demand("ac", "a", "c", 1.0), model.Demand("ab", "a", "b", 1.0)),
        stochastic_failures=True,
        repair_resources=(crew,),
    )


@pytest.fixture(scope="module")
def stochastic() -> SimulationResult:
    return simulate(_stochastic_scenario(), replication=3)


def test_repair_holds_the_crew_for_mobilisation_plus_the_element_s_own_draws(
    stochastic: SimulationResult,
) -> None:
    scenario = _stochastic_scenario()
    classes = scenario.topology.failure_classes
    by_element: dict[str, list[ElementOutage]] = {}
    for record in stochastic.element_outages:
        by_element.setdefault(record.element, []).append(record)
    assert set(by_element) == {"ab", "bc", "cd", "da", "duct"}
    waited = 0
    for element, records in by_element.items():
        kind = "srlg" if element == "duct" else "link"
        fc = classes["duct" if element == "duct" else "land"]
        rng = element_rng(scenario.seed, 3, kind, element, "repair")
        for record in records:
            # The k-th fault of an element repairs in the k-th draw of its repair stream.
            assert record.repair_h == fc.repair.sample_h(rng)
            assert (record.kind, record.cause, record.resource) == (kind, fc.id, "crew")
            assert record.mobilisation_h == 6.0
            assert record.detected_at_h == record.failed_at_h
            if record.repair_started_at_h is not None:
                assert record.repair_started_at_h - record.failed_at_h == pytest.approx(
                    record.wait_h, abs=1e-9
                )
            if record.restored_at_h is not None:
                assert record.repair_started_at_h is not None
                held_h = record.restored_at_h - record.repair_started_at_h
                # Times near 1.7e5 h carry rounding of ~3e-11 h; a wrong hold is off by hours.
                assert held_h == pytest.approx(6.0 + record.repair_h, abs=1e-9)
            waited += record.wait_h > 0
    assert waited, "one crew for the whole ring: some fault must queue, or the test has no teeth"


def _union_h(intervals: list[tuple[float, float]]) -> float:
    total, reach = 0.0, -math.inf
    for start, end in sorted(intervals):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


def test_link_failures_and_downtime_follow_from_the_records(stochastic: SimulationResult) -> None:
    """A link fails when a record takes it down while no other record has it down; it is down
    for the union of its records' intervals."""
    horizon_h = stochastic.horizon_h
    for link in stochastic.links:
        spans = sorted(
            (r.failed_at_h, r.end_h(horizon_h))
            for r in stochastic.element_outages
            if link.id in r.elements
        )
        onsets = sum(
            1 for i, (start, _) in enumerate(spans) if not any(s <= start < e for s, e in spans[:i])
        )
        assert link.failures == onsets
        assert link.downtime_h == pytest.approx(_union_h(spans), rel=1e-9)
    overlapping = [r for r in stochastic.element_outages if r.kind == "srlg"]
    assert overlapping, "the duct fails too, so link faults and duct faults can overlap"


def test_demand_outages_name_records_that_overlap_them(stochastic: SimulationResult) -> None:
    records = stochastic.element_outages
    seen = 0
    for demand in stochastic.demands:
        for outage in demand.outages:
            assert outage.caused_by, "every outage here starts with a fault"
            for index in outage.caused_by:
                record = records[index]
                assert record.failed_at_h == outage.start_h
                assert record.end_h(stochastic.horizon_h) > outage.start_h
                seen += 1
    assert seen


# --- no reader depends on the prose ---------------------------------------------------------


def _reworded(function: Callable[..., Any]) -> Callable[..., Any]:
    def other_words(*args: Any, **kwargs: Any) -> Any:
        text = function(*args, **kwargs)
        if isinstance(text, str):
            return f"<<{text.upper()[::-1]} (reworded)>>"
        return tuple(entry._replace(detail=f"?? {entry.detail} ??") for entry in text)

    return other_words


def _reword_all_prose(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replace every function of `twin.results.prose`, wherever it was imported."""
    originals = [
        value
        for value in vars(prose_module).values()
        if callable(value) and getattr(value, "__module__", "") == prose_module.__name__
    ]
    names = {f.__name__ for f in originals}
    assert {"describe", "describe_causes", "render_timeline"} <= names
    for module in [m for name, m in list(sys.modules.items()) if name.startswith("twin")]:
        for attr, value in list(vars(module).items()):
            if any(value is original for original in originals):
                monkeypatch.setattr(module, attr, _reworded(value))


def _facts(result: SimulationResult) -> Any:
    """Everything a reader takes from a run, prose left out."""
    data = result.to_dict()
    for demand in data["demands"]:
        for outage in demand["outages"]:
            del outage["cause"]
    del data["timeline"]
    downs = [replace(d, detail="") for d in element_downs(result)]
    return data, downs, [outage_blame(element_downs(result), d) for d in result.demands]


def _mc(scenario: model.Scenario) -> dict[str, Any]:
    return run_replications(scenario, replications=4).to_dict()


def test_rewording_the_prose_changes_no_result() -> None:
    scenario = _stochastic_scenario()
    clean_run, clean_mc = simulate(scenario, replication=3), _mc(scenario)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _reword_all_prose(monkeypatch)
        reworded_run, reworded_mc = simulate(scenario, replication=3), _mc(scenario)
    # The rewording took effect where prose is shown ...
    assert reworded_run.demand("ac").outages[0].cause.endswith("(reworded)>>")
    assert reworded_run.timeline[0].detail.startswith("??")
    # ... and nowhere else.
    assert _facts(reworded_run) == _facts(clean_run)
    assert reworded_mc == clean_mc
    causes = {c["cause"] for d in clean_mc["demands"] for c in d["downtime_causes"]}
    assert causes and causes <= {"ab", "bc", "cd", "da", "duct"}


# --- no regular expression reads engine output ----------------------------------------------

TWIN = Path(twin.__file__).parent
# Modules that use `re` on text they write, for its destination, never to read a result.
ESCAPERS = {
    "report/markdown_text.py": "escapes text for Markdown",
    "report/xml_text.py": "drops characters XML cannot hold",
}


def _imports_re(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(a.name in ("re", "regex") for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.module in ("re", "regex"):
            return True
    return False


def test_no_regular_expression_reads_engine_output() -> None:
    """The engine, its results, Monte Carlo and every report read records, never text: `re`
    is imported there only by the escapers of output formats."""
    readers = [TWIN / "montecarlo.py", *TWIN.glob("sim/*.py"), *TWIN.glob("results/*.py")]
    readers += sorted(TWIN.glob("report/*.py"))
    offenders = [
        str(p.relative_to(TWIN))
        for p in readers
        if _imports_re(p) and str(p.relative_to(TWIN)) not in ESCAPERS
    ]
    assert offenders == []
    assert all(_imports_re(TWIN / p) for p in ESCAPERS), "stale allow-list entry"


def test_the_year_is_named_once() -> None:
    """8766 h is the Julian year (365.25 d x 24 h); no module of the twin writes it bare."""
    assert HOURS_PER_YEAR == 365.25 * 24
    bare = [
        str(p.relative_to(TWIN))
        for p in TWIN.rglob("*.py")
        if "8766" in p.read_text(encoding="utf-8")
    ]
    assert bare == []
