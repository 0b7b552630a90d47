"""`twin rank`: what to fix first, by minutes of SLA downtime a year saved.

Importance (`rank_importance`): every link, node, SRLG and failure class never failing, or
repaired in half the time, valued by the analytic engine (`twin.analysis.importance`: exact
where it is exact, certified bounds where it gives bounds; one topology variant per element
and measure, a few milliseconds each on a backbone); every repair resource with one more unit,
valued by simulation, since queues for ships and crews exist only there.

Upgrades (`rank_upgrades`): each candidate of a candidates file alone, then the best set
within a budget, greedily (most minutes saved per unit of cost, re-valued after each pick: two
routes around one cable overlap) and, for a small candidate set, by valuing every affordable
set (`EXACT_CHECK_MAX`). A set is valued analytically unless one of its candidates changes a
repair resource; then by simulation.

Simulation is paired: the variant runs the same replications with the same seed as the base,
and every element draws from its own streams (`seed/replication/kind:id/purpose`), so both
see the same failures and repair draws (common random numbers) and the difference comes from
the change, not from luck. The interval is the 95 % Student t interval of the per-replication
differences. One extra unit changes who waits for whom, so each resource variant is its own
run: there is no one-pass estimator for a queue's capacity.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from twin.analysis.availability import Settings
from twin.analysis.importance import (
    Downtime,
    demand_downtimes,
    method_of,
    saved_between,
    traffic_weights,
    weighted_total,
)
from twin.analysis.importance import analytic_importance as _analytic_importance
from twin.analysis.upgrades import with_candidates
from twin.candidates import Candidate, CandidateSet
from twin.errors import InputError
from twin.model import Scenario
from twin.montecarlo import interval_of, replicate
from twin.option_values import require_replications, require_workers
from twin.results import SimulationResult
from twin.results.rank import (
    CandidateOutcome,
    DemandBase,
    ImportanceEntry,
    Plan,
    RankResult,
    Saved,
    UpgradeResult,
)

DEFAULT_REPLICATIONS = 100
# Called after each valuation (an analytic element, a simulated variant): a progress bar.
Tick = Callable[[], None]
# Sets of candidates valued one by one for the exact check: 2^12 analytic valuations take a
# few seconds; simulated ones a full Monte Carlo run each, so far fewer are allowed.
EXACT_CHECK_MAX = 12
MAX_SIMULATED_SETS = 32
ANALYTIC_NOTE = (
    "analytic figures: steady-state unavailability, a demand down when no path is up (no "
    "RTT budget, failover interruptions, mobilisation or queues for repair resources)"
)


@dataclass(frozen=True)
class _SlaDowntime:
    """What a replication keeps: each demand's SLA downtime in minutes a year."""

    timeline: bool = False

    def __call__(self, result: SimulationResult) -> tuple[float, ...]:
        return tuple(d.sla_downtime_min_per_year for d in result.demands)


def _simulation_method(n: int) -> str:
    return f"simulation: {n} paired replications, common random numbers, 95% t interval"


def paired_saved(
    base: Sequence[Sequence[float]], variant: Sequence[Sequence[float]], weights: Sequence[float]
) -> tuple[list[Saved], Saved]:
    """Per demand and traffic-weighted total: the mean of base - variant over paired
    replications with its 95 % t interval (the pairs share random numbers)."""
    n = min(len(base), len(variant))
    method = _simulation_method(n)
    per: list[Saved] = []
    for d in range(len(weights)):
        iv = interval_of([base[r][d] - variant[r][d] for r in range(n)])
        per.append(Saved(iv.mean, iv.low, iv.high, method))
    totals = [
        math.fsum(w * (base[r][d] - variant[r][d]) for d, w in enumerate(weights)) for r in range(n)
    ]
    iv = interval_of(totals)
    return per, Saved(iv.mean, iv.low, iv.high, method)


class _Simulator:
    """Runs the base once and each variant with the same seed and replications."""

    def __init__(
        self,
        scenario: Scenario,
        replications: int,
        workers: int,
        seed: int,
        tick: Tick | None = None,
    ) -> None:
        self.scenario, self.replications, self.workers, self.seed = (
            scenario,
            replications,
            workers,
            seed,
        )
        self.tick = tick
        self.partial = False
        self._base: tuple[tuple[float, ...], ...] | None = None

    def _run(self, scenario: Scenario) -> tuple[tuple[float, ...], ...]:
        done = replicate(
            scenario,
            _SlaDowntime(),
            replications=self.replications,
            workers=self.workers,
            seed=self.seed,
        )
        self.partial = self.partial or done.partial
        if self.tick is not None:
            self.tick()
        return done.values

    def saved(self, variant: Scenario) -> tuple[list[Saved], Saved]:
        if self._base is None:
            self._base = self._run(self.scenario)
        if self.partial:
            raise KeyboardInterrupt
        values = self._run(variant)
        if self.partial or len(values) < 2:
            raise KeyboardInterrupt
        return paired_saved(self._base, values, traffic_weights(self.scenario))


