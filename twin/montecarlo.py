"""Replications, confidence intervals, a precision stopping rule, and executors.

One simulated decade is one sample. Here a scenario is run `N` times with independent random
streams (replication index `i` goes into every element's streams: `seed/i/kind:id/purpose`),
and each demand's measures are reported as a mean with a 95 % confidence interval (exact
Student t quantile over the replication values).

Reproducibility: results are identical whatever the executor (in-process, a process pool, a
Dask cluster) and however many workers, because (1) replication `i` depends only on
`(scenario, seed, i)`, (2) aggregation is in replication-index order, never completion order,
and (3) the precision rule looks only at complete batches whose boundaries are fixed in advance
(`batch_size` replications), so the number of replications does not depend on timing.

Interrupting (Ctrl-C) stops submitting work, keeps the contiguous prefix of replications already
finished, and returns it marked `partial`.

`run_replications` keeps the availability measures of each run and aggregates them;
`replicate` runs the same replications and keeps any other `Measure` of each run (the
back-test's restoration times), through the same executors.
"""

from __future__ import annotations

import functools
import itertools
import math
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from twin import student_t
from twin.dask_client import DASK_CONNECT_TIMEOUT_S, connect
from twin.errors import InputError, option
from twin.interrupts import Interrupts, ignore_sigint, sigint_deferred
from twin.model import Demand, Scenario
from twin.montecarlo_rare import (
    CONDITIONAL,
    PLAIN,
    RARE_MODES,
    RareMode,
    choose_conditional,
    conditional_figures,
    followed,
    totals,
)
from twin.option_values import (
    require_positive,
    require_replications,
    require_workers,
    usable_workers,
)
from twin.outlook import OutlookSample, outlook_of, outlook_samples
from twin.provenance import file_record
from twin.results import SimulationResult
from twin.results.montecarlo import DemandStats, Interval, LinkStats, MonteCarloResult
from twin.results.outlook import Outlook
from twin.results.records import NO_PATH_AT_START, cause_elements
from twin.sim.engine import Simulator, calendar_matters, simulate_corrected
from twin.units import HOURS_PER_YEAR

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

DEFAULT_BATCH = 8
PROGRESS_INTERVAL_S = 0.25
# How many of a demand's outage causes the result keeps (the report names the first).
TOP_CAUSES = 3


@functools.lru_cache(maxsize=1024)
def t95(dof: int) -> float:
    """Two-sided 95 % Student t quantile, exact for every `dof` (see `twin.student_t`).

    Cached: the stopping rule recomputes every demand's interval after each batch, always at
    one of a few degrees of freedom.
    """
    if dof <= 0:
        return math.inf
    return student_t.quantile(0.975, dof)


def interval_of(values: Sequence[float], clip: tuple[float, float] | None = None) -> Interval:
    """The mean of `values` and its 95 % interval (exact t quantile), clipped to `clip`."""
    n = len(values)
    mean = math.fsum(values) / n if values else math.nan
    if n < 2:
        low, high = -math.inf, math.inf
    else:
        # Two-pass sample variance over correctly rounded sums: as deterministic as
        # statistics.stdev and far cheaper (it works in exact fractions), which matters
        # because the stopping rule recomputes every interval after each batch.
        variance = math.fsum((x - mean) ** 2 for x in values) / (n - 1)
        half = t95(n - 1) * math.sqrt(variance) / math.sqrt(n)
        low, high = mean - half, mean + half
    if clip is not None:
        low, high = max(clip[0], low), min(clip[1], high)
    return Interval(mean, low, high, n)


@dataclass(frozen=True)
class _Sample:
    """What one replication contributes (small, so it travels cheaply between processes)."""

    availability: dict[str, float]
    sla_availability: dict[str, float]
    downtime_min_per_year: dict[str, float]
    sla_downtime_min_per_year: dict[str, float]
    lost_gbit: dict[str, float]
    over_rtt_share: dict[str, float]
    # The conditional estimator's figures for the demands it followed (`twin.sim.rare`), in
    # `_Figures` order; unbiased like the plain ones, with far less variance for rare outages.
    conditional: dict[str, tuple[float, ...]]
    # demand -> {cause: (outages, hours down)}, causes in first-seen order
    causes: dict[str, dict[str, tuple[int, float]]] = field(default_factory=dict)
    # link -> (failures, hours down) over the replication's horizon
    links: dict[str, tuple[int, float]] = field(default_factory=dict)
    # demand -> its outlook from the state (empty when the run started from everything up)
    outlook: dict[str, OutlookSample] = field(default_factory=dict)
    # The run's own notes (e.g. a calendar not applied), for the result to pass on
    notes: tuple[str, ...] = ()


