"""User text on a terminal: printed as text, never read as Rich markup, emoji codes or escapes.

A node named `[bold red]RED[/bold red] [link=https://evil.example]click[/link]` must print
those characters, `[/]` must not raise Rich's MarkupError, `:x:` must stay three characters, and
an ESC in a file name must not reach the terminal. Every terminal renderer builds its cells and
lines from `plain` (user text) and `styled` (our own labels) so nothing is ever parsed; the
consoles the command line makes also have markup and emoji off, as a second wall.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from twin.text_safety import visible_controls


def plain(text: object) -> Text:
    """User text as a Rich `Text` (no markup, no emoji), control characters made visible."""
    return Text(visible_controls(str(text)))


def styled(text: object, style: str) -> Text:
    """Our own label in a style, e.g. `styled("FAIL", "bold red")`; the text is still plain."""
    return Text(visible_controls(str(text)), style=style)


def joined(*parts: object) -> Text:
    """One line from pieces: `Text` keeps its style, anything else is plain user text."""
    line = Text()
    for part in parts:
        line.append_text(part if isinstance(part, Text) else plain(part))
    return line


def add_row(table: Table, *cells: object) -> None:
    """`table.add_row` with every non-`Text` cell taken as plain user text."""
    table.add_row(*(c if isinstance(c, Text) else plain(c) for c in cells))


def titled_table(title: object, **options: object) -> Table:
    """A table whose title (which names user files, scenarios, topologies) is plain text."""
    return Table(title=plain(title), **options)  # type: ignore[arg-type]


__all__ = ["add_row", "joined", "plain", "styled", "titled_table"]
