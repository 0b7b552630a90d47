"""YAML → model: safe loading with marks, schema validation, `extends:`, reference checks.

Public API: `load_topology(path)`, `load_scenario(path, overrides=None)`,
`load_demands(path, topology=None)` (a demands file), `validate_paths(paths)` (every problem of
every file), `validate_files(paths)` (per-file results with the loaded model).
Every failure is an `InputError` whose problems carry `FILE:LINE:COL`, a message and a hint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from twin.errors import InputError, Problem
from twin.loading.errors import did_you_mean, problems_from_validation
from twin.loading.scenario import _failover, load_scenario
from twin.loading.schema import DemandSpec, Strict
from twin.loading.topology import load_topology
from twin.loading.yaml_marks import Mark, MDict, MList, load_yaml_with_marks
from twin.model import Demand, Scenario, Sla, Topology

__all__ = [
    "ValidatedFile",
    "file_kind",
    "load_demands",
    "load_scenario",
    "load_topology",
    "load_yaml_with_marks",
    "validate_file",
    "validate_files",
    "validate_paths",
]


@dataclass(frozen=True)
class ValidatedFile:
    """One file's verdict; `model` is the loaded object when valid so callers can summarise it."""

    path: str
    kind: str
    model: Topology | Scenario | tuple[Demand, ...] | None
    problems: tuple[Problem, ...]


def file_kind(path: Path) -> str:
    """'demands' for a file whose top level is only `demands:` (what `twin import --demands-out`
    writes), 'scenario' for other files with demands:/topology:/horizon:, else 'topology'.

    Decided by content, not by name: the same `*.yaml` glob feeds `twin validate`.
    """
    data = load_yaml_with_marks(path)
    if set(data) == {"demands"}:
        return "demands"
    if "demands" in data or "topology" in data or "horizon" in data:
        return "scenario"
    return "topology"


class DemandsFile(Strict):
    """A demands file: one `demands:` list whose entries are exactly a scenario's demands."""

    demands: list[DemandSpec]


def _mark(container: MDict | MList, key: str | int) -> Mark:
    if isinstance(container, MDict) and isinstance(key, str) and key in container:
        return container.mark_of(key)
    if isinstance(container, MList) and isinstance(key, int) and key < len(container):
        return container.mark_of(key)
    return container.mark


def load_demands(path: str | Path, topology: Topology | None = None) -> tuple[Demand, ...]:
    """Load a demands file (`demands:` entries as in a scenario, SLA and priority included).

    Every problem is reported at its FILE:LINE:COL: schema faults, a demand that starts where
    it ends, duplicate ids and, when `topology` is given, ends that are not its nodes. Without
    a topology (`twin validate` of the file alone) the node references cannot be checked.
    """
    file_path = Path(path)
    raw = load_yaml_with_marks(file_path)
    try:
        spec = DemandsFile.model_validate(raw)
    except ValidationError as exc:
        problems = problems_from_validation(exc, raw, DemandsFile, raw.mark)
        problems.sort(key=lambda p: (p.path, p.line, p.col))
        raise InputError(problems) from exc
    items = raw["demands"]
    problems = []
    demands: list[Demand] = []
    seen: dict[str, Mark] = {}
    for i, d in enumerate(spec.demands):
        entry = items[i] if isinstance(items, MList) else raw
        m = _mark(items, i)
        demand_id = d.id or f"{d.source}-{d.destination}"
        if topology is not None:
            for end in ("source", "destination"):
                node_id = getattr(d, end)
                if node_id not in topology.nodes:
                    em = _mark(entry, end) if isinstance(entry, MDict) else m
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
            first = seen[demand_id]
            problems.append(
                Problem(
                    m.path,
                    m.line,
                    m.col,
                    f"duplicate demand id '{demand_id}' (first at line {first.line})",
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
    if problems:
        raise InputError(problems)
    return tuple(demands)


def validate_file(path: Path) -> ValidatedFile:
    """Load one file as whichever kind its content says; problems are returned, not raised."""
    kind = "unknown"
    try:
        kind = file_kind(path)
        model: Topology | Scenario | tuple[Demand, ...]
        if kind == "demands":
            model = load_demands(path)
        elif kind == "scenario":
            model = load_scenario(path)
        else:
            model = load_topology(path)
    except InputError as exc:
        return ValidatedFile(str(path), kind, None, tuple(exc.problems))
    return ValidatedFile(str(path), kind, model, ())


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        else:
            out.append(path)
    return out


def validate_files(paths: Sequence[Path]) -> list[ValidatedFile]:
    """Validate every file (directories expand to their *.yaml); never raises InputError.

    A directory without YAML files is itself a problem: a CI job pointed at the wrong folder
    must fail rather than pass having checked nothing.
    """
    results: list[ValidatedFile] = []
    for path in paths:
        expanded = expand_paths([path])
        if path.is_dir() and not expanded:
            problem = Problem(str(path), 0, 0, "directory holds no *.yaml files", "check the path")
            results.append(ValidatedFile(str(path), "directory", None, (problem,)))
        results.extend(validate_file(p) for p in expanded)
    return results


def validate_paths(paths: Sequence[Path]) -> list[Problem]:
    """Every problem in every file, in file order; an empty list means all files are valid."""
    return [p for result in validate_files(paths) for p in result.problems]
