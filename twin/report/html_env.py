"""The one Jinja2 environment every HTML and SVG view of a result is rendered with.

Autoescaping is on for every template, so a node, link or demand name from a user's YAML is
escaped wherever it lands (text, attribute, tooltip) without anyone remembering to; only
fragments already rendered by this environment (`Markup`) pass through unescaped.
`StrictUndefined` turns a misspelt variable into an error in the tests instead of an empty
cell in a report. The templates are package data (`twin/report/templates/`), read by Jinja's
`PackageLoader` through the import system, so a wheel or a zip install reads them like a source
checkout.

The twin's version is read here from the installed distribution's metadata, so the report
package never imports the `twin` package root.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import metadata
from types import SimpleNamespace
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from twin.report.run_view import format_percent
from twin.units import format_duration_h

DISTRIBUTION = "silkroad-twin"


@cache
def twin_version() -> str:
    """The installed silkroad-twin version ("unknown" when run from an uninstalled tree)."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown"


def n(value: float) -> str:
    """A coordinate rounded to 0.1 px: stable output, small files."""
    rounded = round(value, 1)
    if rounded == 0:
        rounded = 0.0  # no "-0"
    return f"{rounded:g}"


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("twin.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(n=n, duration=format_duration_h, percent=format_percent)
    env.globals.update(twin_version=twin_version())
    return env


def render(template: str, **context: Any) -> str:
    """A whole page: `template` rendered with `context`, as plain text to write to a file."""
    return environment().get_template(template).render(**context)


def draw(template: str, macro: str, geometry: Mapping[str, Any]) -> Markup:
    """One fragment (a chart, the map): `macro` of `template` called with `geometry` as its
    one argument. The result is `Markup`, embedded as is by the page that includes it."""
    module = environment().get_template(template).module
    return Markup(getattr(module, macro)(SimpleNamespace(**geometry)))
