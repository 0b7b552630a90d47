"""Candidates files → `twin.candidates.CandidateSet`: the upgrades `twin rank` values.

A candidates file lists upgrades, each with a cost in the file's `cost_unit` and what it
changes (any of):

- `activate: [LINK, ...]`: planned links of the scenario's topology brought into service
  (the Kazakh Superhighway is one in every corridor file);
- `topology: VARIANT.yaml`: a topology variant (`extends:` the scenario's topology, directly or
  not) whose new and changed nodes, links, SRLGs and failure classes the upgrade builds (the
  reserve Caspian cable of `silk-road-reserve.yaml`, a diverse crossing);
- `resources: {RESOURCE: UNITS}`: units added to the scenario's repair resources;
- `repair: [{failure_class: ID, factor: F}]`: that class's repair times multiplied by F.

Checked like every input: the schema (keys, types, ranges), then, against the scenario, every
reference; each problem at its FILE:LINE:COL with a hint. A variant must only add or change:
an upgrade that removes an element is refused, as are two upgrades that change one element in
different ways (their combination would depend on the order).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Self

from pydantic import Field, ValidationError, model_validator

from twin.candidates import Candidate, CandidateSet
from twin.errors import InputError, Problem
from twin.loading.errors import did_you_mean, problems_from_validation
from twin.loading.paths import resolve_reference
from twin.loading.salvage import distinct
from twin.loading.schema import Id, Strict
from twin.loading.topology import load_topology
from twin.loading.yaml_marks import Mark, load_yaml_with_marks, locate
from twin.model import Scenario, Topology

# Past these a value is a typo or a unit slip: a cost of 1e13 in any currency unit, a repair
# made 1000 times faster or slower, a hundred more ships for one sea.
MAX_COST = 1e12
REPAIR_FACTOR_RANGE = (0.01, 100.0)
MAX_UNITS = 100
MAX_CANDIDATES = 64
SECTIONS = ("nodes", "links", "srlgs", "failure_classes")


class RepairChangeSpec(Strict):
    failure_class: Id
    factor: Annotated[
        float,
        Field(
            ge=REPAIR_FACTOR_RANGE[0],
            le=REPAIR_FACTOR_RANGE[1],
            description="0.01 to 100: multiplies every repair time of the class (0.5 halves them)",
        ),
    ]


class CandidateSpec(Strict):
    id: Id
    description: str = ""
    cost: Annotated[
        float, Field(ge=0, le=MAX_COST, description="0 to 1e12, in the file's cost_unit")
    ]
    estimate: bool = False
    basis: Annotated[str, Field(description="where the cost comes from")] = ""
    activate: list[Id] = Field(default_factory=list)
    topology: Annotated[
        str | None, Field(description="a topology variant file whose additions are built")
    ] = None
    resources: dict[str, Annotated[int, Field(ge=1, le=MAX_UNITS)]] = Field(default_factory=dict)
    repair: list[RepairChangeSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        if not (self.activate or self.topology or self.resources or self.repair):
            raise ValueError(
                "the candidate changes nothing: give activate, topology, resources or repair"
            )
        return self


class CandidatesFile(Strict):
    schema_: str | None = Field(default=None, alias="schema")
    description: str = ""
    cost_unit: Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[^\x00-\x1f]+$")]
    budget: Annotated[float, Field(gt=0, le=MAX_COST)] | None = None
    candidates: Annotated[list[CandidateSpec], Field(min_length=1, max_length=MAX_CANDIDATES)]


def _mark(raw: Any, *keys: Any) -> Mark:
    return locate(raw, keys, raw.mark)


def _section(topology: Topology, section: str) -> Mapping[str, Any]:
    return dict(getattr(topology, section))


def _variant_changes(
    base: Topology, variant: Topology, mark: Mark, problems: list[Problem]
) -> dict[str, tuple[Any, ...]]:
    """What `variant` adds or changes over `base`, per section; removals are problems."""
    changes: dict[str, tuple[Any, ...]] = {}
    for section in SECTIONS:
        old, new = _section(base, section), _section(variant, section)
        gone = sorted(set(old) - set(new))
        if gone:
            problems.append(
                mark.problem(
                    f"the variant removes {section.rstrip('s').replace('_', ' ')} "
                    f"'{gone[0]}' of the scenario's topology; an upgrade may only add or change",
                    "make the variant extend the scenario's topology without remove:",
                )
            )
        changes[section] = tuple(new[k] for k in sorted(new) if old.get(k) != new[k])
    return changes


def _check_activate(
    ids: list[str], base: Topology, raw: Any, i: int, problems: list[Problem]
) -> None:
    for j, lid in enumerate(ids):
        mark = _mark(raw, "candidates", i, "activate", j)
        link = base.links.get(lid)
        if link is None:
            hint = did_you_mean(lid, base.links, "link")
            problems.append(mark.problem(f"activate: no link '{lid}' in the topology", hint))
        elif link.status != "planned":
            problems.append(
                mark.problem(
                    f"activate: link '{lid}' is {link.status}, not planned",
                    "activate only planned links; describe a new link in a topology variant",
                )
            )


def _check_resources(
    spec: CandidateSpec, scenario: Scenario, raw: Any, i: int, problems: list[Problem]
) -> None:
    known = [r.id for r in scenario.repair_resources]
    for rid in spec.resources:
        if rid not in known:
            mark = _mark(raw, "candidates", i, "resources", rid)
            hint = (
                did_you_mean(rid, known, "repair resource")
                if known
                else ("the scenario has no repair: resources to add units to")
            )
            problems.append(mark.problem(f"resources: no repair resource '{rid}'", hint))


def _check_repair(
    spec: CandidateSpec, classes: Mapping[str, Any], raw: Any, i: int, problems: list[Problem]
) -> None:
    for j, change in enumerate(spec.repair):
        if change.failure_class not in classes:
            mark = _mark(raw, "candidates", i, "repair", j, "failure_class")
            hint = did_you_mean(change.failure_class, classes, "failure class")
            problems.append(
                mark.problem(f"repair: no failure class '{change.failure_class}'", hint)
            )


def _candidate(
    spec: CandidateSpec,
    file_path: Path,
    scenario: Scenario | None,
    raw: Any,
    i: int,
    problems: list[Problem],
) -> Candidate:
    """One candidate; without a scenario (`twin validate` of the file alone) only its own
    faults and its variant file's are found, not its references into the scenario."""
    changes: dict[str, tuple[Any, ...]] = dict.fromkeys(SECTIONS, ())
    if spec.topology is not None:
        mark = _mark(raw, "candidates", i, "topology")
        path = resolve_reference(spec.topology, file_path, mark, "topology")
        if not path.is_file():
            problems.append(
                mark.problem(
                    f"topology file '{spec.topology}' not found (looked for {path})",
                    "the path is relative to the candidates file",
                )
            )
        else:
            variant = load_topology(path)
            if scenario is not None:
                changes = _variant_changes(scenario.topology, variant, mark, problems)
    if scenario is not None:
        base = scenario.topology
        _check_activate(spec.activate, base, raw, i, problems)
        _check_resources(spec, scenario, raw, i, problems)
        classes = {**base.failure_classes, **{f.id: f for f in changes["failure_classes"]}}
        _check_repair(spec, classes, raw, i, problems)
    return Candidate(
        id=spec.id,
        cost=spec.cost,
        description=spec.description,
        estimate=spec.estimate,
        basis=spec.basis,
        activate=tuple(spec.activate),
        nodes=changes["nodes"],
        links=changes["links"],
        srlgs=changes["srlgs"],
        failure_classes=changes["failure_classes"],
        resources=tuple(sorted(spec.resources.items())),
        repair_factors=tuple((c.failure_class, c.factor) for c in spec.repair),
    )


