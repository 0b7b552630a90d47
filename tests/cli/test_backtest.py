"""`twin backtest` end to end on tiny incidents whose modelled distribution is known exactly.

A fixed repair time R makes the modelled time to restore a point mass: at R for a lone cut, at
2 (M + R) for the second of two cuts queuing for one crew with mobilisation M. The percentile
of a reported time is then 0, 50 or 100 % and its CRPS is |R - reported|, whatever the seed.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from twin.backtest.library import backtest
from twin.cli.app import main

GOOD = Path(__file__).resolve().parents[1] / "data" / "good"
R_H = 10.0

TOPOLOGY = """\
name: tiny
extends: base.yaml
failure_classes:
  - {id: t, repair: {kind: fixed, median: 10h}}
  - {id: site, basis: per_link, rate: 0.05, repair: {kind: fixed, median: 10h}}
nodes:
  - {id: baku, failure_class: site}
"""


def _library(tmp_path: Path, scenarios: dict[str, str]) -> Path:
    (tmp_path / "pyproject.toml").write_text("")  # the project root: ../tiny.yaml is inside
    shutil.copy(GOOD / "base.yaml", tmp_path / "base.yaml")
    (tmp_path / "tiny.yaml").write_text(TOPOLOGY)
    library = tmp_path / "incidents"
    library.mkdir()
    for name, body in scenarios.items():
        (library / f"{name}.yaml").write_text(textwrap.dedent(body))
    return library


def _scenario(observed: str, events: str, extra: str = "") -> str:
    return (
        "name: inc\ntopology: ../tiny.yaml\nhorizon: 30d\nseed: 7\n"
        "demands:\n  - {id: d, source: aktau, destination: baku}\n"
        f"events:\n{events}{extra}observed:\n{observed}"
    )


LONE_CUT = "  - {id: cut, at: 0h, cut: {link: bs}, restore: repair}\n"


def _observed(reported_h: float, measure: str = "elements: [bs]") -> str:
    return (
        f"  - {{id: o, restored_h: {reported_h}, range_h: [{reported_h}, {reported_h}], "
        f"measure: {'elements-up' if 'elements' in measure else 'demand-connected'}, "
        f"{measure}, sources: [https://example.org/r]}}\n"
    )


@pytest.mark.parametrize(
    ("reported_h", "expected"), [(R_H, 50.0), (R_H + 3, 100.0), (R_H - 3, 0.0)]
)
def test_a_point_mass_puts_the_report_at_a_known_percentile(
    tmp_path: Path, reported_h: float, expected: float
) -> None:
    library = _library(tmp_path, {"a": _scenario(_observed(reported_h), LONE_CUT)})
    result = backtest(library, replications=25)
    ((_, o),) = result.rows()
    assert o.percentile == expected
    assert o.p10_h == o.p50_h == o.p90_h == R_H
    assert o.crps_h == pytest.approx(abs(R_H - reported_h))
    assert o.inside_band == (reported_h == R_H)
    assert result.summary.coverage == (1.0 if reported_h == R_H else 0.0)


def test_queued_repairs_follow_the_exact_schedule(tmp_path: Path) -> None:
    events = "  - {id: cut, at: 0h, cut: {links: [bs, ka]}, restore: repair}\n"
    crew = "repair:\n  - {id: crew, kind: crew, count: 1, covers: [AZ, KZ], mobilisation: 2h}\n"
    second_h = 2 * (2.0 + R_H)  # ka waits for bs's mobilisation + repair, then its own
    library = _library(
        tmp_path, {"q": _scenario(_observed(second_h, "elements: [bs, ka]"), events, crew)}
    )
    ((_, o),) = backtest(library, replications=10).rows()
    assert o.p10_h == o.p90_h == pytest.approx(second_h) and o.percentile == 50.0


def test_demand_connected_reads_the_demands_outage(tmp_path: Path) -> None:
    events = "  - {id: fire, at: 0h, cut: {node: baku}, restore: repair}\n"
    library = _library(tmp_path, {"f": _scenario(_observed(12.0, "demand: d"), events)})
    ((_, o),) = backtest(library, replications=10).rows()
    assert o.p50_h == pytest.approx(R_H) and o.percentile == 100.0
    assert o.crps_h == pytest.approx(2.0)


def test_cli_writes_json_and_the_same_numbers_whatever_the_workers(tmp_path: Path) -> None:
    lognormal = TOPOLOGY.replace(
        "{kind: fixed, median: 10h}}", "{kind: lognormal, median: 10h, p90: 30h}}", 1
    )
    library = _library(tmp_path, {"a": _scenario(_observed(12.0), LONE_CUT)})
    (tmp_path / "tiny.yaml").write_text(lognormal)
    documents = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}.json"
        status = main(
            [
                "backtest",
                str(library),
                "--replications",
                "30",
                "--workers",
                workers,
                "--quiet",
                "--json",
                str(out),
            ]
        )
        assert status == 0
        documents.append(json.loads(out.read_text()))
    one, two = documents
    assert one["schema"] == "silkroad-twin/backtest/1"
    assert one["incidents"] == two["incidents"]
    modelled = one["incidents"][0]["observations"][0]["modelled"]
    assert modelled["p10_h"] < modelled["p50_h"] < modelled["p90_h"]


def test_a_bad_incident_is_refused_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _observed(7.5).replace("range_h: [7.5, 7.5]", "range_h: [8, 12]")
    library = _library(tmp_path, {"bad": _scenario(bad, LONE_CUT)})
    status = main(["backtest", str(library), "--quiet"])
    err = capsys.readouterr().err
    assert status == 2 and "Traceback" not in err
    assert (
        f"{library / 'bad.yaml'}:10:" in err
    )  # the observed entry's line and "does not contain restored_h" in err


def test_an_incident_without_observed_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "name: inc\ntopology: ../tiny.yaml\nhorizon: 30d\n"
    body += "demands:\n  - {source: aktau, destination: baku}\n"
    library = _library(tmp_path, {"plain": body})
    assert main(["backtest", str(library), "--quiet"]) == 2
    assert "needs an observed: block" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args", [["--replications", "0"], ["--replications", "2000000"], ["--workers", "0"]]
)
def test_absurd_options_are_refused(tmp_path: Path, args: list[str]) -> None:
    library = _library(tmp_path, {"a": _scenario(_observed(R_H), LONE_CUT)})
    assert main(["backtest", str(library), "--quiet", *args]) == 2


def test_a_missing_library_is_bad_input(tmp_path: Path) -> None:
    assert main(["backtest", str(tmp_path / "nowhere"), "--quiet"]) == 2


def test_ctrl_c_keeps_the_incidents_finished(tmp_path: Path) -> None:
    library = _library(
        tmp_path,
        {"a": _scenario(_observed(R_H), LONE_CUT), "b": _scenario(_observed(R_H), LONE_CUT)},
    )

    def interrupt_second(name: str, done: int, total: int) -> None:
        if done == 1:
            raise KeyboardInterrupt

    result = backtest(library, replications=5, progress=interrupt_second)
    assert result.partial and result.reason == "interrupted"
    assert len(result.incidents) == 1 and result.summary.observations == 1


def test_the_shipped_library_loads_and_scores(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    result = backtest(root / "scenarios" / "incidents", replications=3)
    assert len(result.incidents) >= 8
    assert result.summary.observations == sum(len(i.observations) for i in result.incidents)
    assert all(o.samples == 3 for _, o in result.rows())


def test_an_element_down_for_two_reasons_is_back_when_both_end(tmp_path: Path) -> None:
    events = (
        "  - {id: first, at: 0h, cut: {link: bs}, duration: 10h}\n"
        "  - {id: second, at: 5h, cut: {link: bs}, duration: 15h}\n"
    )
    library = _library(tmp_path, {"o": _scenario(_observed(20.0), events)})
    ((_, o),) = backtest(library, replications=2).rows()
    assert o.p10_h == o.p90_h == pytest.approx(20.0)


def test_a_demand_that_is_rerouted_is_connected_at_once(tmp_path: Path) -> None:
    # base.yaml is a chain baku - sumgait - aktau - almaty: cutting aktau-almaty (ka) leaves
    # the demand aktau -> baku its path, so it is never disconnected.
    events = "  - {id: far, at: 0h, cut: {link: ka}, restore: repair}\n"
    library = _library(tmp_path, {"r": _scenario(_observed(1.0, "demand: d"), events)})
    ((_, o),) = backtest(library, replications=2).rows()
    assert o.p50_h == 0.0 and o.percentile == 100.0


def test_backtest_results_match_their_schema(tmp_path: Path) -> None:
    import jsonschema

    from twin.results.schemas import result_schemas

    library = _library(tmp_path, {"a": _scenario(_observed(R_H), LONE_CUT)})
    document = json.loads(json.dumps(backtest(library, replications=5).to_dict()))
    jsonschema.validate(document, result_schemas()["backtest.result"])
    document["summary"]["coverage_10_90"] = "most"  # a wrong shape is caught
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, result_schemas()["backtest.result"])


def _from_state(library: Path, name: str, down: str, observed: str, extra: str = "") -> None:
    """An incident `name` in `library` started from a state at its start: `down` entries."""
    as_of = "2024-02-24T09:46:00Z"
    (library / "states").mkdir(exist_ok=True)
    (library / "states" / f"{name}.state.yaml").write_text(
        f"as_of: {as_of}\ndown:\n"
        + "".join(f"  - {{{d}, since: {as_of}}}\n" for d in down.split(";"))
    )
    (library / f"{name}.yaml").write_text(
        "name: inc\ntopology: ../tiny.yaml\nhorizon: 30d\nseed: 7\n"
        f"state: states/{name}.state.yaml\n"
        f"demands:\n  - {{id: d, source: aktau, destination: baku}}\n{extra}"
        f"observed:\n{observed}"
    )


def test_an_incident_from_its_start_state_follows_the_exact_schedule(tmp_path: Path) -> None:
    # The state's faults queue for the one crew in file order, as the event's cuts did.
    library = _library(tmp_path, {})
    crew = "repair:\n  - {id: crew, kind: crew, count: 1, covers: [AZ, KZ], mobilisation: 2h}\n"
    second_h = 2 * (2.0 + R_H)
    observed = _observed(second_h, "elements: [bs, ka]")
    _from_state(library, "q", "link: bs, cause: t;link: ka, cause: t", observed, crew)
    ((_, o),) = backtest(library, replications=10).rows()
    assert o.p10_h == o.p90_h == pytest.approx(second_h) and o.percentile == 50.0


def test_demand_connected_from_a_start_state(tmp_path: Path) -> None:
    library = _library(tmp_path, {})
    _from_state(library, "f", "node: baku, cause: site", _observed(12.0, "demand: d"))
    ((_, o),) = backtest(library, replications=10).rows()
    assert o.p50_h == pytest.approx(R_H) and o.percentile == 100.0


def test_an_observed_element_the_state_does_not_have_down_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = _library(tmp_path, {})
    _from_state(library, "u", "link: bs, cause: t", _observed(R_H, "elements: [ka]"))
    assert main(["backtest", str(library), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"{library / 'u.yaml'}:9:" in err and "'ka' is not cut by any event" in err
