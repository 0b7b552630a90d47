"""State files → `twin.model.State`: the network as it is now, for a simulation from now.

A state file says, at `as_of`, which elements are down (since when, and either a known ETA or
the failure class whose repair distribution applies) and what the repair fleet is doing (a unit
busy elsewhere until a time, or holding a down element's repair: mobilising since a time, or on
site repairing since a time). It is checked like every other input: the schema
(`StateFile`, also emitted as `twin/schemas/state.schema.json`), then every rule that needs the
scenario or its topology, each fault at its FILE:LINE:COL.

Times are absolute (ISO 8601; a time without an offset is read as UTC) in the file and hours
relative to `as_of` in the model, so the simulator's hour 0 is `as_of`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationError

from twin.errors import InputError, Problem
from twin.loading.errors import did_you_mean, problems_from_validation
from twin.loading.paths import resolve_reference
from twin.loading.salvage import distinct
from twin.loading.schema import Id, Strict
from twin.loading.topology import load_topology
from twin.loading.yaml_marks import Mark, MDict, load_yaml_with_marks, locate
from twin.model import (
    DownElement,
    DownKind,
    RepairResource,
    ResourceState,
    Scenario,
    State,
    Topology,
)
from twin.units import HOURS_PER_YEAR

# An outage that began more than ten years before `as_of`, or an ETA more than ten years after
# it, is a typo in the year, not an incident.
MAX_STATE_SPAN_H = 10 * HOURS_PER_YEAR


def _timestamp(value: Any) -> Any:
    """A YAML timestamp, date or ISO text as an aware UTC datetime (naive means UTC)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    else:
        return value  # pydantic refuses it with its own message
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


Timestamp = Annotated[
    datetime,
    BeforeValidator(_timestamp),
    Field(description="an ISO 8601 time, e.g. 2027-01-10T06:00:00Z (no offset: UTC)"),
]


class DownSpec(Strict):
    """One element down now: exactly one of link, node, srlg; exactly one of eta, cause."""

    link: Id | None = None
    node: Id | None = None
    srlg: Id | None = None
    since: Timestamp
    eta: Timestamp | None = Field(default=None, description="the known restoration time")
    cause: Id | None = Field(
        default=None,
        description="a failure class of the topology whose repair distribution applies",
    )
    permit_until: Timestamp | None = Field(
        default=None,
        description="with cause: no repair may start before this time (a permit the incident "
        "waits for; entries with the same time share one wait)",
    )


class ResourceStateSpec(Strict):
    """One unit of a repair pool: busy elsewhere until a time, or holding a down element's
    repair (`job`), mobilising since a time or repairing on site since a time."""

    id: Id
    busy_until: Timestamp | None = None
    job: Id | None = Field(default=None, description="the down element (its id) the unit holds")
    mobilising_since: Timestamp | None = None
    repairing_since: Timestamp | None = None


class StateFile(Strict):
    schema_: str | None = Field(default=None, alias="schema")
    description: str = ""
    topology: str | None = Field(
        default=None,
        description="the topology the ids refer to (relative to this file); lets "
        "validation check them without a scenario",
    )
    as_of: Timestamp
    down: list[DownSpec] = Field(default_factory=list)
    resources: list[ResourceStateSpec] = Field(default_factory=list)


