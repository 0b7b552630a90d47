"""Multi-cable incidents: one permit wait shared by every cable an event cuts (issue 16, item 4),
and the back-test's restore times read from the engine's records.

Every expected time is derived here by hand from a deterministic schedule: fixed repair times,
one ship with a fixed mobilisation, cuts at known instants.
"""

from __future__ import annotations

import pytest

from twin import model
from twin.backtest.measure import element_restore_times, elements_up_h
from twin.results import ElementOutage
from twin.sim import simulate

CUT_H = 10.0  # the incident: both cables go at once
PERMIT_H = 500.0  # one permit for the incident
MOB_H, REPAIR_H = 24.0, 240.0  # the ship: fixed mobilisation per job, fixed repair per cable


def _topology() -> model.Topology:
    """Three cables between two landings, one SRLG: what one anchor drag cuts."""
    ends = {"a": 38.0, "b": 40.0}  # longitudes on the Red Sea's latitude
    return model.Topology(
        "three",
        {n: model.Node(n, n.upper(), "EG", "pop", 20.0, lon) for n, lon in ends.items()},
        {
            c: model.Link(c, "a", "b", "submarine", 300.0, 10.0, "sub", ("anchor",), sea="red")
            for c in ("c1", "c2", "c3")
        },
        {"anchor": model.Srlg("anchor", "one anchor drag")},
        {"sub": model.FailureClass("sub", "per_link", 0.0, model.RepairTime("fixed", REPAIR_H))},
    )


def _scenario(permit_wait_h: float, horizon_h: float = 5000.0) -> model.Scenario:
    event = model.ScheduledEvent(
        "drag",
        "cut",
        model.Target("srlg", ("anchor",)),
        CUT_H,
        repair=True,
        permit_wait_h=permit_wait_h,
    )
    ship = model.RepairResource("ship", "ship", 1, ("red",), mobilisation_h=MOB_H)
    demand = model.Demand("ab", "a", "b", 1.0)
    return model.Scenario(
        "incident", _topology(), "three.yaml", horizon_h, 1, (demand,), (event,), False, (ship,)
    )


def _hand_schedule(permit_wait_h: float) -> dict[str, tuple[float, float, float]]:
    """cable -> (repair started, queued for the ship, restored): after one shared wait the
    three jobs ask for the single ship together and are served in id order, each holding it
    for mobilisation + repair."""
    asked = CUT_H + permit_wait_h
    job_h = MOB_H + REPAIR_H
    return {
        cable: (asked + k * job_h, k * job_h, asked + (k + 1) * job_h)
        for k, cable in enumerate(("c1", "c2", "c3"))
    }


@pytest.mark.parametrize("permit_wait_h", [0.0, PERMIT_H])
def test_one_permit_wait_holds_back_every_cable_of_the_incident_once(
    permit_wait_h: float,
) -> None:
    result = simulate(_scenario(permit_wait_h), timeline=False)
    expected = _hand_schedule(permit_wait_h)
    assert len(result.element_outages) == 3
    for record in result.element_outages:
        started, queued, restored = expected[record.element]
        assert record.failed_at_h == CUT_H
        assert record.permit_wait_h == permit_wait_h
        assert record.repair_started_at_h == pytest.approx(started)
        assert record.wait_h == pytest.approx(queued)
        assert record.restored_at_h == pytest.approx(restored)
        # The record's own identity: failure, the shared wait, the queue, then the job.
        assert record.repair_started_at_h == pytest.approx(
            record.failed_at_h + record.permit_wait_h + record.wait_h
        )
    # Shared, not per cable: the last cable is back one permit wait later than without it,
    # where a wait per job (a ship's mobilisation) would have cost three.
    last = max(r.restored_at_h or 0.0 for r in result.element_outages)
    assert last == pytest.approx(CUT_H + permit_wait_h + 3 * (MOB_H + REPAIR_H))


def test_a_permit_wait_cut_by_the_horizon_is_recorded_up_to_it() -> None:
    horizon_h = CUT_H + 100.0
    result = simulate(_scenario(PERMIT_H, horizon_h=horizon_h), timeline=False)
    for record in result.element_outages:
        assert record.permit_wait_h == pytest.approx(horizon_h - CUT_H)
        assert (record.repair_started_at_h, record.restored_at_h, record.wait_h) == (
            None,
            None,
            0.0,
        )


def test_restore_times_come_from_the_records_without_a_timeline() -> None:
    """The back-test's measure needs no readable timeline: the records alone give each
    cable's restoration, and `elements-up` is the last of the named ones."""
    result = simulate(_scenario(PERMIT_H), timeline=False)
    assert result.timeline == ()
    expected = _hand_schedule(PERMIT_H)
    restored = element_restore_times(result)
    assert restored == pytest.approx({c: t for c, (_, _, t) in expected.items()})
    assert elements_up_h(result, ["c1", "c3"]) == pytest.approx(expected["c3"][2])


def test_an_element_down_twice_is_back_when_the_last_fault_ends() -> None:
    """Overlapping outages of one link: a cut from 10 h to 110 h and another from 50 h to
    70 h leave it back at 110 h; a third cut never restored leaves c2 down (None)."""
    events = (
        model.ScheduledEvent("long", "cut", model.Target("link", ("c1",)), 10.0, duration_h=100.0),
        model.ScheduledEvent("short", "cut", model.Target("link", ("c1",)), 50.0, duration_h=20.0),
        model.ScheduledEvent("gone", "cut", model.Target("link", ("c2",)), 30.0),
    )
    demands = (model.Demand("ab", "a", "b", 1.0),)
    scenario = model.Scenario("overlap", _topology(), "three.yaml", 1000.0, 1, demands, events)
    result = simulate(scenario, timeline=False)
    assert element_restore_times(result) == {"c1": 110.0, "c2": None}
    assert elements_up_h(result, ["c1"]) == 110.0
    assert elements_up_h(result, ["c1", "c2"]) is None
    assert elements_up_h(result, ["c3"]) == 0.0  # never down


def test_old_records_without_the_field_read_as_no_shared_wait() -> None:
    record = simulate(_scenario(0.0), timeline=False).element_outages[0]
    data = record.to_dict()
    del data["permit_wait_h"]
    assert ElementOutage.from_dict(data) == record
