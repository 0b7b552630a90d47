"""Rich table of a back-test: each reported restoration against its modelled distribution,
then the library's coverage of the 10-90 % band and its mean CRPS."""

from __future__ import annotations

from rich.console import Console

from twin.report.terminal_text import add_row, plain, styled, titled_table
from twin.results.backtest import BacktestResult, ObservationScore
from twin.units import format_duration_h


def _band(o: ObservationScore) -> str:
    return f"{format_duration_h(o.p10_h)} - {format_duration_h(o.p90_h)}"


def _reported(o: ObservationScore) -> str:
    low_h, high_h = o.reported_range_h
    text = f"{format_duration_h(o.reported_h)} ({format_duration_h(low_h)} - "
    return text + f"{format_duration_h(high_h)})"


def print_backtest(console: Console, result: BacktestResult) -> None:
    title = (
        f"twin backtest: {len(result.incidents)} incidents, {result.replications} replications each"
    )
    if result.partial:
        title += f" - PARTIAL ({result.reason})"
    table = titled_table(title)
    for column in ("incident", "restored", "reported (range)", "modelled median", "10-90 %"):
        table.add_column(column)
    for column in ("percentile", "CRPS h", "CRPS log"):
        table.add_column(column, justify="right")
    for incident, o in result.rows():
        name = incident.scenario.removeprefix("incident-")
        percentile = f"{o.percentile:.0f} %"
        cell = styled(percentile, "green") if o.inside_band else styled(percentile, "yellow")
        censored = f" ({o.censored} censored)" if o.censored else ""
        add_row(
            table,
            name,
            f"{o.id} ({o.measure})",
            _reported(o),
            format_duration_h(o.p50_h) + censored,
            _band(o),
            cell,
            f"{o.crps_h:.1f}",
            f"{o.crps_log:.3f}",
        )
    console.print(table)
    s = result.summary
    console.print(
        plain(
            f"coverage of the modelled 10-90 % band: {s.inside_band} of {s.observations} "
            f"({s.coverage:.0%}; a calibrated model: about 80 %)\n"
            f"mean CRPS on log-time (headline): {s.mean_crps_log:.3f}; in hours: "
            f"{s.mean_crps_h:.1f} h; median percentile {s.median_percentile:.0f} % "
            f"(calibrated: about 50 %)\nlog score: {s.log_score_note}"
        ),
        soft_wrap=True,
    )
    for note in result.notes:
        console.print(plain(f"note: {note}"), soft_wrap=True)
