"""Outcomes of the CI gate: one per declared assertion, plain data rendered many ways.

Kept apart from the evaluation (`twin.analysis.checks`) so that renderers (terminal, JUnit,
Markdown, JSON) depend only on data, never on the analyses that produced it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import TypeAdapter
from typing_extensions import TypedDict

from twin.results.document import json_schema, parse
from twin.results.frames import Frames

CHECK_SCHEMA = "silkroad-twin/check/1"


@dataclass(frozen=True)
class CheckOutcome:
    """The verdict on one assertion, with what was measured against which limit."""

    scenario: str
    source_path: str
    line: int
    col: int
    kind: str
    demand: str | None
    passed: bool
    message: str
    measured: float | None = None
    limit: float | None = None
    detail: str = ""

    @property
    def name(self) -> str:
        target = f" {self.demand}" if self.demand else ""
        return f"{self.kind}{target}"


class OutcomeDoc(TypedDict):
    scenario: str
    source_path: str
    line: int
    col: int
    kind: str
    demand: str | None
    passed: bool
    message: str
    measured: float | None
    limit: float | None
    detail: str


class CheckDoc(TypedDict):
    """The `twin check --json` file."""

    schema: Literal["silkroad-twin/check/1"]
    passed: bool
    total: int
    failures: int
    outcomes: list[OutcomeDoc]


ADAPTER: TypeAdapter[CheckDoc] = TypeAdapter(CheckDoc)


@dataclass(frozen=True)
class CheckReport(Frames):
    outcomes: tuple[CheckOutcome, ...]

    @property
    def failed(self) -> tuple[CheckOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.passed)

    @property
    def passed(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": CHECK_SCHEMA,
            "passed": self.passed,
            "total": len(self.outcomes),
            "failures": len(self.failed),
            "outcomes": [dataclasses.asdict(o) for o in self.outcomes],
        }

    @classmethod
    def from_dict(cls, data: Any, path: str = "<results>") -> CheckReport:
        """The report a file holds; an InputError names the first field that is wrong."""
        doc = parse(ADAPTER, data, "check results", path)
        return cls(tuple(CheckOutcome(**o) for o in doc["outcomes"]))


def check_schema() -> dict[str, Any]:
    return json_schema(ADAPTER, "check.result", "silkroad-twin check results")
