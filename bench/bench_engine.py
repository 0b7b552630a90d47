"""Simulator throughput: the engine on annual-reliability.yaml against a bare SimPy loop.

Events are SimPy kernel events (what `Environment.step` processes), counted by the engine as it
steps. The engine's are its elements' up and down timeouts and little else: its repair units
(`twin.sim.repair_units`) hand a free unit over without an event, so only a job that queues, or
shares its instant with other events, costs one more. The bare loop is the least any SimPy
model of the same network does: one process per failing element, the same failure rates and
repair-time distributions, drawn from the same per-element random streams, alternating up and
down timeouts, with no routing, no repair queues and no measures; it processes exactly as many
kernel events as the engine did, replication by replication, so both step through the same up
and down timeouts (the bare loop's downs are shorter: no queueing, no mobilisation). Both run
in one process, in interleaved rounds (engine without timeline, engine with it, bare loop, then
again), each the median of its rounds, timed in CPU time (`time.process_time`: on a shared
machine a process waiting for a core is not working), so the ratio (bare time / engine time
for the same events) is measured on the same machine in the same state. Target (issue #18):
>= 0.4.

Until the repair units left `simpy.Resource` the engine spent four kernel events per failure
(two of them the resource's request and release), and the bare loop was credited with twice
the up/down timeouts of the engine's run: ratios from before that change are not comparable
with these. Likewise since lives became callbacks on their events (`twin.sim.life`) the engine
has no `Initialize` event per element (13,967 kernel events per round of this scenario instead
of 14,867), so the bare loop is credited with that many fewer steps too. The per-change CPU
time row is the measure that means the same across both.

The engine is measured twice: as Monte Carlo runs it (no timeline: replications keep only the
measures; this is where throughput matters, and where the target applies) and as a single
`twin run` does, writing the readable timeline of every failure, repair and reroute. Each note
carries the failure-state changes behind it: every failure or repair re-routes the demands
through the cache and updates the measures. Every round starts from a fresh `Simulator`, so
each failure state is routed cold the first time a round meets it.
"""

from __future__ import annotations

import functools
import time
from pathlib import Path

from bench.__main__ import Row
from twin.units import HOURS_PER_YEAR

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "annual-reliability.yaml"
REPLICATIONS = 20
REPEATS = 7


def _lives(scenario):  # type: ignore[no-untyped-def]
    """(kind, id, failure class, length) for every element the engine gives a life."""
    from twin.routing import Router, expand_srlgs

    topo = scenario.topology
    router = Router(topo, include_planned=scenario.include_planned)
    in_service = sorted({lid for _, _, lid in router.graph.edges(keys=True)})
    lives = []
    for lid in in_service:
        link = topo.links[lid]
        lives.append(("link", lid, topo.failure_classes[link.failure_class], link.length_km))
    for nid in sorted(topo.nodes):
        if topo.nodes[nid].failure_class is not None:
            lives.append(("node", nid, topo.failure_classes[topo.nodes[nid].failure_class], 0.0))
    for sid in sorted(topo.srlgs):
        srlg = topo.srlgs[sid]
        members = [m for m in expand_srlgs(topo, [sid]) if m in set(in_service)]
        if srlg.failure_class is not None and members:
            length = max(topo.links[m].length_km for m in members)
            lives.append(("srlg", sid, topo.failure_classes[srlg.failure_class], length))
    return [life for life in lives if life[2].failures_per_year(life[3]) > 0]


def _bare_life(env, up_rng, repair_stream, fc, length_km):  # type: ignore[no-untyped-def]
    """Up for an exponential time, down for a repair time, forever: nothing else. The repair
    stream is seeded at the first failure, as the engine's lives do (`twin.sim.life`): an
    element that never fails within the horizon seeds none in either."""
    rate_per_h = fc.failures_per_year(length_km) / HOURS_PER_YEAR
    repair_rng = None
    while True:
        yield env.timeout(up_rng.expovariate(rate_per_h))
        if repair_rng is None:
            repair_rng = repair_stream()
        yield env.timeout(fc.repair.sample_h(repair_rng))


