"""The CI gate as a library call: load scenarios, evaluate every declared assertion.

`twin check` and the notebook's `twin.check` both call `check`; Monte Carlo assertions are run
here, one layer above the analysis that judges them, so analysis never imports the simulator.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from twin.analysis.checks import CheckOptions, MonteCarloFn, RestorationFn, evaluate
from twin.errors import InputError, Problem
from twin.loading import file_kind, load_scenario, with_state
from twin.model import Scenario
from twin.montecarlo import replicate, run_replications
from twin.option_values import require_replications, require_workers
from twin.outlook import OUTLOOK, restored_by
from twin.results.check import CheckReport

DEFAULT_SCENARIOS = Path("scenarios")


def scenario_paths(paths: Sequence[str | Path]) -> list[Path]:
    """The scenario files `paths` name: files as given, directories by their *.yaml/*.yml.

    Upgrade candidates files (`scenarios/upgrades.yaml`, for `twin rank --candidates`) are
    left out: they declare no checks, and `twin check scenarios/*.yaml` must keep working."""
    found: list[Path] = []
    for path in map(Path, paths or [DEFAULT_SCENARIOS]):
        if path.is_dir():
            found.extend(sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")))
        elif path.exists():
            found.append(path)
        else:
            raise InputError.about(str(path), "no such file or directory", "give scenario files")
    return [p for p in found if not _candidates_file(p)]


def _candidates_file(path: Path) -> bool:
    try:
        return file_kind(path) == "candidates"
    except InputError:  # unreadable: loading it as a scenario reports why, with the others
        return False


def require_assertions(given: Sequence[str | Path], loaded: Sequence[Scenario]) -> None:
    """Refuse a gate that would check nothing: no scenario files, or none declaring checks.

    "all 0 assertions hold" passes a CI job pointed at the wrong folder or at scenarios whose
    `checks:` were deleted; a gate must fail loudly instead.
    """
    where = ", ".join(str(p) for p in given or [DEFAULT_SCENARIOS])
    if not loaded:
        raise InputError.about(
            where,
            "no scenario files (*.yaml, *.yml) found: there is nothing to check",
            "give scenario files or a directory holding them (at least one is needed)",
        )
    if not any(s.checks for s in loaded):
        names = ", ".join(s.source_path for s in loaded)
        raise InputError.about(
            where,
            f"none of the {len(loaded)} scenario(s) declares a check ({names}): "
            "there is nothing to check",
            "add a checks: block (at least one assertion), see docs/file-formats.md",
        )


def montecarlo_runner(replications: int, workers: int) -> MonteCarloFn:
    """Monte Carlo SLA availability of one demand: (mean, low, high) of its 95 % interval."""

    def run(scenario: Scenario, demand_id: str) -> tuple[float, float, float]:
        result = run_replications(scenario, replications=replications, workers=workers)
        stats = result.demand(demand_id).sla_availability
        return stats.mean, stats.low, stats.high

    return run


def restoration_runner(replications: int, workers: int) -> RestorationFn:
    """P(a demand restored by a time) from the scenario's state: (p, low, high), Wilson 95 %."""

    def run(scenario: Scenario, demand_id: str, within_h: float) -> tuple[float, float, float]:
        runs = replicate(scenario, OUTLOOK, replications=replications, workers=workers)
        p = restored_by([sample[demand_id] for sample in runs.values], within_h)
        return p.p, p.low, p.high

    return run


def check(
    scenarios: Sequence[str | Path] = (),
    *,
    replications: int = 20,
    workers: int = 1,
    state: str | Path | None = None,
) -> CheckReport:
    """Evaluate every assertion the scenarios declare (their `checks:` blocks).

    `scenarios` are files or directories (default: `scenarios/`). Every file is loaded before
    any is evaluated, so all input problems are reported together (InputError). Assertions with
    `method: montecarlo` use `replications` replications on `workers` processes.
    `state` (a state file) starts every scenario from the network as it is then, replacing
    a state a scenario names. `report.passed` is the gate's answer.
    """
    require_replications(replications)
    require_workers(workers)
    problems: list[Problem] = []
    loaded: list[Scenario] = []
    for path in scenario_paths(scenarios):
        try:
            scenario = load_scenario(path)
            loaded.append(scenario if state is None else with_state(scenario, state))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    require_assertions(scenarios, loaded)
    runner = montecarlo_runner(replications, workers)
    restoration = restoration_runner(replications, workers)
    return evaluate(loaded, CheckOptions(replications, workers, runner, restoration))
