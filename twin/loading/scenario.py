"""Scenario files → `twin.model.Scenario`, with command-line overrides.

The schema (`twin.loading.schema`) checks shape, `twin.loading.references` checks every id the
file names; this module turns schema-valid data into the model and checks what needs the model
(durations, the horizon, event timing, repair overrides).

Overrides (`--seed`, `--horizon`, `twin sweep --set PATH=V`) are dotted paths applied to the raw
file data before validation, so an overridden value is checked exactly like a written one and an
error still names the scenario file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import ValidationError

from twin.errors import InputError, Problem
from twin.loading.calendar import calendar_time, closed_windows, seasonal_factors
from twin.loading.demands import demands_from_specs, failover_from_spec, hours_or_problem, mark_at
from twin.loading.errors import did_you_mean, problems_from_validation
from twin.loading.observed import observations_from_specs, uncut_problems
from twin.loading.paths import resolve_reference
from twin.loading.references import raw_scenario_reference_problems
from twin.loading.salvage import distinct, salvage
from twin.loading.scenario_schema import (
    CheckSpec,
    FailureClassOverride,
    RepairOverride,
    ScenarioFile,
)
from twin.loading.topology import load_topology
from twin.loading.yaml_marks import Mark, MDict, MList, load_yaml_with_marks
from twin.model import (
    Assertion,
    AssertionKind,
    FailureClass,
    RepairResource,
    RepairTime,
    Scenario,
    ScheduledEvent,
    Target,
    Topology,
)
from twin.units import HOURS_PER_YEAR, UnitError, parse_duration_h

MAX_HORIZON_Y = 1_000
MAX_HORIZON_H = MAX_HORIZON_Y * HOURS_PER_YEAR


def apply_overrides(raw: MDict, overrides: Mapping[str, object], origin: str) -> None:
    """Set dotted paths (`failures.classes.x.repair.median`) in the raw data, in place.

    A list element is addressed by its `id`. Missing intermediate mappings are created; a path
    through a scalar, or to a list element that does not exist, is an error naming the option.
    """
    for dotted, value in overrides.items():
        keys = dotted.split(".")
        current: Any = raw
        for depth, key in enumerate(keys):
            last = depth == len(keys) - 1
            if isinstance(current, MList):
                matches = [e for e in current if isinstance(e, MDict) and e.get("id") == key]
                if not matches:
                    ids = [str(e.get("id")) for e in current if isinstance(e, MDict)]
                    raise InputError.about(
                        origin,
                        f"override '{dotted}': no entry with id '{key}'",
                        did_you_mean(key, ids, "entry"),
                    )
                if last:
                    raise InputError.about(
                        origin, f"override '{dotted}' would replace a whole entry"
                    )
                current = matches[0]
                continue
            if not isinstance(current, MDict):
                raise InputError.about(
                    origin, f"override '{dotted}': '{'.'.join(keys[:depth])}' is not a mapping"
                )
            mark = Mark(origin, 0, 0)
            if last:
                current.set(key, value, mark, mark)
            else:
                if key not in current:
                    current.set(key, MDict(mark), mark, mark)
                current = current[key]


def _class_override(
    base: FailureClass,
    override: FailureClassOverride,
    marks: tuple[Mark, Mark],
    problems: list[Problem],
) -> FailureClass | None:
    """`base` with the fields the scenario overrides; the schema has checked each field alone,
    what is left is the repair time taken together with the base's, and the seasonal factors
    taken together. `marks` locate the override and its `seasonal:`."""
    mark, seasonal_mark = marks
    given = override.written()
    result = replace(base, **{k: v for k, v in given.items() if k not in ("repair", "seasonal")})
    if override.seasonal is not None:
        what = f"override of failure class {base.id}"
        result = replace(
            result, seasonal=seasonal_factors(override.seasonal, seasonal_mark, what, problems)
        )
    if override.repair is None:
        return result
    try:
        repair = _repair_override(base.repair, override.repair)
    except UnitError as exc:
        problems.append(mark.problem(f"override of failure class {base.id}: {exc}"))
        return None
    return replace(result, repair=repair)


def _repair_override(base: RepairTime, override: RepairOverride) -> RepairTime:
    """The base repair time with the overridden keys. Changing only the median keeps the
    distribution's shape (its spread sigma): the p90 scales with the median."""
    kind = override.kind or base.kind
    median_h = parse_duration_h(override.median) if override.median is not None else base.median_h
    p90_h = parse_duration_h(override.p90) if override.p90 is not None else base.p90_h
    if override.median is not None and override.p90 is None and p90_h is not None:
        p90_h = p90_h * median_h / base.median_h
    if kind == "lognormal" and (p90_h is None or p90_h <= median_h):
        raise UnitError("lognormal p90 must be above the median")
    return RepairTime(kind, median_h, p90_h)


