"""The modelled time to restore, read from a run the way an incident's reports define it.

`elements-up`: the time at which the last of the named elements came back, from the run's
timeline entries (kind `failure`/`maintenance` put an element down, `restore` brings it back;
an entry's `element` field holds the element ids, joined with "," when one change moved
several: ids cannot hold a comma). An element down for two reasons at once is back when both
have ended. `demand-connected`: the end of the demand's first outage (0 when it never lost
its path: the network rerouted it). None when the restoration did not happen within the
horizon: the replication is censored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from twin.model import Observation
from twin.results import SimulationResult

_DOWN = frozenset({"failure", "maintenance"})
_UP = "restore"


def element_restore_times(result: SimulationResult) -> dict[str, float | None]:
    """For every element the run took down: when it was last restored, None if still down."""
    down: dict[str, int] = {}
    restored: dict[str, float | None] = {}
    for entry in result.timeline:
        if entry.kind in _DOWN:
            delta = 1
        elif entry.kind == _UP:
            delta = -1
        else:
            continue
        for element in entry.element.split(","):
            count = down.get(element, 0) + delta
            down[element] = count
            if delta > 0:
                restored[element] = None
            elif count == 0:
                restored[element] = entry.t_h
    return restored


def elements_up_h(result: SimulationResult, elements: Iterable[str]) -> float | None:
    """When all `elements` were back (None if one was still down at the horizon)."""
    restored = element_restore_times(result)
    latest = 0.0
    for element in elements:
        t_h = restored.get(element, 0.0)
        if t_h is None:
            return None
        latest = max(latest, t_h)
    return latest


def demand_connected_h(result: SimulationResult, demand_id: str) -> float | None:
    """When the demand had a path again after its first outage (0 if it never lost it)."""
    outages = result.demand(demand_id).outages
    if not outages:
        return 0.0
    first = min(outages, key=lambda o: o.start_h)
    return None if first.end_h >= result.horizon_h else first.end_h


@dataclass(frozen=True)
class RestoreTimes:
    """A Monte Carlo measure (`twin.montecarlo.replicate`): each observation's modelled time
    to restore in one replication, in the order of `observations`."""

    observations: tuple[Observation, ...]
    timeline: bool = True

    def __call__(self, result: SimulationResult) -> tuple[float | None, ...]:
        return tuple(_restored_h(result, obs) for obs in self.observations)


def _restored_h(result: SimulationResult, observation: Observation) -> float | None:
    if observation.measure == "demand-connected":
        assert observation.demand is not None  # checked when the scenario was loaded
        return demand_connected_h(result, observation.demand)
    return elements_up_h(result, observation.elements)
