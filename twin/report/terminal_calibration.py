"""Rich view of `twin calibrate`: the residual table, the fit and its honest (held-out) error."""

from __future__ import annotations

from rich.console import Console

from twin.report.terminal_text import add_row, plain, styled, titled_table
from twin.results.calibration import CalibrationPair, CalibrationResult


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _signed(value: float | None) -> str:
    return "-" if value is None else f"{value:+.1f}"


def _nodes(pair: CalibrationPair) -> str:
    if pair.source_node is None or pair.destination_node is None:
        return "-"
    return f"{pair.source_node}–{pair.destination_node}"


def print_calibration(console: Console, result: CalibrationResult) -> None:
    """The residual table (fitted pairs first, then flagged ones with the reason), then the fit."""
    table = titled_table(
        f"{result.topology}: measured {result.statistic} RTT against the model "
        f"({len(result.fitted)} fitted, {len(result.flagged)} flagged)"
    )
    for column in (
        "pair",
        "nodes",
        "measured ms",
        "fibre ms (before)",
        "calibrated ms (after)",
        "residual ms",
        "held-out residual ms",
        "fit",
        "flagged: why",
    ):
        table.add_column(column, overflow="fold")
    for pair in (*result.fitted, *result.flagged):
        add_row(
            table,
            pair.label,
            _nodes(pair),
            _ms(pair.measured_ms),
            _ms(pair.fibre_rtt_ms),
            _ms(pair.calibrated_rtt_ms),
            _signed(pair.residual_ms),
            _signed(pair.held_out_residual_ms),
            pair.group or "-",
            styled(pair.flag, "yellow") if pair.flag else styled("fitted", "green"),
        )
    console.print(table)
    _print_summary(console, result)


def _print_summary(console: Console, result: CalibrationResult) -> None:
    console.print(
        plain(
            f"{'elsewhere' if result.corridors else 'global'}: RTT = {result.stretch:.4f} × "
            f"fibre RTT + {result.overhead_ms:.2f} ms "
            f"({result.estimator}); in-sample mean abs error {result.in_sample_mae_ms:.1f} ms"
        )
    )
    for c in result.corridors:
        held = "-" if c.out_of_sample_mae_ms is None else f"{c.out_of_sample_mae_ms:.1f} ms"
        console.print(
            plain(
                f"corridor {c.name} ({', '.join(c.countries)}): RTT = {c.stretch:.4f} × fibre "
                f"RTT + {c.overhead_ms:.2f} ms on {c.pairs} pairs; held-out mean abs error {held}"
            )
        )
    if result.out_of_sample_mae_ms is None:
        console.print(styled("out-of-sample error: not computed (fewer than 3 pairs)", "yellow"))
    else:
        mape = result.out_of_sample_mape or 0.0
        console.print(
            styled(
                f"out-of-sample error (leave one out, the honest figure): mean abs "
                f"{result.out_of_sample_mae_ms:.1f} ms ({100 * mape:.0f} % of measured), "
                f"median abs {result.out_of_sample_median_abs_ms or 0.0:.1f} ms",
                "bold",
            )
        )
    for hub in result.hubs:
        console.print(plain(f"country {hub.country} → node {hub.node} ({hub.rule})"))
    for note in result.notes:
        console.print(plain(f"note: {note}"))
