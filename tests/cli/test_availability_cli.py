"""`twin analyze --availability` through the command: one call for every demand, options
checked before any work, and networks beyond analysis refused with exit 2 and a pointer to
simulation (never a traceback, a hang or exit 3)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from twin.analysis.availability import Settings, availability_of_demands
from twin.analysis.demand_sets import default_demands
from twin.cli.app import main
from twin.loading import load_topology

ROOT = Path(__file__).resolve().parents[2]
T2026 = ROOT / "topologies" / "silk-road-2026.yaml"


def test_every_default_demand_is_exact_and_matches_the_library(tmp_path: Path) -> None:
    out = tmp_path / "analysis.json"
    assert main(["analyze", str(T2026), "--availability", "--json", str(out)]) == 0
    doc = json.loads(out.read_text())["availability"]
    topology = load_topology(T2026)
    demands = default_demands(topology)
    expected = availability_of_demands(topology, [(d.source, d.destination) for d in demands])
    assert sorted(doc) == sorted(d.id for d in demands)
    for demand, result in zip(demands, expected, strict=True):
        entry = doc[demand.id]
        assert entry["exact"] and entry["relative_width"] == 0.0
        assert entry["value"] == result.value
        assert entry["unavailability"] == pytest.approx(1 - result.value, abs=1e-15)


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--time-budget", "0"], "--time-budget"),
        (["--time-budget", "1e9"], "--time-budget"),
        (["--time-budget", "nan"], "--time-budget"),
        (["--relative-width", "2"], "--relative-width"),
        (["--relative-width", "0"], "--relative-width"),
        (["--availability-method", "guess"], "--availability-method"),
    ],
)
def test_bad_availability_options_exit_2_naming_the_option(
    args: list[str], option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", str(T2026), "--availability", *args]) == 2
    assert capsys.readouterr().err.startswith(f"{option}: ")


def _grid_file(folder: Path, side: int) -> Path:
    lines = [
        "name: grid",
        "failure_classes:",
        "- {id: t, basis: per_1000km, rate: 1.0, repair: {kind: fixed, median: 12h}}",
        "nodes:",
    ]
    for r in range(side):
        for c in range(side):
            lines.append(
                f"- {{id: g{r}-{c}, name: G, country: ZZ, role: pop, "
                f"lat: {40 + 0.2 * r:.1f}, lon: {10 + 0.2 * c:.1f}}}"
            )
    lines.append("links:")
    for r in range(side):
        for c in range(side):
            for dr, dc in ((0, 1), (1, 0)):
                if r + dr < side and c + dc < side:
                    a, b = f"g{r}-{c}", f"g{r + dr}-{c + dc}"
                    lines.append(
                        f"- {{id: {a}--{b}, a: {a}, b: {b}, kind: terrestrial, length_km: 40, "
                        "capacity_gbps: 100, failure_class: t}"
                    )
    path = folder / "grid.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_network_beyond_analysis_ends_cleanly_pointing_to_simulation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 25 x 25 grid (625 nodes, 1,200 links, frontier ~25): neither exact nor the smallest
    bounded search fits one second, so the command says so at once."""
    grid = _grid_file(tmp_path, 25)
    args = ["analyze", str(grid), "--demand", "g0-0:g24-24", "--availability"]
    started = time.monotonic()
    assert main([*args, "--time-budget", "1"]) == 2
    assert time.monotonic() - started < 60
    err = capsys.readouterr().err
    assert "beyond analytic availability" in err and "--replications" in err
    assert "Traceback" not in err
    assert main([*args, "--availability-method", "exact"]) == 2
    assert "does not fit" in capsys.readouterr().err


def test_bounds_on_a_grid_say_their_relative_width(tmp_path: Path) -> None:
    """A 6 x 6 grid with bounds asked for: certified, within 10 % of the unavailability, and
    the exact value (computed in the library) inside. Its one block fits an exact diagram, so
    the interval is a point; truncated searches are checked in tests/unit."""
    grid = _grid_file(tmp_path, 6)
    out = tmp_path / "a.json"
    args = ["analyze", str(grid), "--demand", "g0-0:g5-5", "--availability", "--json", str(out)]
    assert main([*args, "--availability-method", "bounds"]) == 0
    entry = next(iter(json.loads(out.read_text())["availability"].values()))
    exact = availability_of_demands(
        load_topology(grid), [("g0-0", "g5-5")], settings=Settings(method="exact")
    )[0]
    assert entry["relative_width"] <= 0.1 and entry["method"].startswith("exact: 1 independent")
    assert entry["lower"] <= exact.value <= entry["upper"]
