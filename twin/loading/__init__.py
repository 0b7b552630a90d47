"""YAML → model: safe loading with marks, schema validation, `extends:`, reference checks.

Public API: `load_topology(path)`, `load_scenario(path, overrides=None)`,
`load_state(path, scenario=None)` and `with_state(scenario, path)` (the network now),
`load_demands(path, topology=None)` (a demands file), `validate_paths(paths)` (every problem of
every file), `validate_files(paths)` (per-file results with the loaded model) and
`validation_report(paths)` (the `twin validate` result).
Every failure is an `InputError` whose problems carry `FILE:LINE:COL`, a message and a hint.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from twin.errors import InputError, Problem
from twin.lazy_exports import lazy_getattr
from twin.loading.demands import load_demands
from twin.loading.topology import load_topology
from twin.loading.yaml_marks import load_yaml_with_marks, top_level_keys
from twin.model import Demand, Scenario, State, Topology

if TYPE_CHECKING:
    from twin.candidates import CandidateSet
    from twin.loading.scenario import load_scenario
    from twin.loading.state import load_state, with_state
    from twin.results.validate import ValidationReport

# Imported on first use: a command that reads a topology and a demands file (`twin
# contingency --demands`) pays for neither the scenario's rules and calendar nor the state
# file's models, a tenth of its start-up.
_LAZY = {
    "load_scenario": "twin.loading.scenario",
    "load_state": "twin.loading.state",
    "with_state": "twin.loading.state",
}


__getattr__ = lazy_getattr(__name__, _LAZY)


__all__ = [
    "ValidatedFile",
    "file_kind",
    "load_demands",
    "load_scenario",
    "load_state",
    "load_topology",
    "load_yaml_with_marks",
    "validate_file",
    "validate_files",
    "validate_paths",
    "validation_report",
    "with_state",
]


@dataclass(frozen=True)
class ValidatedFile:
    """One file's verdict; `model` is the loaded object when valid so callers can summarise it."""

    path: str
    kind: str
    model: Topology | Scenario | State | tuple[Demand, ...] | CandidateSet | None
    problems: tuple[Problem, ...]


def file_kind(path: Path) -> str:
    """'state' for a file with `as_of:` (the network now, `twin.loading.state`), 'demands' for a
    file whose top level is only `demands:` (what `twin import --demands-out` writes),
    'candidates' for upgrade candidates (`twin rank --candidates`), 'scenario' for other files
    with demands:/topology:/horizon:, else 'topology'.

    Decided by content, not by name: the same `*.yaml` glob feeds `twin validate`.
    """
    keys = top_level_keys(path)  # the loader of the kind builds the file, once
    if "as_of" in keys:
        return "state"
    if keys == {"demands"}:
        return "demands"
    if "candidates" in keys:
        return "candidates"
    if "demands" in keys or "topology" in keys or "horizon" in keys:
        return "scenario"
    return "topology"


def validate_file(path: Path) -> ValidatedFile:
    """Load one file as whichever kind its content says; problems are returned, not raised."""
    kind = "unknown"
    try:
        kind = file_kind(path)
        model: Topology | Scenario | State | tuple[Demand, ...] | CandidateSet
        if kind == "state":
            from twin.loading.state import load_state

            model = load_state(path)
        elif kind == "demands":
            model = load_demands(path)
        elif kind == "candidates":
            from twin.loading.candidates import load_candidates

            model = load_candidates(path)
        elif kind == "scenario":
            from twin.loading.scenario import load_scenario

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


def validation_report(
    paths: Sequence[Path], name: Callable[[str], str] | None = None
) -> ValidationReport:
    """Every file's kind, what it holds and its problems; `name` shows a parameter's problem
    under the name its caller knows it by (the CLI: an option), as `Problem.rendered` does."""
    from twin.results.validate import FileValidation, ValidationReport

    return ValidationReport(
        tuple(
            FileValidation.of(r.path, r.kind, r.model, tuple(p.rendered(name) for p in r.problems))
            for r in validate_files(paths)
        )
    )


def validate_paths(paths: Sequence[Path]) -> list[Problem]:
    """Every problem in every file, in file order; an empty list means all files are valid."""
    return [p for result in validate_files(paths) for p in result.problems]
