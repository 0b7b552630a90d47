"""The engine's per-run memo of moves (state left, element flipped -> routing and demands
touched) changes no result: runs that work every move out afresh are identical."""

from __future__ import annotations

from pathlib import Path

import pytest

from twin.loading import load_scenario
from twin.sim.engine import Engine, Move, Simulator

SCENARIOS = Path(__file__).parents[2] / "scenarios"


class _Afresh(Engine):
    """An engine that never looks a move up: every change goes the general way, building the
    state from the down-counts and asking the observer for the transition."""

    def _move_one(self, element: str) -> Move:
        move = self._move()
        assert move is not None  # one element flipped: the state changed
        return move


@pytest.mark.parametrize(
    ("name", "recurring"),
    [
        ("annual-reliability.yaml", True),  # a decade of stochastic failures: moves recur
        ("caspian-ship-shortage.yaml", False),  # scheduled cuts, some of several elements
        ("trans-caspian-cut.yaml", False),
    ],
)
def test_remembered_moves_give_the_results_of_moves_worked_out_afresh(
    name: str, recurring: bool
) -> None:
    scenario = load_scenario(SCENARIOS / name)
    simulator = Simulator(scenario)
    for replication in range(3):
        remembered = simulator.engine(scenario.seed, replication, scenario.horizon_h)
        afresh = _Afresh(simulator, scenario.seed, replication, scenario.horizon_h)
        expected = afresh.run()
        assert remembered.run().to_dict() == expected.to_dict()
        assert expected.events_processed > 0
        # Where moves recur the memo answers most changes (else it was never consulted).
        moves = sum(len(m) for m in remembered._moves.values())
        assert moves <= expected.events_processed
        if recurring:
            assert moves < expected.events_processed / 2