def iso(moment: datetime) -> str:
    """The one way a state time is written: UTC, seconds, `Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def load_state(path: str | Path, scenario: Scenario | None = None) -> State:
    """Load and check a state file; InputError lists every problem found.

    With `scenario`, element ids, causes and repair pools are checked against it (and its
    topology must be the one the file names, if it names one). Without, they are checked
    against the file's own `topology:` when it names one, else only the file itself is.
    """
    file_path = Path(path)
    raw = load_yaml_with_marks(file_path)
    try:
        spec = StateFile.model_validate(raw)
    except ValidationError as exc:
        raise InputError(distinct(problems_from_validation(exc, raw, StateFile, raw.mark))) from exc
    problems: list[Problem] = []
    topology = _topology(spec, raw, file_path, scenario, problems)
    pools = scenario.repair_resources if scenario is not None else None
    state = _State(spec, raw, topology, pools, problems).build(str(file_path))
    if problems:
        raise InputError(distinct(problems))
    return state


def with_state(scenario: Scenario, path: str | Path) -> Scenario:
    """`scenario` simulated from the state in `path` (its hour 0 is the state's `as_of`)."""
    return replace(scenario, state=load_state(path, scenario))


def _topology(
    spec: StateFile,
    raw: MDict,
    file_path: Path,
    scenario: Scenario | None,
    problems: list[Problem],
) -> Topology | None:
    """The topology the ids are checked against (None: nothing to check them with)."""
    if spec.topology is None:
        return scenario.topology if scenario is not None else None
    mark = raw.mark_of("topology")
    named = resolve_reference(spec.topology, file_path, mark, "topology")
    if scenario is not None:
        if named.resolve() != Path(scenario.topology_path).resolve():
            problems.append(
                mark.problem(
                    f"the state is of topology '{spec.topology}', the scenario runs "
                    f"'{scenario.topology_path}'",
                    "give a state of the scenario's network, or remove topology: from it",
                )
            )
        return scenario.topology
    if not named.is_file():
        problems.append(mark.problem(f"topology file '{spec.topology}' not found"))
        return None
    return load_topology(named)


class _State:
    """The checks and conversion of one schema-valid state file."""

    def __init__(
        self,
        spec: StateFile,
        raw: MDict,
        topology: Topology | None,
        pools: Sequence[RepairResource] | None,
        problems: list[Problem],
    ) -> None:
        self.spec, self.raw, self.topology, self.pools = spec, raw, topology, pools
        self.problems = problems
        self.as_of = spec.as_of

    def at(self, *loc: Any) -> Mark:
        return locate(self.raw, loc, self.raw.mark)

    def hours(self, moment: datetime) -> float:
        return (moment - self.as_of).total_seconds() / 3600.0

    def build(self, source_path: str) -> State:
        down = [d for i, s in enumerate(self.spec.down) if (d := self._down(i, s)) is not None]
        resources = [
            r
            for i, s in enumerate(self.spec.resources)
            if (r := self._resource(i, s, down)) is not None
        ]
        self._units_within_pools(resources)
        return State(iso(self.as_of), tuple(down), tuple(resources), source_path)

    # --- down elements -------------------------------------------------------------------

    def _down(self, i: int, spec: DownSpec) -> DownElement | None:
        given = [(k, v) for k, v in (("link", spec.link), ("node", spec.node), ("srlg", spec.srlg))]
        named = [(k, v) for k, v in given if v is not None]
        entry = self.at("down", i)
        if len(named) != 1:
            self.problems.append(
                entry.problem(
                    "a down entry names exactly one of link, node, srlg",
                    "e.g. {link: tcfo, since: 2027-01-04T00:00:00Z, cause: submarine-caspian}",
                )
            )
            return None
        kind: DownKind = named[0][0]  # type: ignore[assignment]
        element_id = str(named[0][1])
        self._exists(kind, element_id, self.at("down", i, kind))
        self._duplicate(i, kind, element_id)
        since_h = self._since(i, spec, element_id)
        if (spec.eta is None) == (spec.cause is None):
            self.problems.append(
                entry.problem(
                    f"{kind} {element_id}: give either eta (a known restoration time) or cause "
                    "(a failure class whose repair distribution applies), not both or neither",
                    "e.g. eta: 2027-01-11T12:00:00Z, or cause: submarine-caspian",
                )
            )
            return None
        eta_h = self._eta(i, spec, element_id)
        if spec.cause is not None:
            self._cause(i, spec.cause)
        permit_h = self._permit(i, spec, element_id)
        return DownElement(kind, element_id, since_h, eta_h, spec.cause, permit_h)

    def _exists(self, kind: str, element_id: str, mark: Mark) -> None:
        if self.topology is None:
            return
        known: Mapping[str, object] = {
            "link": self.topology.links,
            "node": self.topology.nodes,
            "srlg": self.topology.srlgs,
        }[kind]
        if element_id not in known:
            self.problems.append(
                mark.problem(
                    f"unknown {kind} '{element_id}': the topology {self.topology.name} has no "
                    f"such {kind}",
                    did_you_mean(element_id, known, kind),
                )
            )
        elif kind == "link" and self.topology.links[element_id].status != "active":
            status = self.topology.links[element_id].status
            self.problems.append(
                mark.problem(
                    f"link {element_id} is {status}: it carries no traffic, so it cannot be down",
                    "list only links in service",
                )
            )

    def _duplicate(self, i: int, kind: str, element_id: str) -> None:
        for j, other in enumerate(self.spec.down[:i]):
            if getattr(other, kind) == element_id:
                first = self.at("down", j).line
                self.problems.append(
                    self.at("down", i).problem(
                        f"{kind} {element_id} is listed twice (first at line {first})",
                        "keep one entry per element",
                    )
                )
                return

    def _since(self, i: int, spec: DownSpec, element_id: str) -> float:
        since_h = self.hours(spec.since)
        mark = self.at("down", i, "since")
        if since_h > 0:
            self.problems.append(
                mark.problem(
                    f"{element_id} is down since {iso(spec.since)}, after as_of "
                    f"({iso(self.as_of)})",
                    "an element down now went down at or before as_of; check the date",
                )
            )
        elif since_h < -MAX_STATE_SPAN_H:
            self.problems.append(
                mark.problem(
                    f"{element_id} is down since {iso(spec.since)}, more than ten years before "
                    "as_of (the allowed range is up to ten years)",
                    "check the year",
                )
            )
        return min(since_h, 0.0)

    def _eta(self, i: int, spec: DownSpec, element_id: str) -> float | None:
        if spec.eta is None:
            return None
        eta_h = self.hours(spec.eta)
        mark = self.at("down", i, "eta")
        if eta_h <= 0:
            self.problems.append(
                mark.problem(
                    f"the ETA of {element_id} ({iso(spec.eta)}) is in the past: not after "
                    f"as_of ({iso(self.as_of)})",
                    "an element restored by as_of is not down: remove the entry, or give the "
                    "new ETA",
                )
            )
        elif eta_h > MAX_STATE_SPAN_H:
            self.problems.append(
                mark.problem(
                    f"the ETA of {element_id} is more than ten years after as_of (the allowed "
                    "range is up to ten years)",
                    "check the year",
                )
            )
        return eta_h

    def _permit(self, i: int, spec: DownSpec, element_id: str) -> float | None:
        """The permit's time in hours after as_of: with a cause, after as_of, within ten
        years."""
        if spec.permit_until is None:
            return None
        mark = self.at("down", i, "permit_until")
        permit_h = self.hours(spec.permit_until)
        if spec.cause is None:
            self.problems.append(
                mark.problem(
                    f"{element_id} has a known ETA: a permit wait holds back a repair, and "
                    "its restoration does not depend on one",
                    "drop permit_until:, or give a cause instead of the ETA",
                )
            )
        elif not 0 < permit_h <= MAX_STATE_SPAN_H:
            self.problems.append(
                mark.problem(
                    f"the permit of {element_id} ({iso(spec.permit_until)}) must come after "
                    f"as_of ({iso(self.as_of)}) and at most ten years after it",
                    "a permit granted by as_of needs no entry: drop permit_until:",
                )
            )
        return permit_h

    def _cause(self, i: int, cause: str) -> None:
        if self.topology is None or cause in self.topology.failure_classes:
            return
        classes = self.topology.failure_classes
        self.problems.append(
            self.at("down", i, "cause").problem(
                f"unknown cause '{cause}': not a failure class of the topology "
                f"{self.topology.name}",
                did_you_mean(cause, classes, "failure class")
                + f" (classes: {', '.join(sorted(classes))})",
            )
        )

    # --- repair units --------------------------------------------------------------------

    def _resource(
        self, i: int, spec: ResourceStateSpec, down: Sequence[DownElement]
    ) -> ResourceState | None:
        entry = self.at("resources", i)
        if self.pools is not None and spec.id not in {p.id for p in self.pools}:
            self.problems.append(
                self.at("resources", i, "id").problem(
                    f"unknown repair resource '{spec.id}': the scenario has no such pool",
                    did_you_mean(spec.id, [p.id for p in self.pools], "resource"),
                )
            )
        if (spec.busy_until is None) == (spec.job is None):
            self.problems.append(
                entry.problem(
                    f"resource {spec.id}: give either busy_until (working elsewhere) or job "
                    "(the down element it is repairing), not both or neither",
                    "e.g. {id: caspian-vessel, busy_until: 2027-01-20T00:00:00Z}",
                )
            )
            return None
        if spec.busy_until is not None:
            return self._busy(i, spec)
        return self._job(i, spec, down)

    def _busy(self, i: int, spec: ResourceStateSpec) -> ResourceState | None:
        assert spec.busy_until is not None
        if spec.mobilising_since is not None or spec.repairing_since is not None:
            self.problems.append(
                self.at("resources", i).problem(
                    f"resource {spec.id}: mobilising_since and repairing_since describe a job",
                    "name the down element with job:, or drop them",
                )
            )
        busy_h = self.hours(spec.busy_until)
        if not 0 < busy_h <= MAX_STATE_SPAN_H:
            self.problems.append(
                self.at("resources", i, "busy_until").problem(
                    f"resource {spec.id} busy until {iso(spec.busy_until)}: must lie after "
                    "as_of and at most ten years after it",
                    "a unit free by as_of needs no entry",
                )
            )
            return None
        return ResourceState(spec.id, busy_until_h=busy_h)

    def _job(
        self, i: int, spec: ResourceStateSpec, down: Sequence[DownElement]
    ) -> ResourceState | None:
        job_mark = self.at("resources", i, "job")
        target = next((d for d in down if d.id == spec.job), None)
        if target is None:
            self.problems.append(
                job_mark.problem(
                    f"resource {spec.id} holds job '{spec.job}', which is not a down entry",
                    did_you_mean(str(spec.job), [d.id for d in down], "down element"),
                )
            )
            return None
        if target.cause is None:
            self.problems.append(
                job_mark.problem(
                    f"{target.id} has a known ETA: its restoration does not depend on a "
                    "repair unit",
                    f"give {spec.id} busy_until: the ETA instead, or give {target.id} a cause",
                )
            )
            return None
        if target.permit_until_h is not None:
            self.problems.append(
                job_mark.problem(
                    f"{target.id} waits for a permit (permit_until:): no unit works on it yet",
                    f"give {spec.id} busy_until: instead, or drop the permit",
                )
            )
            return None
        if (spec.mobilising_since is None) == (spec.repairing_since is None):
            self.problems.append(
                self.at("resources", i).problem(
                    f"resource {spec.id} on job {target.id}: give either mobilising_since "
                    "or repairing_since",
                    "mobilising_since: the unit is on its way; repairing_since: it is on site",
                )
            )
            return None
        key = "mobilising_since" if spec.mobilising_since is not None else "repairing_since"
        moment = spec.mobilising_since or spec.repairing_since
        assert moment is not None
        moment_h = self.hours(moment)
        if not target.since_h <= moment_h <= 0:
            self.problems.append(
                self.at("resources", i, key).problem(
                    f"resource {spec.id}: {key} {iso(moment)} must lie between the fault "
                    f"({target.id} down since its since:) and as_of",
                    "a unit cannot start on a fault before it happens, or after as_of",
                )
            )
        if key == "mobilising_since":
            return ResourceState(spec.id, job=target.id, mobilising_since_h=moment_h)
        return ResourceState(spec.id, job=target.id, repairing_since_h=moment_h)

    def _units_within_pools(self, resources: Sequence[ResourceState]) -> None:
        """No pool has more units described than it owns; no down element has two units."""
        if self.pools is not None:
            for pool in self.pools:
                used = sum(1 for r in resources if r.id == pool.id)
                if used > pool.count:
                    self.problems.append(
                        self.at("resources").problem(
                            f"{used} units of {pool.id} are described, the pool has {pool.count}",
                            "one entry per unit; raise count: in the scenario if the fleet grew",
                        )
                    )
        jobs = [r.job for r in resources if r.job is not None]
        for job in sorted({j for j in jobs if jobs.count(j) > 1}):
            self.problems.append(
                self.at("resources").problem(
                    f"{job} is the job of more than one unit", "one unit repairs one fault"
                )
            )


# ---------------------------------------------------------------------------------------------
# Writing a state (what `twin run` exports at a chosen time)
# ---------------------------------------------------------------------------------------------


def _moment(origin: datetime, hours: float, up: bool) -> str:
    """`origin` + `hours`, in whole seconds: rounded down for times at or before as_of (so none
    passes it), up for times after it (so an ETA stays after it)."""
    seconds = hours * 3600.0
    whole = math.ceil(seconds) if up else math.floor(seconds)
    return iso(origin + timedelta(seconds=whole))


def state_document(
    state: State, origin_as_of: str, at_h: float, topology_ref: str, note: str
) -> str:
    """The YAML text of `state` (its hours relative to `at_h` hours after `origin_as_of`),
    readable and valid for `load_state`; `note` becomes its description."""
    origin = _timestamp(origin_as_of) + timedelta(seconds=math.floor(at_h * 3600.0))
    lines = [
        "# yaml-language-server: $schema=https://silkroad-twin.org/schemas/state.schema.json",
        f"description: {json.dumps(note)}",
        f"topology: {json.dumps(topology_ref)}",
        f"as_of: {iso(origin)}",
        "down:" if state.down else "down: []",
    ]
    for d in state.down:
        end = (
            f"eta: {_moment(origin, d.eta_h, up=True)}"
            if d.eta_h is not None
            else f"cause: {d.cause}"
        )
        if d.permit_until_h is not None:
            end += f", permit_until: {_moment(origin, d.permit_until_h, up=True)}"
        lines.append(f"  - {{{d.kind}: {d.id}, since: {_moment(origin, d.since_h, False)}, {end}}}")
    lines.append("resources:" if state.resources else "resources: []")
    for r in state.resources:
        if r.busy_until_h is not None:
            what = f"busy_until: {_moment(origin, r.busy_until_h, up=True)}"
        elif r.mobilising_since_h is not None:
            what = f"job: {r.job}, mobilising_since: {_moment(origin, r.mobilising_since_h, False)}"
        else:
            assert r.repairing_since_h is not None
            what = f"job: {r.job}, repairing_since: {_moment(origin, r.repairing_since_h, False)}"
        lines.append(f"  - {{id: {r.id}, {what}}}")
    return "\n".join(lines) + "\n"
