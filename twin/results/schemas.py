"""The JSON Schemas of every result file, generated from the result modules' document types.

`twin schema` writes them to `twin/schemas/` beside the input schemas; a test keeps the shipped
files equal to what the models generate, and validates real results against them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from twin.results.analysis import analysis_schema
from twin.results.backtest import backtest_schema
from twin.results.calibration import calibration_schema
from twin.results.check import check_schema
from twin.results.contingency import contingency_schema
from twin.results.diff import diff_schema
from twin.results.montecarlo import montecarlo_schema
from twin.results.rank import rank_schema, upgrades_schema
from twin.results.report import report_schema
from twin.results.run import run_schema
from twin.results.sweep import sweep_schema
from twin.results.validate import validate_schema

# Result kind -> its schema, written as `<kind>.result.schema.json` (the report summary as
# `report.summary.schema.json`).
RESULT_SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "analysis.result": analysis_schema,
    "backtest.result": backtest_schema,
    "calibration.result": calibration_schema,
    "check.result": check_schema,
    "contingency.result": contingency_schema,
    "diff.result": diff_schema,
    "montecarlo.result": montecarlo_schema,
    "rank.result": rank_schema,
    "report.summary": report_schema,
    "run.result": run_schema,
    "sweep.result": sweep_schema,
    "upgrades.result": upgrades_schema,
    "validate.result": validate_schema,
}


def result_schemas() -> dict[str, dict[str, Any]]:
    """Every result file's JSON Schema, by file stem (`montecarlo.result` ...)."""
    return {name: make() for name, make in RESULT_SCHEMAS.items()}
