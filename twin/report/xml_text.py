"""User text in XML (JUnit): only characters XML 1.0 allows, so the file always parses.

ElementTree escapes `&`, `<`, `>` and quotes, but writes a NUL, an ESC or a lone surrogate as it
is, which makes the document ill-formed and the CI's test reporter drop the whole run.
"""

from __future__ import annotations

import re

from twin.text_safety import visible_controls

# What XML 1.0 cannot carry even as a character reference (besides the C0 controls).
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def xml_text(text: object) -> str:
    """`text` with every character XML cannot hold written out as a visible escape."""
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group(0)):04x}", visible_controls(str(text)))


__all__ = ["xml_text"]
