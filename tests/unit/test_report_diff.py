"""Topology diffs rendered like the other reports: verdict line, map of HEAD, element and
per-demand tables; removed links drawn from BASE when it can be read, tabled only when not."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from twin.analysis.demand_sets import default_demands
from twin.analysis.topology_diff import diff_topologies, measure_demand
from twin.errors import InputError
from twin.loading import load_topology
from twin.report.html_diff import (
    ADDED_COLOUR,
    REMOVED_COLOUR,
    DiffSide,
    demand_status,
    load_side,
    render_diff_html,
    verdict_line,
    worst_regression,
)
from twin.results.diff import TopologyDiff

ROOT = Path(__file__).resolve().parents[2]
OLD = "topologies/silk-road-2021.yaml"
NEW = "topologies/silk-road-2026.yaml"

pytestmark = pytest.mark.skipif(
    not (ROOT / OLD).exists() or not (ROOT / NEW).exists(), reason="shipped topologies not present"
)


def _diff_document(base: str, head: str) -> dict[str, Any]:
    """What `twin diff BASE HEAD --json FILE` writes, through the same API and a JSON round trip."""
    base_topo, head_topo = load_topology(ROOT / base), load_topology(ROOT / head)
    result = diff_topologies(
        base_topo,
        head_topo,
        default_demands(base_topo, head_topo),
        measure_demand,
        base_label=base,
        head_label=head,
    )
    data: dict[str, Any] = json.loads(json.dumps(result.to_dict()))
    return data


@pytest.fixture(scope="module")
def forward() -> dict[str, Any]:
    return _diff_document(OLD, NEW)


@pytest.fixture(scope="module")
def backward() -> dict[str, Any]:
    return _diff_document(NEW, OLD)


def _render(data: dict[str, Any], base: DiffSide | None = None) -> str:
    head = load_side(str(data["head"]), [ROOT])
    diff = TopologyDiff.from_dict(data)
    return render_diff_html(diff, head, base or load_side(str(data["base"]), [ROOT]))


def _row(html: str, table_id: str, attr: str, key: str) -> str:
    table = html[html.index(f'<table id="{table_id}"') :]
    table = table[: table.index("</table>")]
    match = re.search(rf'<tr [^>]*{attr}="{re.escape(key)}".*?</tr>', table)
    assert match, f"no row {key} in #{table_id}"
    return match.group(0)


def _map_link(html: str, link_id: str) -> str | None:
    svg = html[html.index('id="map"') : html.index("</svg>", html.index('id="map"'))]
    match = re.search(rf'<path class="link [^"]*" data-link="{re.escape(link_id)}"[^>]*>', svg)
    return match.group(0) if match else None


def test_new_cable_is_on_the_map_and_in_the_element_table(forward: dict[str, Any]) -> None:
    html = _render(forward)
    assert html.startswith("<!DOCTYPE html>") and "</html>" in html
    assert "<svg" in html and 'id="map"' in html and html.count('class="country"') >= 10
    assert "tcfo" in html
    assert 'class="badge added">added' in _row(html, "elements", "data-element", "tcfo")
    drawn = _map_link(html, "tcfo")
    assert drawn is not None and f'stroke="{ADDED_COLOUR}"' in drawn
    # Self-contained and deterministic, like the other reports.
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert html == _render(forward)


def test_demands_that_improved_are_marked_better(forward: dict[str, Any]) -> None:
    diff = TopologyDiff.from_dict(forward)
    improved = [d.demand_id for d in diff.demands if demand_status(d) == "better"]
    assert improved, "the Trans-Caspian cable should improve some demand"
    html = _render(forward)
    for demand_id in improved:
        row = _row(html, "demands", "data-demand", demand_id)
        assert 'class="status-better"' in row and "better" in row
        assert 'class="num better"' in row  # the measures that improved are highlighted
    counts = {s: sum(demand_status(d) == s for d in diff.demands) for s in ("better", "worse")}
    assert f"{counts['worse']} got worse, {counts['better']} better" in html
    assert verdict_line(diff) in html.replace("&gt;", ">")


def test_removed_links_are_drawn_from_base_and_regressions_named(
    backward: dict[str, Any],
) -> None:
    diff = TopologyDiff.from_dict(backward)
    worst = worst_regression(diff.demands)
    assert worst is not None and worst.regressions
    html = _render(backward)
    drawn = _map_link(html, "tcfo")
    assert drawn is not None and f'stroke="{REMOVED_COLOUR}"' in drawn
    assert 'stroke-dasharray="6 4"' in drawn
    assert "drawn from BASE" in html
    assert f"Worst regression: {worst.demand_id} " in html
    for d in diff.demands:
        if d.regressions:
            row = _row(html, "demands", "data-demand", d.demand_id)
            assert 'class="status-worse"' in row and 'class="badge worse"' in row
            assert "worse" in row


def test_without_base_removed_links_are_tabled_only_and_the_legend_says_so(
    backward: dict[str, Any],
) -> None:
    missing = load_side("no/such/base.yaml", [ROOT])
    assert missing.topology is None and missing.problem
    html = _render(backward, missing)
    assert _map_link(html, "tcfo") is None
    assert 'class="badge removed">removed' in _row(html, "elements", "data-element", "tcfo")
    legend = html[html.index('id="map-legend"') :]
    assert "in the table only" in legend[: legend.index("</g>")]
    assert "could not be loaded" in html


def test_a_git_revision_side_is_read_from_git() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    side = load_side(f"HEAD:{NEW}", [ROOT])
    if side.topology is None:  # the file may not be committed in this checkout
        pytest.skip(side.problem)
    assert side.topology.name == "silk-road-2026" and side.sha256


def test_not_a_diff_document_is_an_input_error(forward: dict[str, Any]) -> None:
    with pytest.raises(InputError, match="not a topology diff file"):
        TopologyDiff.from_dict({"schema": "silkroad-twin/contingency/1"})
    broken = dict(forward, demands=[{"demand_id": "x"}])
    with pytest.raises(InputError, match=r"topology diff: demands\.0\.source: Field required"):
        TopologyDiff.from_dict(broken)
    unknown = dict(forward, elements=[dict(forward["elements"][0], change="moved")])
    with pytest.raises(InputError, match=r"elements\.0\.change: Input should be"):
        TopologyDiff.from_dict(unknown)


def test_round_trip_keeps_the_diff(forward: dict[str, Any]) -> None:
    diff = TopologyDiff.from_dict(forward)
    assert isinstance(diff, TopologyDiff)
    assert json.loads(json.dumps(diff.to_dict())) == forward
