"""A scenario's `observed:` block → `twin.model.Observation`, with its reference checks.

An incident scenario says what the reports say about its restoration. Each entry must be
measurable in the model: the elements an `elements-up` entry names must be cut by one of the
scenario's events or be down in the state it starts from (an element never cut would be
"restored" at t = 0 and score nonsense; with a `state:` that check waits until the state is
loaded: `uncut_problems`), the
demand of a `demand-connected` entry must be one of the scenario's demands, and the horizon must
outlast the reported range, or every replication would end before the reported restoration.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from twin.errors import Problem
from twin.loading.errors import did_you_mean
from twin.loading.yaml_marks import Mark
from twin.model import Observation, ScheduledEvent, State, Topology


def cut_elements(
    topology: Topology, events: Sequence[ScheduledEvent], state: State | None = None
) -> set[str]:
    """Every link and node an unplanned event of the scenario takes down, or its state says is
    down at the start."""
    cut: set[str] = set()
    for down in state.down if state is not None else ():
        if down.kind == "srlg":
            cut.update(link.id for link in topology.links_in_srlg(down.id))
        else:
            cut.add(down.id)
    for event in events:
        if event.action != "cut":
            continue
        if event.target.kind == "srlg":
            for srlg_id in event.target.ids:
                cut.update(link.id for link in topology.links_in_srlg(srlg_id))
        else:
            cut.update(event.target.ids)
    return cut


def observations_from_specs(
    specs: Sequence[Any],
    mark_of: Any,
    topology: Topology,
    events: Sequence[ScheduledEvent],
    demand_ids: Mapping[str, int],
    horizon_h: float | None,
    problems: list[Problem],
    state_named: bool = False,
) -> tuple[Observation, ...]:
    """Checked observations; `mark_of(i, *keys)` gives the mark of entry `i` (or its key).

    With `state_named` (the scenario names a state, not loaded yet), whether each element is
    cut is left to `uncut_problems`."""
    cut = None if state_named else cut_elements(topology, events)
    out: list[Observation] = []
    seen: set[str] = set()
    for i, spec in enumerate(specs):
        obs_id = spec.id or f"observed-{i + 1}"
        here: list[Problem] = []
        if obs_id in seen:
            here.append(_problem(mark_of(i, "id"), f"duplicate observed id '{obs_id}'", ""))
        seen.add(obs_id)
        low_h, high_h = spec.range_h
        if not low_h <= spec.restored_h <= high_h:
            here.append(
                _problem(
                    mark_of(i, "range_h"),
                    f"observed {obs_id}: range_h [{low_h:g}, {high_h:g}] does not contain "
                    f"restored_h {spec.restored_h:g}",
                    "write the reported range as [low, high] hours around the central figure",
                )
            )
        if horizon_h is not None and high_h >= horizon_h:
            here.append(
                _problem(
                    mark_of(i, "range_h"),
                    f"observed {obs_id}: the reported range ends at {high_h:g} h, at or after "
                    f"the horizon ({horizon_h:g} h)",
                    "lengthen horizon: to a few times the reported time, so the modelled "
                    "distribution's tail is seen",
                )
            )
        here += _measure_problems(spec, obs_id, i, mark_of, topology, cut, demand_ids)
        problems += here
        if not here:
            out.append(
                Observation(
                    obs_id,
                    float(spec.restored_h),
                    (float(low_h), float(high_h)),
                    spec.measure,
                    tuple(spec.elements),
                    spec.demand,
                    tuple(spec.sources),
                    spec.note,
                )
            )
    return tuple(out)


def _measure_problems(
    spec: Any,
    obs_id: str,
    i: int,
    mark_of: Any,
    topology: Topology,
    cut: set[str] | None,
    demand_ids: Mapping[str, int],
) -> list[Problem]:
    problems: list[Problem] = []
    if spec.measure == "demand-connected":
        if spec.demand is None or spec.elements:
            return [
                _problem(
                    mark_of(i),
                    f"observed {obs_id}: measure demand-connected needs demand: and no elements:",
                    "e.g. {measure: demand-connected, demand: fra-baku}",
                )
            ]
        if spec.demand not in demand_ids:
            problems.append(
                _problem(
                    mark_of(i, "demand"),
                    f"observed {obs_id}: unknown demand '{spec.demand}'",
                    did_you_mean(spec.demand, demand_ids, "demand"),
                )
            )
        return problems
    if not spec.elements or spec.demand is not None:
        return [
            _problem(
                mark_of(i),
                f"observed {obs_id}: measure elements-up needs elements: and no demand:",
                "e.g. {measure: elements-up, elements: [aae1]}",
            )
        ]
    known = {**topology.links, **topology.nodes}
    for element in spec.elements:
        if element not in known:
            problems.append(
                _problem(
                    mark_of(i, "elements"),
                    f"observed {obs_id}: unknown element '{element}'",
                    did_you_mean(element, known, "link or node"),
                )
            )
        elif cut is not None and element not in cut:
            problems.append(_uncut(mark_of(i, "elements"), obs_id, element))
    return problems


def uncut_problems(
    observed: Sequence[Observation],
    mark_of: Any,
    topology: Topology,
    events: Sequence[ScheduledEvent],
    state: State | None,
) -> list[Problem]:
    """The `elements-up` elements that neither an event cuts nor the state has down."""
    cut = cut_elements(topology, events, state)
    return [
        _uncut(mark_of(i, "elements"), obs.id, element)
        for i, obs in enumerate(observed)
        for element in obs.elements
        if element not in cut
    ]


def _uncut(mark: Mark, obs_id: str, element: str) -> Problem:
    return _problem(
        mark,
        f"observed {obs_id}: element '{element}' is not cut by any event nor down in the state",
        "name an element an event's cut: takes down or the state lists under down:, or add "
        "the cut to events:",
    )


def _problem(mark: Mark, message: str, hint: str) -> Problem:
    return mark.problem(message, hint)