def _conflicts(candidates: list[Candidate], raw: Any, problems: list[Problem]) -> None:
    """Two upgrades that build one element differently, or share an id."""
    seen_ids: set[str] = set()
    built: dict[tuple[str, str], tuple[str, Any]] = {}
    for i, c in enumerate(candidates):
        if c.id in seen_ids:
            problems.append(_mark(raw, "candidates", i, "id").problem(f"duplicate id '{c.id}'"))
        seen_ids.add(c.id)
        for section in SECTIONS:
            for element in getattr(c, section):
                key = (section, element.id)
                if key in built and built[key][1] != element:
                    problems.append(
                        _mark(raw, "candidates", i, "topology").problem(
                            f"'{c.id}' and '{built[key][0]}' build {element.id} differently",
                            "give both variants the same definition of it, or rename one",
                        )
                    )
                built.setdefault(key, (c.id, element))


def load_candidates(path: str | Path, scenario: Scenario | None = None) -> CandidateSet:
    """Load and check a candidates file against `scenario` (None: the file alone, as `twin
    validate` does); InputError lists every problem."""
    file_path = Path(path)
    raw = load_yaml_with_marks(file_path)
    try:
        spec = CandidatesFile.model_validate(raw)
    except ValidationError as exc:
        refused = problems_from_validation(exc, raw, CandidatesFile, raw.mark)
        raise InputError(distinct(refused)) from exc
    problems: list[Problem] = []
    candidates = [
        _candidate(c, file_path, scenario, raw, i, problems) for i, c in enumerate(spec.candidates)
    ]
    _conflicts(candidates, raw, problems)
    if problems:
        raise InputError(distinct(problems))
    return CandidateSet(
        str(file_path), spec.cost_unit, tuple(candidates), spec.budget, spec.description
    )


def candidates_schema() -> dict[str, Any]:
    """The JSON Schema of candidates files (what `twin schema` writes)."""
    schema = CandidatesFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://silkroad-twin.org/schemas/candidates.schema.json"
    return schema


__all__ = ["CandidatesFile", "candidates_schema", "load_candidates"]
