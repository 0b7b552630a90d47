"""Rich table of the outlook from a state: each demand's restoration odds, SLA minutes lost and
the risk that a further failure disconnects it before the state's outage ends."""

from __future__ import annotations

from rich.console import Console

from twin.report.terminal_text import add_row, plain, titled_table
from twin.results.montecarlo import MonteCarloResult
from twin.results.outlook import Outlook, Proportion
from twin.units import format_duration_h

# The times a terminal reads the restoration curve at (hours), those inside the horizon.
_READ_AT_H = (24.0, 7 * 24.0, 14 * 24.0, 30 * 24.0, 60 * 24.0, 90 * 24.0)


def _p(p: Proportion | None) -> str:
    if p is None:
        return "-"
    return f"{p.p:.2f} [{p.low:.2f}, {p.high:.2f}]"


def _at(outlook: Outlook, t_h: float) -> Proportion | None:
    point = outlook.p_by(t_h)
    if point is None:
        return None
    return Proportion(point.p, point.low, point.high, outlook.restored_in_horizon.n)


def _drivers(outlook: Outlook, shown: int = 3) -> str:
    """The first `shown` drivers with their share; the rest counted, not silently dropped."""
    listed = outlook.further_cut_drivers
    text = ", ".join(f"{d.element} {d.share:.2f}" for d in listed[:shown])
    if len(listed) > shown:
        text += f" (+{len(listed) - shown} more in --json)"
    return text


def print_outlook(console: Console, result: MonteCarloResult) -> None:
    """The outlook table, when the replications started from a state (else nothing)."""
    rows = [(d.id, d.outlook) for d in result.demands if d.outlook is not None]
    if not rows:
        return
    times = [t for t in _READ_AT_H if t <= result.horizon_h]
    table = titled_table(f"from the state as of {result.as_of}: P(restored by t) [95% CI]")
    table.add_column("demand")
    for t_h in times:
        table.add_column(f"by {format_duration_h(t_h, 'h')}")
    table.add_column(f"by {format_duration_h(result.horizon_h, 'h')}")
    table.add_column("SLA min lost [95% CI]")
    table.add_column("further cut before repair")
    table.add_column("driven by")
    for demand_id, outlook in rows:
        lost = outlook.sla_minutes_lost
        drivers = _drivers(outlook)
        add_row(
            table,
            demand_id,
            *(_p(_at(outlook, t_h)) for t_h in times),
            _p(outlook.restored_in_horizon),
            f"{lost.mean:.0f} [{lost.low:.0f}, {lost.high:.0f}]",
            _p(outlook.further_cut),
            drivers or "-",
        )
    console.print(table)
    console.print(
        plain(
            "restored: connected and within the demand's RTT budget; further cut: a new "
            "failure disconnects the demand before the last element down at as_of is back"
        )
    )
