"""`twin run --state`, `--state-out --at` and `twin check --state` through the real command."""

from __future__ import annotations

import dataclasses
import itertools
import json
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest

from twin.loading import load_scenario, load_state, with_state
from twin.loading.paths import allowed_paths
from twin.montecarlo import run_replications
from twin.sim import simulate

ROOT = Path(__file__).resolve().parents[2]
TWIN = Path(sys.executable).with_name("twin")
SCENARIO = ROOT / "scenarios" / "now-caspian-cut.yaml"
STATE = ROOT / "scenarios" / "states" / "now-caspian-cut.state.yaml"
DAY30 = ROOT / "scenarios" / "states" / "now-caspian-cut-day30.state.yaml"


def _twin(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TWIN), *map(str, args)], capture_output=True, text=True, timeout=300, cwd=ROOT
    )


def test_a_run_from_the_state_reports_each_demands_outlook(tmp_path: Path) -> None:
    out = tmp_path / "now.json"
    proc = _twin("run", SCENARIO, "--state", STATE, "--replications", "40", "--json", out)
    assert proc.returncode == 0, proc.stderr
    assert "P(restored by t)" in proc.stdout
    doc = json.loads(out.read_text())
    schema = json.loads((ROOT / "twin" / "schemas" / "montecarlo.result.schema.json").read_text())
    jsonschema.validate(doc, schema)
    assert doc["as_of"] == "2027-01-10T06:00:00Z"
    fra_ala = next(d for d in doc["demands"] if d["id"] == "fra-ala")
    curve = fra_ala["restoration"]
    assert set(curve[0]) == {"t_h", "p", "low", "high"}
    assert curve[0]["t_h"] == 0.0 and curve[-1]["t_h"] == 56 * 24
    # A probability of "restored by t" never falls as t grows, and its interval holds it.
    assert all(a["p"] <= b["p"] for a, b in itertools.pairwise(curve))
    assert all(p["low"] <= p["p"] <= p["high"] for p in curve)
    # TCFO waits for the vessel (busy until 20 Jan), then for its closed window (Jan-Feb) to
    # end, then its 2 d mobilisation: fra-ala, over its 80 ms budget on the detour, cannot be
    # back before 3 March 00:00, counted from as_of (10 Jan 06:00).
    earliest_h = (datetime(2027, 3, 3, tzinfo=UTC) - datetime(2027, 1, 10, 6, tzinfo=UTC)) / (
        timedelta(hours=1)
    )
    assert any(p["t_h"] >= 30 * 24 for p in curve if p["t_h"] < earliest_h)
    assert all(p["p"] == 0.0 for p in curve if p["t_h"] < earliest_h)
    assert fra_ala["sla_minutes_lost"]["mean"] > 0
    assert 0.0 <= fra_ala["further_cut"]["p"] <= 1.0


def test_results_from_a_state_do_not_depend_on_the_workers() -> None:
    scenario = with_state(load_scenario(SCENARIO), STATE)
    one = run_replications(scenario, replications=8, workers=1).to_dict()
    two = run_replications(scenario, replications=8, workers=2).to_dict()
    assert one == two


