"""Reference checks on raw (not yet schema-valid) topology data.

When the schema refuses a file, the typed model cannot be built, yet an author fixing a typo in
one node deserves to hear about the misspelt node id in a link further down in the same run.
This pass looks only at string values where references are expected, against every id that is
declared (even in entries the schema refused), so it never invents an "unknown" complaint for
an entry that merely has a bad field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from twin.errors import Problem
from twin.loading.errors import did_you_mean
from twin.loading.yaml_marks import Mark, MDict, MList
from twin.model import Topology


def _declared_ids(raw: MDict, section: str) -> set[str] | None:
    """The ids a section declares; None when the section is not a list (or is the required
    `nodes:` and absent), since then every reference to it would be reported as unknown: noise
    beside the one real fault. An absent optional section declares nothing."""
    items = raw.get(section)
    if items is None and section != "nodes":
        return set()
    if not isinstance(items, MList):
        return None
    return {e["id"] for e in items if isinstance(e, MDict) and isinstance(e.get("id"), str)}


def _entries(raw: MDict, section: str) -> list[MDict]:
    items = raw.get(section)
    if not isinstance(items, MList):
        return []
    return [e for e in items if isinstance(e, MDict)]


def raw_reference_problems(raw: MDict) -> list[Problem]:
    """Unknown nodes, failure classes and SRLGs named by links, and self-loops."""
    nodes = _declared_ids(raw, "nodes")
    classes = _declared_ids(raw, "failure_classes")
    srlgs = _declared_ids(raw, "srlgs")
    problems: list[Problem] = []

    def report(entry: MDict, key: str, message: str, hint: str) -> None:
        mark = entry.mark_of(key)
        problems.append(Problem(mark.path, mark.line, mark.col, message, hint))

    for link in _entries(raw, "links"):
        link_id: Any = link.get("id", "?")
        for end in ("a", "b"):
            node_id = link.get(end)
            if nodes is not None and isinstance(node_id, str) and node_id not in nodes:
                report(
                    link,
                    end,
                    f"unknown node '{node_id}' in link {link_id}",
                    did_you_mean(node_id, nodes, "node"),
                )
        if isinstance(link.get("a"), str) and link.get("a") == link.get("b"):
            report(
                link,
                "b",
                f"link {link_id} connects node '{link['a']}' to itself",
                "a link needs two different ends",
            )
        fc = link.get("failure_class")
        if classes is not None and isinstance(fc, str) and fc not in classes:
            report(
                link,
                "failure_class",
                f"unknown failure class '{fc}' in link {link_id}",
                did_you_mean(fc, classes, "failure class"),
            )
        named = link.get("srlgs")
        if srlgs is not None and isinstance(named, MList):
            for srlg_id in named:
                if isinstance(srlg_id, str) and srlg_id not in srlgs:
                    report(
                        link,
                        "srlgs",
                        f"unknown SRLG '{srlg_id}' in link {link_id}",
                        did_you_mean(srlg_id, srlgs, "SRLG"),
                    )
    for section, what in (("nodes", "node"), ("srlgs", "SRLG")):
        for entry in _entries(raw, section):
            fc = entry.get("failure_class")
            if classes is not None and isinstance(fc, str) and fc not in classes:
                report(
                    entry,
                    "failure_class",
                    f"unknown failure class '{fc}' in {what} {entry.get('id', '?')}",
                    did_you_mean(fc, classes, "failure class"),
                )
    return problems


def _demand_id(demand: MDict) -> str:
    """As the loader names demands: their id, else source-destination."""
    given = demand.get("id")
    if isinstance(given, str):
        return given
    return f"{demand.get('source')}-{demand.get('destination')}"


_EVENT_ACTIONS = ("cut", "maintenance")
_TARGET_KINDS = {"link": "links", "links": "links", "srlg": "srlgs", "node": "nodes"}


def raw_scenario_reference_problems(raw: MDict, topology: Topology) -> list[Problem]:
    """Demand endpoints, event targets and check demands named in a schema-refused scenario."""
    problems: list[Problem] = []
    pools: dict[str, Mapping[str, object]] = {
        "nodes": topology.nodes,
        "links": topology.links,
        "srlgs": topology.srlgs,
    }

    def report(mark: Mark, message: str, hint: str) -> None:
        problems.append(Problem(mark.path, mark.line, mark.col, message, hint))

    demand_ids: set[str] = set()
    for demand in _entries(raw, "demands"):
        for end in ("source", "destination"):
            node_id = demand.get(end)
            if isinstance(node_id, str) and node_id not in topology.nodes:
                report(
                    demand.mark_of(end),
                    f"unknown node '{node_id}' in demand {_demand_id(demand)}",
                    did_you_mean(node_id, topology.nodes, "node"),
                )
        demand_ids.add(_demand_id(demand))
    for event in _entries(raw, "events"):
        for action in _EVENT_ACTIONS:
            target = event.get(action)
            if not isinstance(target, MDict):
                continue
            for kind, section in _TARGET_KINDS.items():
                value = target.get(kind)
                ids = value if isinstance(value, MList) else [value]
                for element_id in ids:
                    if isinstance(element_id, str) and element_id not in pools[section]:
                        what = "link" if kind == "links" else kind
                        report(
                            target.mark_of(kind),
                            f"unknown {what} '{element_id}' in event target",
                            did_you_mean(element_id, pools[section], what),
                        )
    for check in _entries(raw, "checks"):
        for kind, params in check.items():
            if not isinstance(params, MDict):
                continue
            demand_id = params.get("demand")
            if isinstance(demand_id, str) and demand_id not in demand_ids:
                report(
                    params.mark_of("demand"),
                    f"unknown demand '{demand_id}' in {kind}",
                    did_you_mean(demand_id, demand_ids, "demand"),
                )
    return problems
