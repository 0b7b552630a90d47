"""The notebook API: the same answers as the commands, result tables as DataFrames."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import field, make_dataclass
from pathlib import Path
from typing import NamedTuple

import pytest

import twin
from twin.cli.app import main
from twin.errors import InputError
from twin.results.frames import Frames, FramesUnavailable, table_names, to_frame

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "topologies" / "silk-road-2021.yaml"
HEAD = ROOT / "topologies" / "silk-road-2026.yaml"
SCENARIO = ROOT / "scenarios" / "trans-caspian-cut.yaml"


class Interval(NamedTuple):  # a named tuple nested in a record flattens like a dataclass
    low: float
    high: float


# A record (its nested interval flattens to two columns) and a result with two tables, one
# empty; `labels` holds strings, so it is no table.
Row = make_dataclass("Row", [("id", str), ("value", float), ("interval", Interval)], frozen=True)
Result = make_dataclass(
    "Result",
    [
        ("name", str),
        ("rows", tuple[Row, ...]),  # type: ignore[valid-type]
        ("empty", tuple[Row, ...], field(default=())),  # type: ignore[valid-type]
        ("labels", tuple[str, ...], field(default=())),
    ],
    bases=(Frames,),
    frozen=True,
)


def test_a_table_is_a_field_of_records_and_each_record_a_row() -> None:
    result = Result("r", (Row("a", 1.0, Interval(0.5, 1.5)), Row("b", 2.0, Interval(1.0, 3.0))))
    assert table_names(result) == ["rows", "empty"]  # `labels` holds strings, not records
    frame = result.to_frame()
    assert list(frame.columns) == ["id", "value", "interval.low", "interval.high"]
    assert frame.to_dict("records") == [
        {"id": "a", "value": 1.0, "interval.low": 0.5, "interval.high": 1.5},
        {"id": "b", "value": 2.0, "interval.low": 1.0, "interval.high": 3.0},
    ]
    assert result.to_frame("empty").empty
    with pytest.raises(ValueError, match=r"no table 'labels'.*\['rows', 'empty'\]"):
        result.to_frame("labels")


def test_without_pandas_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(FramesUnavailable, match=re.escape("pip install 'silkroad-twin[frames]'")):
        to_frame(Result("r", ()))


def test_simulation_frame_holds_every_demand_as_recorded() -> None:
    run = twin.simulate(twin.load_scenario(SCENARIO), seed=1)
    frame = run.to_frame()
    assert list(frame["id"]) == [d.id for d in run.demands]
    assert list(frame["sla_availability"]) == [d.sla_availability for d in run.demands]
    assert len(run.to_frame("timeline")) == len(run.timeline)


def test_check_is_what_twin_check_decides(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = twin.check([SCENARIO], replications=2)
    out = tmp_path / "check.json"
    status = main(["check", str(SCENARIO), "--replications", "2", "--json", str(out)])
    capsys.readouterr()
    assert status == (0 if report.passed else 1)
    assert json.loads(out.read_text()) == json.loads(json.dumps(report.to_dict()))
    assert len(report.to_frame()) == len(report.outcomes)


def test_diff_is_what_twin_diff_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = twin.diff(BASE, HEAD)
    out = tmp_path / "diff.json"
    assert main(["diff", str(BASE), str(HEAD), "--json", str(out)]) == 0
    capsys.readouterr()
    assert json.loads(out.read_text()) == json.loads(json.dumps(result.to_dict()))
    assert list(result.to_frame("demands")["demand_id"]) == [d.demand_id for d in result.demands]


def test_replicate_and_contingency_return_their_results() -> None:
    scenario = twin.load_scenario(SCENARIO)
    mc = twin.replicate(scenario, replications=3, seed=7)
    assert mc.replications == 3
    assert list(mc.to_frame()["id"]) == [d.id for d in scenario.demands]
    n1 = twin.contingency(scenario.topology, scenario.demands, mode="n-1")
    in_service = [link for link in scenario.topology.links.values() if link.status == "active"]
    assert len(n1.to_frame()) == len(n1.failures) == len(in_service)


def test_report_html_is_the_page_twin_report_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = twin.load_scenario(SCENARIO)
    n1 = twin.contingency(scenario.topology, scenario.demands)
    html = twin.report_html(n1, scenario.topology)
    assert html.startswith("<!DOCTYPE html>") and "</html>" in html
    run = twin.simulate(scenario, seed=1)
    results, page = tmp_path / "run.json", tmp_path / "run.html"
    assert main(["run", str(SCENARIO), "--seed", "1", "--json", str(results)]) == 0
    assert main(["report", str(results), "-o", str(page)]) == 0
    capsys.readouterr()
    assert page.read_text().count("<section") == twin.report_html(run, scenario.topology).count(
        "<section"
    )


def test_a_bad_argument_is_named_as_a_parameter_in_python_and_as_an_option_on_the_cli(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(InputError) as caught:
        twin.check([SCENARIO], workers=0)
    assert str(caught.value).startswith("workers: must be at least 1, not 0")
    assert "--" not in str(caught.value)
    assert main(["check", str(SCENARIO), "--workers", "0"]) == 2
    assert capsys.readouterr().err.startswith("--workers: must be at least 1, not 0")


@pytest.mark.parametrize(
    ("options", "start"),
    [
        ({"workers": 0}, "workers: must be at least 1, not 0"),
        ({"mode": "n-3"}, "mode: unknown value 'n-3'"),
        ({"routing": "ospf"}, "routing: unknown value 'ospf'"),
        ({"metric": "km"}, "metric: unknown value 'km'"),
        ({"workers": 2, "scheduler": "tcp://127.0.0.1:1"}, "workers: "),
    ],
)
def test_contingency_refuses_absurd_options_before_any_work(
    options: dict[str, object], start: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import twin.analysis.contingency as module

    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("evaluated with options that should have been refused")

    monkeypatch.setattr(module, "_contingency", no_work)
    scenario = twin.load_scenario(SCENARIO)
    with pytest.raises(InputError) as caught:
        twin.contingency(scenario.topology, scenario.demands, **options)  # type: ignore[arg-type]
    assert str(caught.value).startswith(start)
    assert "--" not in str(caught.value)  # parameter names in Python, options on the CLI


def test_the_readme_notebook_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Python API") :]
    example = re.search(r"```python\n(.*?)```", section, re.S)
    assert example is not None
    monkeypatch.chdir(ROOT)
    exec(compile(example.group(1), "README.md", "exec"), {})