def outage_cause_key(result: SimulationResult, caused_by: Sequence[int]) -> str:
    """What a demand's outage is blamed on: the elements whose faults cut its last path
    (joined with "," when several went at once), from the run's element outage records."""
    elements = cause_elements(result.element_outages, caused_by)
    return ",".join(elements) if elements else NO_PATH_AT_START


def _causes(result: SimulationResult) -> dict[str, dict[str, tuple[int, float]]]:
    out: dict[str, dict[str, tuple[int, float]]] = {}
    for d in result.demands:
        per: dict[str, tuple[int, float]] = {}
        for outage in d.outages:
            key = outage_cause_key(result, outage.caused_by)
            count, hours = per.get(key, (0, 0.0))
            per[key] = (count + 1, hours + outage.duration_h)
        out[d.id] = per
    return out


def _sample(
    result: SimulationResult,
    from_state: bool = False,
    corrections: Sequence[Sequence[float]] = (),
    corrected: frozenset[str] = frozenset(),
) -> _Sample:
    conditional = {
        d.id: conditional_figures(d, result.horizon_h, c)
        for d, c in zip(result.demands, corrections, strict=False)
        if d.id in corrected
    }
    return _Sample(
        {d.id: d.availability for d in result.demands},
        {d.id: d.sla_availability for d in result.demands},
        {d.id: d.downtime_min_per_year for d in result.demands},
        {d.id: d.sla_downtime_min_per_year for d in result.demands},
        {d.id: d.traffic_lost_gbit for d in result.demands},
        {d.id: d.over_rtt_share for d in result.demands},
        conditional,
        _causes(result),
        {lk.id: (lk.failures, lk.downtime_h) for lk in result.links},
        outlook_samples(result) if from_state else {},
        result.notes,
    )


def demand_figures(sample: _Sample, demand_id: str, conditional: bool) -> tuple[float, ...]:
    """One replication's figures for a demand (`twin.montecarlo_rare.FIGURES` order) from the
    chosen estimator."""
    if conditional:
        return sample.conditional[demand_id]
    return (
        sample.availability[demand_id],
        sample.sla_availability[demand_id],
        sample.downtime_min_per_year[demand_id],
        sample.sla_downtime_min_per_year[demand_id],
        sample.lost_gbit[demand_id],
        sample.over_rtt_share[demand_id],
    )


def _top_causes(samples: Sequence[_Sample], demand_id: str) -> tuple[tuple[str, float, int], ...]:
    """The causes of a demand's downtime summed over replications (in index order), worst first."""
    totals: dict[str, tuple[int, float]] = {}
    for s in samples:
        for cause, (count, hours) in s.causes.get(demand_id, {}).items():
            c, h = totals.get(cause, (0, 0.0))
            totals[cause] = (c + count, h + hours)
    all_h = sum(h for _, h in totals.values())
    if all_h <= 0:
        return ()
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))
    return tuple((cause, hours / all_h, count) for cause, (count, hours) in ranked[:TOP_CAUSES])


class Measure(Protocol[T_co]):
    """What a replication keeps of its run: a picklable callable (a top-level function or a
    frozen dataclass), so process pools and Dask can ship it with the task. `timeline` says
    whether the measure reads the run's timeline (building it costs a share of a run)."""

    @property
    def timeline(self) -> bool: ...

    def __call__(self, result: SimulationResult) -> T_co: ...


@dataclass(frozen=True)
class _AvailabilityMeasure:
    """The measures `twin run` aggregates (availability, downtime, causes, links); with
    `conditional`, also the conditional estimator's figures for those demands."""

    timeline: bool = False
    from_state: bool = False
    conditional: frozenset[str] = frozenset()

    def __call__(self, result: SimulationResult) -> _Sample:
        return _sample(result, self.from_state)


