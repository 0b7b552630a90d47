"""Hostile names in every HTML report kind come out as text, never as markup or script.

Node ids and names, link ids and names, demand ids, failure classes and diff labels are set
to three payloads: an element with an event handler, a script that closes the page's own
script element first, and a template expression. Each page (run, Monte Carlo, contingency,
diff) is parsed with the standard library's HTML parser: no element or attribute other than
the report's own may appear, the only script is the shipped map toggle (no user data inside
it), the payloads are present as escaped text, and `{{7*7}}` is printed, not evaluated.
"""

from __future__ import annotations

import json
from dataclasses import replace
from html.parser import HTMLParser
from importlib import resources
from typing import Any

import pytest

from twin.analysis.contingency import contingency
from twin.analysis.topology_diff import diff_topologies, measure_demand
from twin.model import (
    Demand,
    FailureClass,
    Link,
    Node,
    RepairTime,
    Scenario,
    ScheduledEvent,
    Sla,
    Target,
    Topology,
)
from twin.report.html import render_report_html
from twin.report.html_contingency import render_contingency_html
from twin.report.html_diff import DiffSide, render_diff_html
from twin.report.html_montecarlo import render_montecarlo_html
from twin.results.contingency import ContingencyResult
from twin.results.diff import TopologyDiff
from twin.results.montecarlo import MonteCarloResult
from twin.sim import simulate

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(1)</script>"
TEMPLATE = "{{7*7}}"
PAYLOADS = (IMG, SCRIPT, TEMPLATE)


def _hostile_topology() -> Topology:
    """A triangle whose every id and name is a payload (plus a short prefix to keep ids apart)."""
    ids = [f"n{i}{p}" for i, p in enumerate(PAYLOADS)]
    coords = [(50.1, 8.7), (41.0, 29.0), (43.2, 76.9)]
    nodes = {
        nid: Node(nid, f"name {p}", "DE", "pop", lat, lon)
        for nid, p, (lat, lon) in zip(ids, PAYLOADS, coords, strict=True)
    }
    cls = f"class {IMG}"
    fc = {cls: FailureClass(cls, "per_1000km", 0.0, RepairTime("fixed", 24.0))}
    pairs = [(ids[0], ids[1]), (ids[1], ids[2]), (ids[0], ids[2])]
    links = {}
    for i, ((a, b), p) in enumerate(zip(pairs, PAYLOADS, strict=True)):
        lid = f"l{i}{p}"
        links[lid] = Link(lid, a, b, "terrestrial", 2000.0 + 500 * i, 100.0, cls, name=f"cable {p}")
    return Topology(f"topo {SCRIPT}", nodes, links, failure_classes=fc)


def _demands(topo: Topology) -> tuple[Demand, ...]:
    ids = list(topo.nodes)
    return tuple(
        Demand(f"d{i}{p}", ids[0], ids[i % 2 + 1], 60.0, sla=Sla(0.999, 40.0))
        for i, p in enumerate(PAYLOADS)
    )


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)


def _assert_inert(html: str, scripted: bool = False) -> None:
    page = _Page()
    page.feed(html)
    page.close()
    assert "img" not in page.tags
    assert not {a for a in page.attributes if a.startswith("on")}, "an event handler got in"
    shipped = resources.files("twin.report").joinpath("templates/map_toggle.js").read_text()
    assert [s.strip() for s in page.scripts] == ([shipped.strip()] if scripted else [])
    for script in page.scripts:
        assert "</" not in script and "<!--" not in script
    for payload in PAYLOADS:
        assert payload not in html or payload == TEMPLATE  # only the inert one survives as is
    text = "".join(page.text)
    for payload in PAYLOADS:
        assert payload in text, f"{payload!r} is not shown as text"  # {{7*7}} is not 49


@pytest.fixture(scope="module")
def topo() -> Topology:
    return _hostile_topology()


def test_run_report_escapes_every_name(topo: Topology) -> None:
    first_link = next(iter(topo.links))
    cut = ScheduledEvent(f"cut {IMG}", "cut", Target("link", (first_link,)), 100.0, repair=True)
    scenario = Scenario(
        f"scenario {SCRIPT}", topo, f"t{TEMPLATE}.yaml", 1000.0, 1, _demands(topo), (cut,)
    )
    result = simulate(scenario)
    assert any(d.outages or d.failovers for d in result.demands), "the cut must reach a demand"
    _assert_inert(render_report_html(result, topo), scripted=True)


def test_contingency_report_escapes_every_name(topo: Topology) -> None:
    document = json.loads(json.dumps(contingency(topo, list(_demands(topo))).to_dict()))
    _assert_inert(render_contingency_html(ContingencyResult.from_dict(document), topo))


def test_montecarlo_report_escapes_every_name(topo: Topology) -> None:
    def interval(mean: float) -> dict[str, Any]:
        return {"mean": mean, "low": mean - 1e-4, "high": min(1.0, mean + 1e-4), "n": 10}

    link_ids = list(topo.links)
    document = {
        "schema": "silkroad-twin/montecarlo/1",
        "scenario": f"scenario {IMG}",
        "seed": 7,
        "reason": f"reason {TEMPLATE}",
        "partial": True,
        "replications": 10,
        "notes": [f"note {SCRIPT}"],
        "demands": [
            {
                "id": d.id,
                "source": d.source,
                "destination": d.destination,
                "sla_target": 0.999,
                "availability": interval(0.9995),
                "sla_availability": interval(0.9995),
                "downtime_min_per_year": interval(100.0),
                "traffic_lost_gbit": interval(1.0),
                "downtime_causes": [{"cause": link_ids[0], "share": 1.0, "outages": 2}],
            }
            for d in _demands(topo)
        ],
        "links": [
            {"id": lid, "downtime_h_per_year": 3.0, "failures_per_year": 0.5} for lid in link_ids
        ],
    }
    _assert_inert(render_montecarlo_html(MonteCarloResult.from_dict(document), topo))


def test_diff_report_escapes_every_name(topo: Topology) -> None:
    removed = next(iter(topo.links))
    links = {lid: lk for lid, lk in topo.links.items() if lid != removed}
    changed = next(iter(links))
    links[changed] = replace(links[changed], name=f"renamed {IMG}", capacity_gbps=400.0)
    head = replace(topo, links=links)
    demands = list(_demands(topo))
    result = diff_topologies(
        topo, head, demands, measure_demand, base_label=f"base {SCRIPT}", head_label=f"h{IMG}"
    )
    document = json.loads(json.dumps(result.to_dict()))
    assert document["elements"], "the diff must list the removed and changed links"
    diff = TopologyDiff.from_dict(document)
    html = render_diff_html(diff, DiffSide(f"h{IMG}", head), DiffSide(f"base {SCRIPT}", topo))
    _assert_inert(html)
