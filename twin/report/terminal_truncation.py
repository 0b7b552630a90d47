"""The one way a terminal table says it shows only some rows, and where the rest are."""

from __future__ import annotations

from rich.text import Text

from twin.report.terminal_text import plain

TOP_OR_JSON = "`--top N` or `--json` for all"


def shown_of(shown: int, total: int, rest: str = TOP_OR_JSON) -> Text | None:
    """'15 of 1,035 shown; `--top N` or `--json` for all', or None when nothing is left out.

    Used as the table's caption, so a reader never takes the worst 15 for all there are. Plain
    text: `rest` may name a user's file.
    """
    if shown >= total:
        return None
    return plain(f"{shown:,} of {total:,} shown; {rest}")
