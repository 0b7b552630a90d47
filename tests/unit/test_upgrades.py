"""Upgrade ranking: candidates files are checked like every input (FILE:LINE, ranges, exit 2,
nothing written), and the values and the best set within a budget match closed forms."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pytest

from twin.cli.app import main
from twin.errors import InputError
from twin.loading import load_scenario
from twin.loading.candidates import load_candidates
from twin.ranking import rank_upgrades
from twin.units import HOURS_PER_YEAR

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "annual-reliability.yaml"
MIN_PER_YEAR = HOURS_PER_YEAR * 60.0


def _write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


BAD = {
    "unknown-key": (
        """\
        cost_unit: MUSD
        candidates:
          - {id: a, cost: 1, activate: [kz-superhighway], colour: red}
        """,
        3,
        "colour",
    ),
    "absurd-cost": (
        """\
        cost_unit: MUSD
        candidates:
          - id: a
            cost: 1e15
            activate: [kz-superhighway]
        """,
        4,
        "1000000000000",
    ),
    "absurd-factor": (
        """\
        cost_unit: MUSD
        candidates:
          - id: a
            cost: 1
            repair: [{failure_class: terrestrial, factor: 0}]
        """,
        5,
        "0.01",
    ),
    "changes-nothing": (
        """\
        cost_unit: MUSD
        candidates:
          - {id: a, cost: 1}
        """,
        3,
        "changes nothing",
    ),
    "active-link": (
        """\
        cost_unit: MUSD
        candidates:
          - id: a
            cost: 1
            activate: [tcfo]
        """,
        5,
        "is active, not planned",
    ),
    "unknown-resource": (
        """\
        cost_unit: MUSD
        candidates:
          - id: a
            cost: 1
            resources: {caspian-vesel: 1}
        """,
        5,
        "did you mean 'caspian-vessel'",
    ),
    "unknown-class": (
        """\
        cost_unit: MUSD
        candidates:
          - id: a
            cost: 1
            repair: [{failure_class: submarine-caspain, factor: 0.5}]
        """,
        5,
        "no failure class 'submarine-caspain'",
    ),
    "missing-variant": (
        """\
        cost_unit: MUSD
        candidates:
          - id: a
            cost: 1
            topology: nowhere.yaml
        """,
        5,
        "not found",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_candidates_file_exits_2_at_its_line_writing_nothing(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, line, words = BAD[name]
    path = _write(tmp_path / "candidates.yaml", text)
    out = tmp_path / "out.json"
    status = main(["rank", str(SCENARIO), "--candidates", str(path), "--json", str(out)])
    assert status == 2
    err = capsys.readouterr().err
    assert f"{path}:{line}:" in err, err
    assert words in err
    assert "Traceback" not in err
    assert not out.exists()


def test_a_variant_that_removes_an_element_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")  # the project root
    topologies = tmp_path / "topologies"
    topologies.mkdir()
    for name in ("silk-road-2021.yaml", "silk-road-2026.yaml"):
        (topologies / name).write_text((ROOT / "topologies" / name).read_text("utf-8"), "utf-8")
    _write(
        topologies / "less.yaml",
        """\
        name: less
        extends: silk-road-2026.yaml
        remove: {links: [tcfo]}
        """,
    )
    path = _write(
        tmp_path / "candidates.yaml",
        """\
        cost_unit: MUSD
        candidates:
          - {id: a, cost: 1, topology: topologies/less.yaml}
        """,
    )
    with pytest.raises(InputError, match="removes link 'tcfo'"):
        load_candidates(path, load_scenario(SCENARIO))


def _p_up(rate_per_1000km: float, length_km: float, mttr_h: float) -> float:
    mtbf_h = HOURS_PER_YEAR / (rate_per_1000km * length_km / 1000.0)
    return mtbf_h / (mtbf_h + mttr_h)


def _network(tmp_path: Path) -> Path:
    """a-b-z in series, each hop with a planned twin: activating a twin puts a parallel link
    beside its hop. Terrestrial hops, 1 fault per 1000 km a year, fixed 100 h repairs."""
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    hops = [("ab", "a", "b", 1000), ("bz", "b", "z", 2000)]
    links = "".join(
        f"  - {{id: {lid}{twin}, a: {a}, b: {b}, kind: terrestrial, length_km: {km},\n"
        f"     capacity_gbps: 100, failure_class: cut{', status: planned' if twin else ''}}}\n"
        for lid, a, b, km in hops
        for twin in ("", "2")
    )
    _write(
        tmp_path / "net.yaml",
        """\
        name: net
        failure_classes:
          - {id: cut, basis: per_1000km, rate: 1.0, repair: {kind: fixed, median: 100h}}
        nodes:
          - {id: a, name: A, country: XX, role: pop, lat: 0.0, lon: 0.0}
          - {id: b, name: B, country: XX, role: pop, lat: 0.0, lon: 5.0}
          - {id: z, name: Z, country: XX, role: pop, lat: 0.0, lon: 10.0}
        links:
        """,
    )
    with (tmp_path / "net.yaml").open("a", encoding="utf-8") as f:
        f.write(links)
    _write(
        tmp_path / "scenario.yaml",
        """\
        name: s
        topology: net.yaml
        horizon: 1y
        demands:
          - {id: d, source: a, destination: z, gbps: 10}
        failures: {stochastic: true}
        """,
    )
    return _write(
        tmp_path / "candidates.yaml",
        """\
        cost_unit: kEUR
        budget: 10
        candidates:
          - {id: twin-ab, cost: 4, activate: [ab2]}
          - {id: twin-bz, cost: 8, activate: [bz2]}
          - {id: faster, cost: 3, repair: [{failure_class: cut, factor: 0.5}]}
        """,
    )


def test_upgrade_values_and_the_best_set_match_closed_forms(tmp_path: Path) -> None:
    candidates = _network(tmp_path)
    scenario = load_scenario(tmp_path / "scenario.yaml")
    result = rank_upgrades(scenario, load_candidates(candidates, scenario))

    def down(twin_ab: bool = False, twin_bz: bool = False, mttr_h: float = 100.0) -> float:
        pa, pb = _p_up(1.0, 1000.0, mttr_h), _p_up(1.0, 2000.0, mttr_h)
        hop_a = 1.0 - (1.0 - pa) ** (2 if twin_ab else 1)
        hop_b = 1.0 - (1.0 - pb) ** (2 if twin_bz else 1)
        return 1.0 - hop_a * hop_b

    base = down()
    expected = {
        "twin-ab": base - down(twin_ab=True),
        "twin-bz": base - down(twin_bz=True),
        "faster": base - down(mttr_h=50.0),
    }
    for c in result.candidates:
        assert c.total.low == c.total.high  # analytic and exact
        assert c.total.value == pytest.approx(expected[c.id] * MIN_PER_YEAR, rel=1e-9)
        assert c.saved_per_cost == pytest.approx(c.total.value / c.cost, rel=1e-12)
    # Every affordable set (budget 10), valued from the closed form.
    sets = {
        (): 0.0,
        ("twin-ab",): expected["twin-ab"],
        ("twin-bz",): expected["twin-bz"],
        ("faster",): expected["faster"],
        ("faster", "twin-ab"): base - down(twin_ab=True, mttr_h=50.0),
    }
    costs = {"twin-ab": 4, "twin-bz": 8, "faster": 3}
    best = max(sets, key=lambda s: sets[s])
    exact = next(p for p in result.plans if p.rule == "exact")
    assert exact.candidates == best
    assert exact.cost == sum(costs[c] for c in best)
    assert exact.saved.value == pytest.approx(sets[best] * MIN_PER_YEAR, rel=1e-9)
    greedy = next(p for p in result.plans if p.rule == "greedy")
    assert sum(costs[c] for c in greedy.candidates) <= 10
    assert greedy.saved.value <= exact.saved.value + 1e-9
    assert math.isclose(result.budget or 0.0, 10.0)


def test_the_budget_option_overrides_the_file_and_is_range_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    candidates = _network(tmp_path)
    scenario = load_scenario(tmp_path / "scenario.yaml")
    result = rank_upgrades(scenario, load_candidates(candidates, scenario), budget=3)
    for plan in result.plans:
        assert plan.candidates == ("faster",)
    status = main(
        ["rank", str(tmp_path / "scenario.yaml"), "--candidates", str(candidates), "--budget", "-1"]
    )
    assert status == 2
    assert "--budget: must be in (0, 1e12]" in capsys.readouterr().err


def test_twin_validate_recognises_a_candidates_file_and_twin_check_skips_it(
    tmp_path: Path,
) -> None:
    from twin.gate import scenario_paths
    from twin.loading import validate_file

    shipped = validate_file(ROOT / "scenarios" / "upgrades.yaml")
    assert (shipped.kind, shipped.problems) == ("candidates", ())
    text, line, _ = BAD["absurd-cost"]
    bad = validate_file(_write(tmp_path / "bad.yaml", text))
    assert bad.kind == "candidates" and [p.line for p in bad.problems] == [line]
    gated = scenario_paths([ROOT / "scenarios"])
    assert ROOT / "scenarios" / "upgrades.yaml" not in gated
    assert ROOT / "scenarios" / "annual-reliability.yaml" in gated


def test_ctrl_c_during_a_simulation_keeps_what_was_valued(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An interrupted replication run (partial) ends the ranking with a valid partial result:
    the candidates valued before it, marked partial."""
    import twin.ranking
    from twin.montecarlo import Replicated

    def interrupted(*_: object, **__: object) -> Replicated[tuple[float, ...]]:
        return Replicated(1, ((0.0,) * 5,), 1, partial=True)

    monkeypatch.setattr(twin.ranking, "replicate", interrupted)
    scenario = load_scenario(SCENARIO)
    result = rank_upgrades(
        scenario, load_candidates(ROOT / "scenarios" / "upgrades.yaml", scenario)
    )
    assert result.partial
    # The two analytic candidates before the vessel (the first simulated one), in file order.
    assert [c.id for c in result.candidates] == ["superhighway", "reserve-caspian-cable"]
    assert result.plans == ()
    assert any(n.startswith("interrupted") for n in result.notes)