def _target(spec: Any, mark: Mark, problems: list[Problem]) -> Target | None:
    """What an event acts on: exactly one of link, links, srlg, node (whether the ids exist is
    a reference check)."""
    given = [
        (kind, value)
        for kind, value in (
            ("link", spec.link),
            ("links", spec.links),
            ("srlg", spec.srlg),
            ("node", spec.node),
        )
        if value is not None
    ]
    if len(given) != 1:
        problems.append(
            mark.problem(
                "an event target needs exactly one of link, links, srlg, node",
                "e.g. cut: {link: tcfo}",
            )
        )
        return None
    kind, value = given[0]
    ids = tuple(value) if isinstance(value, list) else (value,)
    return Target(kind, ids)  # type: ignore[arg-type]


def load_scenario(path: str | Path, overrides: Mapping[str, object] | None = None) -> Scenario:
    """Load and check a scenario and its topology; InputError lists every problem found."""
    file_path = Path(path)
    raw = load_yaml_with_marks(file_path)
    if overrides:
        apply_overrides(raw, overrides, f"{file_path} (override)")
    try:
        spec = ScenarioFile.model_validate(raw)
    except ValidationError as exc:
        raise InputError(_refused_file_problems(raw, file_path, exc)) from exc
    topology, topo_path = _topology(spec.topology, raw, file_path)
    problems = raw_scenario_reference_problems(raw, topology)
    scenario = _scenario(spec, raw, file_path, topology, topo_path, problems)
    if scenario is None or problems:
        raise InputError(distinct(problems))
    if spec.state is not None:
        scenario = _with_named_state(scenario, spec.state, raw, file_path)
        uncut = uncut_problems(
            scenario.observed,
            lambda i, *keys: mark_at(raw, "observed", i, *keys),
            scenario.topology,
            scenario.events,
            scenario.state,
        )
        if uncut:
            raise InputError(uncut)
    return scenario


def _with_named_state(scenario: Scenario, ref: str, raw: MDict, file_path: Path) -> Scenario:
    """The scenario started from the state file its `state:` names (confined to the project
    like `topology:`); the state's own faults are reported in its own file."""
    from twin.loading.state import with_state  # the state loader builds on scenarios

    return with_state(scenario, _named_file(ref, raw, file_path, "state"))


def _named_file(ref: str, raw: MDict, file_path: Path, key: str) -> Path:
    """The file the scenario's `key:` names, inside the project and present; either fault is
    one of the scenario's `key:` line."""
    mark = mark_at(raw, key)
    path = resolve_reference(ref, file_path, mark, key)
    if not path.is_file():
        raise InputError(
            mark.problem(
                f"{key} file '{ref}' not found (looked for {path})",
                "the path is relative to the scenario file",
            )
        )
    return path


def _topology(ref: str, raw: MDict, file_path: Path) -> tuple[Topology, Path]:
    """The scenario's topology, loaded; its absence is a fault of the scenario's `topology:`
    line, its own faults are reported in its own file."""
    topo_path = _named_file(ref, raw, file_path, "topology")
    return load_topology(topo_path), topo_path


def _refused_file_problems(raw: MDict, file_path: Path, exc: ValidationError) -> list[Problem]:
    """Every fault of a file the schema refused, so one run lists them all: the schema's, the
    references' (when the topology can be loaded) and those the refusal hid."""
    problems = problems_from_validation(exc, raw, ScenarioFile, raw.mark)
    ref = raw.get("topology")
    if not isinstance(ref, str):
        return distinct(problems)
    try:
        topology, topo_path = _topology(ref, raw, file_path)
    except InputError as cannot:
        return distinct(problems + cannot.problems)
    problems += raw_scenario_reference_problems(raw, topology)
    problems += _salvaged_problems(raw, file_path, exc, topology, topo_path)
    return distinct(problems)


# Scenario lists whose entries nothing else refers to: one refused entry can be left out and the
# rest still checked. Demands are referred to (by checks), so a refused demand stops salvage.
_SALVAGEABLE = ("events", "repair", "checks")
_REQUIRED = ("name", "topology", "horizon", "demands")


