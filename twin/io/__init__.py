"""Topologies in and out: import from published sources, export for other tools."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml

from twin.errors import InputError, Problem
from twin.io.importer import Imported, load_source
from twin.model import Topology

__all__ = ["Imported", "load_source", "render_yaml", "to_topology"]

# LibYAML's emitter writes the same bytes as the pure-Python one (same safe representer) in
# about 60 % of the time, which a backbone of thousands of links notices; fall back without it.
_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def render_yaml(data: dict[str, Any], header: str = "") -> str:
    """Deterministic YAML (keys in insertion order, block style) with an optional comment head."""
    body = yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=100)
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return comment + body


def to_topology(imported: Imported, rendered: str | None = None) -> Topology:
    """Validate an import through the real loader (so imports obey every file rule).

    `rendered` is the import's YAML when the caller has already rendered it to write it out,
    so it is not rendered twice.

    The loader reads a temporary file; its problems are reported against the source the user
    gave (with the line of the generated YAML), since the temporary path means nothing to them
    and is gone by the time they read the message.
    """
    from twin.loading import load_topology

    text = rendered if rendered is not None else render_yaml(imported.topology)
    source = imported.report.source
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{imported.topology['name']}.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            topology = load_topology(path)
        except InputError as exc:
            raise InputError(
                [
                    Problem(
                        source,
                        0,
                        0,
                        "the imported topology does not validate: "
                        + p.message.replace(str(path), "the imported file")
                        + (f" (line {p.line} of the generated YAML)" if p.line > 0 else ""),
                        p.hint or "fix that element in the source, or report it as a bug",
                    )
                    for p in exc.problems
                ]
            ) from None
    return topology