def _demand_bases(scenario: Scenario, base: Sequence[Downtime]) -> tuple[DemandBase, ...]:
    weights = traffic_weights(scenario)
    return tuple(
        DemandBase(d.id, d.gbps, w, b.value, method_of(b.exact))
        for d, w, b in zip(scenario.demands, weights, base, strict=True)
    )


def _resource_entries(
    scenario: Scenario, simulator: _Simulator
) -> tuple[list[ImportanceEntry], bool]:
    entries: list[ImportanceEntry] = []
    for resource in scenario.repair_resources:
        more = tuple(
            replace(r, count=r.count + 1) if r.id == resource.id else r
            for r in scenario.repair_resources
        )
        try:
            per, total = simulator.saved(replace(scenario, repair_resources=more))
        except KeyboardInterrupt:
            return entries, True
        for d, s in zip(scenario.demands, per, strict=True):
            entries.append(
                ImportanceEntry(resource.id, "repair-resource", "plus-one-unit", d.id, s)
            )
        entries.append(
            ImportanceEntry(resource.id, "repair-resource", "plus-one-unit", None, total)
        )
    return entries, False


def rank_importance(
    scenario: Scenario,
    *,
    replications: int = DEFAULT_REPLICATIONS,
    workers: int = 1,
    seed: int | None = None,
    settings: Settings | None = None,
    stop: Callable[[], bool] | None = None,
    tick: Tick | None = None,
) -> RankResult:
    """Minutes of SLA downtime a year each element would save, per demand and in total.

    Raises the analytic engine's `ExactTooLarge` / `BeyondAnalytic` for a network it cannot
    analyse (both bad input: the CLI exits 2)."""
    require_replications(replications)
    require_workers(workers)
    settings = settings or Settings()
    seed_value = scenario.seed if seed is None else seed
    base = demand_downtimes(scenario.topology, scenario, settings)
    entries, partial = _analytic_importance(scenario, base, settings, stop, tick)
    notes = [ANALYTIC_NOTE, *_model_notes(scenario)]
    if scenario.repair_resources and not partial:
        simulator = _Simulator(scenario, replications, workers, seed_value, tick)
        more, partial = _resource_entries(scenario, simulator)
        entries += more
        notes.append(
            "repair resources: one more unit each, simulated against the base with common "
            f"random numbers ({replications} replications of {scenario.horizon_h:g} h, seed "
            f"{seed_value}); one variant run per resource, as a queue has no one-pass estimator"
        )
    if partial:
        notes.append("interrupted: the entries valued before Ctrl-C")
    return RankResult(
        scenario.name,
        scenario.topology.name,
        _demand_bases(scenario, base),
        tuple(entries),
        replications if scenario.repair_resources else 0,
        seed_value,
        tuple(notes),
        partial,
    )


def _model_notes(scenario: Scenario) -> list[str]:
    """What a reader must know when the scenario's own model is not the steady state."""
    notes = []
    if not scenario.stochastic_failures:
        notes.append(
            "the scenario has no stochastic failures: the analytic figures are the "
            "topology's failure classes in steady state, not the scenario's scheduled events"
        )
    if scenario.events and scenario.stochastic_failures:
        notes.append("scheduled events are in the simulated figures only")
    return notes


# --- upgrades --------------------------------------------------------------------------------


Valuation = tuple[tuple[Saved, ...], Saved]


class _Valuer:
    """Values a set of candidates once (cached by the set): analytic, or simulated when one
    of them changes a repair resource, or always simulated (`simulate_all`) so that sets
    compared with each other are valued on one basis."""

    def __init__(
        self,
        scenario: Scenario,
        simulator: _Simulator,
        settings: Settings,
        simulate_all: bool = False,
    ) -> None:
        self.scenario, self.simulator, self.settings = scenario, simulator, settings
        self.simulate_all = simulate_all
        self.base = demand_downtimes(scenario.topology, scenario, settings)
        self.weights = traffic_weights(scenario)
        self.cache: dict[frozenset[str], Valuation] = {}
        self.simulated = 0

    def value(self, chosen: Sequence[Candidate]) -> Valuation:
        key = frozenset(c.id for c in chosen)
        if key in self.cache:
            return self.cache[key]
        if not chosen:
            zero = Saved(0.0, 0.0, 0.0, method_of(True))
            found: Valuation = ((zero,) * len(self.weights), zero)
        elif self.simulate_all or any(c.needs_simulation for c in chosen):
            self.simulated += 1
            per, total = self.simulator.saved(with_candidates(self.scenario, chosen))
            found = (tuple(per), total)
        else:
            variant = with_candidates(self.scenario, chosen)
            after = demand_downtimes(variant.topology, variant, self.settings)
            per = [saved_between(b, a) for b, a in zip(self.base, after, strict=True)]
            found = (tuple(per), weighted_total(per, self.weights))
        self.cache[key] = found
        return found


