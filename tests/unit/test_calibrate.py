"""The latency calibration: the robust fit, the floor rule, the flags, and bad measurements.

Synthetic measurements are generated from a known stretch and overhead, so the recovered
values are checked against the truth that made them, with tolerances derived below.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest

from twin.analysis.checks import evaluate_scenario
from twin.calibrate import calibrate, read_measurements
from twin.calibrate.fit import huber_fit, least_squares_fit
from twin.calibrate.fitting import Corridor
from twin.errors import InputError
from twin.loading import load_scenario, load_topology
from twin.model import Assertion, CorridorCalibration, LatencyCalibration, Scenario
from twin.routing import Router
from twin.sim import simulate

ROOT = Path(__file__).resolve().parents[2]
RIPE = ROOT / "topologies" / "measurements" / "ripe-atlas-country-rtt-2025.csv"
STRETCH, OVERHEAD_MS = 1.8, 12.0
# 60 pairs with fibre RTTs uniform on 10-150 ms and noise sd 0.1 ms: the least-squares
# standard errors are sd/(sd_x sqrt n) = 0.1/(40.4 x 7.75) = 3e-4 on the stretch (0.02 %) and
# sd sqrt(1/n + mean_x^2/(n var_x)) = 0.1 x 0.29 = 0.03 ms on the overhead (0.25 % of 12 ms).
# 1 % is then at least 4 standard errors for both, at every seed.
N_PAIRS, NOISE_MS = 60, 0.1


def _synthetic(seed: int, outliers: int = 0) -> tuple[list[float], list[float]]:
    rng = random.Random(seed)
    x = [rng.uniform(10.0, 150.0) for _ in range(N_PAIRS)]
    y = [STRETCH * v + OVERHEAD_MS + rng.gauss(0.0, NOISE_MS) for v in x]
    for i in rng.sample(range(N_PAIRS), outliers):
        y[i] += rng.uniform(50.0, 200.0)  # a detour or a congested probe: always slower
    return x, y


@pytest.mark.parametrize("seed", range(5))
def test_fit_recovers_known_stretch_and_overhead_to_one_percent(seed: int) -> None:
    fit = huber_fit(*_synthetic(seed))
    assert fit.stretch == pytest.approx(STRETCH, rel=0.01)
    assert fit.overhead_ms == pytest.approx(OVERHEAD_MS, rel=0.01)


@pytest.mark.parametrize("seed", range(5))
def test_fit_is_robust_to_outliers_where_least_squares_is_not(seed: int) -> None:
    x, y = _synthetic(seed, outliers=9)  # 15 % of the pairs 50-200 ms too slow
    robust = huber_fit(x, y)
    assert robust.stretch == pytest.approx(STRETCH, rel=0.01)
    assert robust.overhead_ms == pytest.approx(OVERHEAD_MS, rel=0.01)
    # Nine pairs at +125 ms on average lift a least-squares line by about 19 ms: far off.
    plain = least_squares_fit(x, y)
    assert abs(plain.overhead_ms - OVERHEAD_MS) > 0.1 * OVERHEAD_MS


def test_fit_never_goes_below_fibre() -> None:
    # Measurements faster than the model (a model path longer than the real one): the fit
    # stays on its floor, stretch 1 and overhead 0, instead of claiming faster than fibre.
    x = [10.0, 20.0, 40.0, 80.0]
    fit = huber_fit(x, [0.7 * v for v in x])
    assert fit.stretch == 1.0
    assert fit.overhead_ms == 0.0
    assert all(fit.predict_ms(v) >= v for v in x)


@pytest.mark.parametrize("seed", range(3))
def test_no_calibrated_rtt_below_the_fibre_rtt(seed: int) -> None:
    rng = random.Random(seed)
    topo = load_topology(ROOT / "topologies" / "silk-road-2026-calibrated.yaml")
    router = Router(topo)
    nodes = sorted(topo.nodes)
    for _ in range(40):
        a, b = rng.sample(nodes, 2)
        path = router.shortest_path(a, b)
        assert path is not None
        assert path.rtt_ms >= path.fibre_rtt_ms
    calibration = LatencyCalibration(1.0, 0.0)
    assert calibration.rtt_ms(42.0) == 42.0


def test_corridor_applies_only_with_both_ends_inside() -> None:
    calibration = LatencyCalibration(
        2.0, 0.0, corridors=(CorridorCalibration("west", ("DE", "AZ"), 1.0, 40.0),)
    )
    assert calibration.rtt_ms(40.0, "DE", "AZ") == 80.0  # 1 x 40 + 40
    assert calibration.rtt_ms(40.0, "DE", "GE/AZ") == 80.0  # a border node counts for AZ
    assert calibration.rtt_ms(40.0, "DE", "KZ") == 80.0  # 2 x 40: the global fit
    assert calibration.rtt_ms(30.0, "DE", "KZ") == 60.0


def test_routing_stays_on_fibre_latency() -> None:
    plain = Router(load_topology(ROOT / "topologies" / "silk-road-2026.yaml"))
    calibrated = Router(load_topology(ROOT / "topologies" / "silk-road-2026-calibrated.yaml"))
    for a, b in (("frankfurt", "baku"), ("frankfurt", "almaty"), ("baku", "hong-kong")):
        before, after = plain.shortest_path(a, b), calibrated.shortest_path(a, b)
        assert before is not None and after is not None
        assert after.links == before.links
        assert after.fibre_rtt_ms == before.rtt_ms


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.csv"
    path.write_text(text)
    return path


def test_ripe_table_flags_kazakhstan_china_and_fits_frankfurt_baku() -> None:
    topo = load_topology(ROOT / "topologies" / "silk-road-2026.yaml")
    result = calibrate(
        topo, read_measurements(RIPE), corridors=(Corridor("west", ("DE", "TR", "GE", "AZ")),)
    )
    by_pair = {(p.source, p.destination): p for p in result.pairs}
    kz_cn = by_pair[("CN", "KZ")]
    assert kz_cn.flag is not None and "detour" in kz_cn.flag
    de_kz = by_pair[("DE", "KZ")]  # its 42.6 ms minimum beats light in fibre to Almaty
    assert de_kz.flag is not None and "faster than light" in de_kz.flag
    assert by_pair[("AZ", "AZ")].flag is not None
    assert result.out_of_sample_mae_ms is not None


def test_flags_on_node_pairs(tmp_path: Path) -> None:
    topo = load_topology(ROOT / "topologies" / "silk-road-2026.yaml")
    router = Router(topo)
    fra_baku = router.shortest_path("frankfurt", "baku")
    fra_tbs = router.shortest_path("frankfurt", "tbilisi")
    baku_ala = router.shortest_path("baku", "almaty")
    assert fra_baku is not None and fra_tbs is not None and baku_ala is not None
    rows = [
        f"frankfurt,baku,{2 * fra_baku.rtt_ms + 5},mean",
        f"frankfurt,tbilisi,{2 * fra_tbs.rtt_ms + 5},mean",
        f"baku,almaty,{2 * baku_ala.rtt_ms + 5},mean",
        f"frankfurt,hong-kong,{5 * 130.9},mean",  # five times the fibre path: a detour
        "frankfurt,astana,3.0,min",  # 3 ms over 4,000 km: faster than light in fibre
        "frankfurt,astana,90.0,mean",
    ]
    path = _write(tmp_path, "source,destination,rtt_ms,stat\n" + "\n".join(rows) + "\n")
    result = calibrate(topo, read_measurements(path))
    flags = {(p.source, p.destination): p.flag for p in result.pairs}
    assert "detour" in (flags[("frankfurt", "hong-kong")] or "")
    assert "faster than light" in (flags[("astana", "frankfurt")] or "")
    assert flags[("baku", "frankfurt")] is None
    assert len(result.fitted) == 3


def test_node_pair_samples_are_summarised(tmp_path: Path) -> None:
    path = _write(tmp_path, "source,destination,rtt_ms\na,b,10\nb,a,30\na,b,20\n")
    (pair,) = read_measurements(path).pairs
    assert pair.stats_ms == {"min": 10.0, "p50": 20.0, "mean": 20.0}
    assert pair.samples == 3


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("source,destination\na,b\n", 1, "lacks the columns rtt_ms"),
        ("source,destination,rtt_ms\na,b,fast\n", 2, "not a number"),
        ("source,destination,rtt_ms\na,b,1\na,b,-3\n", 3, "out of range"),
        ("source,destination,rtt_ms\na,b,nan\n", 2, "out of range"),
        ("source,destination,rtt_ms,stat\na,b,1,p95\n", 2, "unknown statistic"),
        ("source,destination,rtt_ms\na,b\n", 2, "cells where the header has"),
        ("cty1,cty2,rtt_cnt,rtt_avg,rtt_std,rtt_min,rtt_max\nDE,AZ,0,1,1,1,1\n", 2, "rtt_cnt"),
        ("cty1,cty2,rtt_cnt,rtt_avg,rtt_std,rtt_min,rtt_max\nDE,AZ,5,1,1,2,3\n", 2, "rtt_min"),
        ("cty1,cty2,rtt_cnt,rtt_avg,rtt_std,rtt_min,rtt_max\nDEU,AZ,5,2,1,1,3\n", 2, "ISO"),
        ("", 1, "is empty"),
    ],
)
def test_bad_measurements_name_file_and_line(
    tmp_path: Path, text: str, line: int, fragment: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as info:
        read_measurements(path)
    (problem,) = info.value.problems
    assert problem.path == str(path)
    assert problem.line == line
    assert fragment in problem.message


def test_unknown_node_is_bad_input_at_its_line(tmp_path: Path) -> None:
    topo = load_topology(ROOT / "topologies" / "silk-road-2026.yaml")
    path = _write(tmp_path, "source,destination,rtt_ms\nfrankfurt,baku,80\nfrankfurt,bakku,80\n")
    with pytest.raises(InputError) as info:
        calibrate(topo, read_measurements(path))
    (problem,) = info.value.problems
    assert problem.line == 3
    assert "bakku" in problem.message
    assert "baku" in problem.hint


def test_second_hub_in_a_country_is_refused(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        "name: t\nextends: " + str(ROOT / "topologies" / "silk-road-2026.yaml") + "\n"
        "nodes:\n  - {id: ganja, hub: true}\n"
    )
    from twin.loading.paths import allowed_paths

    with allowed_paths([ROOT]), pytest.raises(InputError) as info:
        load_topology(tmp_path / "t.yaml")
    assert any("second hub of AZ" in p.message for p in info.value.problems)


def _on_calibrated(scenario_name: str) -> tuple[Scenario, Scenario]:
    """The shipped scenario (on the calibrated corridor) and the same on fibre alone."""
    calibrated = load_scenario(ROOT / "scenarios" / scenario_name)
    assert calibrated.topology.latency_calibration is not None
    fibre = load_topology(ROOT / "topologies" / "silk-road-2026.yaml")
    return dataclasses.replace(calibrated, topology=fibre), calibrated


def test_run_reports_calibrated_rtt_with_fibre_beside_it() -> None:
    plain, calibrated = _on_calibrated("georgia-corridor-outage.yaml")
    before = {d.id: d for d in simulate(plain).demands}
    after = {d.id: d for d in simulate(calibrated).demands}
    fibre = before["fra-baku"].base_rtt_ms
    assert fibre is not None
    assert before["fra-baku"].base_fibre_rtt_ms == fibre
    assert after["fra-baku"].base_fibre_rtt_ms == pytest.approx(fibre)
    corridor = calibrated.topology.latency_calibration
    assert corridor is not None
    west = corridor.corridors[0]
    assert after["fra-baku"].base_rtt_ms == pytest.approx(west.stretch * fibre + west.overhead_ms)


def test_rtt_budget_checks_use_the_calibrated_rtt() -> None:
    """The same 60 ms promise: met by 42.6 ms of fibre, not by the 86.9 ms real traffic sees."""
    plain, calibrated = _on_calibrated("georgia-corridor-outage.yaml")
    sixty = (Assertion("max_rtt", "fra-baku", {"rtt_ms": 60.0}),)
    (fibre_check,) = evaluate_scenario(dataclasses.replace(plain, checks=sixty))
    (calibrated_check,) = evaluate_scenario(dataclasses.replace(calibrated, checks=sixty))
    assert fibre_check.passed  # 42.6 ms of fibre within the 60 ms budget
    assert not calibrated_check.passed  # 86.9 ms as measured is not
    assert "fibre 42.6 ms" in calibrated_check.message
