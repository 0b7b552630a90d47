"""The HTML report: self-contained, deterministic, and showing what a team needs to see."""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_report_view import HORIZON_H, small_scenario

from twin.report.html import inputs_digest, render_report, render_report_html, trace_inputs
from twin.report.svg import nice_ticks, nines, rtt_levels, step_points
from twin.results import SimulationResult
from twin.sim import simulate


@pytest.fixture(scope="module")
def run() -> SimulationResult:
    return simulate(small_scenario())


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.classes: list[str] = []
        self.urls: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for key, value in attrs:
            if key == "id" and value:
                self.ids.add(value)
            if key == "class" and value:
                self.classes.extend(value.split())
            if key in ("src", "href") and value:
                self.urls.append(value)


def test_report_is_self_contained_and_has_every_section(run: SimulationResult) -> None:
    html = render_report_html(run, small_scenario().topology)
    page = _Collector()
    page.feed(html)
    assert {"summary", "map", "element-timeline", "provenance", "links"} <= page.ids
    for demand in ("fra-ala", "fra-baku"):
        assert {f"demand-{demand}", f"avail-{demand}", f"rtt-{demand}"} <= page.ids
    # Offline: nothing is fetched; links are in-page anchors only.
    assert all(url.startswith("#") for url in page.urls), page.urls
    assert "<link" not in html and "@import" not in html and "url(http" not in html
    assert page.classes.count("country") >= 10
    assert page.classes.count("link") == len(small_scenario().topology.links)


def test_report_says_which_demand_missed_and_why(run: SimulationResult) -> None:
    html = render_report_html(run, small_scenario().topology)
    assert "1 of 2 demands missed their SLA: fra-ala" in html
    row = re.search(r'<tr class="status-(\w+)" data-demand="fra-ala">', html)
    assert row is not None and row.group(1) == "missed"
    assert "after cut2 (link sub2)" in html and "for ship" in html
    # The failed cables are marked on the map, the untouched ones are not.
    assert html.count('class="failed-link"') == 2


def test_report_is_byte_identical_for_the_same_result(
    run: SimulationResult, tmp_path: Path
) -> None:
    topo = small_scenario().topology
    render_report(run, topo, tmp_path / "a.html")
    render_report(run.to_dict(), topo, tmp_path / "b.html")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left


def test_provenance_hashes_inputs_and_extends_chain(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text("name: base\n")
    (tmp_path / "child.yaml").write_text("name: child\nextends: base.yaml\n")
    (tmp_path / "s.yaml").write_text("name: s\ntopology: child.yaml\n")
    run = simulate(small_scenario())
    from dataclasses import replace

    traced = replace(run, scenario_path=str(tmp_path / "s.yaml"), topology_path="child.yaml")
    files = trace_inputs(traced)
    assert [f.role for f in files] == ["scenario", "topology", "extends"]
    assert all(f.sha256 is not None for f in files)
    digest = inputs_digest(files)
    (tmp_path / "base.yaml").write_text("name: base2\n")
    assert inputs_digest(trace_inputs(traced)) != digest  # a changed parent changes the hash
    missing = replace(run, scenario_path=str(tmp_path / "nope.yaml"), topology_path="x.yaml")
    assert inputs_digest(trace_inputs(missing)) is None


def test_step_points_and_levels_account_for_the_whole_horizon() -> None:
    series = [(0.0, 50.0), (10.0, None), (20.0, 60.0), (30.0, 60.0)]
    segments = step_points(series, 100.0)
    assert segments == [(0.0, 10.0, 50.0), (10.0, 20.0, None), (20.0, 100.0, 60.0)]
    levels = dict(rtt_levels(series, 100.0))
    assert levels == {50.0: 10.0, 60.0: 80.0, None: 10.0}
    assert sum(levels.values()) == pytest.approx(100.0)


def test_nines_scale_and_ticks() -> None:
    assert nines(0.99) == pytest.approx(2.0)
    assert nines(0.9999) == pytest.approx(4.0)
    assert nines(1.0) == 7.0
    ticks = nice_ticks(0.0, HORIZON_H / 24.0)
    assert ticks[0] == 0.0 and ticks[-1] <= HORIZON_H / 24.0
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1


def test_rtt_levels_are_labelled_with_their_real_values() -> None:
    from twin.report.svg import rtt_distribution

    # 124.99999999 ms is 125.0 ms to the table's 0.1 ms; flooring printed "124 ms".
    series = [(0.0, 75.8), (10.0, 124.99999999), (20.0, None)]
    assert dict(rtt_levels(series, 30.0)) == {75.8: 10.0, 125.0: 10.0, None: 10.0}
    svg = rtt_distribution(series, 30.0, "d")
    assert ">75.8 ms<" in svg and ">125.0 ms<" in svg and ">75 ms<" not in svg


def test_a_run_without_slas_says_so_in_the_headline() -> None:
    from dataclasses import replace

    from twin.model import Sla

    scenario = small_scenario()
    scenario = replace(scenario, demands=tuple(replace(d, sla=Sla()) for d in scenario.demands))
    html = render_report_html(simulate(scenario), scenario.topology)
    assert "no demand has an SLA" in html and "all 0 demands" not in html