AVAILABILITY = _AvailabilityMeasure()
# The same, plus each demand's outlook, for a scenario that starts from a state.
AVAILABILITY_FROM_STATE = _AvailabilityMeasure(from_state=True)


# On a pool or Dask worker: the simulator of the scenario it replicates now. One slot, so its
# bounded caches stay warm across that scenario's replications and go when another comes.
# (In the parent, each run's `_Stream` owns its simulator.)
_SIMULATOR: Simulator | None = None


def _simulator(scenario: Scenario) -> Simulator:
    global _SIMULATOR
    if _SIMULATOR is None or _SIMULATOR.scenario is not scenario:
        _SIMULATOR = Simulator(scenario)
    return _SIMULATOR


def run_one(
    scenario: Scenario, seed: int, replication: int, measure: Measure[Any] = AVAILABILITY
) -> Any:
    """One replication (a top-level function, so process pools and Dask can ship it)."""
    return _measured(_simulator(scenario), seed, replication, measure)


def _measured(simulator: Simulator, seed: int, replication: int, measure: Measure[T_co]) -> T_co:
    if isinstance(measure, _AvailabilityMeasure) and measure.conditional:
        result, corrections = simulate_corrected(
            simulator, seed=seed, replication=replication, demands=sorted(measure.conditional)
        )
        return _sample(result, measure.from_state, corrections, measure.conditional)
    horizon_h = simulator.scenario.horizon_h
    return measure(simulator.engine(seed, replication, horizon_h, measure.timeline).run())


def _install_scenario(scenario: Scenario) -> None:
    """Process-pool initializer: each worker unpickles the scenario once and keeps it.

    Tasks then carry only a replication index, and every replication in a worker runs on the
    same scenario's simulator, so its routing cache stays warm across them.
    """
    _simulator(scenario)
    ignore_sigint()


def run_installed(seed: int, replication: int, measure: Measure[Any] = AVAILABILITY) -> Any:
    """One replication of the scenario installed in this worker process."""
    assert _SIMULATOR is not None, "process pool started without _install_scenario"
    return run_one(_SIMULATOR.scenario, seed, replication, measure)


def _demand_stats(
    scenario: Scenario, samples: Sequence[_Sample], d: Demand, conditional: bool, detail: bool
) -> DemandStats:
    """One demand's intervals from the chosen estimator's figures (`FIGURES` order)."""
    horizon_h = scenario.horizon_h
    rows = [demand_figures(s, d.id, conditional) for s in samples]
    per_year = HOURS_PER_YEAR / horizon_h if horizon_h > 0 else math.nan

    def column(i: int, clip: tuple[float, float], scale: float = 1.0) -> Interval:
        return interval_of([r[i] * scale for r in rows], clip)

    return DemandStats(
        id=d.id,
        availability=column(0, (0.0, 1.0)),
        sla_availability=column(1, (0.0, 1.0)),
        downtime_min_per_year=column(2, (0.0, math.inf)),
        sla_downtime_min_per_year=column(3, (0.0, math.inf)),
        traffic_lost_gbit=column(4, (0.0, math.inf)),
        sla_target=d.sla.availability,
        downtime_causes=_top_causes(samples, d.id) if detail else (),
        source=d.source,
        destination=d.destination,
        estimator=CONDITIONAL if conditional else PLAIN,
        traffic_lost_gbit_per_year=column(4, (0.0, math.inf), per_year),
        over_rtt_share=column(5, (0.0, 1.0)),
        outlook=_outlook(scenario, samples, d.id) if detail else None,
    )


def _totals(
    scenario: Scenario, samples: Sequence[_Sample], conditional: frozenset[str]
) -> tuple[Interval | None, Interval | None]:
    """Network totals per replication (lost Gbit per year, traffic-weighted over-RTT share)."""
    if not samples or scenario.horizon_h <= 0:
        return None, None
    gbps = {d.id: d.gbps for d in scenario.demands}
    lost, over = [], []
    for s in samples:
        figures = {d: demand_figures(s, d, d in conditional) for d in gbps}
        year_lost, share = totals(figures, gbps)
        lost.append(year_lost * HOURS_PER_YEAR / scenario.horizon_h)
        over.append(share)
    return interval_of(lost, (0.0, math.inf)), interval_of(over, (0.0, 1.0))