def test_state_out_is_deterministic_and_reads_back(tmp_path: Path) -> None:
    first, second = tmp_path / "a.state.yaml", tmp_path / "b.state.yaml"
    for out in (first, second):
        proc = _twin("run", SCENARIO, "--quiet", "--state-out", out, "--at", "30d",
                     "--replication", "1")  # fmt: skip
        assert proc.returncode == 0, proc.stderr
    assert first.read_bytes() == second.read_bytes()
    # The shipped day-30 example is exactly what this command writes (its topology path aside).
    shipped = DAY30.read_text().splitlines()
    written = first.read_text().splitlines()
    assert [x for x in written if "topology:" not in x] == [
        x for x in shipped if "topology:" not in x
    ]
    state = load_state(DAY30, load_scenario(SCENARIO))
    assert state.as_of == "2027-02-09T06:00:00Z"
    (tcfo,) = state.down
    assert (tcfo.id, tcfo.since_h, tcfo.cause) == ("tcfo", -(36 * 24 + 6.0), "submarine-caspian")
    (vessel,) = state.resources
    # Busy until 20 Jan 00:00, then on TCFO's job, but closed January-February: on 9 Feb it
    # has done no work, so it is mobilising from as_of (work time, not the calendar).
    assert (vessel.job, vessel.mobilising_since_h) == ("tcfo", 0.0)
    proc = _twin("run", SCENARIO, "--state", DAY30, "--replications", "10", "--quiet")
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--state-out", "x.yaml"], "--state-out needs --at"),
        (["--at", "3d"], "--at is the time of --state-out"),
        (["--state-out", "x.yaml", "--at", "90d"], "outside the run"),
        (["--state-out", "x.yaml", "--at", "3d", "--replications", "5"], "there are many"),
        (["--replication", "-1"], "outside the allowed range 0 to 999,999"),
    ],
)
def test_state_out_options_are_checked_before_anything_runs(
    args: list[str], message: str, tmp_path: Path
) -> None:
    proc = _twin("run", SCENARIO, "--quiet", *args)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_state_out_needs_dates(tmp_path: Path) -> None:
    proc = _twin("run", ROOT / "scenarios" / "trans-caspian-cut.yaml", "--quiet",
                 "--state-out", tmp_path / "s.yaml", "--at", "3d")  # fmt: skip
    assert proc.returncode == 2 and "has no date" in proc.stderr
    assert "add start: YYYY-MM-DD to the scenario" in proc.stderr
    assert not (tmp_path / "s.yaml").exists()


def test_a_run_from_everything_up_with_a_start_date_exports_its_state(tmp_path: Path) -> None:
    winter = ROOT / "scenarios" / "caspian-winter-cut.yaml"
    out = tmp_path / "day5.state.yaml"
    proc = _twin("run", winter, "--quiet", "--state-out", out, "--at", "5d")
    assert proc.returncode == 0, proc.stderr
    proc = _twin("--allow-path", ROOT, "validate", out)
    assert proc.returncode == 0, proc.stderr
    scenario = load_scenario(winter)
    with allowed_paths([ROOT]):
        state = load_state(out, scenario)
    # Start 10 January 00:00; the state is 5 d later. TCFO was cut at 0 h and CCS at 2 d, both
    # restored by repair: each keeps its link's failure class as the cause.
    assert scenario.start == datetime(2027, 1, 10, tzinfo=UTC)
    assert state.as_of == "2027-01-15T00:00:00Z"
    links = scenario.topology.links
    assert [(d.id, d.since_h, d.cause) for d in state.down] == [
        ("tcfo", -120.0, links["tcfo"].failure_class),
        ("ccs", -72.0, links["ccs"].failure_class),
    ]
    # Both ships took their jobs at once, but their windows (Caspian Jan-Feb, Black Sea Jan)
    # have held them since: no work done, so each is mobilising from the state's as_of.
    assert [(r.id, r.job, r.mobilising_since_h) for r in state.resources] == [
        ("caspian-vessel", "tcfo", 0.0),
        ("black-sea-ship", "ccs", 0.0),
    ]
    # A run from it (the cuts now in the state, not scheduled again) starts where the first
    # left off: the faults at their real times, each repair waiting for the rest of its window.
    result = simulate(dataclasses.replace(scenario, events=(), state=state), replication=0)
    records = {r.element: r for r in result.element_outages}
    assert (records["tcfo"].failed_at_h, records["ccs"].failed_at_h) == (-120.0, -72.0)
    as_of = date(2027, 1, 15)
    assert records["tcfo"].window_wait_h == (date(2027, 3, 1) - as_of).days * 24.0
    assert records["ccs"].window_wait_h == (date(2027, 2, 1) - as_of).days * 24.0
    for record in records.values():
        assert record.repair_started_at_h == 0.0 and record.repair_h is not None
        assert record.restored_at_h == pytest.approx(
            record.mobilisation_h + record.repair_h + record.window_wait_h
        )