def _salvaged_problems(
    raw: MDict, file_path: Path, exc: ValidationError, topology: Topology, topo_path: Path
) -> list[Problem]:
    """The faults a schema refusal hid (a horizon past the limit, an event after it), from what
    the schema accepted: one run reports them all."""
    salvaged = salvage(_with_event_ids(raw), exc, _SALVAGEABLE, _REQUIRED)
    if salvaged is None:
        return []
    try:
        spec = ScenarioFile.model_validate(salvaged)
    except ValidationError:
        return []
    problems: list[Problem] = []
    _scenario(spec, salvaged, file_path, topology, topo_path, problems)
    return problems


def _with_event_ids(raw: MDict) -> MDict:
    """A copy whose events all carry their default id (`event-N`, N the place in the file), so
    that leaving a refused event out does not renumber the ones after it in messages."""
    events = raw.get("events")
    if not isinstance(events, MList):
        return raw
    named = MList(events.mark)
    for index, (event, mark) in enumerate(zip(events, events.item_marks, strict=True)):
        if isinstance(event, MDict) and "id" not in event:
            copy = MDict(event.mark)
            for key in event:
                copy.set(key, event[key], event.key_marks[key], event.value_marks[key])
            copy.set("id", f"event-{index + 1}", event.mark, event.mark)
            event = copy
        named.add(event, mark)
    out = MDict(raw.mark)
    for key in raw:
        value = named if key == "events" else raw[key]
        out.set(key, value, raw.key_marks[key], raw.value_marks[key])
    return out


def _scenario(
    spec: ScenarioFile,
    raw: MDict,
    file_path: Path,
    topology: Topology,
    topo_path: Path,
    problems: list[Problem],
) -> Scenario | None:
    """The scenario from schema-valid data, adding every fault found to `problems`; None when
    a fault leaves no horizon or failover to build it with."""
    horizon_h = _horizon_h(spec, raw, problems)
    topology = _with_class_overrides(topology, spec.failures.classes, raw, problems)
    default_failover = failover_from_spec(spec.failover.default, mark_at(raw, "failover"), problems)
    demands = demands_from_specs(spec.demands, raw.get("demands"), problems)
    events = [
        event
        for i, e in enumerate(spec.events)
        if (event := _event(i, e, raw, (horizon_h, spec.horizon), problems)) is not None
    ]
    _check_unique_event_ids(spec, raw, problems)
    resources = _repair_resources(spec, raw, problems)
    start = None
    if spec.start is not None:
        start = calendar_time(spec.start, mark_at(raw, "start"), "start", problems)
    sweep = _sweep(spec, raw, problems)
    observed = observations_from_specs(
        spec.observed,
        lambda i, *keys: mark_at(raw, "observed", i, *keys),
        topology,
        events,
        {d.id: i for i, d in enumerate(demands)},
        horizon_h,
        problems,
        state_named=spec.state is not None,
    )
    if horizon_h is None or default_failover is None:
        return None
    return Scenario(
        name=spec.name,
        topology=topology,
        topology_path=str(topo_path),
        horizon_h=horizon_h,
        seed=spec.seed,
        demands=tuple(demands),
        events=tuple(events),
        stochastic_failures=spec.failures.stochastic,
        rare_events=spec.failures.rare_events,
        repair_resources=tuple(resources),
        default_failover=default_failover,
        routing=spec.routing,
        description=spec.description,
        source_path=str(file_path),
        include_planned=spec.include_planned,
        checks=tuple(_checks(raw, spec.checks, horizon_h, problems)),
        sweep=sweep,
        observed=observed,
        start=start,
    )


def _horizon_h(spec: ScenarioFile, raw: MDict, problems: list[Problem]) -> float | None:
    """The horizon in hours, refused past `MAX_HORIZON_Y`: beyond it the network, its rates and
    its repair fleet are fiction, and a run would take hours."""
    mark = mark_at(raw, "horizon")
    horizon_h = hours_or_problem(spec.horizon, mark, "horizon", problems)
    if horizon_h is not None and not 0 < horizon_h <= MAX_HORIZON_H:
        problems.append(
            mark.problem(
                f"horizon {spec.horizon!r} is outside the allowed range: above 0 and at most "
                f"{MAX_HORIZON_Y:,} years",
                "a bare number is hours; e.g. 90d or 10y (past 1,000 years the network, its "
                "rates and its repair fleet are fiction, and a run would take hours)",
            )
        )
    return horizon_h


