"""Import published topologies into the twin's file format.

Sources: `topohub:KEY` (the topohub package ships Internet Topology Zoo, SNDlib, CAIDA and
synthetic backbone maps as NetworkX node-link data), a Topology Zoo GraphML file, or a NetworkX
node-link JSON file. Everything is mapped through one node-link path:

- nodes need coordinates (topohub `pos` = [lon, lat]; Topology Zoo `Longitude`/`Latitude`);
  a node without them cannot be placed, so the import fails naming the nodes that lack them;
- ids are made from names (lower-case, `[a-z0-9-]`), made unique deterministically;
- link length: the source's `dist`/`length_km` when given and not shorter than the geodesic
  (raised to it otherwise), else geodesic x route factor; capacity: the source's when given,
  else a stated default; failure class: the corridor's terrestrial default;
- demands (SNDlib) become a `demands:` file usable by scenarios and `twin contingency`.

The report says what was defaulted, so nobody mistakes a default for data.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from twin.errors import InputError, Problem
from twin.geo import DEFAULT_ROUTE_FACTOR, geodesic_km

DEFAULT_CAPACITY_GBPS = 100.0
DEFAULT_FAILURE_CLASSES: list[dict[str, Any]] = [
    {
        "id": "terrestrial",
        "basis": "per_1000km",
        "rate": 1.0,
        "repair": {"kind": "lognormal", "median": "12h", "p90": "36h"},
        "description": "Default buried long-haul fibre (silkroad-twin fact sheet §4.2, estimate).",
        "estimate": True,
    },
    {
        "id": "submarine-deep",
        "basis": "per_1000km",
        "rate": 0.11,
        "repair": {"kind": "lognormal", "median": "14d", "p90": "30d"},
        "description": "Default ocean cable (fact sheet §4.1, estimate).",
        "estimate": True,
    },
]


@dataclass
class ImportReport:
    source: str
    nodes: int = 0
    links: int = 0
    demands: int = 0
    defaulted: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{self.source}: {self.nodes} nodes, {self.links} links, {self.demands} demands"]
        out += [f"  defaulted {what}: {count}" for what, count in sorted(self.defaulted.items())]
        out += [f"  note: {n}" for n in self.notes]
        return out


@dataclass
class Imported:
    topology: dict[str, Any]
    demands: list[dict[str, Any]]
    report: ImportReport


MAX_NODE_ID = 28  # keeps "a--b-N" link ids within the schema's 64 characters


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:MAX_NODE_ID].strip("-")
    return slug or "node"


def _coordinates(node: dict[str, Any]) -> tuple[float, float] | None:
    pos = node.get("pos")
    if isinstance(pos, (list, tuple)) and len(pos) == 2:
        return float(pos[1]), float(pos[0])
    for lat_key, lon_key in (("Latitude", "Longitude"), ("lat", "lon"), ("y", "x")):
        if lat_key in node and lon_key in node:
            try:
                return float(node[lat_key]), float(node[lon_key])
            except (TypeError, ValueError):
                return None
    return None


def from_node_link(data: dict[str, Any], source: str, route_factor: float) -> Imported:
    report = ImportReport(source)
    graph_attrs = data.get("graph") or {}
    name = _slug(str(graph_attrs.get("name") or source.split("/")[-1].split(":")[-1]))
    edges_key = "edges" if "edges" in data else "links"
    raw_nodes = data.get("nodes")
    raw_edges = data.get(edges_key)
    if not isinstance(raw_nodes, list) or not isinstance(raw_edges, list):
        raise InputError(Problem(source, 0, 0, "not node-link data: needs 'nodes' and 'edges'"))
    ids: dict[Any, str] = {}
    used: Counter[str] = Counter()
    nodes: list[dict[str, Any]] = []
    missing = []
    for node in raw_nodes:
        key = node.get("id")
        coords = _coordinates(node)
        label = str(node.get("name") or node.get("label") or f"n{key}")
        if coords is None:
            missing.append(label)
            continue
        lat, lon = coords
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            missing.append(f"{label} (coordinates out of range)")
            continue
        own = node.get("id")
        if isinstance(own, str) and re.fullmatch(r"[a-z0-9][a-z0-9-]*", own):
            base = own  # our own export: keep its ids
        else:
            base = _slug(label)
        used[base] += 1
        node_id = base if used[base] == 1 else f"{base}-{used[base]}"
        ids[key] = node_id
        country = node.get("country")
        role = node.get("role")
        entry: dict[str, Any] = {
            "id": node_id,
            "name": label,
            "country": country
            if isinstance(country, str) and re.fullmatch(r"[A-Z]{2}(/[A-Z]{2})*", country)
            else "ZZ",
            "role": role if role in ("pop", "landing", "border", "ixp", "datacenter") else "pop",
            "lat": round(lat, 6),
            "lon": round(lon, 6),
        }
        delay = node.get("equipment_delay_ms")
        if isinstance(delay, (int, float)) and delay > 0:
            entry["equipment_delay_ms"] = float(delay)
        if entry["country"] == "ZZ":
            report.defaulted["node country (ZZ)"] += 1
        entry["estimate"] = True
        nodes.append(entry)
    if missing:
        shown = ", ".join(missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        )
        raise InputError(
            Problem(
                source,
                0,
                0,
                f"{len(missing)} of {len(raw_nodes)} nodes have no coordinates: {shown}",
                "the twin measures latency from geography; add coordinates to the source",
            )
        )
    positions: dict[str, tuple[float, float]] = {
        str(n["id"]): (float(n["lat"]), float(n["lon"])) for n in nodes
    }
    links = []
    srlg_ids: set[str] = set()
    pair_count: Counter[tuple[str, str]] = Counter()
    for edge in raw_edges:
        a, b = ids.get(edge.get("source")), ids.get(edge.get("target"))
        if a is None or b is None:
            report.notes.append(
                f"edge {edge.get('source')}-{edge.get('target')} skipped: unknown end"
            )
            continue
        if a == b:
            report.defaulted["self-loops dropped"] += 1
            continue
        pair = (min(a, b), max(a, b))
        pair_count[pair] += 1
        own_id = edge.get("id") or edge.get("key")
        if isinstance(own_id, str) and re.fullmatch(r"[a-z0-9][a-z0-9-]*", own_id):
            link_id = own_id  # our own export: keep its ids
        else:
            link_id = f"{pair[0]}--{pair[1]}"
            if pair_count[pair] > 1:
                link_id += f"-{pair_count[pair]}"
        geodesic = geodesic_km(*positions[a], *positions[b])
        kind = "submarine" if edge.get("kind") == "submarine" else "terrestrial"
        link: dict[str, Any] = {"id": link_id, "a": a, "b": b, "kind": kind}
        if kind == "submarine":
            link["sea"] = str(edge.get("sea") or "ocean")
        if isinstance(edge.get("srlgs"), str) and edge["srlgs"]:
            link["srlgs"] = edge["srlgs"].split(",")
            srlg_ids.update(link["srlgs"])
        if edge.get("status") in ("active", "planned", "retired"):
            link["status"] = edge["status"]
        stated = edge.get("length_km", edge.get("dist"))
        if kind == "submarine" and not (isinstance(stated, (int, float)) and stated > 0):
            stated = geodesic * route_factor  # a cable needs a length: geodesic x factor
            report.defaulted["submarine lengths (geodesic x route factor)"] += 1
        if isinstance(stated, (int, float)) and stated > 0:
            if stated < geodesic:
                report.defaulted["lengths raised to the geodesic"] += 1
                stated = geodesic
            link["length_km"] = round(float(stated), 3)
        else:
            report.defaulted["lengths (geodesic x route factor)"] += 1
        if geodesic <= 0 and "length_km" not in link:
            link["length_km"] = 0.001
        capacity = edge.get("capacity_gbps", edge.get("capacity"))
        if isinstance(capacity, (int, float)) and capacity > 0:
            link["capacity_gbps"] = float(capacity)
        else:
            link["capacity_gbps"] = DEFAULT_CAPACITY_GBPS
            report.defaulted[f"capacities ({DEFAULT_CAPACITY_GBPS:g} Gbit/s)"] += 1
        link["failure_class"] = "submarine-deep" if kind == "submarine" else "terrestrial"
        link["estimate"] = True
        links.append(link)
    report.defaulted["failure classes (terrestrial default)"] = len(links)
    if not links:
        raise InputError(Problem(source, 0, 0, "the source has no usable links"))
    demands = []
    raw_demands = graph_attrs.get("demands")
    if isinstance(raw_demands, dict):
        for src in sorted(raw_demands, key=str):
            row = raw_demands[src]
            if not isinstance(row, dict):
                continue
            for dst in sorted(row, key=str):
                value = row[dst]
                a, b = ids.get(_key(src, ids)), ids.get(_key(dst, ids))
                if a is None or b is None or a == b or not value:
                    continue
                demands.append(
                    {"id": f"{a}--{b}", "source": a, "destination": b, "gbps": float(value)}
                )
    report.nodes, report.links, report.demands = len(nodes), len(links), len(demands)
    topology = {
        "name": name,
        "description": f"Imported from {source} by twin import.",
        "route_factor": route_factor,
        "failure_classes": DEFAULT_FAILURE_CLASSES,
        "srlgs": [{"id": sid} for sid in sorted(srlg_ids)],
        "nodes": nodes,
        "links": links,
    }
    if not srlg_ids:
        del topology["srlgs"]
    return Imported(topology, demands, report)


def _key(value: Any, ids: dict[Any, str]) -> Any:
    """Demand tables may key nodes by int or by its string form."""
    if value in ids:
        return value
    try:
        as_int = int(value)
    except (TypeError, ValueError):
        return value
    return as_int if as_int in ids else value


def load_source(source: str, route_factor: float = DEFAULT_ROUTE_FACTOR) -> Imported:
    """`topohub:KEY`, a GraphML file or a node-link JSON file."""
    if source.startswith("topohub:"):
        try:
            import topohub
        except ImportError as exc:
            raise InputError(
                Problem(
                    source, 0, 0, "topohub is not installed", "pip install 'silkroad-twin[import]'"
                )
            ) from exc
        key = source.split(":", 1)[1]
        try:
            data = topohub.get(key)
        except (KeyError, FileNotFoundError, OSError) as exc:
            raise InputError(
                Problem(
                    source,
                    0,
                    0,
                    f"topohub has no topology '{key}'",
                    "keys look like topozoo/Abilene, sndlib/germany50, backbone/eurasia",
                )
            ) from exc
        return from_node_link(data, source, route_factor)
    path = Path(source)
    if not path.is_file():
        raise InputError(Problem(source, 0, 0, "no such file", "give topohub:KEY or a file"))
    if path.suffix.lower() == ".graphml":
        import networkx as nx

        try:
            graph = nx.read_graphml(path, force_multigraph=True)
        except Exception as exc:  # networkx raises many parser errors
            raise InputError(Problem(source, 0, 0, f"cannot read GraphML: {exc}")) from exc
        data = nx.node_link_data(graph, edges="edges")
        data.setdefault("graph", {}).setdefault("name", path.stem)
        return from_node_link(data, source, route_factor)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(Problem(source, 0, 0, f"not JSON node-link data: {exc}")) from exc
    if not isinstance(data, dict):
        raise InputError(Problem(source, 0, 0, "not node-link data: top level is not an object"))
    return from_node_link(data, source, route_factor)
