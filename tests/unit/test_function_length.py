"""No function in twin/ is over 60 lines unless a comment at its def says why (issue 14).

A function's length is its body without the docstring, from the first statement's line to the
last one's end. A long function is allowed only where splitting it would cost something real
(a hot loop's speed): a `# long: <why>` comment on the `def` line or the line above it says so.
"""

from __future__ import annotations

import ast
from pathlib import Path

TWIN = Path(__file__).resolve().parents[2] / "twin"
MAX_BODY_LINES = 60
WHY = "# long:"


def body_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of the body, the docstring left out."""
    body = node.body
    first = body[0]
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        body = body[1:]
    if not body:
        return 0
    end = body[-1].end_lineno or body[-1].lineno
    return end - body[0].lineno + 1


def has_why(lines: list[str], node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A `# long:` comment with a reason on the def line or the line above it (decorators
    included: the comment may sit above them or on the line of the def itself)."""
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    near = lines[max(first - 2, 0) : node.lineno]
    return any(WHY in line and line.split(WHY, 1)[1].strip() for line in near)


def long_functions(source: str, where: str) -> list[str]:
    """`where:line name (N lines)` for every function over the limit without a why-comment."""
    lines = source.splitlines()
    return [
        f"{where}:{node.lineno} {node.name} ({body_lines(node)} lines)"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and body_lines(node) > MAX_BODY_LINES
        and not has_why(lines, node)
    ]


def test_no_function_over_sixty_lines_without_a_reason() -> None:
    modules = sorted(TWIN.rglob("*.py"))
    assert len(modules) > 40  # the walk sees the package
    offenders = [
        found
        for path in modules
        for found in long_functions(
            path.read_text(encoding="utf-8"), path.relative_to(TWIN).as_posix()
        )
    ]
    assert offenders == [], (
        "split these, or say why at the def with `# long: <reason>`:\n" + "\n".join(offenders)
    )


def _function(lines: int, comment: str = "", docstring: bool = False) -> str:
    doc = '    """A docstring\n    over two lines."""\n' if docstring else ""
    body = "".join(f"    x{i} = {i}\n" for i in range(lines))
    return f"{comment}def f() -> None:\n{doc}{body}"


def test_the_rule_counts_the_body_and_leaves_the_docstring_out() -> None:
    assert long_functions(_function(60), "m.py") == []
    assert long_functions(_function(60, docstring=True), "m.py") == []
    assert long_functions(_function(61), "m.py") == ["m.py:1 f (61 lines)"]


def test_a_reason_at_the_def_allows_a_long_function_and_an_empty_one_does_not() -> None:
    assert long_functions(_function(61, "# long: one hot loop; calls cost 10 %\n"), "m.py") == []
    assert long_functions(_function(61, "# long:\n"), "m.py") == ["m.py:2 f (61 lines)"]
    assert long_functions(_function(61, "# long: why\n\n\n"), "m.py") == ["m.py:4 f (61 lines)"]


def test_methods_and_nested_functions_are_measured_too() -> None:
    nested = "class C:\n    def g(self) -> None:\n" + "".join(
        f"        y{i} = {i}\n" for i in range(61)
    )
    assert long_functions(nested, "c.py") == ["c.py:2 g (61 lines)"]