def aggregate(
    scenario: Scenario,
    seed: int,
    samples: Sequence[_Sample],
    *,
    detail: bool = True,
    conditional: frozenset[str] = frozenset(),
    **extra: Any,
) -> MonteCarloResult:
    """The statistics of `samples`, each demand from its estimator (`conditional` names the
    demands reported through the conditional one). `detail=False` leaves out downtime causes,
    link figures and totals: the stopping rule and the progress bar, which recompute the
    statistics while the workers run, need only the intervals, and the parent shares the
    cores with them."""
    stats = [
        _demand_stats(scenario, samples, d, d.id in conditional, detail) for d in scenario.demands
    ]
    years = len(samples) * scenario.horizon_h / HOURS_PER_YEAR
    links: list[LinkStats] = []
    for link_id in sorted(scenario.topology.links) if detail else ():
        failures = sum(s.links.get(link_id, (0, 0.0))[0] for s in samples)
        hours = math.fsum(s.links.get(link_id, (0, 0.0))[1] for s in samples)
        if years > 0:
            links.append(LinkStats(link_id, failures / years, hours / years))
    if scenario.state is not None:
        extra = {"as_of": scenario.state.as_of, "state_path": scenario.state.source_path} | extra
    lost, over = _totals(scenario, samples, conditional) if detail else (None, None)
    return MonteCarloResult(
        scenario.name,
        seed,
        len(samples),
        tuple(stats),
        links=tuple(links),
        total_traffic_lost_gbit_per_year=lost,
        total_over_rtt_share=over,
        **extra,
    )


def _outlook(scenario: Scenario, samples: Sequence[_Sample], demand_id: str) -> Outlook | None:
    """The demand's outlook from the scenario's state (None without one)."""
    if scenario.state is None:
        return None
    mine = [s.outlook[demand_id] for s in samples if demand_id in s.outlook]
    lost = interval_of([o.sla_minutes_lost for o in mine], (0.0, math.inf))
    return outlook_of(mine, scenario.horizon_h, lost)


def _watched(result: MonteCarloResult, watch: Sequence[str] | None) -> list[DemandStats]:
    if not watch:
        return list(result.demands)
    wanted = set(watch)
    return [d for d in result.demands if d.id in wanted]


def worst_relative_precision(result: MonteCarloResult, watch: Sequence[str] | None = None) -> float:
    """The largest relative half-width among the watched demands (all demands by default)."""
    return max((d.relative_precision() for d in _watched(result, watch)), default=math.inf)


def _precise_enough(
    result: MonteCarloResult, precision: float, watch: Sequence[str] | None = None
) -> bool:
    """Every watched demand's unavailability interval is within `precision` x its mean.

    `watch` narrows the rule to some demands: a demand that is almost never down (Frankfurt-Baku
    in the reference corridor) needs tens of thousands of replications for a tight relative
    interval, and a planner asking about Frankfurt-Almaty should not wait for it.

    A demand never seen down has no relative precision to speak of; it does not hold the run
    back (its unavailability is below about 3 / n horizons at 95 %, the rule of three).
    """
    for d in _watched(result, watch):
        if 1.0 - d.availability.mean <= 0:
            continue
        if d.relative_precision() > precision:
            return False
    return True


def check_options(
    scenario: Scenario,
    replications: int | None,
    precision: float | None,
    max_replications: int,
    workers: int,
    watch: Sequence[str] | None,
) -> None:
    """Refuse option values that would give nonsense (nan tables, an endless loop) up front."""

    def bad(parameter: str, message: str, hint: str) -> InputError:
        return InputError.for_parameter(parameter, message, hint)

    if replications is not None:
        require_replications(replications)
    if precision is not None:
        require_positive(
            "precision", precision, "a relative half-width such as 0.1 (±10 % of unavailability)"
        )
    require_replications(max_replications, "max_replications")
    require_workers(workers)
    known = [d.id for d in scenario.demands]
    for demand_id in watch or ():
        if demand_id not in known:
            raise bad(
                "watch",
                f"scenario {scenario.name} has no demand {demand_id!r}",
                f"choose among {', '.join(known)}",
            )
    if watch and precision is None:
        raise bad(
            "watch",
            f"{option('watch')} chooses the demands the {option('precision')} rule watches",
            f"add {option('precision')} R, or drop {option('watch')} "
            "(every demand is reported anyway)",
        )


