"""The run's timeline as CSV: what happened, when, to what — for people and spreadsheets."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from twin.atomic import write_text_atomic
from twin.results import SimulationResult


def render_timeline_csv(result: SimulationResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["t_h", "t_days", "kind", "element", "detail"])
    for entry in result.timeline:
        writer.writerow(
            [f"{entry.t_h:.6f}", f"{entry.t_h / 24:.4f}", entry.kind, entry.element, entry.detail]
        )
    return out.getvalue()


def write_timeline_csv(path: Path, result: SimulationResult) -> None:
    write_text_atomic(path, render_timeline_csv(result))
