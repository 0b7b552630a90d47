"""Result files: one type each, whose JSON Schema is shipped and whose documents read back whole.

Every result is written by `to_dict()` and read by `from_dict()` of its module in
`twin.results`; the shipped `twin/schemas/*.result.schema.json` are generated from the same
declarations, so a writer, a reader and a schema cannot drift apart.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from test_report_view import small_scenario

from twin.analysis import analyze
from twin.analysis.availability import demand_availability
from twin.analysis.checks import evaluate_scenario
from twin.analysis.contingency import contingency
from twin.analysis.topology_diff import diff_topologies, measure_demand
from twin.model import Assertion
from twin.montecarlo import run_replications
from twin.results.check import CheckReport
from twin.results.contingency import ContingencyResult
from twin.results.diff import TopologyDiff
from twin.results.montecarlo import MonteCarloResult
from twin.results.schemas import result_schemas

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = result_schemas()


def _written(document: dict[str, Any]) -> dict[str, Any]:
    """The document as a file holds it (tuples become lists, keys strings)."""
    loaded: dict[str, Any] = json.loads(json.dumps(document))
    return loaded


def test_shipped_result_schemas_are_generated_from_the_models() -> None:
    for name, schema in SCHEMAS.items():
        shipped = json.loads((ROOT / "twin" / "schemas" / f"{name}.schema.json").read_text())
        assert shipped == schema, f"run `twin schema --kind results` to regenerate {name}"
        jsonschema.Draft202012Validator.check_schema(schema)


@pytest.fixture(scope="module")
def montecarlo() -> MonteCarloResult:
    return run_replications(small_scenario(), replications=3, seed=11)


def test_montecarlo_results_match_their_schema_and_read_back_whole(
    montecarlo: MonteCarloResult,
) -> None:
    document = _written(montecarlo.to_dict())
    jsonschema.validate(document, SCHEMAS["montecarlo.result"])
    again = MonteCarloResult.from_dict(document)
    assert again.to_dict() == montecarlo.to_dict()
    assert [d.verdict() for d in again.demands] == [d.verdict() for d in montecarlo.demands]


def test_a_partial_montecarlo_file_violating_the_schema_is_refused_by_both() -> None:
    document = _written(run_replications(small_scenario(), replications=2, seed=3).to_dict())
    document["demands"][0]["availability"]["n"] = "many"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMAS["montecarlo.result"])
    with pytest.raises(Exception, match=r"demands\.0\.availability\.n"):
        MonteCarloResult.from_dict(document)


def test_contingency_results_match_their_schema_and_read_back_whole() -> None:
    scenario = small_scenario()
    for mode in ("n-1", "n-2"):
        result = contingency(scenario.topology, scenario.demands, mode=mode)  # type: ignore[arg-type]
        document = _written(result.to_dict())
        jsonschema.validate(document, SCHEMAS["contingency.result"])
        again = ContingencyResult.from_dict(document)
        assert _written(again.to_dict()) == document
        assert [f.label for f in again.worst(99)] == [f.label for f in result.worst(99)]


def test_analysis_diff_and_check_results_match_their_schemas() -> None:
    scenario = small_scenario()
    topo = scenario.topology
    analysis = analyze(topo, scenario.demands).to_dict()
    analysis["availability"] = {  # as `twin analyze --availability` adds it
        d.id: demand_availability(topo, d.source, d.destination).to_dict() for d in scenario.demands
    }
    jsonschema.validate(_written(analysis), SCHEMAS["analysis.result"])
    longer = {k: replace(v, length_km=v.length_km * 1.5) for k, v in topo.links.items()}
    head = replace(topo, links=longer)
    diff = diff_topologies(
        topo, head, list(scenario.demands), measure_demand, base_label="a", head_label="b"
    )
    assert diff.regressed and diff.elements  # every link changed, every RTT grew
    document = _written(diff.to_dict())
    jsonschema.validate(document, SCHEMAS["diff.result"])
    assert TopologyDiff.from_dict(document).to_dict() == document
    checked = replace(scenario, checks=(Assertion("max_rtt", "fra-ala", {"rtt_ms": 1.0}),))
    report = CheckReport(tuple(evaluate_scenario(checked)))
    document = _written(report.to_dict())
    jsonschema.validate(document, SCHEMAS["check.result"])
    assert CheckReport.from_dict(document) == report
    assert not report.passed  # 1 ms between Frankfurt and Almaty is faster than light


def test_run_results_match_their_schema_and_read_back_whole() -> None:
    from twin.results.run import SimulationResult
    from twin.sim import simulate

    result = simulate(small_scenario(), seed=3)
    assert result.element_outages and result.timeline  # the object rows are exercised
    document = _written(result.to_dict())
    jsonschema.validate(document, SCHEMAS["run.result"])
    assert SimulationResult.from_dict(document).to_dict() == result.to_dict()
    document["timeline"][0] = list(document["timeline"][0].values())  # rows are objects
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMAS["run.result"])


def test_calibration_results_match_their_schema() -> None:
    from twin.calibrate import calibrate, read_measurements
    from twin.loading import load_topology

    measured = read_measurements(ROOT / "topologies/measurements/ripe-atlas-country-rtt-2025.csv")
    result = calibrate(load_topology(ROOT / "topologies/silk-road-2026.yaml"), measured)
    document = _written(result.to_dict())
    jsonschema.validate(document, SCHEMAS["calibration.result"])
    assert document["fitted_pairs"] + document["flagged_pairs"] == len(document["pairs"]) > 0
