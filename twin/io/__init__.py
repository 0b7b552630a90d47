"""Topologies in and out: import from published sources, export for other tools."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml

from twin.io.importer import Imported, load_source
from twin.model import Topology

__all__ = ["Imported", "load_source", "render_yaml", "to_topology"]


def render_yaml(data: dict[str, Any], header: str = "") -> str:
    """Deterministic YAML (keys in insertion order, block style) with an optional comment head."""
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return comment + body


def to_topology(imported: Imported) -> Topology:
    """Validate an import through the real loader (so imports obey every file rule)."""
    from twin.loading import load_topology

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{imported.topology['name']}.yaml"
        path.write_text(render_yaml(imported.topology), encoding="utf-8")
        topology = load_topology(path)
    return topology
