"""A scenario with a set of upgrade candidates applied: the model each set is valued on.

Applying is plain data: planned links brought into service, a variant file's new or changed
nodes, links, SRLGs and failure classes put in, repair-resource units added, repair times
scaled. The same function serves the analytic and the simulated valuation, so both value the
same network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from twin.analysis.importance import scaled_repair
from twin.candidates import Candidate
from twin.model import Scenario, Topology


def _topology_with(topology: Topology, chosen: Sequence[Candidate]) -> Topology:
    nodes = dict(topology.nodes)
    links = dict(topology.links)
    srlgs = dict(topology.srlgs)
    classes = dict(topology.failure_classes)
    for c in chosen:
        nodes.update((n.id, n) for n in c.nodes)
        links.update((lk.id, lk) for lk in c.links)
        srlgs.update((s.id, s) for s in c.srlgs)
        classes.update((f.id, f) for f in c.failure_classes)
    for c in chosen:
        for lid in c.activate:
            links[lid] = replace(links[lid], status="active")
        for class_id, factor in c.repair_factors:
            classes[class_id] = scaled_repair(classes[class_id], factor)
    return replace(topology, nodes=nodes, links=links, srlgs=srlgs, failure_classes=classes)


def with_candidates(scenario: Scenario, chosen: Sequence[Candidate]) -> Scenario:
    """`scenario` as it would be with every candidate of `chosen` built."""
    if not chosen:
        return scenario
    added: dict[str, int] = {}
    for c in chosen:
        for rid, units in c.resources:
            added[rid] = added.get(rid, 0) + units
    resources = tuple(
        replace(r, count=r.count + added[r.id]) if r.id in added else r
        for r in scenario.repair_resources
    )
    topology = _topology_with(scenario.topology, chosen)
    return replace(scenario, topology=topology, repair_resources=resources)
