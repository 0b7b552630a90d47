"""Rich summary of `twin validate`: one row per file, what it holds and its verdict."""

from __future__ import annotations

from rich.table import Table

from twin.report.terminal_text import add_row, styled, titled_table
from twin.results.validate import FileValidation, ValidationReport

# How a file's counts read, by kind; a kind not here (an invalid file) shows its problems.
_CONTENTS = {
    "topology": "{nodes} nodes, {links} links, {srlgs} SRLGs",
    "scenario": "{demands} demands, {events} events",
    "demands": "{demands} demands",
    "candidates": "{candidates} upgrade candidates",
    "state": "as of {as_of}: {down} down, {resources} units",
}


def contents(file: FileValidation) -> str:
    """What a file holds, in words; counts are absent when the file did not load."""
    template = _CONTENTS.get(file.kind)
    if template is None or not file.counts:
        return f"{len(file.problems)} problem(s)"
    return template.format(as_of=file.as_of, **file.counts)


def validation_table(report: ValidationReport) -> Table:
    table = titled_table("twin validate")
    for column in ("file", "kind", "contents", "verdict"):
        table.add_column(column)
    for file in report.files:
        verdict = styled("valid", "green") if file.valid else styled("invalid", "bold red")
        add_row(table, file.path, file.kind, contents(file), verdict)
    return table
