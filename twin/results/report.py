"""The `twin report --json` summary: which page was written from which results, and its verdicts.

A CI job reads this instead of the HTML: the output's SHA-256, then one row per demand (run,
Monte Carlo, diff) or per failure (contingency), each with the verdict the page shows.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired

from typing_extensions import TypedDict

from twin.results.document import Adapter, json_schema

REPORT_SCHEMA = "silkroad-twin/report/1"


class DemandRow(TypedDict):
    id: str
    status: str  # held / missed / undecided / no-sla, or worse / better / unchanged for a diff
    verdict: str


class FailureRow(TypedDict):
    label: str
    impact: str
    summary: str


class ReportDoc(TypedDict):
    schema: str
    kind: Literal["run", "montecarlo", "contingency", "diff"]
    results: str
    output: str
    output_sha256: str
    demands: NotRequired[list[DemandRow]]
    failures: NotRequired[list[FailureRow]]
    regressed: NotRequired[bool]


ADAPTER: Adapter[ReportDoc] = Adapter(ReportDoc)


def report_schema() -> dict[str, Any]:
    return json_schema(ADAPTER, REPORT_SCHEMA, "report.summary", "silkroad-twin report summary")
