"""The outlook of a demand from a state ("now"): restoration odds, SLA minutes, further risk.

Written into a Monte Carlo result when the scenario ran from a state (`twin.outlook` computes
it), under each demand: `restoration`, the curve P(connected and within the RTT budget by t)
as `{t_h, p, low, high}` points; `sla_minutes_lost`, the mean with its 95 % interval;
`further_cut`, the probability that a new failure disconnects the demand before the state's
outage ends; and `further_cut_drivers`, the elements whose new faults did it.

Probabilities carry Wilson score 95 % intervals (right at 0 and 1, where a normal interval
would collapse to a point).
"""

from __future__ import annotations

from dataclasses import dataclass

from typing_extensions import TypedDict

from twin.results.interval import Interval, IntervalDoc


@dataclass(frozen=True)
class Proportion:
    """A probability estimated from `n` replications, with its 95 % interval."""

    p: float
    low: float
    high: float
    n: int

    def to_dict(self) -> ProportionDoc:
        return {
            "p": round(self.p, 9),
            "low": round(self.low, 9),
            "high": round(self.high, 9),
            "n": self.n,
        }

    @classmethod
    def from_dict(cls, doc: ProportionDoc) -> Proportion:
        return cls(doc["p"], doc["low"], doc["high"], doc["n"])


@dataclass(frozen=True)
class RestorationPoint:
    """P(restored by `t_h`) with its 95 % interval; restored means connected and within the
    demand's RTT budget (any RTT, when it has none)."""

    t_h: float
    p: float
    low: float
    high: float


@dataclass(frozen=True)
class RiskDriver:
    """An element whose new fault disconnected the demand before the state's outage ended, in
    `share` of the replications."""

    element: str
    share: float


@dataclass(frozen=True)
class Outlook:
    restoration: tuple[RestorationPoint, ...]
    restored_in_horizon: Proportion
    sla_minutes_lost: Interval
    further_cut: Proportion
    further_cut_drivers: tuple[RiskDriver, ...] = ()

    def p_by(self, t_h: float) -> RestorationPoint | None:
        """The curve's last point at or before `t_h` (the curve is a step function)."""
        found = None
        for point in self.restoration:
            if point.t_h <= t_h:
                found = point
        return found


class ProportionDoc(TypedDict):
    p: float
    low: float
    high: float
    n: int


class RestorationPointDoc(TypedDict):
    t_h: float
    p: float
    low: float
    high: float


class RiskDriverDoc(TypedDict):
    element: str
    share: float


class OutlookDoc(TypedDict):
    """The keys an outlook adds to a demand of a Monte Carlo result."""

    restoration: list[RestorationPointDoc]
    restored_in_horizon: ProportionDoc
    sla_minutes_lost: IntervalDoc
    further_cut: ProportionDoc
    further_cut_drivers: list[RiskDriverDoc]


def outlook_doc(outlook: Outlook) -> OutlookDoc:
    return {
        "restoration": [
            {
                "t_h": round(p.t_h, 9),
                "p": round(p.p, 9),
                "low": round(p.low, 9),
                "high": round(p.high, 9),
            }
            for p in outlook.restoration
        ],
        "restored_in_horizon": outlook.restored_in_horizon.to_dict(),
        "sla_minutes_lost": outlook.sla_minutes_lost.to_dict(),
        "further_cut": outlook.further_cut.to_dict(),
        "further_cut_drivers": [
            {"element": d.element, "share": round(d.share, 9)} for d in outlook.further_cut_drivers
        ],
    }


def outlook_from_doc(doc: OutlookDoc) -> Outlook:
    return Outlook(
        restoration=tuple(
            RestorationPoint(p["t_h"], p["p"], p["low"], p["high"]) for p in doc["restoration"]
        ),
        restored_in_horizon=Proportion.from_dict(doc["restored_in_horizon"]),
        sla_minutes_lost=Interval.from_dict(doc["sla_minutes_lost"]),
        further_cut=Proportion.from_dict(doc["further_cut"]),
        further_cut_drivers=tuple(
            RiskDriver(d["element"], d["share"]) for d in doc["further_cut_drivers"]
        ),
    )