def test_a_bad_state_is_refused_at_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.state.yaml"
    bad.write_text(
        textwrap.dedent(
            """\
            as_of: 2027-01-10T06:00:00Z
            down:
              - {link: tcf0, since: 2027-01-04T00:00:00Z, cause: submarine-caspian}
              - {link: baku-sumgait, since: 2027-01-09T00:00:00Z, eta: 2027-01-01T12:00:00Z}
            resources:
              - {id: caspian-vesel, busy_until: 2027-01-20T00:00:00Z}
            """
        )
    )
    out = tmp_path / "out.json"
    proc = _twin("run", SCENARIO, "--state", bad, "--json", out)
    assert proc.returncode == 2
    assert f"{bad}:3:" in proc.stderr and "did you mean 'tcfo'" in proc.stderr
    assert f"{bad}:4:" in proc.stderr and "is in the past" in proc.stderr
    assert f"{bad}:6:" in proc.stderr and "did you mean 'caspian-vessel'" in proc.stderr
    assert not out.exists()


def test_a_scenario_may_not_name_a_state_outside_its_project(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "net.yaml").write_text((ROOT / "tests" / "data" / "good" / "base.yaml").read_text())
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "name: s\ntopology: net.yaml\nstate: ../../../../etc/passwd\nhorizon: 30d\n"
        "demands: [{source: baku, destination: almaty}]\n"
    )
    proc = _twin("validate", scenario)
    assert proc.returncode == 2
    assert f"{scenario}:3:" in proc.stderr and "state: '../../../../etc/passwd' is outside" in (
        proc.stderr
    )
    assert "root:" not in proc.stderr


def test_check_decides_restored_by_from_the_state(tmp_path: Path) -> None:
    scenario = tmp_path / "now.yaml"
    text = SCENARIO.read_text().replace("../topologies/", f"{ROOT}/topologies/")
    text = text.replace("state: states/now-caspian-cut.state.yaml\n", "")
    text = text.replace(
        "  - restored_by: {demand: baku-ala, within: 1d, probability: 0.8}",
        "  - restored_by: {demand: baku-ala, within: 1d, probability: 0.8}\n"
        "  - restored_by: {demand: fra-ala, within: 30d, probability: 0.9}",
    )
    scenario.write_text(text)
    report = tmp_path / "check.json"
    allow = ("--allow-path", ROOT)
    proc = _twin(*allow, "check", scenario, "--state", STATE, "--json", report)
    assert proc.returncode == 1, proc.stderr
    outcomes = json.loads(report.read_text())["outcomes"]
    held, missed = outcomes
    assert held["passed"] and held["measured"] == 1.0
    # None by day 30 (the vessel's window holds TCFO's repair): the whole interval misses.
    assert not missed["passed"] and "misses 0.9" in missed["message"]
    # Without a state the assertion cannot be decided: it fails and says why.
    proc = _twin(*allow, "check", scenario, "--json", report)
    assert proc.returncode == 1
    outcome = json.loads(report.read_text())["outcomes"][0]
    assert not outcome["passed"] and "needs the network's present state" in outcome["message"]


def test_one_run_from_a_state_keeps_the_faults_real_start(tmp_path: Path) -> None:
    out, csv = tmp_path / "one.json", tmp_path / "t.csv"
    proc = _twin("run", SCENARIO, "--quiet", "--replication", "2", "--json", out, "--timeline", csv)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    assert doc["schema"].startswith("silkroad-twin/run/") and doc["replication"] == 2
    found = [r for r in doc["element_outages"] if r["cause_kind"] == "state"]
    # TCFO down since 4 Jan 00:00, the backhaul since 9 Jan 00:00; as_of 10 Jan 06:00.
    assert [(r["element"], r["failed_at_h"]) for r in found] == [
        ("tcfo", -150.0),
        ("baku-sumgait", -30.0),
    ]
    assert found[1]["restored_at_h"] == 30.0  # the ETA, 11 Jan 12:00
    assert csv.read_text().splitlines()[1].startswith("-150.000000,")
