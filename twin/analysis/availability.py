"""Steady-state availability of demands from the failure classes: exact, or certified bounds.

Model: every component — a link in service, a node with a failure class, an SRLG with a
failure class (a shared component: when it is down, all its links are) — is up with probability
A = MTBF / (MTBF + MTTR), independently of the others. A demand is available when its two ends
are connected through components that are up. This is two-terminal network reliability, #P-hard
in general; its cost here grows with the *frontier width* of the network along a good link
order, not with the number of links or demands (see `frontier_plan`, `frontier`).

- **exact** (`frontier_exact`): one decision diagram over link, node and SRLG states for the
  whole network, shared by every demand: a forward pass, a backward pass, one marked pass per
  demand source. Nodes and SRLGs are diagram variables that guard their links, so correlated
  failures stay exact. Cost is measured before trying (`_exact_estimate`) and capped in states.
- **bounds**: per demand, independent parts in series (`availability_blocks`: the blocks on
  its path, node failures of the ends and cut vertices factored out, series-parallel
  reductions); a part whose diagram fits is exact, the others run the same search keeping
  the most probable states of each step and folding the others into refinements whose mass
  is connected for certain wherever it still connects (`frontier_bounds`): the result is a
  certified interval. The kept-state cap grows (x4 per round) until the interval is within
  `tolerance`, or within `relative_width` of the unavailability, or the demand's share of the
  time budget is spent: the result says which. A first pass gives each demand its share of
  half the budget; a second shares the rest among those the time cut short.
- **auto**: exact when the estimate fits the state cap, bounds otherwise. A network too wide
  for even the smallest bounded search in the budget is refused with a pointer to simulation
  (`BeyondAnalytic`), instead of running out of time or memory.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from twin.analysis.availability_blocks import Chain, Group, decompose
from twin.analysis.availability_network import Network, build_network
from twin.analysis.frontier import Diagram, OutOfTime, PairOutcome
from twin.analysis.frontier_bounds import bounded_pair
from twin.analysis.frontier_exact import TooLarge, exact_pairs
from twin.analysis.frontier_plan import Plan, build_plan
from twin.errors import InputError, TwinError, option
from twin.interrupts import Interrupts, sigint_deferred
from twin.model import Demand, Topology
from twin.option_values import require_non_negative, require_positive
from twin.units import HOURS_PER_YEAR

Method = Literal["auto", "exact", "bounds"]
METHODS: tuple[Method, ...] = ("auto", "exact", "bounds")
# States of one diagram step (exact) or kept per step (bounds): ~100 bytes each, so the default
# keeps the exact diagram under a few hundred MB and a bounded search (its exact distribution
# and the folded one, at half the cap) under ~75 MB.
MAX_EXACT_STATES = 400_000
MAX_BOUND_STATES = 262_144
# The first round is small: with truncated states folded, 64 states already bound most
# four-nines demands of europe_nosc's core block within 1e-10, in well under a second, and a
# round that finishes is worth more than a larger one the time share cuts off.
FIRST_BOUND_STATES = 64
DEFAULT_TIME_BUDGET_S = 60.0
# Seconds per kept state and frontier slot in one step of a bounded search (measured on the
# bench machine: 3.5-3.7e-7 with the folded distribution; rounded up): how `auto` predicts
# whether bounds fit the budget.
SECONDS_PER_STATE_SLOT = 5e-7
SIMULATION_HINT = (
    "estimate it by simulation instead: Monte Carlo over a scenario "
    f"({option('replications')} N) gives availability with confidence intervals at any size"
)


@dataclass(frozen=True)
class AvailabilityResult:
    source: str
    destination: str
    lower: float
    upper: float
    exact: bool
    method: str
    states_examined: int
    components: int
    # Bounds only: whether the gap reached the tolerance before the budget ran out.
    converged: bool = True
    tolerance: float = 0.0
    # Unavailability bounds summed from the failure states themselves: exact to relative
    # rounding even where 1 - lower would cancel (availability of seven nines and more).
    down_lower: float = math.nan
    down_upper: float = math.nan
    budget_exhausted: bool = False
    # Ctrl-C came before this demand was analysed: [0, 1] is all that is known.
    interrupted: bool = False

    def __post_init__(self) -> None:
        if math.isnan(self.down_lower):
            object.__setattr__(self, "down_lower", max(0.0, 1.0 - self.upper))
        if math.isnan(self.down_upper):
            object.__setattr__(self, "down_upper", max(0.0, 1.0 - self.lower))

    @property
    def gap(self) -> float:
        return self.upper - self.lower

    @property
    def value(self) -> float:
        return (self.lower + self.upper) / 2.0

    @property
    def unavailability(self) -> float:
        return (self.down_lower + self.down_upper) / 2.0

    @property
    def relative_width(self) -> float:
        """Interval width over the smallest unavailability it allows (0 when exact)."""
        if self.gap <= 0.0:
            return 0.0
        return math.inf if self.down_lower <= 0.0 else self.gap / self.down_lower

    @property
    def unavailability_min_per_year(self) -> float:
        return self.unavailability * HOURS_PER_YEAR * 60.0

    def to_dict(self) -> dict[str, Any]:
        relative = self.relative_width
        return {
            "source": self.source,
            "destination": self.destination,
            "lower": self.lower,
            "upper": self.upper,
            "value": self.value,
            "unavailability": self.unavailability,
            "unavailability_lower": self.down_lower,
            "unavailability_upper": self.down_upper,
            "relative_width": relative if math.isfinite(relative) else None,
            "exact": self.exact,
            "method": self.method,
            "states_examined": self.states_examined,
            "components": self.components,
            "unavailability_min_per_year": self.unavailability_min_per_year,
            "converged": self.converged,
            "budget_exhausted": self.budget_exhausted,
            "gap": self.gap,
            "tolerance": self.tolerance,
            "interrupted": self.interrupted,
        }


class ExactTooLarge(TwinError):
    """Exact availability was asked for and exceeds its state cap or time budget (exit 2)."""


class BeyondAnalytic(TwinError):
    """Neither exact nor bounded analysis fits the network in the time budget (exit 2)."""


@dataclass(frozen=True)
class Settings:
    method: Method = "auto"
    # 1e-12 of availability is 0.03 ms of downtime a year: below it, a relative width of an
    # eleven-nines demand is not worth the budget.
    tolerance: float = 1e-12
    relative_width: float = 0.1
    time_budget_s: float = DEFAULT_TIME_BUDGET_S
    max_exact_states: int = MAX_EXACT_STATES
    max_bound_states: int = MAX_BOUND_STATES


Progress = Callable[[int, int], None]
MAX_TIME_BUDGET_S = 86_400.0  # a day: an analysis that needs more is a simulation's job


def checked_settings(
    method: str = "auto",
    tolerance: float = 1e-12,
    relative_width: float = 0.1,
    time_budget_s: float = DEFAULT_TIME_BUDGET_S,
) -> Settings:
    """`Settings` from a caller's values, each checked before any topology is read: an
    InputError names the parameter and the range allowed."""
    if method not in METHODS:
        raise InputError.for_parameter(
            "method", f"unknown method {method!r}", "use auto, exact or bounds"
        )
    require_non_negative(
        "tolerance", tolerance, "the largest bound gap to accept, e.g. 1e-9 (0: exact)"
    )
    require_positive("relative_width", relative_width, "e.g. 0.1 (within 10 %)")
    require_positive("time_budget_s", time_budget_s, "e.g. 60 (seconds)")
    if relative_width > 1.0:
        raise InputError.for_parameter(
            "relative_width", f"{relative_width:g} is out of range", "give at most 1"
        )
    if not 1.0 <= time_budget_s <= MAX_TIME_BUDGET_S:
        raise InputError.for_parameter(
            "time_budget_s",
            f"{time_budget_s:g} s is out of range",
            f"give 1 to {MAX_TIME_BUDGET_S:.0f} seconds (a day)",
        )
    return Settings(method, tolerance, relative_width, time_budget_s)


def _catalan(n: int) -> int:
    return math.comb(2 * n, n) // (n + 1)


def exact_estimate(plan: Plan) -> int:
    """Predicted states of the largest diagram step, before building anything.

    The frontier partitions a search meets are, on backbone-like (near-planar) networks, close
    to the non-crossing ones, counted by the Catalan number of the width; each shared component
    alive at the step doubles them. Measured against the built diagram on the Topology Zoo and
    SNDlib networks it is an over-estimate by 1.5-20x, which errs on the safe side.
    """
    return max(
        (_catalan(w) << b for w, b in zip(plan.widths, plan.live_bits, strict=True)), default=1
    )


def _count(n: int) -> str:
    return f"{n:,}" if n < 10**9 else f"{float(n):.1e}"


def _disconnected(s: str, t: str, components: int, note: str) -> AvailabilityResult:
    return AvailabilityResult(
        s, t, 0.0, 0.0, True, note, 0, components, down_lower=1.0, down_upper=1.0
    )


def _from_outcome(
    outcome: PairOutcome, method: str, components: int, settings: Settings, states: int = -1
) -> AvailabilityResult:
    lower = min(1.0, outcome.connected)
    down_lower = min(1.0, outcome.disconnected)
    upper = max(lower, 1.0 - down_lower)
    down_upper = max(down_lower, min(1.0, outcome.disconnected + outcome.dropped))
    exact = outcome.dropped == 0.0
    return AvailabilityResult(
        outcome.source,
        outcome.destination,
        (1.0 - down_lower) if exact else lower,
        upper,
        exact,
        method,
        outcome.peak_states if states < 0 else states,
        components,
        converged=exact or _close_enough(upper - lower, down_lower, settings),
        tolerance=settings.tolerance,
        down_lower=down_lower,
        down_upper=down_lower if exact else down_upper,
        budget_exhausted=not outcome.complete,
    )


def _close_enough(gap: float, down_lower: float, settings: Settings) -> bool:
    return gap <= settings.tolerance or gap <= settings.relative_width * down_lower


def _exact_all(
    network: Network,
    pairs: Sequence[tuple[str, str]],
    settings: Settings,
    deadline: float,
    progress: Progress | None,
    interrupts: Interrupts,
) -> dict[tuple[str, str], AvailabilityResult] | str:
    """Exact results for every pair from one shared diagram, or why exact does not fit.

    Ctrl-C keeps the pairs whose marked pass finished (each is exact on its own); the others
    are left out, for the caller to mark interrupted."""
    plan = build_plan(network.vertices, network.edges, network.component_p_up)
    estimate = exact_estimate(plan)
    if estimate > settings.max_exact_states:
        return (
            f"the diagram would hold about {_count(estimate)} states at its widest step (frontier "
            f"width {plan.width}, limit {settings.max_exact_states:,})"
        )
    diagram = Diagram(plan)
    finished: dict[tuple[str, str], float] = {}  # unavailability, under both orders of the ends
    asked, done = set(pairs), [0]

    def tick(outcome: PairOutcome) -> None:
        ends = (outcome.source, outcome.destination)
        for pair in (ends, ends[::-1]):
            done[0] += pair in asked and pair not in finished
            finished[pair] = outcome.disconnected
        if progress is not None:
            progress(done[0], len(pairs))

    try:
        with interrupts.interruptible():
            exact_pairs(
                diagram,
                pairs,
                max_states=settings.max_exact_states,
                deadline=deadline,
                progress=tick,
            )
    except TooLarge as exc:
        return f"the diagram exceeded {settings.max_exact_states:,} states at a step ({exc})"
    except OutOfTime:
        return f"the time budget ({settings.time_budget_s:g} s) ran out"
    except KeyboardInterrupt:
        pass
    method = f"exact: shared frontier diagram (width {plan.width}, {diagram.size:,} states)"
    components = network.random_components
    steps = len(plan.steps)
    results = {}
    for s, t in (p for p in pairs if p in finished):
        down = min(1.0, max(0.0, finished[(s, t)]))
        outcome = PairOutcome(s, t, 1.0 - down, down, 0.0, steps)
        results[(s, t)] = _from_outcome(outcome, method, components, settings, diagram.size)
    return results


@dataclass(frozen=True)
class _Window:
    """A demand's time: rounds start only when predicted to end by `grow_until`; a running
    round is cut off at `deadline` (its mass then unknown, so the previous round stands)."""

    grow_until: float
    deadline: float

    def share(self, parts: int) -> _Window:
        """One of `parts` equal shares of what is left of both."""
        now = time.monotonic()
        return _Window(now + (self.grow_until - now) / parts, now + (self.deadline - now) / parts)


def _next_cap(cap: int, round_s: float, deadline: float, settings: Settings) -> int:
    """The next round's state cap: x4, or x2 when only that is predicted to finish before the
    deadline (a round's time grows with its cap); 0 when neither would, so no round is
    started only to be cut off and thrown away."""
    left = deadline - time.monotonic()
    for growth in (4, 2):
        if cap * growth <= settings.max_bound_states and round_s * growth * 1.25 <= left:
            return cap * growth
    return 0


def _bounds_one(
    local: Network,
    plan: Plan,
    ends: tuple[str, str],
    settings: Settings,
    window: _Window,
    first_cap: int,
) -> AvailabilityResult:
    """Certified bounds for one demand on its relevant links, the state cap growing per round
    (`_next_cap`) until the interval is narrow enough or the demand's time share is spent."""
    diagram = Diagram(plan, remember=False)
    cap = min(first_cap, settings.max_bound_states)
    best: AvailabilityResult | None = None
    while True:
        started = time.monotonic()
        outcome = bounded_pair(diagram, ends, max_states=cap, deadline=window.deadline)
        method = (
            f"bounds: truncated frontier search (width {plan.width}, up to {cap:,} states "
            "kept per step, the others folded)"
        )
        result = _from_outcome(outcome, method, local.random_components, settings)
        if best is None or result.gap <= best.gap:
            best = result
        if result.converged or not outcome.complete or outcome.peak_states < cap:
            break
        following = _next_cap(cap, time.monotonic() - started, window.grow_until, settings)
        if following == 0:
            if cap < settings.max_bound_states:  # stopped by the time share, not the cap
                best = replace(best, budget_exhausted=True)
            break
        cap = following
    if not outcome.complete:
        best = replace(best, budget_exhausted=True)
    return best


def _not_analysed(s: str, t: str, why: str, interrupted: bool = False) -> AvailabilityResult:
    return AvailabilityResult(
        s,
        t,
        0.0,
        1.0,
        False,
        f"not analysed: {why}",
        0,
        0,
        converged=False,
        budget_exhausted=not interrupted,
        interrupted=interrupted,
    )


def _interrupted(s: str, t: str) -> AvailabilityResult:
    return _not_analysed(s, t, "interrupted (Ctrl-C) before this demand", interrupted=True)


def _group_result(
    group: Group, plan: Plan, settings: Settings, window: _Window, first_cap: int
) -> AvailabilityResult:
    """One group of blocks: exact when its diagram fits (in half its time), else bounds."""
    local, ends = group.network, (group.entry, group.exit)
    if len(local.edges) == 1 and not local.edges[0].components:  # reduced to one link
        p = local.edges[0].p_up
        return AvailabilityResult(*ends, p, p, True, "exact (series-parallel)", 1, 1)
    if exact_estimate(plan) <= settings.max_exact_states:
        exact_deadline = time.monotonic() + (window.grow_until - time.monotonic()) / 2.0
        diagram = Diagram(plan)
        try:
            outcome = exact_pairs(
                diagram, [ends], max_states=settings.max_exact_states, deadline=exact_deadline
            )[0]
        except (TooLarge, OutOfTime):
            pass
        else:
            method = f"exact (width {plan.width})"
            return _from_outcome(outcome, method, local.random_components, settings, diagram.size)
    return _bounds_one(local, plan, ends, settings, window, first_cap)


def _series_down(factor: float, downs: Sequence[float]) -> float:
    """1 - factor x prod(1 - d): unavailability of independent parts in series, without the
    cancellation of 1 - 0.9999999."""
    if factor <= 0.0 or any(d >= 1.0 for d in downs):
        return 1.0
    return -math.expm1(math.log(factor) + sum(math.log1p(-d) for d in downs))


def _chain_result(
    s: str,
    t: str,
    chain: Chain,
    plans: Sequence[Plan],
    settings: Settings,
    window: _Window,
    first_cap: int = FIRST_BOUND_STATES,
) -> AvailabilityResult:
    """The demand from its independent groups in series, exact ones first, the rest sharing
    what is left of the demand's time; bounded parts start at `first_cap` states."""
    order = sorted(range(len(plans)), key=lambda i: len(plans[i].steps) * plans[i].width)
    parts: list[AvailabilityResult] = []
    for n, i in enumerate(order):
        part = window.share(len(order) - n)
        parts.append(_group_result(chain.groups[i], plans[i], settings, part, first_cap))
    lower = chain.factor * math.prod(r.lower for r in parts)
    upper = chain.factor * math.prod(r.upper for r in parts)
    down_lower = _series_down(chain.factor, [r.down_lower for r in parts])
    down_upper = _series_down(chain.factor, [r.down_upper for r in parts])
    exact = all(r.exact for r in parts)
    hardest = max(parts, key=lambda r: (r.gap, r.states_examined))
    method = (
        f"{'exact' if exact else 'bounds'}: {len(parts)} independent part(s) in series "
        f"({sum(r.exact for r in parts)} exact); hardest: {hardest.method}"
    )
    return AvailabilityResult(
        s,
        t,
        (1.0 - down_lower) if exact else lower,
        upper,
        exact,
        method,
        sum(r.states_examined for r in parts),
        sum(r.components for r in parts),
        converged=exact or _close_enough(upper - lower, down_lower, settings),
        tolerance=settings.tolerance,
        down_lower=down_lower,
        down_upper=down_lower if exact else down_upper,
        budget_exhausted=any(r.budget_exhausted for r in parts),
    )


def _predicted_s(plans: Sequence[Plan], settings: Settings) -> float:
    """Seconds of the smallest bounded round of the parts too large for exact."""
    return sum(
        len(p.steps) * FIRST_BOUND_STATES * max(1, p.width) * SECONDS_PER_STATE_SLOT
        for p in plans
        if exact_estimate(p) > settings.max_exact_states
    )


Retry = list[tuple[str, str, Chain, list[Plan]]]


def _bounds_all(
    network: Network,
    pairs: Sequence[tuple[str, str]],
    settings: Settings,
    deadline: float,
    progress: Progress | None,
    why_not_exact: str,
    interrupts: Interrupts,
) -> dict[tuple[str, str], AvailabilityResult]:
    """Each pair decomposed into independent parts in series (`availability_blocks`), in two
    passes: in the first, a pair starts rounds within its share of half of what is left of the
    budget, and a running round may use its share of all of it (so the first round always
    finishes where the budget allows it); the second shares the rest among the pairs the time
    cut short (`_second_pass`). A pair whose smallest search is predicted to overrun its
    share of the whole budget is not started; when that is the first pair, the network is
    beyond analysis (`BeyondAnalytic`). Ctrl-C keeps the pairs finished before it (a second
    pass cut short keeps the first interval)."""
    results: dict[tuple[str, str], AvailabilityResult] = {}
    retry: Retry = []
    first_pass_end = time.monotonic() + (deadline - time.monotonic()) / 2.0
    for n, (s, t) in enumerate(pairs):
        try:
            with interrupts.interruptible():
                ends, times = (s, t), (first_pass_end, deadline, len(pairs) - n)
                found, again = _first_pass(network, ends, settings, times, why_not_exact, n == 0)
        except KeyboardInterrupt:
            return results
        results[(s, t)] = found
        if again is not None:
            retry.append(again)
        if progress is not None:
            progress(n + 1, len(pairs))
    try:
        with interrupts.interruptible():
            _second_pass(results, retry, settings, deadline)
    except KeyboardInterrupt:
        pass  # each pair keeps the narrower interval found so far
    return results


def _first_pass(
    network: Network,
    ends: tuple[str, str],
    settings: Settings,
    times: tuple[float, float, int],
    why_not_exact: str,
    first: bool,
) -> tuple[AvailabilityResult, tuple[str, str, Chain, list[Plan]] | None]:
    """One pair's first-pass result, and what the second pass needs when time cut it short.

    `times` is (end of the first pass, deadline, pairs left including this one).
    `BeyondAnalytic` when this is the `first` pair and even its smallest search is predicted
    to overrun its share."""
    s, t = ends
    first_pass_end, deadline, left = times
    now = time.monotonic()
    share = (deadline - now) / left
    chain = decompose(network, s, t)
    if not chain.groups:
        return _disconnected(s, t, 0, "disconnected: no path between the ends"), None
    plans = [
        build_plan(g.network.vertices, g.network.edges, g.network.component_p_up)
        for g in chain.groups
    ]
    predicted = _predicted_s(plans, settings)
    if predicted > share:
        if first:
            widest = max(plans, key=lambda p: p.width)
            raise BeyondAnalytic(_beyond_message(widest, predicted, share, why_not_exact))
        return _not_analysed(s, t, "the time budget ran out"), None
    window = _Window(now + (first_pass_end - now) / left, now + share)
    found = _chain_result(s, t, chain, plans, settings, window)
    retry = (s, t, chain, plans) if not found.converged and found.budget_exhausted else None
    return found, retry


def _second_pass(
    results: dict[tuple[str, str], AvailabilityResult],
    retry: Retry,
    settings: Settings,
    deadline: float,
) -> None:
    """The pairs the first pass's time share cut short, each with its share of what is left,
    starting at 4x (else 2x) the first round's states when predicted to fit; each keeps the
    narrower of its two intervals."""
    for n, (s, t, chain, plans) in enumerate(retry):
        share = (deadline - time.monotonic()) / (len(retry) - n)
        predicted = _predicted_s(plans, settings)
        growth = next((g for g in (4, 2) if predicted * g * 1.25 <= share), 0)
        if growth == 0:
            continue
        end = time.monotonic() + share
        window = _Window(end, end)
        again = _chain_result(s, t, chain, plans, settings, window, growth * FIRST_BOUND_STATES)
        if again.gap < results[(s, t)].gap:
            results[(s, t)] = again


def _beyond_message(plan: Plan, predicted: float, share: float, why_not_exact: str) -> str:
    exact = f"exact analysis does not fit ({why_not_exact}), and " if why_not_exact else ""
    return (
        f"the network is beyond analytic availability in this budget: {exact}even the smallest "
        f"certified-bounds search (frontier width {plan.width}, {len(plan.steps):,} steps) "
        f"would take about {predicted:.0f} s per demand, with {max(0.0, share):.1f} s "
        f"available; {SIMULATION_HINT}, or raise {option('time_budget_s')}"
    )


def availability_of_demands(
    topology: Topology,
    pairs: Sequence[tuple[str, str]],
    *,
    include_planned: bool = False,
    settings: Settings = Settings(),
    progress: Progress | None = None,
) -> list[AvailabilityResult]:
    """Availability of every demand (source, destination), in the order given.

    `auto` answers exactly from one diagram shared by all demands when its predicted size fits
    the state cap (and it finishes in half the budget), else with certified bounds per demand.
    Raises `ExactTooLarge` (method exact) or `BeyondAnalytic`: both exit 2 in the CLI.
    Ctrl-C (see twin.interrupts) keeps the demands finished; the others come back
    `interrupted`, with the bounds [0, 1] that are all that is known of them.
    """
    deadline = time.monotonic() + settings.time_budget_s
    wanted = list(dict.fromkeys(pairs))
    network = build_network(topology, include_planned, {x for p in wanted for x in p})
    linked = {x for e in network.edges for x in (e.u, e.v)}
    results: dict[tuple[str, str], AvailabilityResult] = {}
    todo: list[tuple[str, str]] = []
    for s, t in wanted:
        if s == t:
            results[(s, t)] = AvailabilityResult(s, t, 1.0, 1.0, True, "same node", 0, 0)
        elif s not in linked or t not in linked:
            results[(s, t)] = _disconnected(s, t, 0, "disconnected: no path between the ends")
        else:
            todo.append((s, t))
    with sigint_deferred() as interrupts:
        why_not_exact = ""
        if todo and settings.method != "bounds":
            share = 1.0 if settings.method == "exact" else 0.5
            exact_deadline = time.monotonic() + share * settings.time_budget_s
            found = _exact_all(network, todo, settings, exact_deadline, progress, interrupts)
            if isinstance(found, str):
                if settings.method == "exact":
                    raise ExactTooLarge(_exact_refusal(len(todo), found))
                why_not_exact = found
            else:
                results.update(found)
                todo = [] if interrupts.requested else [p for p in todo if p not in found]
        if todo and not interrupts.requested:
            results.update(
                _bounds_all(network, todo, settings, deadline, progress, why_not_exact, interrupts)
            )
    return [results.get(p) or _interrupted(*p) for p in pairs]


def availability_by_demand(
    topology: Topology,
    demands: Sequence[Demand],
    *,
    include_planned: bool = False,
    settings: Settings = Settings(),
    progress: Progress | None = None,
) -> dict[str, AvailabilityResult]:
    """Every demand's availability by demand id, from one call (one diagram for all); what
    `twin analyze --availability` prints (see `availability_of_demands`)."""
    pairs = [(d.source, d.destination) for d in demands]
    results = availability_of_demands(
        topology, pairs, include_planned=include_planned, settings=settings, progress=progress
    )
    return {d.id: r for d, r in zip(demands, results, strict=True)}


def _exact_refusal(demands: int, why: str) -> str:
    return (
        f"exact availability of {demands} demand(s) does not fit: {why}; use "
        f"{option('method')} auto or bounds (certified lower and upper bounds), or raise "
        f"{option('time_budget_s')}"
    )


def demand_availability(
    topology: Topology,
    source: str,
    destination: str,
    *,
    include_planned: bool = False,
    tolerance: float = 1e-12,
    method: Method = "auto",
    time_budget_s: float = DEFAULT_TIME_BUDGET_S,
) -> AvailabilityResult:
    """Availability of one demand source -> destination (see `availability_of_demands`)."""
    settings = Settings(method=method, tolerance=tolerance, time_budget_s=time_budget_s)
    return availability_of_demands(
        topology, [(source, destination)], include_planned=include_planned, settings=settings
    )[0]
