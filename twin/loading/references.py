"""Reference checks on raw (not yet schema-valid) topology data.

When the schema refuses a file, the typed model cannot be built, yet an author fixing a typo in
one node deserves to hear about the misspelt node id in a link further down in the same run.
This pass looks only at string values where references are expected, against every id that is
declared (even in entries the schema refused), so it never invents an "unknown" complaint for
an entry that merely has a bad field.
"""

from __future__ import annotations

from typing import Any

from twin.errors import Problem
from twin.loading.errors import did_you_mean
from twin.loading.yaml_marks import MDict, MList


def _declared_ids(raw: MDict, section: str) -> set[str]:
    items = raw.get(section)
    if not isinstance(items, MList):
        return set()
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
            if isinstance(node_id, str) and node_id not in nodes:
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
        if isinstance(fc, str) and fc not in classes:
            report(
                link,
                "failure_class",
                f"unknown failure class '{fc}' in link {link_id}",
                did_you_mean(fc, classes, "failure class"),
            )
        named = link.get("srlgs")
        if isinstance(named, MList):
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
            if isinstance(fc, str) and fc not in classes:
                report(
                    entry,
                    "failure_class",
                    f"unknown failure class '{fc}' in {what} {entry.get('id', '?')}",
                    did_you_mean(fc, classes, "failure class"),
                )
    return problems
