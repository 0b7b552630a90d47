"""The report templates: all shipped and parseable, strict about missing data, escaping by
default; and the report package reads the version without importing the `twin` root."""

from __future__ import annotations

import ast
from importlib import metadata
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from twin.report.html_env import environment, render, twin_version

REPORT = Path(__file__).resolve().parents[2] / "twin" / "report"


def test_every_template_is_found_by_the_package_loader_and_parses() -> None:
    on_disk = sorted(p.name for p in (REPORT / "templates").iterdir() if p.is_file())
    assert sorted(environment().list_templates()) == on_disk
    for name in on_disk:
        environment().get_template(name)  # a syntax error would raise here


def test_a_missing_variable_is_an_error_not_an_empty_cell() -> None:
    with pytest.raises(UndefinedError):
        render("contingency.html.j2", title="t")


def test_autoescape_is_on_for_plain_strings_and_off_for_rendered_fragments() -> None:
    from twin.report.svg import availability_bar

    bar = availability_bar(0.999, 0.99, "a<b", True)
    assert 'id="a&lt;b"' in bar  # the id was escaped inside the chart
    page = render("page.html.j2", title="<t>")
    assert "<title>&lt;t&gt;</title>" in page


def test_report_modules_do_not_import_the_package_root() -> None:
    for path in sorted(REPORT.glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert "twin" not in [a.name for a in node.names], f"{path.name} imports twin"
            if isinstance(node, ast.ImportFrom) and node.module == "twin":
                pytest.fail(f"{path.name} imports from the twin package root")


def test_version_comes_from_the_installed_distribution() -> None:
    assert twin_version() == metadata.version("silkroad-twin")
    assert f'content="silkroad-twin {twin_version()}"' in render("page.html.j2", title="t")
