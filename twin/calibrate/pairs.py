"""From measured places to modelled paths: countries to hub nodes, pairs to fibre RTTs.

Country rule (documented in docs/calibration.md): a country is represented by its node marked
`hub: true`; without one, by its node with the most links in service, ties broken by role (an
IXP or data centre before a PoP, landing or border) and then by id. Border nodes whose country
reads `KZ/CN` belong to no single country and never stand for one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from twin.calibrate.measurements import Measurements, PairMeasurement
from twin.errors import InputError, Problem
from twin.geo import FIBRE_DELAY_MS_PER_KM, floor_rtt_ms
from twin.loading.errors import did_you_mean
from twin.model import Topology
from twin.results.calibration import CountryHub
from twin.routing import Router

_ROLE_RANK = {"ixp": 0, "datacenter": 1, "pop": 2, "landing": 3, "border": 4}


@dataclass(frozen=True)
class ModelledPair:
    """A measured pair with its two nodes and, when connected, the modelled fibre path."""

    measured: PairMeasurement
    source_node: str | None
    destination_node: str | None
    floor_rtt_ms: float | None
    fibre_rtt_ms: float | None
    submarine_share: float | None


def country_hubs(topology: Topology) -> dict[str, CountryHub]:
    """The node that stands for each country (see the module's rule)."""
    degree: dict[str, int] = {}
    for link in topology.active_links():
        degree[link.a] = degree.get(link.a, 0) + 1
        degree[link.b] = degree.get(link.b, 0) + 1
    hubs: dict[str, CountryHub] = {}
    candidates: dict[str, list[tuple[int, int, str]]] = {}
    for node in topology.nodes.values():
        if "/" in node.country:
            continue
        if node.hub:
            hubs[node.country] = CountryHub(node.country, node.id, "hub: true")
        rank = (-degree.get(node.id, 0), _ROLE_RANK.get(node.role, 5), node.id)
        candidates.setdefault(node.country, []).append(rank)
    for country, ranked in candidates.items():
        if country not in hubs:
            best = min(ranked)
            hubs[country] = CountryHub(country, best[2], f"most connected ({-best[0]} links)")
    return hubs


def _resolve(
    measurements: Measurements, topology: Topology, hubs: Mapping[str, CountryHub]
) -> list[tuple[PairMeasurement, str | None, str | None]]:
    """Node ids of each pair; unknown node ids are bad input (all reported at once)."""
    if measurements.format == "country-pairs":
        return [
            (
                p,
                hubs[p.a].node if p.a in hubs else None,
                hubs[p.b].node if p.b in hubs else None,
            )
            for p in measurements.pairs
        ]
    problems = [
        Problem(
            measurements.path,
            p.line,
            0,
            f"unknown node '{end}'",
            did_you_mean(end, topology.nodes, "node"),
        )
        for p in measurements.pairs
        for end in (p.a, p.b)
        if end not in topology.nodes
    ]
    if problems:
        raise InputError(problems)
    return [(p, p.a, p.b) for p in measurements.pairs]


def model_pairs(
    measurements: Measurements, topology: Topology, hubs: Mapping[str, CountryHub]
) -> list[ModelledPair]:
    """Each pair with its floor and its lowest-latency fibre path in the intact network."""
    router = Router(topology)
    out: list[ModelledPair] = []
    for measured, a, b in _resolve(measurements, topology, hubs):
        if a is None or b is None or a == b:
            out.append(ModelledPair(measured, a, b, None, None, None))
            continue
        na, nb = topology.nodes[a], topology.nodes[b]
        floor = floor_rtt_ms(na.lat, na.lon, nb.lat, nb.lon)
        path = router.shortest_path(a, b)
        if path is None:
            out.append(ModelledPair(measured, a, b, floor, None, None))
            continue
        submarine_km = sum(
            topology.links[lid].length_km
            for lid in path.links
            if topology.links[lid].kind == "submarine"
        )
        share = 2.0 * submarine_km * FIBRE_DELAY_MS_PER_KM / path.fibre_rtt_ms
        out.append(ModelledPair(measured, a, b, floor, path.fibre_rtt_ms, share))
    return out
