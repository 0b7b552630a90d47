"""An RTT as every view writes it: the calibrated figure with the fibre one beside it.

Physics first: a topology with a `latency_calibration` reports (and checks budgets against) the
calibrated round trip, but the fibre figure (length × 4.9 µs/km plus equipment) is what light
allows, and a reader must never see the one without the other. Where the two are equal (no
calibration, or a path the calibration leaves at the fibre floor) one figure is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from twin.results.contingency import DemandRtt

# Below this the two figures print the same at one decimal.
_SAME_MS = 0.05


def fibre_differs(rtt_ms: float | None, fibre_rtt_ms: float | None) -> bool:
    """Whether a view must show the fibre RTT beside `rtt_ms` (a calibration changed it)."""
    if rtt_ms is None or fibre_rtt_ms is None:
        return False
    return abs(rtt_ms - fibre_rtt_ms) >= _SAME_MS


def rtt_text(rtt_ms: float, fibre_rtt_ms: float | None, unit: str = " ms") -> str:
    """`80.3 ms (fibre 42.6 ms)`, or `42.6 ms` when the two agree."""
    if fibre_differs(rtt_ms, fibre_rtt_ms):
        return f"{rtt_ms:.1f}{unit} (fibre {fibre_rtt_ms:.1f}{unit})"
    return f"{rtt_ms:.1f}{unit}"


def measured_text(value: float | None, fibre_rtt_ms: float | None = None) -> str:
    """A measured figure for a table cell (`—` when none, 6 significant digits), with the fibre
    RTT beside it when it is a calibrated RTT that differs."""
    if value is None:
        return "—"
    if fibre_differs(value, fibre_rtt_ms):
        return f"{value:.6g} (fibre {fibre_rtt_ms:.6g})"
    return f"{value:.6g}"


def demand_rtts_text(demands: Sequence[str], rtts: Sequence[DemandRtt]) -> str:
    """`fra-bak 80.3 ms (fibre 42.6 ms), ...`: demands with their RTTs; the bare ids when a
    document was written before contingency results kept the RTTs."""
    if not rtts:
        return ", ".join(demands)
    return ", ".join(f"{r.demand} {rtt_text(r.rtt_ms, r.fibre_rtt_ms)}" for r in rtts)
