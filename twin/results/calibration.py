"""The result of `twin calibrate`: the fitted latency model and the residual table behind it.

Every pair the measurements name is here, fitted or flagged: a pair left out of the fit carries
the reason (a detour, a minimum faster than light in fibre, no node or no path), so a reader
sees what the model could not explain rather than a fit quietly bent around it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from twin.results.document import Adapter, dataclass_schema
from twin.results.run import clean_json_value

CALIBRATION_SCHEMA = "silkroad-twin/calibration/1"


@dataclass(frozen=True)
class CountryHub:
    """Which node stands for a country, and by which rule (`hub` flag or most connected)."""

    country: str
    node: str
    rule: str


@dataclass(frozen=True)
class CalibrationPair:
    """One measured pair: measured, modelled before (fibre) and after (calibrated), residual.

    `held_out_ms` is the calibrated RTT predicted by a fit that did not see this pair (leave
    one out); `flag` is why the pair was left out of the fit, None when it was used.
    """

    source: str
    destination: str
    line: int
    source_node: str | None
    destination_node: str | None
    samples: int | None
    measured_ms: float | None
    measured_min_ms: float | None
    floor_rtt_ms: float | None
    fibre_rtt_ms: float | None
    calibrated_rtt_ms: float | None
    residual_ms: float | None
    held_out_ms: float | None
    held_out_residual_ms: float | None
    submarine_share: float | None
    flag: str | None
    group: str | None = None

    @property
    def label(self) -> str:
        return f"{self.source}–{self.destination}"


@dataclass(frozen=True)
class GroupFit:
    """One corridor's fit (paths with both ends in `countries`), with its own held-out error."""

    name: str
    countries: tuple[str, ...]
    stretch: float
    overhead_ms: float
    pairs: int
    out_of_sample_mae_ms: float | None


@dataclass(frozen=True)
class CalibrationResult:
    topology: str
    topology_path: str
    measurements_path: str
    format: str
    statistic: str
    detour_factor: float
    estimator: str
    stretch: float
    overhead_ms: float
    iterations: int
    pairs: tuple[CalibrationPair, ...]
    hubs: tuple[CountryHub, ...]
    in_sample_mae_ms: float
    out_of_sample_mae_ms: float | None
    out_of_sample_median_abs_ms: float | None
    out_of_sample_mape: float | None
    notes: tuple[str, ...]
    corridors: tuple[GroupFit, ...] = ()

    @property
    def fitted(self) -> tuple[CalibrationPair, ...]:
        return tuple(p for p in self.pairs if p.flag is None)

    @property
    def flagged(self) -> tuple[CalibrationPair, ...]:
        return tuple(p for p in self.pairs if p.flag is not None)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["schema"] = CALIBRATION_SCHEMA
        data["fitted_pairs"] = len(self.fitted)
        data["flagged_pairs"] = len(self.flagged)
        return {str(k): clean_json_value(v) for k, v in data.items()}


def calibration_schema() -> dict[str, Any]:
    """The `twin calibrate --json` file: the result dataclass as `to_dict` writes it."""
    adapter: Adapter[CalibrationResult] = Adapter(CalibrationResult)
    written = {
        "fitted_pairs": {"type": "integer", "description": "pairs used in the fit"},
        "flagged_pairs": {"type": "integer", "description": "pairs left out, with a flag"},
    }
    return dataclass_schema(
        adapter, CALIBRATION_SCHEMA, "calibration.result", "silkroad-twin calibration", written
    )
