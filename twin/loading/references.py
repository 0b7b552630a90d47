"""Every reference check of the loaders: ids that a file names and something must declare.

The checks read the raw, marked data rather than the typed model, for two reasons. They run the
same way whether or not the schema accepted the file, so an author fixing a typo in one node
hears about the misspelt node id in a link further down in the same run; and they are the only
copy, so a valid and a refused file get the same message at the same place. Only string values
where references are expected are looked at, against every id that is declared (even in entries
the schema refused), so no "unknown" complaint is invented for an entry that merely has a bad
field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from twin.errors import Problem
from twin.loading.errors import did_you_mean
from twin.loading.yaml_marks import MDict, MList
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
    return _mappings(raw.get(section))


def _mappings(items: Any) -> list[MDict]:
    """The mapping entries of a raw list; nothing when it is not a list (the schema says so)."""
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
        problems.append(mark.problem(message, hint))

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


def demand_reference_problems(items: Any, topology: Topology) -> list[Problem]:
    """Demand ends that are not nodes of `topology`: a scenario's `demands:` or a demands file's
    (`items` is the raw list)."""
    problems: list[Problem] = []
    for demand in _mappings(items):
        for end in ("source", "destination"):
            node_id = demand.get(end)
            if isinstance(node_id, str) and node_id not in topology.nodes:
                problems.append(
                    demand.mark_of(end).problem(
                        f"unknown node '{node_id}' in demand {_demand_id(demand)} "
                        f"(not in topology {topology.name})",
                        did_you_mean(node_id, topology.nodes, "node"),
                    )
                )
    return problems


def raw_scenario_reference_problems(raw: MDict, topology: Topology) -> list[Problem]:
    """Everything a scenario names in its topology or in itself: demand ends, event targets,
    failure-class overrides, repair coverage and the demands of checks."""
    return [
        *demand_reference_problems(raw.get("demands"), topology),
        *_event_target_problems(raw, topology),
        *_class_override_problems(raw, topology),
        *_coverage_problems(raw, topology),
        *_check_demand_problems(raw),
    ]


def _event_target_problems(raw: MDict, topology: Topology) -> list[Problem]:
    """Links, SRLGs and nodes named by `cut:` and `maintenance:` that the topology lacks."""
    pools: dict[str, Mapping[str, object]] = {
        "nodes": topology.nodes,
        "links": topology.links,
        "srlgs": topology.srlgs,
    }
    problems: list[Problem] = []
    for event in _entries(raw, "events"):
        for action in _EVENT_ACTIONS:
            target = event.get(action)
            if not isinstance(target, MDict):
                continue
            for kind, section in _TARGET_KINDS.items():
                value = target.get(kind)
                for element_id in value if isinstance(value, MList) else [value]:
                    if isinstance(element_id, str) and element_id not in pools[section]:
                        what = "link" if kind == "links" else kind
                        problems.append(
                            target.mark_of(kind).problem(
                                f"unknown {what} '{element_id}' in event target",
                                did_you_mean(element_id, pools[section], what),
                            )
                        )
    return problems


def _class_override_problems(raw: MDict, topology: Topology) -> list[Problem]:
    """Overrides (`failures.classes.ID`) of failure classes the topology does not declare,
    reported at the misspelt id itself."""
    failures = raw.get("failures")
    classes = failures.get("classes") if isinstance(failures, MDict) else None
    if not isinstance(classes, MDict):
        return []
    return [
        classes.key_marks[class_id].problem(
            f"unknown failure class '{class_id}' in failures.classes",
            did_you_mean(class_id, topology.failure_classes, "failure class"),
        )
        for class_id in classes
        if class_id not in topology.failure_classes
    ]


def _coverage_problems(raw: MDict, topology: Topology) -> list[Problem]:
    """Seas (ships) and countries (crews) a repair pool covers that the topology has no trace
    of: such a pool serves nothing, and its faults then skip the queue it was meant to model."""
    seas = sorted({link.sea for link in topology.links.values() if link.sea is not None})
    countries = sorted({node.country for node in topology.nodes.values()})
    problems: list[Problem] = []
    for resource in _entries(raw, "repair"):
        kind, covers = resource.get("kind"), resource.get("covers")
        if kind not in ("ship", "crew") or not isinstance(covers, MList):
            continue
        known, what = (seas, "sea") if kind == "ship" else (countries, "country")
        trace = "submarine link names" if kind == "ship" else "node is in"
        for index, covered in enumerate(covers):
            if not isinstance(covered, str) or covered == "*" or covered in known:
                continue
            problems.append(
                covers.mark_of(index).problem(
                    f"repair resource {resource.get('id', '?')} covers {what} '{covered}', "
                    f"which no {trace}",
                    f"{did_you_mean(covered, known, what)} Known: {', '.join(known) or 'none'}"
                    " ('*' covers everything)",
                )
            )
    return problems


def _check_demand_problems(raw: MDict) -> list[Problem]:
    """Checks naming a demand the scenario does not declare."""
    demand_ids = {_demand_id(demand) for demand in _entries(raw, "demands")}
    problems: list[Problem] = []
    for check in _entries(raw, "checks"):
        for kind, params in check.items():
            demand_id = params.get("demand") if isinstance(params, MDict) else None
            if isinstance(demand_id, str) and demand_id not in demand_ids:
                problems.append(
                    params.mark_of("demand").problem(
                        f"unknown demand '{demand_id}' in {kind}",
                        did_you_mean(demand_id, demand_ids, "demand"),
                    )
                )
    return problems
