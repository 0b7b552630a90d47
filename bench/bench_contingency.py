"""N-1 contingency with ECMP and hop-count metric on SNDlib germany50: silkroad-twin vs pyNTM.

Both tools get the same input in the same run: the topohub copy of SNDlib germany50 (50 nodes,
88 links, 662 demands; every link 100 Gbit/s since the source has no capacities). For every
link failure both must agree on the unrouted demands and on the maximum directed-link
utilisation (to 1e-6); the table reports both wall times and the speed ratio (target >= 100x).
"""

from __future__ import annotations

import contextlib
import io
import time

from bench.__main__ import Row

OUR_RUNS = 11


def _ours(imported, demands, runs: int):  # type: ignore[no-untyped-def]
    """`runs` cold runs of ours: their times and the per-failure results of the last."""
    from twin.analysis.contingency import contingency
    from twin.io import to_topology

    times = []
    for _ in range(runs):
        # Each run starts cold, as pyNTM's single run does: a freshly loaded topology, so no
        # cached per-link figure of an earlier run is reused (loading is outside both timers).
        topology = to_topology(imported)
        started = time.perf_counter()
        result = contingency(topology, demands, mode="n-1", routing="ecmp", metric="hops")
        times.append(time.perf_counter() - started)
    per_failure = {
        f.elements[0]: (frozenset(f.disconnected), f.max_utilisation) for f in result.failures
    }
    return times, per_failure


def _pyntm(topology, demands):  # type: ignore[no-untyped-def]
    from pyNTM import PerformanceModel

    started = time.perf_counter()
    model = PerformanceModel()
    interfaces = []
    names = {}
    for circuit, link in enumerate(sorted(topology.links.values(), key=lambda x: x.id), start=1):
        for node, remote in ((link.a, link.b), (link.b, link.a)):
            interfaces.append(
                {
                    "name": f"{link.id}@{node}",
                    "cost": 1,
                    "capacity": link.capacity_gbps,
                    "node": node,
                    "remote_node": remote,
                    "circuit_id": circuit,
                    "failed": False,
                }
            )
        names[link.id] = (f"{link.id}@{link.a}", link.a)
    model.add_network_interfaces_from_list(interfaces)
    for d in demands:
        model.add_demand(d.source, d.destination, d.gbps, name=d.id)
    model.update_simulation()
    per_failure = {}
    for link_id, (name, node) in sorted(names.items()):
        model.fail_interface(name, node)
        model.update_simulation()
        unrouted = frozenset(d.name for d in model.get_unrouted_demand_objects())
        worst = max(
            (i.traffic / i.capacity for i in model.interface_objects if not i.failed),
            default=0.0,
        )
        per_failure[link_id] = (unrouted, worst)
        model.unfail_interface(name, node)
    elapsed = time.perf_counter() - started
    return elapsed, per_failure


def run() -> list[Row]:
    from twin.io import load_source, to_topology
    from twin.model import Demand

    imported = load_source("topohub:sndlib/germany50")
    topology = to_topology(imported)
    demands = [Demand(d["id"], d["source"], d["destination"], d["gbps"]) for d in imported.demands]
    # Ours takes a tenth of a second, so one stall of this shared VM can double a run (seen:
    # 0.14 s and 0.28 s in consecutive runs), while pyNTM's ~15 s run averages stalls out. Ours
    # is therefore the median of OUR_RUNS cold runs, half just before pyNTM's and half just
    # after, so both sides are timed in the same stretch of the machine's weather.
    before, _ = _ours(imported, demands, OUR_RUNS // 2)
    with contextlib.redirect_stdout(io.StringIO()):  # pyNTM prints a progress line per update
        theirs_s, theirs = _pyntm(topology, demands)
    after, ours = _ours(imported, demands, OUR_RUNS - OUR_RUNS // 2)
    ours_s = sorted(before + after)[OUR_RUNS // 2]
    disagreements = [
        link
        for link in sorted(theirs)
        if ours[link][0] != theirs[link][0] or abs(ours[link][1] - theirs[link][1]) > 1e-6
    ]
    if disagreements:
        first = disagreements[0]
        raise AssertionError(
            f"{len(disagreements)} failures disagree, e.g. {first}: ours {ours[first]} vs "
            f"pyNTM {theirs[first]}"
        )
    return [
        Row(
            "contingency germany50 N-1 ECMP hops",
            "silkroad-twin wall time",
            ours_s,
            "s",
            f"{len(ours)} failures, {len(demands)} demands; median of {OUR_RUNS} cold runs",
        ),
        Row(
            "contingency germany50 N-1 ECMP hops",
            "pyNTM wall time",
            theirs_s,
            "s",
            "PerformanceModel, fail/update/unfail per link",
        ),
        Row(
            "contingency germany50 N-1 ECMP hops",
            "speed ratio",
            theirs_s / ours_s,
            "x",
            "target >= 100x; results identical on every failure (unrouted, max util 1e-6)",
        ),
    ]
