"""User text in GitHub-flavoured Markdown (pull-request comments, `$GITHUB_STEP_SUMMARY`).

A name or path may hold `<img src=x onerror=...>`, `<!--` (which hides the rest of the comment),
`[x](javascript:...)`, a `|` that splits a table cell, `:x:` (an emoji) or a newline that ends the
table row. `md_text` makes every such character literal: `&`, `<` and `>` become entities (so no
tag or comment can open), the inline punctuation Markdown acts on is backslash-escaped
(CommonMark renders `\\` + ASCII punctuation as that character), and line breaks become spaces.
`md_code` does the same job inside a code span, where escapes do not work: the fence is longer
than any run of backticks in the text.
"""

from __future__ import annotations

import re

from twin.text_safety import visible_controls

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Inline punctuation Markdown (and GitHub's emoji, math and strike-through) acts on.
_PUNCTUATION = re.compile(r"[\\`*_\[\]|~!:$#]")
_LINE_BREAKS = re.compile(r"[\r\n\t\u2028\u2029\x85]+")


def _one_line(text: object) -> str:
    return _LINE_BREAKS.sub(" ", visible_controls(str(text).replace("\r\n", " ")))


def md_text(text: object) -> str:
    """`text` as literal inline Markdown, safe in a table cell, a heading or a paragraph."""
    escaped = "".join(_ENTITIES.get(c, c) for c in _one_line(text))
    return _PUNCTUATION.sub(lambda m: "\\" + m.group(0), escaped)


def md_code(text: object) -> str:
    """`text` as an inline code span (rendered monospace, never as Markdown or HTML).

    A `|` is written `\\|`: GitHub splits table rows on it even inside code spans, and renders
    the escaped form as a plain `|` there.
    """
    body = _one_line(text).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * (longest + 1)
    if body.startswith(("`", " ")) or body.endswith(("`", " ")):
        body = f" {body} "
    return f"{fence}{body}{fence}"


__all__ = ["md_code", "md_text"]
