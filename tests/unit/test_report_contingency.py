"""Contingency results rendered like run reports: ranking, impact colours, schema checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_report_view import small_scenario

from twin.analysis.contingency import contingency
from twin.cli.app import main
from twin.errors import InputError
from twin.report.html_contingency import (
    IMPACT_CLASSES,
    link_paint,
    render_contingency_html,
)
from twin.results.contingency import ContingencyResult

COLOUR = {key: colour for key, colour, _ in IMPACT_CLASSES}


@pytest.fixture(scope="module")
def document() -> ContingencyResult:
    """The result as `twin report` sees it: written to JSON and read back."""
    scenario = small_scenario()
    written = contingency(scenario.topology, scenario.demands, mode="n-1").to_dict()
    return ContingencyResult.from_dict(json.loads(json.dumps(written)))


def test_single_points_of_failure_are_found_and_painted(document: ContingencyResult) -> None:
    topo = small_scenario().topology
    impacts = {i.label: i for i in document.failures}
    # fra-ala and fra-baku share fra-ist and ist-baku; only fra-ala needs aktau-almaty;
    # the two Caspian cables protect each other.
    assert impacts["link fra-ist"].disconnected == ("fra-ala", "fra-baku")
    assert impacts["link aktau-almaty"].disconnected == ("fra-ala",)
    assert impacts["link sub1"].disconnected == ()
    paint = link_paint(list(impacts.values()), topo)
    assert paint["fra-ist"].colour == COLOUR["disconnects-many"]
    assert paint["aktau-almaty"].colour == COLOUR["disconnects"]
    assert paint["sub2"].colour == COLOUR["none"]
    assert paint["fra-ist"].rank > paint["aktau-almaty"].rank > paint["sub2"].rank


def test_html_ranks_worst_first_and_is_deterministic(document: ContingencyResult) -> None:
    topo = small_scenario().topology
    html = render_contingency_html(document, topo)
    assert html == render_contingency_html(document, topo)
    worst = html.index('id="worst"')
    first_rows = html[worst : html.index("</table>", worst)]
    assert first_rows.index("link fra-ist") < first_rows.index("link aktau-almaty")
    assert "3 of 6 failures disconnect a demand" in html
    assert 'id="map"' in html and html.count('class="country"') >= 10


def test_not_a_contingency_document_is_an_input_error() -> None:
    with pytest.raises(InputError, match="not a contingency results file"):
        ContingencyResult.from_dict({"schema": "silkroad-twin/run/1"})
    with pytest.raises(InputError, match=r"contingency results: mode: Field required"):
        ContingencyResult.from_dict(
            {"schema": "silkroad-twin/contingency/1", "topology": "t", "failures": [{"label": "x"}]}
        )


def test_cli_detects_the_schema(document: ContingencyResult, tmp_path: Path) -> None:
    topo_file = Path(__file__).resolve().parents[2] / "topologies" / "silk-road-2026.yaml"
    if not topo_file.exists():
        pytest.skip("shipped topology not present")
    from twin.loading import load_topology

    topo = load_topology(topo_file)
    demands = small_scenario().demands[:0]  # no demand: every failure is harmless
    doc = contingency(topo, demands, mode="n-1").to_dict()
    src = tmp_path / "c.json"
    src.write_text(json.dumps(doc))
    out, summary = tmp_path / "c.html", tmp_path / "s.json"
    args = [
        "report",
        str(src),
        "-o",
        str(out),
        "--topology",
        str(topo_file),
        "--json",
        str(summary),
    ]
    assert main(args) == 0
    assert "contingency report" in out.read_text()
    data = json.loads(summary.read_text())
    assert data["kind"] == "contingency"
    assert {f["impact"] for f in data["failures"]} == {"none"}


def test_headline_counts_reroutes_apart_from_disconnections(document: ContingencyResult) -> None:
    from twin.report.html_contingency import headline_counts

    impacts = list(document.failures)
    # By hand on the mini network: fra-ist, ist-baku and aktau-almaty disconnect; baku-sumgait
    # and sub1 move fra-ala onto sub2 (430 km instead of 35 + 380 km): a reroute, no budget.
    rerouting = [
        i.label for i in impacts if not i.disconnected and max(i.stretch.values(), default=1.0) > 1
    ]
    assert sorted(rerouting) == ["link baku-sumgait", "link sub1"]
    counts = headline_counts(impacts)
    assert counts[0] == "0 push a demand over its RTT budget"
    assert counts[1].startswith("2 only reroute, within budget (worst RTT ×1.0")
    html = render_contingency_html(document, small_scenario().topology)
    assert "3 of 6 failures disconnect a demand" in html