ProgressFn = Callable[[int, float], None]


def _executor(
    workers: int, scheduler: str | None, scenario: Scenario
) -> tuple[Any, Callable[[], None]]:
    if scheduler is not None:
        client = connect(scheduler, DASK_CONNECT_TIMEOUT_S)
        return client, client.close
    if workers > 1:
        pool = ProcessPoolExecutor(
            max_workers=workers, initializer=_install_scenario, initargs=(scenario,)
        )
        return pool, lambda: pool.shutdown(wait=False, cancel_futures=True)
    return None, lambda: None


def _result(handle: Any, simulator: Simulator | None, seed: int, measure: Measure[Any]) -> Any:
    if simulator is not None:  # a local run: the handle is ("local", replication)
        return _measured(simulator, seed, handle[1], measure)
    return handle.result()  # concurrent.futures or dask future


class _Stream:
    """Replications submitted a few ahead of the one awaited, results in index order.

    Only `ahead` tasks exist at a time, so memory follows the work done, never the count asked
    for (a million replications allocate nothing up front). Awaiting a result is the one place
    Ctrl-C may abandon (see twin.interrupts).
    """

    def __init__(
        self,
        executor: Any,
        scenario: Scenario,
        seed: int,
        ahead: int,
        measure: Measure[Any] = AVAILABILITY,
    ) -> None:
        self.executor = executor
        self.scenario = scenario
        # Local runs: the simulator whose caches live as long as this run.
        self.simulator = Simulator(scenario) if executor is None else None
        self.seed = seed
        self.measure = measure
        self.ahead = ahead if executor is not None else 1
        self.pending: deque[Any] = deque()
        # Dask: scatter the scenario once, then submit pure tasks keyed by replication.
        self.data = (
            executor.scatter(scenario, broadcast=True)
            if executor is not None and not isinstance(executor, Executor)
            else None
        )

    def _submit(self, replication: int) -> Any:
        if self.executor is None:
            return ("local", replication)
        if isinstance(self.executor, Executor):
            return self.executor.submit(run_installed, self.seed, replication, self.measure)
        return self.executor.submit(
            run_one, self.data, self.seed, replication, self.measure, pure=False
        )

    def results(self, replications: range, interrupts: Interrupts) -> Iterator[Any]:
        upcoming = iter(replications)
        for replication in itertools.islice(upcoming, self.ahead):
            self.pending.append(self._submit(replication))
        while self.pending:
            with interrupts.interruptible():
                sample = _result(self.pending[0], self.simulator, self.seed, self.measure)
            self.pending.popleft()
            following = next(upcoming, None)
            if following is not None:
                self.pending.append(self._submit(following))
            yield sample

    def cancel(self) -> None:
        for handle in self.pending:
            cancel = getattr(handle, "cancel", None)
            if cancel is not None:
                cancel()
        self.pending.clear()


@dataclass(frozen=True)
class Replicated(Generic[T]):
    """What `replicate` returns: one measured value per replication, in replication order
    (0, 1, ...); `partial` when Ctrl-C stopped the run, keeping the finished prefix."""

    seed: int
    values: tuple[T, ...]
    workers: int
    partial: bool = False
    workers_note: str = ""


