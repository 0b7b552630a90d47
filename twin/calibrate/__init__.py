"""Calibration against the real network: measured RTTs in, a latency overlay out.

It never changes a topology in place: `twin calibrate` writes an overlay that `extends:` the
topology and adds a `latency_calibration:` block (see docs/calibration.md).
"""

from twin.calibrate.fitting import calibrate
from twin.calibrate.measurements import Measurements, PairMeasurement, read_measurements
from twin.calibrate.overlay import overlay_text, write_overlay

__all__ = [
    "Measurements",
    "PairMeasurement",
    "calibrate",
    "overlay_text",
    "read_measurements",
    "write_overlay",
]
