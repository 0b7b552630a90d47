"""The modelled time to restore, read from a run the way an incident's reports define it.

`elements-up`: the time at which the last of the named elements came back, from the engine's
structured records (`twin.results.ElementOutage`: each fault names the elements it took down,
when they failed and `restored_at_h`, None while still down). An element down for several
faults at once (a scheduled cut and a stochastic fault) is back when the last of them has
ended. `demand-connected`: the end of the demand's first outage (0 when it never lost its path:
the network rerouted it). None when the restoration did not happen within the horizon: the
replication is censored.

Nothing here reads the readable timeline, so back-test replications run without one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from twin.model import Observation
from twin.results import SimulationResult


def element_restore_times(result: SimulationResult) -> dict[str, float | None]:
    """For every element the run took down: when it was last restored, None if still down.

    An element's down periods are the union of its faults' [failed_at_h, restored_at_h); it is
    last back at the latest restoration, unless one fault never ended within the horizon."""
    restored: dict[str, float | None] = {}
    for record in result.element_outages:
        for element in dict.fromkeys((record.element, *record.elements)):
            if element in restored and restored[element] is None:
                continue  # down for good: a later restoration of another fault cannot lift it
            if record.restored_at_h is None:
                restored[element] = None
            else:
                restored[element] = max(restored.get(element) or 0.0, record.restored_at_h)
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
    timeline: bool = False  # the records are enough (see the module docstring)

    def __call__(self, result: SimulationResult) -> tuple[float | None, ...]:
        return tuple(_restored_h(result, obs) for obs in self.observations)


def _restored_h(result: SimulationResult, observation: Observation) -> float | None:
    if observation.measure == "demand-connected":
        assert observation.demand is not None  # checked when the scenario was loaded
        return demand_connected_h(result, observation.demand)
    return elements_up_h(result, observation.elements)