def replicate(
    scenario: Scenario,
    measure: Measure[T],
    *,
    replications: int,
    workers: int = 1,
    scheduler: str | None = None,
    seed: int | None = None,
) -> Replicated[T]:
    """Run replications 0 .. `replications` - 1 of `scenario` and keep `measure` of each.

    The same streams, executors, worker cap and Ctrl-C handling as `run_replications` (so the
    values are the same whatever `workers`), for a caller that wants its own measure of each
    run rather than the availability statistics: `twin backtest` reads restoration times.
    """
    require_replications(replications)
    require_workers(workers)
    seed_value = scenario.seed if seed is None else seed
    used, note = usable_workers(workers, replications) if scheduler is None else (workers, "")
    values: list[T] = []
    partial = False
    with sigint_deferred() as interrupts:
        executor, close = _executor(used, scheduler, scenario)
        stream = _Stream(executor, scenario, seed_value, ahead=2 * used, measure=measure)
        try:
            for value in stream.results(range(replications), interrupts):
                values.append(value)  # one at a time: Ctrl-C keeps those finished
        except KeyboardInterrupt:
            stream.cancel()
            partial = True
        finally:
            close()
    return Replicated(seed_value, tuple(values), used, partial, note)


def run_replications(
    scenario: Scenario,
    *,
    replications: int | None = None,
    precision: float | None = None,
    max_replications: int = 1000,
    min_replications: int = 8,
    batch_size: int = DEFAULT_BATCH,
    workers: int = 1,
    scheduler: str | None = None,
    seed: int | None = None,
    progress: ProgressFn | None = None,
    watch: Sequence[str] | None = None,
    rare_events: RareMode | None = None,
) -> MonteCarloResult:
    """Run replications 0, 1, 2, ... until `replications` are done or `precision` is reached.

    With both, `replications` is the cap of the precision rule (instead of `max_replications`).
    `watch` restricts the precision rule to those demand ids (all demands when empty).
    `rare_events` (default: the scenario's, else "auto") says which demands the conditional
    estimator reports (`twin.montecarlo_rare`): those of small pilot unavailability, all
    watched ones, or none.
    Raises InputError for option values that cannot mean anything (see `check_options`).
    """
    check_options(scenario, replications, precision, max_replications, workers, watch)
    mode = _rare_mode(rare_events, scenario)
    seed_value = scenario.seed if seed is None else seed
    if replications is None and precision is None:
        replications = 20
    target = replications if replications is not None else max_replications
    watched = tuple(d.id for d in scenario.demands if not watch or d.id in set(watch))
    rare = _Rare(mode, watched, max(batch_size, min_replications))
    workers, workers_note = usable_workers(workers, target) if scheduler is None else (workers, "")
    samples: list[_Sample] = []
    partial, reason = False, ""
    reached: bool | None = None
    report = _Progress(progress, scenario, seed_value, watched, rare)
    with sigint_deferred() as interrupts:
        executor, close = _executor(workers, scheduler, scenario)
        stream = _Stream(
            executor, scenario, seed_value, 2 * workers, rare.measure(scenario.state is not None)
        )
        try:
            next_index = 0
            while next_index < target:
                size = _batch_size(next_index, target, precision, batch_size, min_replications)
                batch = range(next_index, min(target, next_index + rare.limit(next_index, size)))
                # In replication order: the result never depends on which finished first.
                for sample in stream.results(batch, interrupts):
                    samples.append(sample)
                    report(samples, batch.stop)
                next_index = batch.stop
                if rare.decide(next_index, samples):
                    stream.measure = rare.measure(scenario.state is not None)
                if precision is not None and next_index >= min_replications:
                    current = aggregate(
                        scenario, seed_value, samples, detail=False, conditional=rare.chosen
                    )
                    if _precise_enough(current, precision, watched):
                        reached = True
                        break
        except KeyboardInterrupt:
            stream.cancel()
            partial, reason = True, "interrupted"
        finally:
            close()
        if precision is not None and reached is None and not partial:
            reached = False
        return _finish(
            scenario,
            seed_value,
            samples,
            partial,
            reason,
            precision,
            reached,
            replications,
            max_replications,
            watched,
            workers_note,
            rare,
        )


def _batch_size(
    next_index: int, target: int, precision: float | None, batch_size: int, min_replications: int
) -> int:
    """How many replications to run before looking at the statistics again: all of them for a
    fixed count; for a precision target a batch, and at least up to `min_replications` (a
    precision from fewer samples is not worth trusting)."""
    if precision is not None:
        return max(batch_size, min_replications - next_index)
    return target - next_index


