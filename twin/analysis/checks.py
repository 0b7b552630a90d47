"""The CI gate: evaluate every assertion a scenario declares against its topology.

Each assertion becomes one `CheckOutcome` with what was measured, the limit and a sentence a
reviewer understands ("link tcfo disconnects fra-ala"). Evaluation never stops at the first
failure: a pull request should show everything it broke at once.

Availability assertions use the analytic steady state by default (exact or certified bounds; the
*lower* bound must meet the target, so a pass is a guarantee under the model), or Monte Carlo
when asked (`method: montecarlo`). A Monte Carlo estimate is decided by its 95 % interval, the
same rule `twin run` uses: it passes when the whole interval is at or above the target, fails
when the whole interval is below it, and is *undecided* when the interval straddles the target.
A gate must not pass on a mean that more replications could move below the target, so an
undecided assertion fails, with a message saying how to decide it (more replications).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from twin.interrupts import sigint_deferred
from twin.model import Assertion, Demand, Scenario
from twin.results.check import CheckOutcome, CheckReport
from twin.results.montecarlo import Interval, sla_verdict
from twin.results.rtt import rtt_text
from twin.results.sla import Verdict, judge
from twin.routing import FailureState, Path, Router
from twin.units import format_duration_h

MonteCarloFn = Callable[[Scenario, str], tuple[float, float, float]]
# P(demand restored by `within_h`) from the scenario's state: (p, low, high) of its 95 % interval.
RestorationFn = Callable[[Scenario, str, float], tuple[float, float, float]]


@dataclass(frozen=True)
class CheckOptions:
    """How to evaluate: Monte Carlo settings for `method: montecarlo` and `restored_by`."""

    replications: int = 20
    workers: int = 1
    montecarlo: MonteCarloFn | None = None
    restoration: RestorationFn | None = None


def _outcome(
    scenario: Scenario,
    assertion: Assertion,
    passed: bool,
    message: str,
    measured: float | None = None,
    limit: float | None = None,
    detail: str = "",
    fibre_rtt_ms: float | None = None,
) -> CheckOutcome:
    return CheckOutcome(
        scenario=scenario.name,
        source_path=scenario.source_path,
        line=assertion.line,
        col=assertion.col,
        kind=assertion.kind,
        demand=assertion.demand,
        passed=passed,
        message=message,
        measured=measured,
        limit=limit,
        detail=detail,
        measured_fibre_rtt_ms=fibre_rtt_ms,
    )


def _demand(scenario: Scenario, demand_id: str | None) -> Demand:
    for demand in scenario.demands:
        if demand.id == demand_id:
            return demand
    # The loader checks references; reaching this is a programming error, not bad input.
    raise LookupError(f"scenario {scenario.name} has no demand {demand_id!r}")


def _param(assertion: Assertion, name: str) -> float | None:
    value = assertion.params.get(name)
    return float(value) if isinstance(value, (int, float)) else None


def _single_failures(router: Router, scope: str) -> list[tuple[str, FailureState]]:
    """(label, failure state) for every single element of `scope` in service."""
    topology = router.topology
    if scope == "node":
        return [(f"node {nid}", frozenset({nid})) for nid in sorted(topology.nodes)]
    if scope == "srlg":
        return [
            (f"SRLG {sid}", frozenset(link.id for link in topology.links_in_srlg(sid)))
            for sid in sorted(topology.srlgs)
        ]
    link_ids = sorted({key for _, _, key in router.graph.edges(keys=True)})
    return [(f"link {lid}", frozenset({lid})) for lid in link_ids]


def _rtt_text(path: Path) -> str:
    """The checked RTT, and the fibre one beside it when a calibration makes them differ."""
    return rtt_text(path.rtt_ms, path.fibre_rtt_ms)


def _check_max_rtt(scenario: Scenario, router: Router, a: Assertion) -> CheckOutcome:
    demand = _demand(scenario, a.demand)
    limit = _param(a, "rtt_ms") or demand.sla.max_rtt_ms
    path = router.shortest_path(demand.source, demand.destination)
    if path is None:
        return _outcome(scenario, a, False, f"{demand.id} has no path at all", None, limit)
    if limit is None:
        text = f"RTT {_rtt_text(path)} (no limit)"
        return _outcome(scenario, a, True, text, path.rtt_ms, fibre_rtt_ms=path.fibre_rtt_ms)
    ok = path.rtt_ms <= limit
    verb = "within" if ok else "exceeds"
    return _outcome(
        scenario,
        a,
        ok,
        f"RTT {_rtt_text(path)} {verb} {limit:g} ms",
        path.rtt_ms,
        limit,
        detail="path: " + " - ".join(path.nodes),
        fibre_rtt_ms=path.fibre_rtt_ms,
    )


def _check_survives(scenario: Scenario, router: Router, a: Assertion) -> CheckOutcome:
    demand = _demand(scenario, a.demand)
    scope = str(a.params.get("scope", "link"))
    base = router.shortest_path(demand.source, demand.destination)
    if base is None:
        return _outcome(scenario, a, False, f"{demand.id} has no path even with nothing failed")
    on_path = set(base.links) | set(base.nodes[1:-1])
    breaking = []
    for label, state in _single_failures(router, scope):
        if scope == "node" and (demand.source in state or demand.destination in state):
            continue  # losing an end is not a routing failure
        if not (state & on_path):
            continue  # the working path is untouched, so the demand survives this one
        if router.shortest_path(demand.source, demand.destination, state) is None:
            breaking.append(label)
    ok = not breaking
    message = (
        f"no single {scope} failure disconnects {demand.id}"
        if ok
        else f"{', '.join(breaking)} disconnect{'s' if len(breaking) == 1 else ''} {demand.id}"
    )
    return _outcome(scenario, a, ok, message, float(len(breaking)), 0.0)


def _check_n1_rtt(scenario: Scenario, router: Router, a: Assertion) -> CheckOutcome:
    demand = _demand(scenario, a.demand)
    limit = _param(a, "rtt_ms") or demand.sla.max_rtt_ms
    base = router.shortest_path(demand.source, demand.destination)
    if base is None:
        return _outcome(scenario, a, False, f"{demand.id} has no path at all", None, limit)
    worst, worst_label = base, "no failure"
    for lid in base.links:  # only failures on the working path move the demand
        path = router.shortest_path(demand.source, demand.destination, frozenset({lid}))
        if path is None:
            return _outcome(scenario, a, False, f"link {lid} disconnects {demand.id}", None, limit)
        if path.rtt_ms > worst.rtt_ms:
            worst, worst_label = path, f"link {lid}"
    ok = limit is None or worst.rtt_ms <= limit
    return _outcome(
        scenario,
        a,
        ok,
        f"worst N-1 RTT {_rtt_text(worst)} (after {worst_label})"
        + ("" if limit is None else f" {'within' if ok else 'exceeds'} {limit:g} ms"),
        worst.rtt_ms,
        limit,
        fibre_rtt_ms=worst.fibre_rtt_ms,
    )


def _check_n1_utilisation(scenario: Scenario, router: Router, a: Assertion) -> CheckOutcome:
    from twin.analysis.contingency import contingency

    limit = _param(a, "max") or 1.0
    result = contingency(
        router.topology,
        scenario.demands,
        mode="n-1",
        include_planned=scenario.include_planned,
    )
    worst, worst_link, worst_label = result.worst_utilisation
    ok = worst <= limit
    return _outcome(
        scenario,
        a,
        ok,
        f"worst utilisation {worst:.3f} on {worst_link or '-'} after {worst_label}"
        f" {'<=' if ok else '>'} {limit:g}",
        worst,
        limit,
    )


# `twin check` words for the shared verdict (its JUnit and Markdown say pass / fail).
_CHECK_WORD = {Verdict.HELD: "pass", Verdict.MISSED: "fail", Verdict.UNDECIDED: "undecided"}


def _interval_verdict_text(
    measured: str, verdict: Verdict, target: float, replications: int
) -> str:
    """A Monte Carlo interval judged against its target, in words (one rule, one wording)."""
    if verdict is Verdict.HELD:
        return f"{measured} meets {target:g} (whole interval at or above it)"
    if verdict is Verdict.MISSED:
        return f"{measured} misses {target:g} (whole interval below it)"
    return (
        f"{measured} undecided against {target:g}: the interval straddles the target;"
        f" rerun with more replications than {replications} to decide it"
    )


def _check_availability(scenario: Scenario, a: Assertion, options: CheckOptions) -> CheckOutcome:
    demand = _demand(scenario, a.demand)
    target = _param(a, "min") or demand.sla.availability
    method = str(a.params.get("method", "analytic"))
    if method == "montecarlo":
        if options.montecarlo is None:
            raise LookupError("Monte Carlo evaluation requested but no runner was given")
        mean, low, high = options.montecarlo(scenario, demand.id)
        measured = f"SLA availability {mean:.6f} [95% CI {low:.6f}, {high:.6f}]"
        if target is None:
            return _outcome(scenario, a, True, measured + " (no target)", mean, target)
        verdict = sla_verdict(Interval(mean, low, high, options.replications), target)
        text = _interval_verdict_text(measured, verdict, target, options.replications)
        return _outcome(
            scenario,
            a,
            verdict is Verdict.HELD,
            text,
            mean,
            target,
            detail=f"verdict: {_CHECK_WORD[verdict]} ({options.replications} replications)",
        )
    from twin.analysis.availability import demand_availability

    result = demand_availability(
        scenario.topology,
        demand.source,
        demand.destination,
        include_planned=scenario.include_planned,
    )
    ok = judge(result.lower, result.upper, target) in (Verdict.HELD, Verdict.NO_SLA)
    bounds = (
        f"{result.lower:.9f}" if result.exact else f"in [{result.lower:.9f}, {result.upper:.9f}]"
    )
    return _outcome(
        scenario,
        a,
        ok,
        f"analytic availability {bounds}"
        + ("" if target is None else f" {'meets' if ok else 'misses'} {target:g}"),
        result.lower,
        target,
        detail=f"method: {result.method}",
    )


def _check_restored_by(scenario: Scenario, a: Assertion, options: CheckOptions) -> CheckOutcome:
    """P(connected and within the RTT budget by `within`), simulated from the scenario's
    state and decided by its 95 % interval like every Monte Carlo assertion (undecided fails)."""
    demand = _demand(scenario, a.demand)
    within_h = _param(a, "within_h") or 0.0
    target = _param(a, "probability")
    within = format_duration_h(within_h, smallest="h")
    if scenario.state is None:
        return _outcome(
            scenario,
            a,
            False,
            f"restored_by {within} needs the network's present state, and {scenario.name} "
            "starts from everything up",
            None,
            target,
            detail="give the scenario a state file (its state: key, or a state given with "
            "the check)",
        )
    if options.restoration is None:
        raise LookupError("restored_by requested but no restoration runner was given")
    p, low, high = options.restoration(scenario, demand.id, within_h)
    measured = f"P(restored by {within}) {p:.3f} [95% CI {low:.3f}, {high:.3f}]"
    verdict = judge(low, high, target)
    text = _interval_verdict_text(measured, verdict, target or 0.0, options.replications)
    return _outcome(
        scenario,
        a,
        verdict is Verdict.HELD,
        text,
        p,
        target,
        detail=f"verdict: {_CHECK_WORD[verdict]} ({options.replications} replications from "
        f"the state as of {scenario.state.as_of})",
    )


def _evaluate_one(
    scenario: Scenario, router: Router, assertion: Assertion, options: CheckOptions
) -> CheckOutcome:
    if assertion.kind == "max_rtt":
        return _check_max_rtt(scenario, router, assertion)
    if assertion.kind == "survives":
        return _check_survives(scenario, router, assertion)
    if assertion.kind == "n1_rtt_budget":
        return _check_n1_rtt(scenario, router, assertion)
    if assertion.kind == "n1_max_utilisation":
        return _check_n1_utilisation(scenario, router, assertion)
    if assertion.kind == "restored_by":
        return _check_restored_by(scenario, assertion, options)
    return _check_availability(scenario, assertion, options)


def _declared(
    scenarios: Sequence[Scenario],
) -> Iterator[tuple[Scenario, Router, Assertion]]:
    """Every declared assertion in order, with its scenario's router (built once each)."""
    for scenario in scenarios:
        router = Router(scenario.topology, include_planned=scenario.include_planned)
        for assertion in scenario.checks:
            yield scenario, router, assertion