def _with_class_overrides(
    topology: Topology,
    overrides: Mapping[str, FailureClassOverride],
    raw: MDict,
    problems: list[Problem],
) -> Topology:
    """The topology with the scenario's failure-class overrides applied (an unknown class id is
    a reference fault, reported elsewhere, and skipped here)."""
    changed: dict[str, FailureClass] = {}
    for class_id, override in overrides.items():
        base = topology.failure_classes.get(class_id)
        if base is None:
            continue
        mark = mark_at(raw, "failures", "classes", class_id)
        seasonal_mark = mark_at(raw, "failures", "classes", class_id, "seasonal")
        new = _class_override(base, override, (mark, seasonal_mark), problems)
        if new is not None:
            changed[class_id] = new
    return topology.with_failure_classes(changed) if changed else topology


def _check_unique_event_ids(spec: ScenarioFile, raw: MDict, problems: list[Problem]) -> None:
    """Timelines and reports name events by id, so each needs its own."""
    event_ids: set[str] = set()
    for i, e in enumerate(spec.events):
        event_id = e.id or f"event-{i + 1}"
        if event_id in event_ids:
            problems.append(
                mark_at(raw, "events", i).problem(
                    f"duplicate event id '{event_id}'",
                    "timelines and reports name events by id; give each event its own",
                )
            )
        event_ids.add(event_id)


def _event(
    i: int, e: Any, raw: MDict, horizon: tuple[float | None, object], problems: list[Problem]
) -> ScheduledEvent | None:
    """One scheduled event, or None when a fault leaves it without a target or a time.

    `horizon` is the scenario's horizon in hours and as written (for the message).
    """
    horizon_h, horizon_written = horizon
    m = mark_at(raw, "events", i)
    event_id = e.id or f"event-{i + 1}"
    if e.restore is not None and e.duration is not None:
        problems.append(
            mark_at(raw, "events", i, "restore").problem(
                f"event {event_id} has both restore: and duration:, which contradict each other",
                "keep one: duration: for a fixed outage length, restore: for an absolute "
                "time, 'repair' or 'never'",
            )
        )
    at_h = hours_or_problem(e.at, mark_at(raw, "events", i, "at"), f"event {event_id} at", problems)
    if (e.cut is None) == (e.maintenance is None):
        problems.append(m.problem(f"event {event_id} needs exactly one of 'cut' or 'maintenance'"))
        return None
    action: Literal["cut", "maintenance"] = "cut" if e.cut is not None else "maintenance"
    target = _target(e.cut or e.maintenance, mark_at(raw, "events", i, action), problems)
    restore_at_h, repair = _restore(i, e, event_id, at_h, raw, problems)
    duration_h = None
    if e.duration is not None:
        mark = mark_at(raw, "events", i, "duration")
        duration_h = hours_or_problem(e.duration, mark, "duration", problems)
    if action == "maintenance" and duration_h is None:
        problems.append(m.problem(f"maintenance {event_id} needs a duration"))
    if e.restore is None and duration_h is None and action == "cut":
        repair = True  # a cut with no restore rule is handed to the repair model
    if at_h is not None and horizon_h is not None and at_h > horizon_h:
        problems.append(
            mark_at(raw, "events", i, "at").problem(
                f"event {event_id} at {e.at} is after the horizon ({horizon_written})",
                "move it earlier or lengthen the horizon",
            )
        )
    repaired = repair and action == "cut"
    permit_h = _permit_wait(i, e, event_id, repaired, (at_h, *horizon), raw, problems)
    if target is None or at_h is None:
        return None
    return ScheduledEvent(
        event_id, action, target, at_h, restore_at_h, duration_h, repair, e.note, permit_h
    )


