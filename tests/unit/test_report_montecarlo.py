"""Monte Carlo reports: a verdict only when the whole 95 % interval is on one side of the SLA."""

from __future__ import annotations

import pytest

from twin.errors import InputError
from twin.report.html_montecarlo import render_montecarlo_html
from twin.results.montecarlo import MonteCarloResult


def _doc(*demands: tuple[str, float | None, float, float, float]) -> dict[str, object]:
    def interval(mean: float, low: float | None, high: float | None) -> dict[str, object]:
        return {"mean": mean, "low": low, "high": high, "n": 30}

    return {
        "schema": "silkroad-twin/montecarlo/1",
        "scenario": "s",
        "seed": 1,
        "replications": 30,
        "demands": [
            {
                "id": did,
                "sla_target": target,
                "availability": interval(mean, low, high),
                "sla_availability": interval(mean, low, high),
                "downtime_min_per_year": interval(100.0, 80.0, 120.0),
                "sla_downtime_min_per_year": interval(100.0, 80.0, 120.0),
                "traffic_lost_gbit": interval(1.0, None, None),
            }
            for did, target, mean, low, high in demands
        ],
    }


def test_status_follows_the_interval_not_the_mean() -> None:
    doc = _doc(
        ("held", 0.999, 0.9995, 0.9991, 0.9999),
        ("missed", 0.999, 0.998, 0.997, 0.9989),
        ("undecided", 0.999, 0.9991, 0.9985, 0.9997),  # mean above target, interval straddles
        ("none", None, 0.5, 0.4, 0.6),
    )
    result = MonteCarloResult.from_dict(doc)
    statuses = {d.id: d.verdict() for d in result.demands}
    assert statuses == {
        "held": "held",
        "missed": "missed",
        "undecided": "undecided",
        "none": "no-sla",
    }
    html = render_montecarlo_html(result)
    assert "1 of 4 demands miss their SLA: missed" in html
    assert "undecided: undecided" in html and "run more replications" in html
    assert html == render_montecarlo_html(MonteCarloResult.from_dict(doc))


def test_malformed_documents_are_input_errors() -> None:
    with pytest.raises(InputError, match="not a Monte Carlo results file"):
        MonteCarloResult.from_dict({"schema": "x"})
    bad = _doc(("a", 0.9, 0.95, 0.9, 0.99))
    bad["demands"][0]["sla_availability"] = {"mean": None}  # type: ignore[index]
    with pytest.raises(InputError, match=r"demands\.0\.sla_availability\.low: Field required"):
        MonteCarloResult.from_dict(bad)
    with pytest.raises(InputError, match="not a Monte Carlo results file"):
        MonteCarloResult.from_dict([])


def test_results_from_a_state_draw_each_demands_restoration_curve() -> None:
    """The curve's band and line are drawn for every demand with an outlook, inside well-formed
    SVG, and the page states the state's time; a result read back draws the same page."""
    import xml.etree.ElementTree as ET
    from dataclasses import replace

    from test_report_view import small_scenario

    from twin.model import DownElement, State
    from twin.montecarlo import run_replications

    scenario = small_scenario()
    link = sorted(scenario.topology.links)[0]
    state = State("2027-01-10T00:00:00Z", (DownElement("link", link, -1.0, eta_h=5.0),))
    result = run_replications(replace(scenario, state=state), replications=4)
    html = render_montecarlo_html(result)
    assert "From the state as of 2027-01-10T00:00:00Z" in html
    charts = [
        chunk.split("</svg>")[0] + "</svg>"
        for chunk in html.split("<svg")[1:]
        if 'class="chart restoration"' in chunk.split(">")[0]
    ]
    assert len(charts) == len(result.demands)
    for chart in charts:
        root = ET.fromstring("<svg" + chart)
        classes = {e.get("class") for e in root.iter()}
        assert {"restoration-line", "restoration-band"} <= classes
    assert render_montecarlo_html(MonteCarloResult.from_dict(result.to_dict())) == html
