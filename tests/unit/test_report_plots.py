"""`twin plot` figures: every kind renders, SVG is deterministic, bad requests are input errors."""

from __future__ import annotations

import struct
from dataclasses import replace
from pathlib import Path

import pytest
from test_report_view import small_scenario

from twin.errors import InputError
from twin.model import DownElement, State
from twin.montecarlo import run_replications
from twin.report.plots import PLOT_KINDS, plot, plot_bytes
from twin.results import SimulationResult
from twin.results.montecarlo import MonteCarloResult
from twin.sim import simulate


@pytest.fixture(scope="module")
def run() -> SimulationResult:
    return simulate(small_scenario())


@pytest.fixture(scope="module")
def outlook() -> MonteCarloResult:
    """Replications from a state: what the restoration plot draws."""
    scenario = small_scenario()
    link = sorted(scenario.topology.links)[0]
    state = State("2027-01-10T00:00:00Z", (DownElement("link", link, -1.0, eta_h=5.0),))
    return run_replications(replace(scenario, state=state), replications=4)


@pytest.mark.parametrize("kind", PLOT_KINDS)
def test_every_kind_renders_a_real_png(
    run: SimulationResult, outlook: MonteCarloResult, kind: str
) -> None:
    drawn = outlook if kind == "restoration" else run
    data = plot_bytes(drawn, small_scenario().topology, kind, "png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 600 and height >= 300


def test_svg_is_byte_identical_and_undated(run: SimulationResult, tmp_path: Path) -> None:
    topo = small_scenario().topology
    plot(run, topo, "map", tmp_path / "a.svg")
    plot(run.to_dict(), topo, "map", tmp_path / "b.svg")
    a = (tmp_path / "a.svg").read_bytes()
    assert a == (tmp_path / "b.svg").read_bytes()
    assert b"<dc:date>" not in a
    assert a.count(b"<path") > 20  # country outlines and links are drawn


def test_bad_kind_format_or_missing_topology_is_an_input_error(run: SimulationResult) -> None:
    with pytest.raises(InputError, match="unknown plot kind"):
        plot_bytes(run, None, "pie", "png")
    with pytest.raises(InputError, match=r"\.pdf"):
        plot_bytes(run, None, "latency", "pdf")
    with pytest.raises(InputError, match="needs the topology"):
        plot_bytes(run, None, "map", "png")


def test_restoration_needs_results_from_a_state(run: SimulationResult) -> None:
    with pytest.raises(InputError, match="needs Monte Carlo results of a run from a state"):
        plot_bytes(run, None, "restoration", "png")
