"""SLA accounting: the one rule that says whether a measured availability holds its target.

A measure is a range [low, high]: a 95 % Monte Carlo interval, the bounds of an analytic
availability that has not converged, or a single run's value (low = high). The target holds
when the whole range is at or above it, is missed when the whole range is below it, and is
otherwise undecided. Every verdict of the twin (the run table, the HTML bars, the Monte Carlo
report, `twin check`) is this function, so none of them can judge a demand differently.
"""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    """An availability judged against its SLA target."""

    HELD = "held"
    MISSED = "missed"
    UNDECIDED = "undecided"
    NO_SLA = "no-sla"


def judge(low: float, high: float, target: float | None) -> Verdict:
    """HELD when the whole range [low, high] is at or above `target` (touching counts), MISSED
    when it is wholly below, else UNDECIDED: more replications (or states) would decide."""
    if target is None:
        return Verdict.NO_SLA
    if low >= target:
        return Verdict.HELD
    if high < target:
        return Verdict.MISSED
    return Verdict.UNDECIDED


def holds(availability: float, target: float | None) -> bool:
    """Whether one measured availability (a single run) keeps its target; no target holds."""
    return judge(availability, availability, target) is not Verdict.MISSED
