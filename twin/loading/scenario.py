"""Scenario files → `twin.model.Scenario`, with command-line overrides and reference checks.

Overrides (`--seed`, `--horizon`, `twin sweep --set PATH=V`) are dotted paths applied to the raw
file data before validation, so an overridden value is checked exactly like a written one and an
error still names the scenario file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import ValidationError

from twin.errors import InputError, Problem
from twin.loading.errors import did_you_mean, problems_from_validation
from twin.loading.paths import resolve_reference
from twin.loading.references import raw_scenario_reference_problems
from twin.loading.salvage import distinct, salvage
from twin.loading.schema import MAX_RTT_MS
from twin.loading.topology import load_topology
from twin.loading.yaml_marks import Mark, MDict, MList, load_yaml_with_marks
from twin.model import (
    ASSERTION_KINDS,
    DEFAULT_SWITCHOVER_MS,
    Assertion,
    AssertionKind,
    Demand,
    Failover,
    FailureClass,
    RepairResource,
    RepairTime,
    Scenario,
    ScheduledEvent,
    Sla,
    Target,
    Topology,
)
from twin.units import HOURS_PER_YEAR, UnitError, hours_to_ms, parse_duration_h

MAX_HORIZON_Y = 1_000
MAX_HORIZON_H = MAX_HORIZON_Y * HOURS_PER_YEAR

ASSERTION_PARAMS: Mapping[str, tuple[str, ...]] = {
    "sla_availability": ("demand", "method", "min"),
    "max_rtt": ("demand", "rtt_ms"),
    "survives": ("demand", "scope"),
    "n1_max_utilisation": ("max",),
    "n1_rtt_budget": ("demand", "rtt_ms"),
}
# Assertion limits: (exclusive low, inclusive high, how the message states the range). An
# infinite or NaN limit would make an assertion pass vacuously (every number is below inf).
_LIMITS: Mapping[str, tuple[float, float, str]] = {
    "min": (0.0, 1.0, "an availability above 0 and at most 1"),
    "max": (0.0, 1e6, "a finite utilisation above 0 (1 is a full link)"),
    "rtt_ms": (0.0, MAX_RTT_MS, f"a round trip above 0 and at most {MAX_RTT_MS:,.0f} ms"),
}


def _within(value: object, low: float, high: float) -> bool:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    return math.isfinite(value) and low < value <= high


_NEEDS_DEMAND = {"sla_availability", "max_rtt", "survives", "n1_rtt_budget"}
_CHOICES: Mapping[str, tuple[str, ...]] = {
    "method": ("analytic", "montecarlo"),
    "scope": ("link", "node", "srlg"),
}


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
                    raise InputError(
                        Problem(
                            origin,
                            0,
                            0,
                            f"override '{dotted}': no entry with id '{key}'",
                            did_you_mean(key, ids, "entry"),
                        )
                    )
                if last:
                    raise InputError(
                        Problem(origin, 0, 0, f"override '{dotted}' would replace a whole entry")
                    )
                current = matches[0]
                continue
            if not isinstance(current, MDict):
                raise InputError(
                    Problem(
                        origin,
                        0,
                        0,
                        f"override '{dotted}': '{'.'.join(keys[:depth])}' is not a mapping",
                    )
                )
            mark = Mark(origin, 0, 0)
            if last:
                current.set(key, value, mark, mark)
            else:
                if key not in current:
                    current.set(key, MDict(mark), mark, mark)
                current = current[key]


def _duration(value: Any, mark: Mark, what: str, problems: list[Problem]) -> float | None:
    try:
        return parse_duration_h(value)
    except UnitError as exc:
        problems.append(Problem(mark.path, mark.line, mark.col, f"{what}: {exc}"))
        return None


def _mark(raw: Any, *keys: Any) -> Mark:
    current = raw
    mark: Mark = raw.mark
    for key in keys:
        in_dict = isinstance(current, MDict) and isinstance(key, str) and key in current
        in_list = isinstance(current, MList) and isinstance(key, int) and key < len(current)
        if not (in_dict or in_list):
            break
        mark = current.mark_of(key)
        current = current[key]
    return mark


def _failover(spec: Any, mark: Mark, problems: list[Problem]) -> Failover | None:
    detection_h = _duration(spec.detection, mark, "failover detection", problems)
    switchover_ms = DEFAULT_SWITCHOVER_MS[spec.mechanism]
    if spec.switchover is not None:
        switch_h = _duration(spec.switchover, mark, "failover switchover", problems)
        if switch_h is None:
            return None
        switchover_ms = hours_to_ms(switch_h)
    if detection_h is None:
        return None
    return Failover(spec.mechanism, hours_to_ms(detection_h), switchover_ms)


def demands_from_specs(
    specs: Sequence[Any],
    items: Any,
    topology: Topology | None,
    problems: list[Problem],
) -> list[Demand]:
    """Demands from their schema entries, for a scenario and a demands file alike.

    `items` is the raw `demands:` list (its marks locate each problem). Checks that a demand
    has two different ends, a unique id (default SOURCE-DESTINATION) and, when `topology` is
    given, ends that are its nodes.
    """
    demands: list[Demand] = []
    seen: dict[str, Mark] = {}
    for i, d in enumerate(specs):
        m = _mark(items, i) if isinstance(items, MList) else _mark(items)
        demand_id = d.id or f"{d.source}-{d.destination}"
        if topology is not None:
            for end in ("source", "destination"):
                node_id = getattr(d, end)
                if node_id not in topology.nodes:
                    em = _mark(items, i, end) if isinstance(items, MList) else m
                    problems.append(
                        Problem(
                            em.path,
                            em.line,
                            em.col,
                            f"unknown node '{node_id}' in demand {demand_id} "
                            f"(not in topology {topology.name})",
                            did_you_mean(node_id, topology.nodes, "node"),
                        )
                    )
        if d.source == d.destination:
            problems.append(
                Problem(
                    m.path,
                    m.line,
                    m.col,
                    f"demand {demand_id} starts where it ends ({d.source})",
                    "a demand needs two different nodes; remove it or fix its destination",
                )
            )
        if demand_id in seen:
            problems.append(
                Problem(
                    m.path,
                    m.line,
                    m.col,
                    f"duplicate demand id '{demand_id}' (first at line {seen[demand_id].line})",
                    "give the demands distinct ids (the default id is SOURCE-DESTINATION)",
                )
            )
        else:
            seen[demand_id] = m
        failover = _failover(d.failover, m, problems) if d.failover is not None else None
        demands.append(
            Demand(
                demand_id,
                d.source,
                d.destination,
                d.gbps,
                d.priority,
                Sla(d.sla.availability, d.sla.max_rtt_ms),
                failover,
            )
        )
    return demands


def _class_override(
    base: FailureClass, fields: Mapping[str, object], mark: Mark, problems: list[Problem]
) -> FailureClass | None:
    allowed = {"basis", "rate", "multiplier", "repair", "description"}
    unknown = sorted(set(fields) - allowed)
    if unknown:
        problems.append(
            Problem(
                mark.path,
                mark.line,
                mark.col,
                f"unknown key '{unknown[0]}' in override of failure class {base.id}",
                did_you_mean(unknown[0], allowed, "field"),
            )
        )
        return None
    result = base
    try:
        if "rate" in fields:
            rate = float(fields["rate"])  # type: ignore[arg-type]
            if rate < 0:
                raise ValueError("rate must not be negative")
            result = replace(result, rate=rate)
        if "multiplier" in fields:
            multiplier = float(fields["multiplier"])  # type: ignore[arg-type]
            if multiplier <= 0:
                raise ValueError("multiplier must be positive")
            result = replace(result, multiplier=multiplier)
        if "basis" in fields:
            if fields["basis"] not in ("per_1000km", "per_link"):
                raise ValueError("basis must be per_1000km or per_link")
            result = replace(result, basis=fields["basis"])
        repair = fields.get("repair")
        if repair is not None:
            if not isinstance(repair, Mapping):
                raise ValueError("repair must be a mapping")
            kind = repair.get("kind", base.repair.kind)
            if kind not in ("fixed", "exponential", "lognormal"):
                raise ValueError(f"unknown repair kind {kind!r}")
            median_h = (
                parse_duration_h(repair["median"]) if "median" in repair else base.repair.median_h
            )
            p90_h = parse_duration_h(repair["p90"]) if "p90" in repair else base.repair.p90_h
            if "median" in repair and "p90" not in repair and p90_h is not None:
                # Changing only the median keeps the distribution's shape (its spread sigma):
                # the p90 scales with the median.
                p90_h = p90_h * median_h / base.repair.median_h
            if kind == "lognormal" and (p90_h is None or p90_h <= median_h):
                raise ValueError("lognormal p90 must be above the median")
            result = replace(result, repair=RepairTime(kind, median_h, p90_h))
    except (ValueError, TypeError, UnitError) as exc:
        problems.append(
            Problem(mark.path, mark.line, mark.col, f"override of failure class {base.id}: {exc}")
        )
        return None
    return result


def _target(spec: Any, mark: Mark, topology: Topology, problems: list[Problem]) -> Target | None:
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
            Problem(
                mark.path,
                mark.line,
                mark.col,
                "an event target needs exactly one of link, links, srlg, node",
                "e.g. cut: {link: tcfo}",
            )
        )
        return None
    kind, value = given[0]
    ids = tuple(value) if isinstance(value, list) else (value,)
    pool: Mapping[str, object] = {
        "link": topology.links,
        "links": topology.links,
        "srlg": topology.srlgs,
        "node": topology.nodes,
    }[kind]
    for element_id in ids:
        if element_id not in pool:
            problems.append(
                Problem(
                    mark.path,
                    mark.line,
                    mark.col,
                    f"unknown {'link' if kind == 'links' else kind} '{element_id}' in event target",
                    did_you_mean(element_id, pool, "link" if kind == "links" else kind),
                )
            )
            return None
    return Target(kind, ids)  # type: ignore[arg-type]


def _references_despite_schema(raw: MDict, file_path: Path, known: list[Problem]) -> list[Problem]:
    """Reference faults in a schema-refused scenario, so one run lists them all.

    Needs the topology; if it cannot be found or loaded, the schema problems stand alone (the
    topology's own faults are reported once the scenario's shape is fixed, or by validating it).
    """
    topology_ref = raw.get("topology")
    if not isinstance(topology_ref, str):
        return []
    try:
        topo_path = resolve_reference(topology_ref, file_path, raw.mark_of("topology"), "topology")
    except InputError as exc:
        return list(exc.problems)
    if not topo_path.is_file():
        return []
    try:
        topology = load_topology(topo_path)
    except InputError:
        return []
    seen = {(p.path, p.line, p.col) for p in known}
    return [
        p
        for p in raw_scenario_reference_problems(raw, topology)
        if (p.path, p.line, p.col) not in seen
    ]


def load_scenario(path: str | Path, overrides: Mapping[str, object] | None = None) -> Scenario:
    """Load and check a scenario and its topology; InputError lists every problem found."""
    from twin.loading.schema import ScenarioFile

    file_path = Path(path)
    raw = load_yaml_with_marks(file_path)
    if overrides:
        apply_overrides(raw, overrides, f"{file_path} (override)")
    try:
        spec = ScenarioFile.model_validate(raw)
    except ValidationError as exc:
        refused = problems_from_validation(exc, raw, ScenarioFile, raw.mark)
        refused += _references_despite_schema(raw, file_path, refused)
        refused += _salvaged_problems(raw, file_path, exc)
        raise InputError(distinct(refused)) from exc
    return _scenario(spec, raw, file_path)


# Scenario lists whose entries nothing else refers to: one refused entry can be left out and the
# rest still checked. Demands are referred to (by checks), so a refused demand stops salvage.
_SALVAGEABLE = ("events", "repair", "checks")
_REQUIRED = ("name", "topology", "horizon", "demands")


def _salvaged_problems(raw: MDict, file_path: Path, exc: ValidationError) -> list[Problem]:
    """The faults a schema refusal hid (a horizon past the limit, an event after it, a repair
    pool covering an unknown sea), from what the schema accepted: one run reports them all."""
    from twin.loading.schema import ScenarioFile

    salvaged = salvage(_with_event_ids(raw), exc, _SALVAGEABLE, _REQUIRED)
    if salvaged is None:
        return []
    try:
        _scenario(ScenarioFile.model_validate(salvaged), salvaged, file_path)
    except ValidationError:
        return []
    except InputError as again:
        return again.problems
    return []


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


def _scenario(spec: Any, raw: MDict, file_path: Path) -> Scenario:
    """The scenario from schema-valid data, with its topology; InputError lists every fault."""
    problems: list[Problem] = []
    topo_mark = _mark(raw, "topology")
    topo_path = resolve_reference(spec.topology, file_path, topo_mark, "topology")
    if not topo_path.is_file():
        raise InputError(
            Problem(
                topo_mark.path,
                topo_mark.line,
                topo_mark.col,
                f"topology file '{spec.topology}' not found (looked for {topo_path})",
                "the path is relative to the scenario file",
            )
        )
    topology = load_topology(topo_path)
    horizon_h = _duration(spec.horizon, _mark(raw, "horizon"), "horizon", problems)
    if horizon_h is not None and not 0 < horizon_h <= MAX_HORIZON_H:
        m = _mark(raw, "horizon")
        problems.append(
            Problem(
                m.path,
                m.line,
                m.col,
                f"horizon {spec.horizon!r} is outside the allowed range: above 0 and at most "
                f"{MAX_HORIZON_Y:,} years",
                "a bare number is hours; e.g. 90d or 10y (past 1,000 years the network, its "
                "rates and its repair fleet are fiction, and a run would take hours)",
            )
        )

    overrides_fc: dict[str, FailureClass] = {}
    for class_id, fields in spec.failures.classes.items():
        m = _mark(raw, "failures", "classes", class_id)
        if class_id not in topology.failure_classes:
            problems.append(
                Problem(
                    m.path,
                    m.line,
                    m.col,
                    f"unknown failure class '{class_id}' in failures.classes",
                    did_you_mean(class_id, topology.failure_classes, "failure class"),
                )
            )
            continue
        new = _class_override(topology.failure_classes[class_id], fields, m, problems)
        if new is not None:
            overrides_fc[class_id] = new
    if overrides_fc:
        topology = topology.with_failure_classes(overrides_fc)

    default_failover = _failover(spec.failover.default, _mark(raw, "failover"), problems)

    demands = demands_from_specs(spec.demands, raw.get("demands"), topology, problems)
    seen_demands = {d.id: i for i, d in enumerate(demands)}

    events: list[ScheduledEvent] = []
    event_ids: set[str] = set()
    for i, e in enumerate(spec.events):
        m = _mark(raw, "events", i)
        event_id = e.id or f"event-{i + 1}"
        if event_id in event_ids:
            problems.append(
                Problem(
                    m.path,
                    m.line,
                    m.col,
                    f"duplicate event id '{event_id}'",
                    "timelines and reports name events by id; give each event its own",
                )
            )
        event_ids.add(event_id)
        if e.restore is not None and e.duration is not None:
            rm = _mark(raw, "events", i, "restore")
            problems.append(
                Problem(
                    rm.path,
                    rm.line,
                    rm.col,
                    f"event {event_id} has both restore: and duration:, which contradict each "
                    "other",
                    "keep one: duration: for a fixed outage length, restore: for an absolute "
                    "time, 'repair' or 'never'",
                )
            )
        at_h = _duration(e.at, _mark(raw, "events", i, "at"), f"event {event_id} at", problems)
        if (e.cut is None) == (e.maintenance is None):
            problems.append(
                Problem(
                    m.path,
                    m.line,
                    m.col,
                    f"event {event_id} needs exactly one of 'cut' or 'maintenance'",
                )
            )
            continue
        action: Literal["cut", "maintenance"] = "cut" if e.cut is not None else "maintenance"
        target = _target(
            e.cut or e.maintenance, _mark(raw, "events", i, action), topology, problems
        )
        restore_at_h: float | None = None
        repair = False
        if e.restore is not None:
            rm = _mark(raw, "events", i, "restore")
            if e.restore == "repair":
                repair = True
            elif e.restore != "never":
                restore_at_h = _duration(e.restore, rm, f"event {event_id} restore", problems)
                if restore_at_h is not None and at_h is not None and restore_at_h <= at_h:
                    problems.append(
                        Problem(
                            rm.path,
                            rm.line,
                            rm.col,
                            f"event {event_id} is restored before it happens",
                            "restore: is an absolute time; use duration: for a length",
                        )
                    )
        duration_h = None
        if e.duration is not None:
            duration_h = _duration(
                e.duration, _mark(raw, "events", i, "duration"), "duration", problems
            )
        if action == "maintenance" and duration_h is None:
            problems.append(
                Problem(m.path, m.line, m.col, f"maintenance {event_id} needs a duration")
            )
        if e.restore is None and duration_h is None and action == "cut":
            repair = True  # a cut with no restore rule is handed to the repair model
        if at_h is not None and horizon_h is not None and at_h > horizon_h:
            am = _mark(raw, "events", i, "at")
            problems.append(
                Problem(
                    am.path,
                    am.line,
                    am.col,
                    f"event {event_id} at {e.at} is after the horizon ({spec.horizon})",
                    "move it earlier or lengthen the horizon",
                )
            )
        if target is not None and at_h is not None:
            events.append(
                ScheduledEvent(
                    event_id, action, target, at_h, restore_at_h, duration_h, repair, e.note
                )
            )

    resources: list[RepairResource] = []
    seas = sorted({link.sea for link in topology.links.values() if link.sea is not None})
    countries = sorted({node.country for node in topology.nodes.values()})
    for i, r in enumerate(spec.repair):
        mob = _duration(r.mobilisation, _mark(raw, "repair", i), "mobilisation", problems)
        # A pool that covers a misspelt sea or country serves nothing, and its faults then skip
        # the queue it was meant to model: refuse what the topology has no trace of.
        known = seas if r.kind == "ship" else countries
        what = "sea" if r.kind == "ship" else "country"
        for j, covered in enumerate(r.covers):
            if covered == "*" or covered in known:
                continue
            cm = _mark(raw, "repair", i, "covers", j)
            problems.append(
                Problem(
                    cm.path,
                    cm.line,
                    cm.col,
                    f"repair resource {r.id} covers {what} '{covered}', which no "
                    + ("submarine link names" if r.kind == "ship" else "node is in"),
                    f"{did_you_mean(covered, known, what)} Known: {', '.join(known) or 'none'}"
                    " ('*' covers everything)",
                )
            )
        resources.append(
            RepairResource(r.id, r.kind, r.count, tuple(r.covers), mob or 0.0, r.description)
        )
    if len({r.id for r in resources}) != len(resources):
        m = _mark(raw, "repair")
        problems.append(Problem(m.path, m.line, m.col, "repair resource ids must be unique"))

    checks = _checks(raw, spec.checks, seen_demands, problems)
    sweep = {}
    for key, values in spec.sweep.items():
        if not values:
            m = _mark(raw, "sweep", key)
            problems.append(Problem(m.path, m.line, m.col, f"sweep '{key}' has no values"))
        sweep[key] = tuple(values)

    if problems:
        raise InputError(problems)
    assert horizon_h is not None and default_failover is not None
    return Scenario(
        name=spec.name,
        topology=topology,
        topology_path=str(topo_path),
        horizon_h=horizon_h,
        seed=spec.seed,
        demands=tuple(demands),
        events=tuple(events),
        stochastic_failures=spec.failures.stochastic,
        repair_resources=tuple(resources),
        default_failover=default_failover,
        routing=spec.routing,
        description=spec.description,
        source_path=str(file_path),
        include_planned=spec.include_planned,
        checks=tuple(checks),
        sweep=sweep,
    )


def _checks(
    raw: MDict,
    entries: list[dict[str, dict[str, object]]],
    demand_ids: Mapping[str, int],
    problems: list[Problem],
) -> list[Assertion]:
    checks: list[Assertion] = []
    for i, entry in enumerate(entries):
        m = _mark(raw, "checks", i)
        if len(entry) != 1:
            problems.append(
                Problem(
                    m.path,
                    m.line,
                    m.col,
                    "each check is one assertion: a single key such as 'max_rtt:'",
                )
            )
            continue
        kind, params = next(iter(entry.items()))
        if kind not in ASSERTION_KINDS:
            problems.append(
                Problem(
                    m.path,
                    m.line,
                    m.col,
                    f"unknown assertion '{kind}'",
                    did_you_mean(kind, ASSERTION_KINDS, "assertion"),
                )
            )
            continue
        allowed = ASSERTION_PARAMS[kind]
        bad = False
        for key, value in params.items():
            if key not in allowed:
                problems.append(
                    Problem(
                        m.path,
                        m.line,
                        m.col,
                        f"unknown key '{key}' in {kind}",
                        f"allowed: {', '.join(allowed)}",
                    )
                )
                bad = True
            elif key in _CHOICES and value not in _CHOICES[key]:
                problems.append(
                    Problem(
                        m.path,
                        m.line,
                        m.col,
                        f"{kind} {key} must be one of {', '.join(_CHOICES[key])}, not {value!r}",
                    )
                )
                bad = True
            elif key in _LIMITS and not _within(value, *_LIMITS[key][:2]):
                range_text = _LIMITS[key][2]
                problems.append(
                    Problem(
                        m.path,
                        m.line,
                        m.col,
                        f"{kind} {key} must be {range_text}, not {value!r}",
                        "write a plain number (.nan and .inf are not limits)",
                    )
                )
                bad = True
        demand = params.get("demand")
        if kind in _NEEDS_DEMAND:
            if demand is None:
                problems.append(Problem(m.path, m.line, m.col, f"{kind} needs a demand"))
                bad = True
            elif demand not in demand_ids:
                problems.append(
                    Problem(
                        m.path,
                        m.line,
                        m.col,
                        f"unknown demand '{demand}' in {kind}",
                        did_you_mean(str(demand), demand_ids, "demand"),
                    )
                )
                bad = True
        if bad:
            continue
        values = {k: v for k, v in params.items() if k != "demand"}
        checks.append(
            Assertion(
                cast(AssertionKind, kind),
                str(demand) if demand is not None else None,
                {k: v for k, v in values.items() if isinstance(v, (int, float, str))},
                m.line,
                m.col,
            )
        )
    return checks