def evaluate_scenario(
    scenario: Scenario, options: CheckOptions | None = None
) -> list[CheckOutcome]:
    """Every assertion of one scenario, in declaration order."""
    opts = options or CheckOptions()
    return [_evaluate_one(s, r, a, opts) for s, r, a in _declared([scenario])]


def evaluate(scenarios: Sequence[Scenario], options: CheckOptions | None = None) -> CheckReport:
    """Every assertion of `scenarios`, in order; Ctrl-C keeps the outcomes finished before it.

    An assertion is either evaluated whole or left out: Ctrl-C abandons the one in progress
    (a Monte Carlo one stops its replications, and a verdict on part of them would not be the
    gate's). The report then says how many were declared and is `partial`, which fails.
    """
    opts = options or CheckOptions()
    total = sum(len(s.checks) for s in scenarios)
    outcomes: list[CheckOutcome] = []
    with sigint_deferred() as interrupts:
        try:
            for scenario, router, assertion in _declared(scenarios):
                with interrupts.interruptible():
                    outcome = _evaluate_one(scenario, router, assertion, opts)
                if interrupts.requested:
                    break
                outcomes.append(outcome)
        except KeyboardInterrupt:
            pass
    partial = len(outcomes) < total
    return CheckReport(tuple(outcomes), partial=partial, assertions_total=total)
