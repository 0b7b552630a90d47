"""A state's permit wait (`permit_until`) against exact schedules, and its checks.

Two parallel links a-b, both down at as_of with a fixed repair R, one crew with mobilisation M,
and a permit at P hours after as_of for both: nothing starts before P, then the crew takes them
in file order, so the first is back at P + M + R and the second at P + 2 (M + R); each record
carries the shared wait, from its own failure (P - since), and the engine's invariant
repair_started_at_h == failed_at_h + permit_wait_h + wait_h holds.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from twin.errors import InputError
from twin.loading.state import load_state, state_document
from twin.model import (
    Demand,
    DownElement,
    Failover,
    FailureClass,
    Link,
    Node,
    RepairResource,
    RepairTime,
    Scenario,
    State,
    Topology,
)
from twin.sim import simulate
from twin.sim.snapshot import state_at

R_H, M_H, P_H = 10.0, 2.0, 100.0
AS_OF = "2024-02-24T09:46:00Z"


def _scenario(down: tuple[DownElement, ...], crew: bool = True) -> Scenario:
    nodes = {
        "a": Node("a", "A", "KZ", "pop", 43.0, 50.0),
        "b": Node("b", "B", "KZ", "pop", 43.0, 51.0),
    }
    links = {lid: Link(lid, "a", "b", "terrestrial", 100.0, 100.0, "c") for lid in ("ab1", "ab2")}
    fc = FailureClass("c", "per_link", 0.0, RepairTime("fixed", R_H))
    pools = (RepairResource("crew", "crew", 1, ("KZ",), M_H),) if crew else ()
    return Scenario(
        name="t",
        topology=Topology("two", nodes, links, {}, {"c": fc}),
        topology_path="t.yaml",
        horizon_h=1000.0,
        seed=5,
        demands=(Demand("a-b", "a", "b"),),
        default_failover=Failover("igp", 150.0, 1000.0),
        repair_resources=pools,
        state=State(AS_OF, down),
    )


def _both(since_h: float, permit_h: float) -> tuple[DownElement, ...]:
    return tuple(DownElement("link", lid, since_h, None, "c", permit_h) for lid in ("ab1", "ab2"))


@pytest.mark.parametrize("since_h", [0.0, -30.0])
def test_one_permit_then_the_crew_in_file_order(since_h: float) -> None:
    result = simulate(_scenario(_both(since_h, P_H)))
    records = {r.element: r for r in result.element_outages}
    assert records["ab1"].restored_at_h == pytest.approx(P_H + M_H + R_H)
    assert records["ab2"].restored_at_h == pytest.approx(P_H + 2 * (M_H + R_H))
    for r in records.values():
        assert r.permit_wait_h == pytest.approx(P_H - since_h)
        assert r.repair_started_at_h == pytest.approx(r.failed_at_h + r.permit_wait_h + r.wait_h)
    assert records["ab2"].wait_h == pytest.approx(M_H + R_H)


def test_without_a_pool_each_repairs_alone_after_the_permit() -> None:
    result = simulate(_scenario(_both(-30.0, P_H), crew=False))
    assert {r.restored_at_h for r in result.element_outages} == {P_H + R_H}


def test_a_state_written_mid_permit_keeps_the_permit() -> None:
    scenario = _scenario(_both(0.0, P_H))
    result = simulate(scenario)
    state = state_at(scenario, result, 40.0)
    assert [d.permit_until_h for d in state.down] == [P_H - 40.0, P_H - 40.0]
    text = state_document(state, AS_OF, 40.0, "t.yaml", "mid-permit")
    assert "permit_until: 2024-02-28T13:46:00Z" in text  # as_of + 100 h = 4 d 4 h


def _state_file(tmp_path: Path, entry: str, resources: str = "") -> Path:
    path = tmp_path / "s.state.yaml"
    body = f"as_of: {AS_OF}\ndown:\n  - {entry}\n{resources}"
    path.write_text(textwrap.dedent(body))
    return path


@pytest.mark.parametrize(
    ("entry", "resources", "message"),
    [
        (
            f"{{link: ab1, since: {AS_OF}, eta: 2024-03-01T00:00:00Z, "
            "permit_until: 2024-03-01T00:00:00Z}",
            "",
            "a permit wait holds back a repair",
        ),
        (
            f"{{link: ab1, since: {AS_OF}, cause: c, permit_until: 2024-02-20T00:00:00Z}}",
            "",
            "must come after as_of",
        ),
        (
            f"{{link: ab1, since: {AS_OF}, cause: c, permit_until: 2044-02-20T00:00:00Z}}",
            "",
            "at most ten years after it",
        ),
        (
            f"{{link: ab1, since: {AS_OF}, cause: c, permit_until: 2024-03-01T00:00:00Z}}",
            f"resources:\n  - {{id: crew, job: ab1, mobilising_since: {AS_OF}}}\n",
            "waits for a permit",
        ),
    ],
)
def test_a_bad_permit_is_refused_at_its_line(
    tmp_path: Path, entry: str, resources: str, message: str
) -> None:
    path = _state_file(tmp_path, entry, resources)
    with pytest.raises(InputError) as caught:
        load_state(path)
    problem = next(p for p in caught.value.problems if message in p.message)
    assert problem.path == str(path) and problem.line in (3, 5)


def test_a_good_permit_is_hours_after_as_of(tmp_path: Path) -> None:
    entry = f"{{link: ab1, since: {AS_OF}, cause: c, permit_until: 2024-04-20T09:46:00Z}}"
    (down,) = load_state(_state_file(tmp_path, entry)).down
    assert down.permit_until_h == 56 * 24.0  # eight weeks
