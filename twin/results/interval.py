"""A mean with its 95 % confidence interval: the shape every Monte Carlo measure is reported in."""

from __future__ import annotations

import math
from dataclasses import dataclass

from typing_extensions import TypedDict

from twin.results.document import bound, finite


class IntervalDoc(TypedDict):
    mean: float | None
    low: float | None
    high: float | None
    n: int


@dataclass(frozen=True)
class Interval:
    """Mean of the replication values and its 95 % confidence interval (±inf when undefined)."""

    mean: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2.0

    def to_dict(self) -> IntervalDoc:
        return {
            "mean": finite(self.mean),
            "low": finite(self.low),
            "high": finite(self.high),
            "n": self.n,
        }

    @classmethod
    def from_dict(cls, doc: IntervalDoc) -> Interval:
        return cls(
            bound(doc["mean"], math.nan),
            bound(doc["low"], -math.inf),
            bound(doc["high"], math.inf),
            doc["n"],
        )