def _bare(scenario, kernel_events: list[int]) -> float:  # type: ignore[no-untyped-def]
    """Seconds for bare SimPy to process the same number of kernel events, replication by
    replication (stepping past the horizon if its lighter model has fewer events per year)."""
    import simpy

    from twin.sim.engine import element_rng

    lives = _lives(scenario)
    started = time.process_time()
    for rep, target in enumerate(kernel_events):
        env = simpy.Environment()
        for kind, element_id, fc, length_km in lives:
            up_rng = element_rng(scenario.seed, rep, kind, element_id, "failure")
            repair_stream = functools.partial(
                element_rng, scenario.seed, rep, kind, element_id, "repair"
            )
            env.process(_bare_life(env, up_rng, repair_stream, fc, length_km))
        steps = 0
        while steps < target:
            env.step()
            steps += 1
    return time.process_time() - started


def _engine(  # type: ignore[no-untyped-def]
    scenario, timeline: bool
) -> tuple[float, list[int], int, int]:
    """Seconds for the whole engine (set-up, run, measures), kernel events per replication,
    state changes and the largest number of distinct failure states in one replication."""
    from twin.sim.engine import Simulator

    kernel_events = []
    changes = 0
    states = 0
    started = time.process_time()
    simulator = Simulator(scenario)  # its caches shared by the replications, as in Monte Carlo
    for rep in range(REPLICATIONS):
        engine = simulator.engine(scenario.seed, rep, scenario.horizon_h, timeline=timeline)
        result = engine.run()
        kernel_events.append(engine.kernel_events)
        changes += result.events_processed
        states = max(states, result.routing_states)
    return time.process_time() - started, kernel_events, changes, states


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def run() -> list[Row]:
    from twin.loading import load_scenario

    scenario = load_scenario(SCENARIO)
    name = "engine annual-reliability"
    _engine(scenario, True)  # warm-up: imports, and the routing states of these replications
    rows = []
    times: dict[str, list[float]] = {"mc": [], "timeline": [], "bare": []}
    runs: dict[str, tuple[float, list[int], int, int]] = {}
    for _ in range(REPEATS):
        for key, timeline in (("mc", False), ("timeline", True)):
            runs[key] = _engine(scenario, timeline)
            times[key].append(runs[key][0])
        times["bare"].append(_bare(scenario, runs["mc"][1]))
    for key, mode in (("mc", "Monte Carlo replication"), ("timeline", "single run + timeline")):
        ours_s = _median(times[key])
        _, kernel_events, changes, states = runs[key]
        total = sum(kernel_events)
        rows.append(
            Row(
                name,
                f"silkroad-twin kernel events/s, {mode}",
                total / ours_s,
                "events/s",
                f"{total} SimPy events, {changes} failures and repairs (each re-routed through "
                f"the cache and measured) in {ours_s:.3f} s; median of {REPEATS}",
            )
        )
    mc_s, ours_s = _median(times["mc"]), _median(times["timeline"])
    changes = runs["mc"][2]
    rows.append(
        Row(
            name,
            "silkroad-twin CPU per failure or repair, Monte Carlo replication",
            mc_s / changes * 1e6,
            "us",
            f"{mc_s:.3f} s / {changes} changes, routing and measures included (the bare loop "
            f"over as many kernel events: {_median(times['bare']) / changes * 1e6:.1f} us per "
            "change)",
        )
    )
    bare_s = _median(times["bare"])
    total = sum(kernel_events)
    span = f"{REPLICATIONS} x {scenario.horizon_h / HOURS_PER_YEAR:.0f} y"
    rows.append(
        Row(
            name,
            "bare SimPy kernel events/s",
            total / bare_s,
            "events/s",
            f"same {total} events in {bare_s:.3f} s ({span}): up/down timeouts, same "
            f"rates and streams; median of {REPEATS}",
        )
    )
    rows.append(
        Row(
            name,
            "ratio engine / bare SimPy, Monte Carlo replication",
            bare_s / mc_s,
            "x",
            "target >= 0.4 (issue #18)",
        )
    )
    rows.append(
        Row(
            name,
            "ratio engine / bare SimPy, single run + timeline",
            bare_s / ours_s,
            "x",
            f"up to {states} distinct failure states per replication",
        )
    )
    return rows
