"""The CI gate end to end: `twin check` and `twin diff` through the real command line."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from twin.cli.app import main
from twin.loading import file_kind, load_scenario

ROOT = Path(__file__).resolve().parents[2]
# Scenario files only: scenarios/upgrades.yaml is a candidates file for `twin rank`.
SCENARIOS = sorted(p for p in (ROOT / "scenarios").glob("*.yaml") if file_kind(p) == "scenario")
XSD = ROOT / "tests" / "data" / "junit" / "junit-jenkins.xsd"
BROKEN = ROOT / "tests" / "data" / "check" / "broken-sla.yaml"


def test_shipped_scenarios_pass_the_gate_and_junit_validates(tmp_path: Path) -> None:
    junit = tmp_path / "out.xml"
    markdown = tmp_path / "out.md"
    status = main(
        ["check", *map(str, SCENARIOS), "--junit", str(junit), "--markdown", str(markdown)]
    )
    assert status == 0
    xmlschema.XMLSchema(str(XSD)).validate(str(junit))
    root = ET.parse(junit).getroot()
    declared = sum(len(load_scenario(p).checks) for p in SCENARIOS)
    assert int(root.get("tests", "0")) == declared > 0
    assert root.get("failures") == "0"
    assert "all assertions hold" in markdown.read_text()


def test_broken_sla_fails_with_readable_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junit = tmp_path / "out.xml"
    report = tmp_path / "out.json"
    status = main(["check", str(BROKEN), "--junit", str(junit), "--json", str(report)])
    assert status == 1
    data = json.loads(report.read_text())
    assert data["schema"] == "silkroad-twin/check/1"
    verdicts = {(o["kind"], o["demand"]): o for o in data["outcomes"]}
    rtt = verdicts[("max_rtt", "fra-ala")]
    assert not rtt["passed"] and rtt["limit"] == 50 and rtt["measured"] > 50
    survives = verdicts[("survives", "baku-ala")]
    assert not survives["passed"]
    assert "shymkent-taraz" in survives["message"]
    assert verdicts[("max_rtt", "baku-ala")]["passed"]
    root = ET.parse(junit).getroot()
    assert root.get("failures") == "2"
    xmlschema.XMLSchema(str(XSD)).validate(str(junit))


def test_check_exit_code_through_a_real_process() -> None:
    twin = Path(sys.executable).with_name("twin")
    proc = subprocess.run(
        [str(twin), "check", str(BROKEN)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "FAIL" in proc.stdout


def test_diff_shows_what_the_trans_caspian_cable_adds(tmp_path: Path) -> None:
    out = tmp_path / "diff.json"
    md = tmp_path / "diff.md"
    status = main(
        [
            "diff",
            str(ROOT / "topologies/silk-road-2021.yaml"),
            str(ROOT / "topologies/silk-road-2026.yaml"),
            "--json",
            str(out),
            "--markdown",
            str(md),
            "--fail-on",
            "regression",
        ]
    )
    data = json.loads(out.read_text())
    added = {(e["kind"], e["id"]) for e in data["elements"] if e["change"] == "added"}
    assert {("link", "tcfo"), ("node", "sumgait"), ("link", "baku-sumgait")} <= added
    demands = {d["demand_id"]: d for d in data["demands"]}
    # TCFO shortens Baku-Almaty: 2021 goes round through Iran and Turkmenistan.
    before, after = demands["baku-ala"]["before"], demands["baku-ala"]["after"]
    assert after["rtt_ms"] < before["rtt_ms"]
    assert any("best RTT" in s for s in demands["baku-ala"]["improvements"])
    assert status == (1 if data["regressed"] else 0)
    assert "`tcfo`" in md.read_text()


def test_diff_fails_on_regression_when_the_cable_is_removed(tmp_path: Path) -> None:
    status = main(
        [
            "diff",
            str(ROOT / "topologies/silk-road-2026.yaml"),
            str(ROOT / "topologies/silk-road-2021.yaml"),
            "--fail-on",
            "regression",
        ]
    )
    assert status == 1


def test_diff_reads_git_revisions_with_their_extends_chain(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "topologies").mkdir(parents=True)
    for name in ("silk-road-2021.yaml", "silk-road-2026.yaml"):
        (repo / "topologies" / name).write_text((ROOT / "topologies" / name).read_text())

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.email=t@t", "-c", "user.name=t", "add", ".")
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "base")
    # Head: TCFO becomes longer in the working tree; base is read from HEAD via git.
    head = repo / "topologies" / "silk-road-2026.yaml"
    head.write_text(head.read_text().replace("length_km: 380", "length_km: 400"))
    out = tmp_path / "d.json"
    import os

    cwd = os.getcwd()
    os.chdir(repo)
    try:
        status = main(
            ["diff", "HEAD:topologies/silk-road-2026.yaml", str(head), "--json", str(out)]
        )
    finally:
        os.chdir(cwd)
    assert status == 0
    data = json.loads(out.read_text())
    changed = [e for e in data["elements"] if e["change"] == "changed"]
    assert [(e["id"], e["fields"][0]["field"]) for e in changed] == [("tcfo", "length_km")]


def test_diff_of_a_missing_revision_is_bad_input() -> None:
    assert main(["diff", "no-such-rev:topologies/x.yaml", "topologies/silk-road-2026.yaml"]) == 2


def test_a_revision_outside_a_git_repository_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # never find a parent repo
    spec = "main:topologies/silk-road-2026.yaml"
    assert main(["diff", spec, str(ROOT / "topologies" / "silk-road-2026.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{spec}: not a git repository: {spec} names a file at a git revision")
    assert "--show-toplevel" not in err
