"""Which demands to ask about when the user names none, and parsing `A:B` on the command line.

The standard set is the corridor's reference city pairs (Frankfurt to Baku, Almaty, Urumqi and
Hong Kong; Baku to Almaty): the pairs the fact sheet models and that a resilience team reports
on. Pairs whose ends a topology lacks are skipped, so the same default works on every variant.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from pathlib import Path

from twin.errors import InputError, Problem, option
from twin.model import Demand, Topology
from twin.option_values import require_positive

STANDARD_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("fra-baku", "frankfurt", "baku"),
    ("fra-ala", "frankfurt", "almaty"),
    ("fra-urc", "frankfurt", "urumqi"),
    ("fra-hkg", "frankfurt", "hong-kong"),
    ("baku-ala", "baku", "almaty"),
)


def default_demands(*topologies: Topology) -> list[Demand]:
    """The standard pairs present in every given topology."""
    return [
        Demand(demand_id, source, destination)
        for demand_id, source, destination in STANDARD_PAIRS
        if all(source in t.nodes and destination in t.nodes for t in topologies)
    ]


def _check_node(node_id: str, topology: Topology, spec: str) -> Problem | None:
    if node_id in topology.nodes:
        return None
    close = difflib.get_close_matches(node_id, list(topology.nodes), n=1)
    hint = f"did you mean '{close[0]}'?" if close else "use an id from the topology's nodes: list"
    return Problem.for_parameter("specs", f"unknown node '{node_id}' in demand '{spec}'", hint)


def parse_demand_specs(specs: Iterable[str], topology: Topology) -> list[Demand]:
    """`frankfurt:almaty` → a Demand with id `frankfurt-almaty`; every bad spec reported.

    `A:A` is refused: a demand from a node to itself has no path to analyse, and the
    disjoint-path search would have nothing to remove.
    """
    demands: list[Demand] = []
    problems: list[Problem] = []
    for spec in specs:
        parts = spec.split(":")
        if len(parts) != 2 or not all(parts):
            problems.append(
                Problem.for_parameter("specs", f"cannot read demand '{spec}'", "write SOURCE:DEST")
            )
            continue
        if parts[0] == parts[1]:
            problems.append(
                Problem.for_parameter(
                    "specs",
                    f"demand '{spec}' starts where it ends",
                    "give two different nodes as SOURCE:DEST",
                )
            )
            continue
        found = [p for p in (_check_node(n, topology, spec) for n in parts) if p is not None]
        if found:
            problems.extend(found)
            continue
        demands.append(Demand(f"{parts[0]}-{parts[1]}", parts[0], parts[1]))
    if problems:
        raise InputError(problems)
    return demands


def ensure_known(
    demands: Sequence[Demand],
    topology: Topology,
    origin: str = "demands",
    *,
    or_in: Sequence[Topology] = (),
) -> None:
    """Refuse demands whose ends `topology` (and every topology of `or_in`) lacks, naming the
    demand and the node.

    Demands taken from a scenario were checked against *its* topology; analysed on another one
    (`twin contingency T --scenario S`, `twin diff`), a missing end would silently count as
    unreachable, which reads like a finding rather than a mistake. `or_in` serves `twin diff`:
    a node that only one side has (added or removed by the change) is a real difference.
    """
    everywhere = (topology, *or_in)
    names = " nor ".join(t.name for t in everywhere)
    problems: list[Problem] = []
    for d in demands:
        for node_id in dict.fromkeys((d.source, d.destination)):
            if any(node_id in t.nodes for t in everywhere):
                continue
            close = difflib.get_close_matches(node_id, list(topology.nodes), n=1)
            hint = (f"did you mean '{close[0]}'? Otherwise c" if close else "C") + (
                f"hoose demands whose ends exist in the topology (e.g. {option('specs')} "
                "SOURCE:DEST)"
            )
            where = f"is not in topology {names}" if not or_in else f"is in neither {names}"
            problems.append(Problem(origin, 0, 0, f"demand {d.id}: node '{node_id}' {where}", hint))
    if problems:
        raise InputError(problems)


_ROLE_WEIGHT = {"ixp": 3.0, "datacenter": 3.0, "pop": 2.0, "landing": 1.0, "border": 1.0}


def gravity_demands(topology: Topology, total_gbps: float) -> list[Demand]:
    """Demand i->j proportional to w_i * w_j / d_ij (role weights), scaled to `total_gbps`.

    Weights stand in for populations, which topologies do not carry: 3 for ixp and datacenter
    nodes, 2 for pop, 1 for landing and border points. d_ij is the geodesic in km (at least 1,
    so co-located nodes do not take everything); distance damps far pairs, as in the classical
    gravity model. One demand per unordered pair, id `A--B` with A < B.
    """
    from twin.geo import geodesic_km

    nodes = sorted(topology.nodes.values(), key=lambda n: n.id)
    raw: list[tuple[str, str, float]] = []
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            distance = max(1.0, geodesic_km(a.lat, a.lon, b.lat, b.lon))
            weight = _ROLE_WEIGHT.get(a.role, 1.0) * _ROLE_WEIGHT.get(b.role, 1.0) / distance
            raw.append((a.id, b.id, weight))
    total = sum(w for _, _, w in raw)
    if total <= 0:
        return []
    return [Demand(f"{a}--{b}", a, b, total_gbps * w / total) for a, b, w in raw]


def load_demands_file(path: str | Path, topology: Topology | None = None) -> list[Demand]:
    """A YAML file with a `demands:` list (entries as in scenarios, SLAs kept), checked like one.

    The one loader is `twin.loading.load_demands`; this name stays for existing callers.
    """
    from twin.loading import load_demands

    return list(load_demands(path, topology))


def select_demands(
    topology: Topology,
    *,
    specs: Sequence[str] | None = None,
    scenario: str | Path | None = None,
    demands_file: str | Path | None = None,
    gravity_gbps: float | None = None,
    or_in: Sequence[Topology] = (),
) -> list[Demand]:
    """The demands a command asked for: `specs`, `scenario`, `demands_file` or `gravity_gbps`
    (at most one: combining them would leave unclear which SLAs apply), else the standard pairs.

    Demands from a scenario or a demands file must have their ends in `topology` or in one
    of `or_in` (see `ensure_known`); the default pairs are those present in all of them.
    """
    specs = list(specs) if specs else None
    given = [
        name
        for name, value in (
            ("specs", specs),
            ("scenario", scenario),
            ("demands_file", demands_file),
            ("gravity_gbps", gravity_gbps),
        )
        if value is not None
    ]
    if len(given) > 1:
        raise InputError.for_parameter(
            given[1],
            f"{', '.join(map(option, given))}: give only one source of demands",
            "to combine them, write them into one demands file and give "
            f"{option('demands_file')} FILE",
        )
    if specs:
        return parse_demand_specs(specs, topology)
    if scenario is not None:
        from twin.loading import load_scenario

        demands = list(load_scenario(scenario).demands)
        ensure_known(demands, topology, str(scenario), or_in=or_in)
        return demands
    if demands_file is not None:
        if or_in:
            demands = load_demands_file(demands_file)
            ensure_known(demands, topology, str(demands_file), or_in=or_in)
            return demands
        return load_demands_file(demands_file, topology)
    if gravity_gbps is not None:
        require_positive(
            "gravity_gbps",
            gravity_gbps,
            "give the total traffic in Gbit/s to spread over the node pairs, e.g. 1000",
        )
        return gravity_demands(topology, gravity_gbps)
    demands = default_demands(topology, *or_in)
    if not demands:
        # An imported or new network rarely has the corridor's city ids: say so rather than
        # print an empty table and exit 0, which a CI job would read as "nothing wrong".
        pairs = ", ".join(f"{a}:{b}" for _, a, b in STANDARD_PAIRS)
        raise InputError.about(
            topology.name,
            f"no demands to analyse: the topology has none of the standard pairs ({pairs})",
            f"name some with {option('specs')} A:B, or give {option('demands_file')} FILE, "
            f"{option('scenario')} FILE or {option('gravity_gbps')} GBPS",
        )
    return demands