class _Progress:
    """Tells a progress callback how many replications are done and the worst precision.

    Statistics over all samples cost O(n): the worst precision for the display is recomputed a
    few times a second (PROGRESS_INTERVAL_S) and at each batch's end only.
    """

    def __init__(
        self,
        progress: ProgressFn | None,
        scenario: Scenario,
        seed_value: int,
        watched: tuple[str, ...],
        rare: _Rare,
    ) -> None:
        self.progress = progress
        self.scenario = scenario
        self.seed_value = seed_value
        self.watched = watched
        self.rare = rare
        self.last_stats_at = -math.inf
        self.worst = math.inf

    def __call__(self, samples: list[_Sample], batch_stop: int) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if now - self.last_stats_at >= PROGRESS_INTERVAL_S or len(samples) == batch_stop:
            self.last_stats_at = now
            current = aggregate(
                self.scenario, self.seed_value, samples, detail=False, conditional=self.rare.chosen
            )
            self.worst = worst_relative_precision(current, self.watched)
        self.progress(len(samples), self.worst)


def _finish(
    scenario: Scenario,
    seed_value: int,
    samples: list[_Sample],
    partial: bool,
    reason: str,
    precision: float | None,
    reached: bool | None,
    replications: int | None,
    max_replications: int,
    watched: tuple[str, ...],
    workers_note: str,
    rare: _Rare,
) -> MonteCarloResult:
    """The result of the replications run, partial or complete, with its notes."""
    notes: tuple[str, ...] = (workers_note,) if workers_note else ()
    # What any replication noted, once each, in the order first noted (replication order).
    notes += tuple(dict.fromkeys(note for sample in samples for note in sample.notes))
    if precision is not None and reached is False:
        cap = (
            f"the {replications} replications asked for"
            if replications is not None
            else f"the cap of {max_replications} replications (max_replications)"
        )
        notes += (f"precision {precision:g} not reached within {cap}",)
    return aggregate(
        scenario,
        seed_value,
        samples,
        partial=partial,
        reason=reason,
        precision_target=precision,
        precision_reached=reached,
        notes=notes,
        topology=scenario.topology.name,
        scenario_input=file_record(scenario.source_path),
        topology_input=file_record(scenario.topology_path),
        horizon_h=scenario.horizon_h,
        precision_demands=watched if precision is not None else (),
        conditional=rare.chosen,
        rare_events=rare.mode,
    )


def _rare_mode(asked: RareMode | None, scenario: Scenario) -> RareMode:
    """The rare-event mode: the caller's, else the scenario's, else auto; always off for a run
    from a state (its faults start outside the lives the estimator follows, and the
    question there is the restoration, not a steady-state rarity), and for a run whose rates or
    repairs follow the calendar (the estimator assumes constant rates and window-free repairs)."""
    mode = asked if asked is not None else scenario.rare_events
    if mode not in RARE_MODES:
        raise InputError.at(
            "rare_events", 0, 0, f"unknown rare-event mode {mode!r}", "use auto, on or off"
        )
    return "off" if scenario.state is not None or calendar_matters(scenario) else mode


class _Rare:
    """The conditional estimator's plan for a run: which demands the replications follow,
    and (after the pilot, the first `pilot` replications) which ones it reports."""

    def __init__(self, mode: RareMode, watched: Sequence[str], pilot: int) -> None:
        self.mode = mode
        self.watched = tuple(watched)
        self.pilot = pilot if mode == "auto" else 0
        self.following = followed(mode, watched)
        self.chosen = self.following if mode == "on" else frozenset()

    def measure(self, from_state: bool) -> _AvailabilityMeasure:
        self.from_state = from_state
        return _AvailabilityMeasure(from_state=from_state, conditional=self.following)

    def limit(self, start: int, size: int) -> int:
        """Batches end at the pilot's end, so the decision comes at a fixed replication."""
        if start < self.pilot:
            return min(size, self.pilot - start)
        return size

    def decide(self, done: int, samples: Sequence[_Sample]) -> bool:
        """After the pilot: choose, and follow only the chosen demands from then on."""
        if done != self.pilot or self.pilot == 0:
            return False
        self.chosen = choose_conditional(self.mode, self.watched, [s.conditional for s in samples])
        changed = self.chosen != self.following
        self.following = self.chosen
        return changed
