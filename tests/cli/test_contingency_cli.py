"""`twin contingency` and `twin analyze --contingency`: one option set, one code path, demands
from files with their SLAs, refusals of bad input (exit 2), the file identity in the JSON."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from twin.cli.app import main
from twin.loading import load_topology
from twin.routing import Router

ROOT = Path(__file__).resolve().parents[2]
T2021 = ROOT / "topologies" / "silk-road-2021.yaml"
T2026 = ROOT / "topologies" / "silk-road-2026.yaml"
RED_SEA = ROOT / "scenarios" / "red-sea-2024.yaml"
BUDGET_MS = 78.0


def _demands(tmp_path: Path) -> Path:
    path = tmp_path / "demands.yaml"
    path.write_text(
        "demands:\n"
        "  - {id: fra-ala, source: frankfurt, destination: almaty, gbps: 100,\n"
        f"     sla: {{max_rtt_ms: {BUDGET_MS:g}}}}}\n"
    )
    return path


def _json(tmp_path: Path, *args: str) -> dict:  # type: ignore[type-arg]
    out = tmp_path / "out.json"
    assert main([*args, "--json", str(out)]) == 0
    return json.loads(out.read_text())  # type: ignore[no-any-return]


def test_the_demands_file_budget_flags_the_tcfo_cut(tmp_path: Path) -> None:
    # The oracle is the router: with TCFO up Frankfurt-Almaty is inside the budget, without
    # it the detour is over; so the TCFO failure must list fra-ala as over its RTT budget.
    router = Router(load_topology(T2026))
    base = router.shortest_path("frankfurt", "almaty")
    detour = router.shortest_path("frankfurt", "almaty", frozenset({"tcfo"}))
    assert base is not None and detour is not None
    assert base.rtt_ms < BUDGET_MS < detour.rtt_ms
    data = _json(tmp_path, "contingency", str(T2026), "--demands", str(_demands(tmp_path)))
    by_label = {f["label"]: f for f in data["failures"]}
    assert by_label["link tcfo"]["over_rtt"] == ["fra-ala"]
    assert by_label["link tcfo"]["disconnected"] == []


def test_analyze_contingency_is_the_same_analysis_as_twin_contingency(tmp_path: Path) -> None:
    demands = str(_demands(tmp_path))
    common = ["--demands", demands, "--routing", "ecmp", "--nodes", "--top", "3"]
    a = _json(tmp_path, "analyze", str(T2026), "--contingency", "n-1", *common)
    b = _json(tmp_path, "contingency", str(T2026), "--mode", "n-1", *common)
    assert a == b
    assert any(f["label"].startswith("node ") for f in a["failures"])  # --nodes reached it


def test_a_bad_mode_is_reported_against_the_option_typed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["analyze", str(T2026), "--contingency", "n-3"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("--contingency: unknown value 'n-3'")
    assert "--mode" not in err


def test_scenario_demands_missing_from_the_topology_are_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["contingency", str(T2021), "--scenario", str(RED_SEA)]) == 2
    err = capsys.readouterr().err
    for node in ("singapore", "mumbai", "karachi"):
        assert f"node '{node}' is not in topology silk-road-2021" in err
    assert main(["diff", str(T2021), str(T2026), "--scenario", str(RED_SEA)]) == 2
    assert "node 'singapore' is in neither" in capsys.readouterr().err


def test_scenario_and_demands_file_together_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = ROOT / "scenarios" / "trans-caspian-cut.yaml"
    args = ["--scenario", str(scenario), "--demands", str(_demands(tmp_path))]
    assert main(["contingency", str(T2026), *args]) == 2
    assert "give only one source of demands" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["analyze", str(T2026), "--demand", "frankfurt:frankfurt"], "--demand"),
        (["diff", str(T2026), str(T2026), "--demand", "baku:baku"], "--demand"),
        (["contingency", str(T2026), "--workers", "0"], "--workers"),
        (["analyze", str(T2026), "--contingency", "n-1", "--workers", "0"], "--workers"),
        (["contingency", str(T2026), "--gravity", "nan"], "--gravity"),
        (["contingency", str(T2026), "--gravity", "0"], "--gravity"),
        (["analyze", str(T2026), "--availability", "--tolerance", "nan"], "--tolerance"),
        (["analyze", str(T2026), "--availability", "--tolerance", "-1e-9"], "--tolerance"),
        (["check", "--replications", "0"], "--replications"),
        (["check", "--workers", "0"], "--workers"),
        (
            ["sweep", str(ROOT / "scenarios" / "annual-reliability.yaml"), "--replications", "0"],
            "--replications",
        ),
        (
            ["sweep", str(ROOT / "scenarios" / "annual-reliability.yaml"), "--workers", "0"],
            "--workers",
        ),
        (["analyze", str(T2026), "--link-utilisation"], "--link-utilisation"),
    ],
)
def test_bad_numbers_and_combinations_exit_2_naming_the_option(
    args: list[str], option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{option}: ")
    assert "Traceback" not in err


def test_the_json_names_the_topology_file_absolutely_with_its_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    data = _json(tmp_path, "contingency", "topologies/silk-road-2026.yaml")
    assert data["topology_path"] == str(T2026)
    assert data["topology_sha256"] == hashlib.sha256(T2026.read_bytes()).hexdigest()


def test_link_utilisation_is_opt_in(tmp_path: Path) -> None:
    demands = str(_demands(tmp_path))
    plain = _json(tmp_path, "contingency", str(T2026), "--demands", demands)
    assert all("utilisation" not in f for f in plain["failures"])
    full = _json(tmp_path, "contingency", str(T2026), "--demands", demands, "--link-utilisation")
    tcfo = next(f for f in full["failures"] if f["label"] == "link tcfo")
    capacity = {lid: link.capacity_gbps for lid, link in load_topology(T2026).links.items()}
    # One 100 Gbit/s demand: every loaded directed link carries exactly it, and with TCFO
    # down none of them is TCFO.
    assert tcfo["utilisation"]
    for label, value in tcfo["utilisation"].items():
        lid = label.split(" ")[0]
        assert lid != "tcfo"
        assert value == pytest.approx(100.0 / capacity[lid])
    assert max(tcfo["utilisation"].values()) == pytest.approx(tcfo["max_utilisation"])


def test_markdown_names_each_demand_over_budget_with_its_fibre_rtt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """On the calibrated corridor the Markdown (for a CI summary) gives the calibrated RTT of a
    demand over budget and the fibre RTT beside it, the same figures the JSON holds; the table
    says it lists only the worst failures."""
    calibrated = ROOT / "topologies" / "silk-road-2026-calibrated.yaml"
    demands = tmp_path / "demands.yaml"
    demands.write_text(
        "demands:\n"
        "  - {id: fra-bak, source: frankfurt, destination: baku, gbps: 10,\n"
        "     sla: {max_rtt_ms: 80}}\n"
    )
    out, markdown = tmp_path / "out.json", tmp_path / "out.md"
    args = ["contingency", str(calibrated), "--demands", str(demands), "--top", "3"]
    assert main([*args, "--json", str(out), "--markdown", str(markdown)]) == 0
    data = json.loads(out.read_text())
    readings = [r for f in data["failures"] for r in f["over_rtt_ms"]]
    assert readings and all(r["rtt_ms"] > r["fibre_rtt_ms"] for r in readings)
    text = markdown.read_text()
    first = data["failures"][[f["label"] for f in data["failures"]].index(data["worst"][0])]
    reading = first["over_rtt_ms"][0]
    assert f"fra-bak {reading['rtt_ms']:.1f} ms (fibre {reading['fibre_rtt_ms']:.1f} ms)" in text
    assert f"The worst 3 of {len(data['failures'])} failures" in text
    assert "(fibre" in capsys.readouterr().out  # the terminal table too