def _permit_wait(
    i: int,
    e: Any,
    event_id: str,
    repaired: bool,
    times: tuple[float | None, float | None, object],
    raw: MDict,
    problems: list[Problem],
) -> float:
    """The event's shared permit wait in hours (0 when none); only a cut handed to the repair
    model has repairs to hold back, and a wait that outlasts the horizon repairs nothing.
    `times` are the event's time and the horizon in hours, and the horizon as written."""
    if e.permit_wait is None:
        return 0.0
    mark = mark_at(raw, "events", i, "permit_wait")
    if not repaired:
        problems.append(
            mark.problem(
                f"event {event_id} has permit_wait: but is not repaired by the repair model",
                "permit_wait: holds back repairs: use it on a cut with restore: repair (or no "
                "restore: at all), or remove it",
            )
        )
        return 0.0
    wait_h = hours_or_problem(e.permit_wait, mark, f"event {event_id} permit_wait", problems)
    at_h, horizon_h, horizon_written = times
    if wait_h is None:
        return 0.0
    if at_h is not None and horizon_h is not None and at_h + wait_h >= horizon_h:
        problems.append(
            mark.problem(
                f"event {event_id}: permit_wait {e.permit_wait} ends at or after the horizon "
                f"({horizon_written}), so nothing would be repaired",
                f"allowed: 0 to under {horizon_h - at_h:g} h; lengthen horizon: or "
                "shorten the wait",
            )
        )
        return 0.0
    return wait_h


def _restore(
    i: int, e: Any, event_id: str, at_h: float | None, raw: MDict, problems: list[Problem]
) -> tuple[float | None, bool]:
    """(absolute restore time, handed to the repair model) from `restore:`: 'repair', 'never'
    or a time, which must come after the event."""
    if e.restore is None or e.restore == "never":
        return None, False
    if e.restore == "repair":
        return None, True
    mark = mark_at(raw, "events", i, "restore")
    restore_at_h = hours_or_problem(e.restore, mark, f"event {event_id} restore", problems)
    if restore_at_h is not None and at_h is not None and restore_at_h <= at_h:
        problems.append(
            mark.problem(
                f"event {event_id} is restored before it happens",
                "restore: is an absolute time; use duration: for a length",
            )
        )
    return restore_at_h, False


def _repair_resources(
    spec: ScenarioFile, raw: MDict, problems: list[Problem]
) -> list[RepairResource]:
    """The repair pools, with unique ids (what they cover is a reference check)."""
    resources: list[RepairResource] = []
    for i, r in enumerate(spec.repair):
        mob = hours_or_problem(r.mobilisation, mark_at(raw, "repair", i), "mobilisation", problems)
        closed = closed_windows(
            r.closed,
            lambda j, *keys, i=i: mark_at(raw, "repair", i, "closed", j, *keys),
            f"repair resource {r.id}",
            problems,
        )
        resources.append(
            RepairResource(
                r.id, r.kind, r.count, tuple(r.covers), mob or 0.0, r.description, closed
            )
        )
    if len({r.id for r in resources}) != len(resources):
        problems.append(mark_at(raw, "repair").problem("repair resource ids must be unique"))
    return resources


def _sweep(
    spec: ScenarioFile, raw: MDict, problems: list[Problem]
) -> dict[str, tuple[object, ...]]:
    """The `twin sweep` grid; a parameter without values would sweep nothing."""
    sweep: dict[str, tuple[object, ...]] = {}
    for key, values in spec.sweep.items():
        if not values:
            problems.append(mark_at(raw, "sweep", key).problem(f"sweep '{key}' has no values"))
        # A date as YAML reads it (`start: [2027-01-10, ...]`) is kept as the text it was: the
        # grid's values are written to results and read back like `--set` values.
        sweep[key] = tuple(v.isoformat() if isinstance(v, date) else v for v in values)
    return sweep


def _checks(
    raw: MDict, entries: list[CheckSpec], horizon_h: float | None, problems: list[Problem]
) -> list[Assertion]:
    """The assertions, each located at its entry so `twin check` reports where it was declared.
    The schema has checked their keys and ranges, the references their demands; a duration
    (`within`) is turned into hours here, and must lie inside the horizon."""
    checks: list[Assertion] = []
    for i, entry in enumerate(entries):
        m = mark_at(raw, "checks", i)
        kind = entry.kind()
        params = getattr(entry, kind).written()
        demand = params.pop("demand", None)
        if "within" in params:
            within_mark = mark_at(raw, "checks", i, kind, "within")
            within = params.pop("within")
            within_h = hours_or_problem(within, within_mark, f"{kind} within", problems)
            if within_h is None:
                continue
            if not 0 < within_h <= (horizon_h or within_h):
                problems.append(
                    within_mark.problem(
                        f"{kind} within must lie above 0 and inside the horizon",
                        "shorten it or lengthen the scenario's horizon",
                    )
                )
            params["within_h"] = within_h
        checks.append(Assertion(cast(AssertionKind, kind), demand, params, m.line, m.col))
    return checks