def _greedy(candidates: Sequence[Candidate], budget: float, valuer: _Valuer) -> Plan:
    chosen: list[Candidate] = []
    spent = 0.0
    current = valuer.value(chosen)[1].value
    while True:
        best: tuple[float, float, str, Candidate] | None = None
        for c in candidates:
            if c in chosen or spent + c.cost > budget:
                continue
            gain = valuer.value([*chosen, c])[1].value - current
            if gain <= 0:
                continue
            ratio = gain / c.cost if c.cost > 0 else math.inf
            key = (ratio, gain, c.id, c)
            if best is None or key[:2] > best[:2] or (key[:2] == best[:2] and c.id < best[2]):
                best = key
        if best is None:
            break
        chosen.append(best[3])
        spent += best[3].cost
        current = valuer.value(chosen)[1].value
    ordered = sorted(chosen, key=lambda c: c.id)
    return Plan("greedy", tuple(c.id for c in ordered), spent, valuer.value(ordered)[1])


def _affordable_sets(candidates: Sequence[Candidate], budget: float) -> list[list[Candidate]]:
    return [
        list(s)
        for k in range(len(candidates) + 1)
        for s in itertools.combinations(sorted(candidates, key=lambda c: c.id), k)
        if math.fsum(c.cost for c in s) <= budget
    ]


def _exact(candidates: Sequence[Candidate], budget: float, valuer: _Valuer) -> Plan | str:
    """The affordable set saving most (ties: cheaper, then fewer, then by ids), or why the
    check was not made."""
    if len(candidates) > EXACT_CHECK_MAX:
        return (
            f"exact check skipped: {len(candidates)} candidates (it runs up to {EXACT_CHECK_MAX})"
        )
    sets = _affordable_sets(candidates, budget)
    simulated = sum(valuer.simulate_all or any(c.needs_simulation for c in s) for s in sets)
    if simulated > MAX_SIMULATED_SETS:
        return (
            f"exact check skipped: {simulated} affordable sets need simulation (it runs up to "
            f"{MAX_SIMULATED_SETS})"
        )
    best = max(
        sets,
        key=lambda s: (
            valuer.value(s)[1].value,
            -math.fsum(c.cost for c in s),
            -len(s),
            [c.id for c in s],
        ),
    )
    cost = math.fsum(c.cost for c in best)
    return Plan("exact", tuple(c.id for c in best), cost, valuer.value(best)[1])


def _outcomes(
    candidate_set: CandidateSet, valuer: _Valuer, scenario: Scenario, into: list[CandidateOutcome]
) -> None:
    """Each candidate alone, appended to `into` as valued (Ctrl-C keeps those done)."""
    for c in candidate_set.candidates:
        per, total = valuer.value([c])
        into.append(
            CandidateOutcome(
                c.id,
                c.description,
                c.cost,
                c.estimate,
                c.basis,
                tuple((d.id, s) for d, s in zip(scenario.demands, per, strict=True)),
                total,
            )
        )


def rank_upgrades(
    scenario: Scenario,
    candidate_set: CandidateSet,
    *,
    budget: float | None = None,
    replications: int = DEFAULT_REPLICATIONS,
    workers: int = 1,
    seed: int | None = None,
    settings: Settings | None = None,
    tick: Tick | None = None,
) -> UpgradeResult:
    """Each candidate's minutes saved (per demand, total, per unit of cost) and the best set
    within `budget` (default: the file's), greedy and, when small, checked exactly."""
    require_replications(replications)
    require_workers(workers)
    if budget is not None and not (0 < budget <= 1e12):
        raise InputError.for_parameter(
            "budget", f"must be in (0, 1e12] ({candidate_set.cost_unit}), got {budget:g}"
        )
    settings = settings or Settings()
    spend = candidate_set.budget if budget is None else budget
    seed_value = scenario.seed if seed is None else seed
    simulator = _Simulator(scenario, replications, workers, seed_value, tick)
    valuer = _Valuer(scenario, simulator, settings)
    simulate_sets = any(c.needs_simulation for c in candidate_set.candidates)
    set_valuer = (
        _Valuer(scenario, simulator, settings, simulate_all=True) if simulate_sets else valuer
    )
    notes = [ANALYTIC_NOTE, *_model_notes(scenario)]
    plans: list[Plan] = []
    outcomes: list[CandidateOutcome] = []
    try:
        _outcomes(candidate_set, valuer, scenario, outcomes)
        if spend is None:
            notes.append("no budget given: no best set chosen")
        else:
            plans.append(_greedy(candidate_set.candidates, spend, set_valuer))
            exact = _exact(candidate_set.candidates, spend, set_valuer)
            if isinstance(exact, str):
                notes.append(exact)
            else:
                plans.append(exact)
        partial = False
    except KeyboardInterrupt:
        partial = True
        notes.append("interrupted: the candidates and plans valued before Ctrl-C")
    if simulate_sets:
        notes.append(
            "a candidate changes a repair resource (a queue, simulated only): it is valued by "
            "simulation, and so is every set of the budget plans, so that the sets compare on "
            f"one basis; paired with the base by common random numbers ({replications} "
            f"replications of {scenario.horizon_h:g} h, seed {seed_value}); "
            f"{valuer.simulated + set_valuer.simulated} valuation(s) simulated"
        )
    return UpgradeResult(
        scenario.name,
        candidate_set.path,
        candidate_set.cost_unit,
        spend,
        tuple(outcomes),
        tuple(plans),
        tuple(notes),
        partial,
    )
