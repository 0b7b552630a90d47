"""Run the incident library: every incident scenario many times, each reported restoration
scored against its modelled distribution (`twin backtest`).

Each incident is replayed from its start state (scheduled cuts at t = 0 with `restore:
repair`) for `replications` replications through `twin.montecarlo.replicate`, so the streams,
executors and ordering are those of `twin run`: the same seed gives the same numbers whatever
the number of workers. Every file is loaded and checked before the first replication runs.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path

from twin.backtest.measure import RestoreTimes
from twin.backtest.scoring import (
    crps,
    crps_log,
    inside_band,
    percentile,
    probability_between,
    quantile,
)
from twin.errors import InputError, Problem
from twin.interrupts import sigint_deferred
from twin.loading import load_scenario
from twin.model import Observation, Scenario
from twin.montecarlo import replicate
from twin.option_values import require_replications, require_workers, usable_workers
from twin.provenance import file_sha256
from twin.results.backtest import (
    BacktestResult,
    BacktestSummary,
    IncidentResult,
    ObservationScore,
)

# 400 replications of the whole library take about 4 s on the 2-core reference machine when it
# is idle (bench/results.md); the 10 % and 90 % quantiles of 400 draws are within about +-1.5
# percentile points of the true ones (binomial standard error sqrt(0.09 / 400)).
DEFAULT_REPLICATIONS = 400
LOG_SCORE_NOTE = (
    "not computed: a log score needs the modelled density at the reported time, and these "
    "distributions have point masses (a fixed mobilisation plus a queue) and reported times in "
    "their tails, where a kernel estimate from a sample is set by the bandwidth, not the model"
)

ProgressFn = Callable[[str, int, int], None]


def incident_files(path: Path) -> list[Path]:
    """The scenario files of an incident library: a directory's *.yaml (sorted), or one file."""
    if path.is_dir():
        files = sorted(p for p in path.glob("*.yaml") if p.is_file())
        if not files:
            raise InputError.about(
                str(path), "no incident scenarios (*.yaml) in this directory", ""
            )
        return files
    if not path.is_file():
        raise InputError.about(
            str(path), "no such file or directory", "default: scenarios/incidents"
        )
    return [path]


def load_incidents(files: Sequence[Path]) -> list[Scenario]:
    """Every incident, checked; all files' problems are reported together."""
    problems: list[Problem] = []
    scenarios: list[Scenario] = []
    for path in files:
        try:
            scenario = load_scenario(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if not scenario.observed:
            problems.append(
                Problem(
                    str(path),
                    1,
                    1,
                    "an incident scenario needs an observed: block (what the reports say)",
                    "add observed: [{restored_h, range_h, measure, elements or demand, "
                    "sources}]; see scenarios/incidents/README.md",
                )
            )
        scenarios.append(scenario)
    if problems:
        raise InputError(problems)
    return scenarios


def score(
    observation: Observation, values: Sequence[float | None], horizon_h: float
) -> ObservationScore:
    """One observation against the modelled times of its replications (censored runs count
    at the horizon, a lower bound of their restoration time)."""
    samples = [horizon_h if v is None else v for v in values]
    reported = observation.restored_h
    low_h, high_h = observation.range_h
    return ObservationScore(
        id=observation.id,
        measure=observation.measure,
        target=observation.elements or ((observation.demand,) if observation.demand else ()),
        reported_h=reported,
        reported_range_h=(low_h, high_h),
        p10_h=quantile(samples, 0.1),
        p50_h=quantile(samples, 0.5),
        p90_h=quantile(samples, 0.9),
        mean_h=math.fsum(samples) / len(samples),
        percentile=percentile(samples, reported),
        inside_band=inside_band(samples, reported),
        p_reported_range=probability_between(samples, low_h, high_h),
        crps_h=crps(samples, reported),
        crps_log=crps_log(samples, reported),
        samples=len(samples),
        censored=sum(1 for v in values if v is None),
        sources=observation.sources,
        note=observation.note,
    )


def summarise(incidents: Sequence[IncidentResult]) -> BacktestSummary:
    """Coverage of the 10-90 % band and the mean scores over every observation."""
    scores = [o for i in incidents for o in i.observations]
    n = len(scores)
    inside = sum(1 for o in scores if o.inside_band)
    nan = math.nan
    return BacktestSummary(
        observations=n,
        inside_band=inside,
        coverage=inside / n if n else nan,
        mean_crps_h=math.fsum(o.crps_h for o in scores) / n if n else nan,
        mean_crps_log=math.fsum(o.crps_log for o in scores) / n if n else nan,
        median_percentile=statistics.median(o.percentile for o in scores) if n else nan,
        log_score=None,
        log_score_note=LOG_SCORE_NOTE,
    )


def run_incident(
    scenario: Scenario, replications: int, workers: int
) -> tuple[IncidentResult, bool]:
    """One incident's replications and scores; True when Ctrl-C cut its replications short."""
    measure = RestoreTimes(scenario.observed)
    done = replicate(scenario, measure, replications=replications, workers=workers)
    scores: tuple[ObservationScore, ...] = ()
    if done.values:
        scores = tuple(
            score(obs, [v[k] for v in done.values], scenario.horizon_h)
            for k, obs in enumerate(scenario.observed)
        )
    result = IncidentResult(
        scenario=scenario.name,
        description=scenario.description,
        scenario_path=scenario.source_path,
        scenario_sha256=file_sha256(scenario.source_path),
        seed=done.seed,
        replications=len(done.values),
        horizon_h=scenario.horizon_h,
        observations=scores,
    )
    return result, done.partial


def backtest(
    path: str | Path,
    *,
    replications: int = DEFAULT_REPLICATIONS,
    workers: int = 1,
    progress: ProgressFn | None = None,
) -> BacktestResult:
    """Back-test the incident library at `path` (a directory of incident scenarios, or one).

    `workers` is capped at the usable cores. Ctrl-C keeps the incidents finished so far (and
    the finished replications of the one running) and marks the result partial.
    """
    require_replications(replications)
    require_workers(workers)
    used, note = usable_workers(workers, replications)
    scenarios = load_incidents(incident_files(Path(path)))
    done: list[IncidentResult] = []
    partial = False
    with sigint_deferred() as interrupts:
        for position, scenario in enumerate(scenarios):
            try:
                with interrupts.interruptible():
                    if progress is not None:
                        progress(scenario.name, position, len(scenarios))
                incident, partial = run_incident(scenario, replications, used)
            except KeyboardInterrupt:
                partial = True
                break
            done.append(incident)
            if partial or interrupts.requested:
                partial = True
                break
    return BacktestResult(
        replications=replications,
        workers=used,
        incidents=tuple(done),
        summary=summarise(done),
        partial=partial,
        reason="interrupted" if partial else "",
        notes=(note,) if note else (),
    )
