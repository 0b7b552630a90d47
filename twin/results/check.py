"""Outcomes of the CI gate: one per declared assertion, plain data rendered many ways.

Kept apart from the evaluation (`twin.analysis.checks`) so that renderers (terminal, JUnit,
Markdown, JSON) depend only on data, never on the analyses that produced it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from twin.results.document import Adapter, dataclass_schema, parse
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
    # RTT checks: the fibre RTT of the measured path beside `measured` (which is calibrated when
    # the topology has a latency_calibration); None for other kinds.
    measured_fibre_rtt_ms: float | None = None

    @property
    def name(self) -> str:
        target = f" {self.demand}" if self.demand else ""
        return f"{self.kind}{target}"


@dataclass(frozen=True)
class CheckReport(Frames):
    """The outcomes evaluated, in declaration order.

    `partial`: Ctrl-C stopped the gate after the first `len(outcomes)` of `assertions_total`
    declared assertions. A gate that did not finish has not passed, whatever it had found.
    """

    outcomes: tuple[CheckOutcome, ...]
    partial: bool = False
    assertions_total: int | None = None  # None: every assertion declared is in `outcomes`

    def __post_init__(self) -> None:
        if self.assertions_total is None:  # one spelling of "complete", so equality holds
            object.__setattr__(self, "assertions_total", len(self.outcomes))

    @property
    def failed(self) -> tuple[CheckOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.passed)

    @property
    def passed(self) -> bool:
        return not self.failed and not self.partial

    @property
    def declared(self) -> int:
        """How many assertions the scenarios declare (evaluated or not)."""
        return len(self.outcomes) if self.assertions_total is None else self.assertions_total

    @property
    def interrupted_note(self) -> str:
        """The sentence every output of a partial gate shows: how far it got."""
        return (
            f"interrupted after {len(self.outcomes)} of {self.declared} assertions: "
            "the gate did not finish, so it does not pass"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": CHECK_SCHEMA,
            "passed": self.passed,
            "total": len(self.outcomes),
            "failures": len(self.failed),
            "outcomes": [dataclasses.asdict(o) for o in self.outcomes],
            "partial": self.partial,
            "assertions_total": self.declared,
        }

    @classmethod
    def from_dict(cls, data: Any, path: str = "<results>") -> CheckReport:
        """The report a file holds; an InputError names the first field that is wrong."""
        return parse(ADAPTER, data, CHECK_SCHEMA, "check results", path)


# The document is the dataclass as `to_dict` writes it: one declaration reads and describes it.
ADAPTER: Adapter[CheckReport] = Adapter(CheckReport)


def check_schema() -> dict[str, Any]:
    written = {
        "passed": {"type": "boolean"},
        "total": {"type": "integer", "description": "how many outcomes were evaluated"},
        "failures": {"type": "integer", "description": "how many outcomes failed"},
    }
    return dataclass_schema(
        ADAPTER, CHECK_SCHEMA, "check.result", "silkroad-twin check results", written
    )
