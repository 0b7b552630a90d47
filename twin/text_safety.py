"""Which characters user text may not carry, shared by validation and every output escaper.

Names, descriptions and paths reach terminals, pull-request comments, JUnit files and HTML. A
control character there is never content: ESC starts a terminal escape sequence (retitling the
window, hiding text, writing hyperlinks), NUL and most C0 codes make XML ill-formed, and the
bidirectional overrides reorder what a reviewer sees (the "Trojan Source" trick). Tab and
newline are ordinary text.
"""

from __future__ import annotations

import re

# C0 but tab and newline, DEL, C1, and the bidirectional embeddings, overrides and isolates.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def first_control_char(text: str) -> str | None:
    """The first forbidden character in `text`, or None."""
    match = CONTROL_CHARS.search(text)
    return match.group(0) if match else None


def code_point(char: str) -> str:
    """How a forbidden character is named in a message: U+001B, never the character itself."""
    return f"U+{ord(char):04X}"


def visible_controls(text: str) -> str:
    """`text` with every forbidden character written out as a visible escape (\\x1b, \\u202e)."""
    return CONTROL_CHARS.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


__all__ = ["CONTROL_CHARS", "code_point", "first_control_char", "visible_controls"]
