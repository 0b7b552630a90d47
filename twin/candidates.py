"""Upgrade candidates: what a resilience team could buy, and what each costs.

A candidate changes the network or its repair: it brings planned links into service, adds the
nodes, links, SRLGs and failure classes a topology variant file adds (a new cable with its
landings and backhaul), adds units to a repair resource (a second Caspian vessel), or scales a
failure class's repair time (a spares contract). Loaded from a candidates file by
`twin.loading.candidates`; applied to a scenario by `twin.analysis.upgrades`.
"""

from __future__ import annotations

from dataclasses import dataclass

from twin.model import FailureClass, Link, Node, Srlg


@dataclass(frozen=True)
class Candidate:
    id: str
    cost: float
    description: str = ""
    estimate: bool = False
    basis: str = ""
    activate: tuple[str, ...] = ()
    nodes: tuple[Node, ...] = ()
    links: tuple[Link, ...] = ()
    srlgs: tuple[Srlg, ...] = ()
    failure_classes: tuple[FailureClass, ...] = ()
    # (repair resource id, units added)
    resources: tuple[tuple[str, int], ...] = ()
    # (failure class id, factor on its repair time)
    repair_factors: tuple[tuple[str, float], ...] = ()

    @property
    def needs_simulation(self) -> bool:
        """Repair resources are queues: only the simulation has them, so a candidate that
        changes one is valued by simulation."""
        return bool(self.resources)


@dataclass(frozen=True)
class CandidateSet:
    path: str
    cost_unit: str
    candidates: tuple[Candidate, ...]
    budget: float | None = None
    description: str = ""
