"""Import published topologies into the twin's file format.

Sources: `topohub:KEY` (the topohub package ships Internet Topology Zoo, SNDlib, CAIDA and
synthetic backbone maps as NetworkX node-link data), a Topology Zoo GraphML file, or a NetworkX
node-link JSON file. Everything is mapped through one node-link path:

- nodes need geographic coordinates (topohub `pos` = [lon, lat]; Topology Zoo
  `Longitude`/`Latitude`); a node without them cannot be placed. A source with planar x/y
  positions (some SNDlib networks) is imported only at a stated scale (`planar_scale_km`, km per
  coordinate unit; see `twin.io.planar`), with lengths from the drawing marked as estimates and
  a warning; without one the import fails saying so;
- ids: a file our own exporter wrote (graph attribute `silkroad_twin_export`) keeps its ids;
  every other source gets ids made from its labels (lower-case `[a-z0-9-]`, at most 28
  characters, made unique deterministically in source order), so that `--demand new-york:chicago`
  works on a Topology Zoo import instead of `0:1`;
- link length: a measured `length_km` is kept (raised to the geodesic if shorter). topohub's
  `dist` is a straight great-circle distance (haversine of the node positions, in every
  topohub group: Topology Zoo, SNDlib, CAIDA and the backbone maps; dist/geodesic has a median
  of 0.999), not a fibre length, so it is taken as the geodesic: length = dist x route factor,
  counted as defaulted. Without either, terrestrial links take geodesic x route factor from the
  loader; submarine links, which must state a length, get it written out;
- submarine cables: `kind: submarine`, or topohub backbone's `type: seacable`; their ends of
  `type: Seacable Landing Point` become landing nodes;
- capacity: `capacity_gbps`, Topology Zoo `LinkSpeedRaw` (bit/s), else a stated default;
  country: an ISO code, Topology Zoo `Country` names mapped to ISO alpha-2, else ZZ;
- failure classes: our own export's, else a terrestrial and a submarine default;
- demands (SNDlib) become a `demands:` file for `twin contingency --demands`; SNDlib values are
  unitless traffic units, taken as Gbit/s, which the report and the file say.

The report says what was mapped and what was defaulted, so nobody mistakes a default for data.
Every fault of the source is an `InputError` naming the source, the element and what to fix.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from twin.errors import InputError, option
from twin.geo import DEFAULT_ROUTE_FACTOR, geodesic_km
from twin.io.countries import country_code
from twin.io.planar import check_planar_scale, place_on_globe, planar_distance_km
from twin.json_input import loads_bounded

DEFAULT_CAPACITY_GBPS = 100.0
TERRESTRIAL_CLASS = "terrestrial"
SUBMARINE_CLASS = "submarine-deep"
DEFAULT_SEA = "ocean"
DEFAULT_FAILURE_CLASSES: list[dict[str, Any]] = [
    {
        "id": TERRESTRIAL_CLASS,
        "basis": "per_1000km",
        "rate": 1.0,
        "repair": {"kind": "lognormal", "median": "12h", "p90": "36h"},
        "description": "Default buried long-haul fibre (silkroad-twin fact sheet §4.2, estimate).",
        "estimate": True,
    },
    {
        "id": SUBMARINE_CLASS,
        "basis": "per_1000km",
        "rate": 0.11,
        "repair": {"kind": "lognormal", "median": "14d", "p90": "30d"},
        "description": "Default ocean cable (fact sheet §4.1, estimate).",
        "estimate": True,
    },
]
# Graph attribute our exporter writes: only a file carrying it keeps its own ids and failure
# classes. Guessing "ours" from the shape of ids made Topology Zoo's '0'..'10' look like ours.
EXPORT_MARKER = "silkroad_twin_export"
EXPORT_VERSION = 1
# topohub's names for submarine cables and their shore ends (backbone maps).
SEACABLE_EDGE_TYPE = "seacable"
LANDING_NODE_TYPE = "Seacable Landing Point"
WAYPOINT_NODE_TYPE = "Seacable Waypoint"
# The schema's bounds on a topology's route_factor (twin/loading/schema.py, TopologyFile).
MIN_ROUTE_FACTOR, MAX_ROUTE_FACTOR = 1.0, 5.0
# No two points on earth are further apart along the surface than half the meridian
# circumference (20,004 km); a little margin for spherical approximations.
MAX_GREAT_CIRCLE_KM = 20_050.0
# A measured fibre length beyond this (two and a half times round the earth) is a unit error.
MAX_LENGTH_KM = 100_000.0
SUBMARINE_KM_FLOOR = 0.001  # co-located ends still need a positive length
BITS_PER_GBIT = 1e9
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
NODE_ROLES = ("pop", "landing", "border", "ixp", "datacenter")
LINK_STATUSES = ("active", "planned", "retired")
DEMANDS_UNIT_NOTE = (
    "values taken as Gbit/s (SNDlib traffic units state no unit; scale them if yours differ)"
)


@dataclass
class ImportReport:
    """What an import took from the source (`mapped`) and what it filled in (`defaulted`)."""

    source: str
    nodes: int = 0
    links: int = 0
    demands: int = 0
    mapped: Counter[str] = field(default_factory=Counter)
    defaulted: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    demands_unit: str = ""
    # What the user must not overlook (e.g. positions that are not geographic).
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{self.source}: {self.nodes} nodes, {self.links} links, {self.demands} demands"]
        out += [f"  mapped {what}: {count}" for what, count in sorted(self.mapped.items())]
        out += [f"  defaulted {what}: {count}" for what, count in sorted(self.defaulted.items())]
        if self.demands and self.demands_unit:
            out.append(f"  demands: {self.demands_unit}")
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


def _unique(base: str, taken: set[str], limit: int) -> str:
    """`base`, or `base-2`, `base-3`... (cut so the suffix fits `limit`): the first not taken.

    Checking against every id taken so far, rather than counting each base, keeps a generated
    `x-2` from colliding with a source label that is itself "x 2".
    """
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        suffix = f"-{n}"
        candidate = base[: limit - len(suffix)].rstrip("-") + suffix
    taken.add(candidate)
    return candidate


def _fail(source: str, message: str, hint: str) -> InputError:
    return InputError.about(source, message, hint)


def _number(value: Any, source: str, where: str, what: str) -> float | None:
    """A finite float from a source value; None when absent; bad input for anything else.

    A non-finite number (JSON's Infinity/NaN, GraphML's "inf") would import as a length or
    coordinate the model cannot use, so it is refused here, naming the element and the field.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        number = math.nan
    elif isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            number = math.nan
    else:
        number = math.nan
    if not math.isfinite(number):
        raise _fail(
            source,
            f"{where}: '{what}' must be a finite number, got {value!r}",
            f"fix '{what}' of that element in the source (or remove it to use the default)",
        )
    return number


def _label(node: dict[str, Any], key: Any) -> str:
    for attr in ("name", "label"):
        value = node.get(attr)
        if isinstance(value, str) and value.strip():
            return value.strip()
    if node.get("type") == WAYPOINT_NODE_TYPE:
        return f"waypoint {key}"
    return f"n{key}"


def _coordinates(node: dict[str, Any], source: str, where: str) -> tuple[float, float] | None:
    """(lat, lon) from topohub's `pos` = [lon, lat] or a latitude/longitude pair, else None."""
    pos = node.get("pos")
    if pos is not None:
        if (
            not isinstance(pos, (list, tuple))
            or len(pos) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pos)
        ):
            raise _fail(
                source,
                f"{where}: 'pos' must be two numbers [longitude, latitude], got {pos!r}",
                "give two numbers, longitude first, as topohub does",
            )
        lon = _number(pos[0], source, where, "pos")
        lat = _number(pos[1], source, where, "pos")
        if lat is None or lon is None:
            return None
        return lat, lon
    for lat_key, lon_key in (("Latitude", "Longitude"), ("lat", "lon"), ("y", "x")):
        if lat_key in node or lon_key in node:
            lat = _number(node.get(lat_key), source, where, lat_key)
            lon = _number(node.get(lon_key), source, where, lon_key)
            if lat is None or lon is None:
                return None
            return lat, lon
    return None


def _listed(items: list[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _graph_json(graph_attrs: dict[str, Any], key: str, source: str) -> Any:
    """A structured value our exporter stored as a graph attribute: native in node-link, JSON
    text in GraphML; None when absent."""
    value = graph_attrs.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = loads_bounded(value, source, "re-export the topology with `twin export`")
        except json.JSONDecodeError as exc:
            raise _fail(
                source,
                f"graph attribute '{key}' is not JSON: {exc}",
                "re-export the topology with `twin export`",
            ) from exc
    return value


def _graph_list(graph_attrs: dict[str, Any], key: str, source: str) -> list[dict[str, Any]]:
    """A list of objects our exporter stored as a graph attribute ([] when absent)."""
    value = _graph_json(graph_attrs, key, source)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _fail(
            source,
            f"graph attribute '{key}' must be a list of objects",
            "re-export the topology with `twin export`",
        )
    return value


def _graph_calibration(graph_attrs: dict[str, Any], source: str) -> dict[str, Any] | None:
    """Our export's `latency_calibration` block (checked with the rest of the topology)."""
    value = _graph_json(graph_attrs, "latency_calibration", source)
    if value is not None and not isinstance(value, dict):
        raise _fail(
            source,
            "graph attribute 'latency_calibration' must be an object",
            "re-export the topology with `twin export`",
        )
    return value


def _own_fields(attrs: dict[str, Any], out: dict[str, Any]) -> None:
    """Provenance our exporter writes on nodes and links, as `source_tags` (comma-joined):
    node-link edges already use `source` for an end."""
    tags = attrs.get("source_tags")
    if isinstance(tags, str) and tags:
        out["source"] = tags.split(",")
    elif isinstance(tags, list) and all(isinstance(t, str) for t in tags):
        out["source"] = list(tags)
    estimate = attrs.get("estimate")
    out["estimate"] = estimate if isinstance(estimate, bool) else True


def _srlg_list(value: Any) -> list[str]:
    if isinstance(value, str) and value:
        return [s for s in value.split(",") if s]
    if isinstance(value, list):
        return [str(s) for s in value if s]
    return []


@dataclass
class _Source:
    """What every step of one import needs to know about its source."""

    name: str
    own: bool  # written by our exporter: keeps its ids, classes and provenance
    route_factor: float
    planar_scale_km: float | None
    class_ids: set[str]
    report: ImportReport


@dataclass
class _Nodes:
    """The nodes an import kept, and how the source's node keys map to their ids."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    ids: dict[Any, str] = field(default_factory=dict)
    planar_xy: dict[str, tuple[float, float]] = field(default_factory=dict)


def from_node_link(
    data: dict[str, Any],
    source: str,
    route_factor: float | None = None,
    planar_scale_km: float | None = None,
) -> Imported:
    """Map node-link data (topohub, NetworkX, our own export) to a topology file's content.

    `planar_scale_km` says the source's coordinates are planar x/y, one unit being that many km.
    """
    report = ImportReport(source)
    if planar_scale_km is not None:
        check_planar_scale(planar_scale_km)
    graph_attrs = data.get("graph") or {}
    if not isinstance(graph_attrs, dict):
        raise _fail(source, "'graph' must be an object", "node-link data has graph: {...}")
    own = bool(graph_attrs.get(EXPORT_MARKER))
    route_factor = _route_factor(route_factor, graph_attrs, own)
    raw_nodes = data.get("nodes")
    raw_edges = data.get("edges" if "edges" in data else "links")
    if not isinstance(raw_nodes, list) or not isinstance(raw_edges, list):
        raise _fail(
            source,
            "not node-link data: needs a 'nodes' list and an 'edges' (or 'links') list",
            "export it with networkx.node_link_data(graph, edges='edges')",
        )
    failure_classes = (
        _graph_list(graph_attrs, "failure_classes", source) if own else []
    ) or DEFAULT_FAILURE_CLASSES
    ctx = _Source(
        source,
        own,
        route_factor,
        planar_scale_km,
        {str(fc.get("id")) for fc in failure_classes},
        report,
    )
    # Read (and a malformed one refused) before any node: the source's faults come in order.
    srlg_defs = {
        str(s["id"]): s for s in _graph_list(graph_attrs, "srlgs", source) if own and "id" in s
    }
    nodes = _nodes(raw_nodes, ctx)
    links, srlg_ids = _links(raw_edges, nodes, ctx)
    demands = _demands(graph_attrs.get("demands"), nodes.ids, source, report)
    report.nodes, report.links, report.demands = len(nodes.entries), len(links), len(demands)
    topology: dict[str, Any] = {
        "name": _slug(str(graph_attrs.get("name") or source.split("/")[-1].split(":")[-1])),
        "description": _description(graph_attrs, ctx),
        "route_factor": route_factor,
        # A calibrated topology stays calibrated: its RTTs read the same after the round trip.
        "latency_calibration": _graph_calibration(graph_attrs, source) if own else None,
        "failure_classes": failure_classes,
        "srlgs": [_srlg_entry(sid, srlg_defs.get(sid), ctx.class_ids) for sid in sorted(srlg_ids)],
        "nodes": nodes.entries,
        "links": links,
    }
    if not srlg_ids:
        del topology["srlgs"]
    if topology["latency_calibration"] is None:
        del topology["latency_calibration"]
    return Imported(topology, demands, report)


def _route_factor(given: float | None, graph_attrs: dict[str, Any], own: bool) -> float:
    """The stated route factor, else our export's own, else the default; checked either way."""
    if given is None:
        stored = graph_attrs.get("route_factor") if own else None
        given = float(stored) if isinstance(stored, (int, float)) else DEFAULT_ROUTE_FACTOR
    check_route_factor(given)
    return given


def _description(graph_attrs: dict[str, Any], ctx: _Source) -> str:
    """Our export's description, else where the topology came from; planar placement is said
    in the file itself, so nobody reading it later mistakes the positions for geography."""
    description = graph_attrs.get("description") if ctx.own else None
    if not (isinstance(description, str) and description):
        description = f"Imported from {ctx.name} by twin import."
    if ctx.planar_scale_km is not None:
        description += (
            f" Planar coordinates at {ctx.planar_scale_km:g} km per unit, placed around 0°N 0°E: "
            "node positions are not geographic and link lengths are estimates."
        )
    return description


def _nodes(raw_nodes: list[Any], ctx: _Source) -> _Nodes:
    """Every node that can be placed; nodes without coordinates, or with planar ones and no
    stated scale, fail the import all together, listed, rather than one per run."""
    nodes = _Nodes()
    taken: set[str] = set()
    missing: list[str] = []
    planar: list[str] = []
    unmapped_countries: Counter[str] = Counter()
    for index, node in enumerate(raw_nodes):
        key = _node_key(index, node, nodes.ids, ctx.name)
        label = _label(node, key)
        coords = _coordinates(node, ctx.name, f"node {key!r} ({label})")
        if coords is None:
            missing.append(label)
            continue
        lat, lon = coords
        if ctx.planar_scale_km is None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
            planar.append(f"{label} at ({lon:g}, {lat:g})")
            continue
        if ctx.own and isinstance(key, str) and ID_PATTERN.fullmatch(key) and len(key) <= 64:
            node_id = key
            taken.add(node_id)
        else:
            node_id = _unique(_slug(label), taken, MAX_NODE_ID)
        nodes.ids[key] = node_id
        if ctx.planar_scale_km is not None:
            nodes.planar_xy[node_id] = (lon, lat)  # x in the longitude slot, y in the latitude one
        entry = _node_entry(node, node_id, label, (lat, lon), ctx, unmapped_countries)
        nodes.entries.append(entry)
    _refuse_unplaceable(planar, missing, len(raw_nodes), ctx.name)
    if ctx.planar_scale_km is not None:
        _place_planar(nodes.entries, nodes.planar_xy, ctx.planar_scale_km, ctx.name, ctx.report)
    if unmapped_countries:
        ctx.report.notes.append(
            "countries not recognised as ISO 3166 names (country ZZ): "
            + _listed(sorted(unmapped_countries))
        )
    return nodes


def _node_key(index: int, node: Any, ids: dict[Any, str], source: str) -> str | int:
    """The source's key of a node: a string or integer, once per source."""
    if not isinstance(node, dict):
        raise _fail(
            source,
            f"node {index} is {json.dumps(node)[:40]}, not an object",
            'node-link nodes are objects, e.g. {"id": 1, "name": "Paris", "pos": [2.35, 48.86]}',
        )
    key = node.get("id")
    if not isinstance(key, (str, int)) or isinstance(key, bool):
        raise _fail(
            source,
            f"node {index} has no usable 'id' (got {key!r})",
            "give every node a string or integer id",
        )
    if key in ids:
        raise _fail(source, f"node id {key!r} appears twice", "make the node ids unique")
    return key


def _node_entry(
    node: dict[str, Any],
    node_id: str,
    label: str,
    lat_lon: tuple[float, float],
    ctx: _Source,
    unmapped_countries: Counter[str],
) -> dict[str, Any]:
    """A node's entry: what the source says, mapped, and what it does not, defaulted."""
    report = ctx.report
    entry: dict[str, Any] = {"id": node_id, "name": label}
    entry["country"] = _country(node, ctx.own, report, unmapped_countries)
    role = node.get("role")
    if role in NODE_ROLES:
        entry["role"] = role
    elif node.get("type") == LANDING_NODE_TYPE:
        entry["role"] = "landing"
        report.mapped[f"landing nodes ({LANDING_NODE_TYPE})"] += 1
    else:
        entry["role"] = "pop"
        if node.get("type") == WAYPOINT_NODE_TYPE:
            report.defaulted[f"{WAYPOINT_NODE_TYPE}s kept as nodes (role pop)"] += 1
    entry["lat"], entry["lon"] = round(lat_lon[0], 6), round(lat_lon[1], 6)
    where = f"node {node.get('id')!r} ({label})"
    delay = _number(node.get("equipment_delay_ms"), ctx.name, where, "equipment_delay_ms")
    if delay is not None and delay > 0:
        entry["equipment_delay_ms"] = delay
    node_class = node.get("failure_class")
    if ctx.own and isinstance(node_class, str) and node_class in ctx.class_ids:
        entry["failure_class"] = node_class
    if ctx.own:
        _own_fields(node, entry)
        if node.get("hub") is True:
            entry["hub"] = True
    else:
        entry["estimate"] = True
    return entry


def _refuse_unplaceable(planar: list[str], missing: list[str], total: int, source: str) -> None:
    """The twin measures latency from geography: nodes it cannot place stop the import."""
    if planar:
        raise _fail(
            source,
            f"the source has planar (non-geographic) coordinates: {len(planar)} of "
            f"{total} nodes lie outside longitude -180..180 / latitude -90..90 "
            f"({_listed(planar, 3)}), so it cannot be placed on the globe",
            "the twin measures latency from geography: give the nodes longitude and latitude, "
            f"or state the km one coordinate unit stands for with {option('planar_scale_km')} KM "
            "to import it with estimated lengths",
        )
    if missing:
        raise _fail(
            source,
            f"{len(missing)} of {total} nodes have no coordinates: {_listed(missing)}",
            "the twin measures latency from geography; add coordinates to the source",
        )


def _links(
    raw_edges: list[Any], nodes: _Nodes, ctx: _Source
) -> tuple[list[dict[str, Any]], set[str]]:
    """The links between kept nodes and the SRLG ids they name; edges to a dropped node and
    self-loops are left out and counted, and a topology without links is refused."""
    positions: dict[str, tuple[float, float]] = {
        str(n["id"]): (float(n["lat"]), float(n["lon"])) for n in nodes.entries
    }
    links: list[dict[str, Any]] = []
    link_ids: set[str] = set()
    srlg_ids: set[str] = set()
    for index, edge in enumerate(raw_edges):
        ends = _edge_ends(index, edge, ctx.name)
        a, b = nodes.ids.get(ends[0]), nodes.ids.get(ends[1])
        if a is None or b is None:
            ctx.report.notes.append(f"edge {ends[0]}-{ends[1]} skipped: unknown end")
            continue
        if a == b:
            ctx.report.defaulted["self-loops dropped"] += 1
            continue
        where = f"edge {index} ({ends[0]}-{ends[1]})"
        link = _link(edge, a, b, ctx.own, ctx.class_ids, link_ids, ctx.name, where, ctx.report)
        link.update(_link_length(edge, link["kind"], (a, b), positions, nodes, ctx, where))
        link.update(_capacity(edge, ctx.name, where, ctx.report))
        srlgs = _srlg_list(edge.get("srlgs"))
        if srlgs:
            link["srlgs"] = srlgs
            srlg_ids.update(srlgs)
        _link_extras(edge, link, ctx, where)
        links.append(link)
    if not links:
        raise _fail(
            ctx.name, "the source has no usable links", "a topology needs links between its nodes"
        )
    return links, srlg_ids


def _edge_ends(index: int, edge: Any, source: str) -> tuple[str | int, str | int]:
    """The source keys of an edge's two nodes."""
    if not isinstance(edge, dict):
        raise _fail(
            source,
            f"edge {index} is {json.dumps(edge)[:40]}, not an object",
            'node-link edges are objects, e.g. {"source": 1, "target": 2, "dist": 340}',
        )
    ends = (edge.get("source"), edge.get("target"))
    if not all(isinstance(e, (str, int)) for e in ends):
        raise _fail(
            source,
            f"edge {index} has no usable 'source'/'target' (got {ends!r})",
            "give every edge the ids of its two nodes",
        )
    return ends  # type: ignore[return-value]


def _link_length(
    edge: dict[str, Any],
    kind: str,
    ends: tuple[str, str],
    positions: dict[str, tuple[float, float]],
    nodes: _Nodes,
    ctx: _Source,
    where: str,
) -> dict[str, Any]:
    """`length_km` from the drawing at a planar scale, else from the source's lengths."""
    a, b = ends
    if ctx.planar_scale_km is not None:
        planar_km = planar_distance_km(nodes.planar_xy, a, b, ctx.planar_scale_km)
        geodesic = geodesic_km(*positions[a], *positions[b])
        return _planar_length(
            planar_km, geodesic, ctx.route_factor, ctx.planar_scale_km, ctx.report
        )
    return _length(
        edge,
        kind,
        positions[a],
        positions[b],
        ctx.route_factor,
        ctx.own,
        ctx.name,
        where,
        ctx.report,
    )


def _link_extras(edge: dict[str, Any], link: dict[str, Any], ctx: _Source, where: str) -> None:
    """Status, our export's IGP metric and provenance, and the failure class of one link."""
    status = edge.get("status")
    if status in LINK_STATUSES:
        link["status"] = status
    if ctx.own:
        metric = _number(edge.get("igp_metric"), ctx.name, where, "igp_metric")
        if metric is not None and metric > 0:
            link["igp_metric"] = metric
    link["failure_class"] = _link_class(edge, link["kind"], ctx.own, ctx.class_ids, ctx.report)
    if ctx.own:
        _own_fields(edge, link)
    else:
        link["estimate"] = True


def _country(node: dict[str, Any], own: bool, report: ImportReport, unmapped: Counter[str]) -> str:
    """An ISO code as given, a Topology Zoo `Country` name mapped to its code, else ZZ."""
    given = node.get("country")
    if isinstance(given, str) and re.fullmatch(r"[A-Z]{2}(/[A-Z]{2})*", given):
        return given
    zoo = node.get("Country")
    if isinstance(zoo, str) and zoo.strip():
        code = country_code(zoo)
        if code is not None:
            report.mapped["node countries (Country name to ISO alpha-2)"] += 1
            return code
        unmapped[zoo.strip()] += 1
    if not own:
        report.defaulted["node country (ZZ)"] += 1
    return "ZZ"


def _link(
    edge: dict[str, Any],
    a: str,
    b: str,
    own: bool,
    class_ids: set[str],
    link_ids: set[str],
    source: str,
    where: str,
    report: ImportReport,
) -> dict[str, Any]:
    """Id, ends, name, kind and sea of one link."""
    pair = (min(a, b), max(a, b))
    own_id = edge.get("id") if isinstance(edge.get("id"), str) else edge.get("key")
    if own and isinstance(own_id, str) and ID_PATTERN.fullmatch(own_id) and len(own_id) <= 64:
        if own_id in link_ids:
            raise _fail(
                source,
                f"{where}: link id '{own_id}' appears more than once",
                "give every link (edge 'id') a unique id",
            )
        link_id = own_id
        link_ids.add(link_id)
    else:
        link_id = _unique(f"{pair[0]}--{pair[1]}", link_ids, 64)
    link: dict[str, Any] = {"id": link_id}
    label = edge.get("name")
    if isinstance(label, str) and label:
        link["name"] = label
    if own and {edge.get("a"), edge.get("b")} == {a, b} and a != b:
        a, b = str(edge["a"]), str(edge["b"])  # our export's orientation (ids are kept)
    link.update({"a": a, "b": b})
    edge_type = edge.get("type")
    if edge.get("kind") == "submarine":
        kind = "submarine"
    elif isinstance(edge_type, str) and edge_type.lower() == SEACABLE_EDGE_TYPE:
        kind = "submarine"
        report.mapped[f"submarine links (type {SEACABLE_EDGE_TYPE})"] += 1
    else:
        kind = "terrestrial"
    link["kind"] = kind
    if kind == "submarine":
        sea = edge.get("sea")
        if isinstance(sea, str) and ID_PATTERN.fullmatch(sea):
            link["sea"] = sea
        else:
            link["sea"] = DEFAULT_SEA
            report.defaulted[f"submarine sea ({DEFAULT_SEA})"] += 1
    return link


def _length(
    edge: dict[str, Any],
    kind: str,
    end_a: tuple[float, float],
    end_b: tuple[float, float],
    route_factor: float,
    own: bool,
    source: str,
    where: str,
    report: ImportReport,
) -> dict[str, Any]:
    """`length_km` for the link, or nothing when the loader's geodesic x route factor serves.

    Our own export's lengths are kept exactly (the loader already accepted them, within its
    tolerance for hand-placed coordinates); a foreign length shorter than the geodesic is
    raised to it.
    """
    geodesic = geodesic_km(*end_a, *end_b)
    if own and edge.get("length_derived") is True and kind == "terrestrial":
        return {}  # derived from geodesic x route factor in the original: let the loader derive
    measured = _number(edge.get("length_km"), source, where, "length_km")
    if measured is not None and measured > 0:
        if measured > MAX_LENGTH_KM:
            raise _fail(
                source,
                f"{where}: 'length_km' {measured:g} is longer than {MAX_LENGTH_KM:g} km",
                "give the fibre length in km",
            )
        if measured < geodesic and not own:
            report.defaulted["lengths raised to the geodesic"] += 1
            measured = geodesic
        return {"length_km": measured if own else round(measured, 3)}
    great_circle = _number(edge.get("dist"), source, where, "dist")
    if great_circle is not None and great_circle > 0:
        if great_circle > MAX_GREAT_CIRCLE_KM:
            raise _fail(
                source,
                f"{where}: 'dist' {great_circle:g} km is longer than any great circle "
                f"({MAX_GREAT_CIRCLE_KM:g} km)",
                "'dist' is the straight distance between the ends in km; fix or remove it",
            )
        length = great_circle * route_factor
        if length < geodesic:
            # `dist` came from rounder coordinates than the file's: the ends' geodesic rules.
            length = geodesic * route_factor
            report.defaulted["great-circle dist below the ends' geodesic (geodesic used)"] += 1
        report.defaulted[f"lengths (great-circle dist x route factor {route_factor:g})"] += 1
        return {"length_km": round(max(length, SUBMARINE_KM_FLOOR), 3)}
    if geodesic <= 0:
        report.defaulted["co-located ends (length 1 m)"] += 1
        return {"length_km": SUBMARINE_KM_FLOOR}
    report.defaulted[f"lengths (geodesic x route factor {route_factor:g})"] += 1
    if kind == "submarine":  # a cable must state its length
        return {"length_km": round(geodesic * route_factor, 3)}
    return {}


def _place_planar(
    nodes: list[dict[str, Any]],
    planar_xy: dict[str, tuple[float, float]],
    scale_km: float,
    source: str,
    report: ImportReport,
) -> None:
    """Give planar nodes positions on the globe (see `twin.io.planar`) and say so loudly."""
    placed = place_on_globe(planar_xy, scale_km, source)
    for entry in nodes:
        lat, lon = placed[entry["id"]]
        entry["lat"], entry["lon"] = round(lat, 6), round(lon, 6)
    report.defaulted["node positions placed from planar coordinates"] += len(nodes)
    report.warnings.append(
        f"planar coordinates taken at {scale_km:g} km per unit: link lengths are estimates from "
        "the drawing (marked estimate: true), and node positions around 0°N 0°E are not "
        "geographic (maps and countries mean nothing)"
    )


def _planar_length(
    planar_km: float, geodesic: float, route_factor: float, scale_km: float, report: ImportReport
) -> dict[str, Any]:
    """Planar distance x route factor; never below the geodesic of the placed ends x the
    route factor (the placement stretches distances across the map a little)."""
    length = max(planar_km, geodesic) * route_factor
    what = f"lengths (planar distance x {scale_km:g} km/unit x route factor {route_factor:g})"
    report.defaulted[what] += 1
    return {"length_km": round(max(length, SUBMARINE_KM_FLOOR), 3)}


def _capacity(
    edge: dict[str, Any], source: str, where: str, report: ImportReport
) -> dict[str, Any]:
    gbps = _number(edge.get("capacity_gbps"), source, where, "capacity_gbps")
    if gbps is not None and gbps > 0:
        return {"capacity_gbps": gbps}
    bits = _number(edge.get("LinkSpeedRaw"), source, where, "LinkSpeedRaw")
    if bits is not None and bits > 0:
        report.mapped["capacities (LinkSpeedRaw bit/s to Gbit/s)"] += 1
        return {"capacity_gbps": bits / BITS_PER_GBIT}
    plain = _number(edge.get("capacity"), source, where, "capacity")
    if plain is not None and plain > 0:
        report.mapped["capacities ('capacity' taken as Gbit/s)"] += 1
        return {"capacity_gbps": plain}
    report.defaulted[f"capacities ({DEFAULT_CAPACITY_GBPS:g} Gbit/s)"] += 1
    return {"capacity_gbps": DEFAULT_CAPACITY_GBPS}


def _link_class(
    edge: dict[str, Any], kind: str, own: bool, class_ids: set[str], report: ImportReport
) -> str:
    given = edge.get("failure_class")
    if own and isinstance(given, str) and given in class_ids:
        return given
    default = SUBMARINE_CLASS if kind == "submarine" else TERRESTRIAL_CLASS
    if default not in class_ids:  # our export without the defaults: the first class serves
        default = sorted(class_ids)[0]
    report.defaulted[f"failure classes ({default} default)"] += 1
    return default


def _srlg_entry(srlg_id: str, stored: dict[str, Any] | None, class_ids: set[str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": srlg_id}
    if stored is None:
        return entry
    description = stored.get("description")
    if isinstance(description, str) and description:
        entry["description"] = description
    srlg_class = stored.get("failure_class")
    if isinstance(srlg_class, str) and srlg_class in class_ids:
        entry["failure_class"] = srlg_class
    return entry


def _demands(
    raw_demands: Any, ids: dict[Any, str], source: str, report: ImportReport
) -> list[dict[str, Any]]:
    """topohub's demand matrix {src: {dst: value}} as demand entries, in a fixed order."""
    demands: list[dict[str, Any]] = []
    if not isinstance(raw_demands, dict):
        return demands
    demand_ids: set[str] = set()
    for src in sorted(raw_demands, key=str):
        row = raw_demands[src]
        if not isinstance(row, dict):
            continue
        for dst in sorted(row, key=str):
            a, b = ids.get(_key(src, ids)), ids.get(_key(dst, ids))
            value = _number(row[dst], source, f"demand {src}-{dst}", "demands")
            if a is None or b is None or a == b or value is None or value <= 0:
                continue
            demand_id = _unique(f"{a}--{b}", demand_ids, 64)
            demands.append({"id": demand_id, "source": a, "destination": b, "gbps": value})
    if demands:
        report.demands_unit = DEMANDS_UNIT_NOTE
    return demands


def _key(value: Any, ids: dict[Any, str]) -> Any:
    """Demand tables may key nodes by int or by its string form."""
    if value in ids:
        return value
    try:
        as_int = int(value)
    except (TypeError, ValueError):
        return value
    return as_int if as_int in ids else value


def check_route_factor(route_factor: float) -> None:
    """Refuse a route factor the written file could not hold, before any work is done."""
    if not (math.isfinite(route_factor) and MIN_ROUTE_FACTOR <= route_factor <= MAX_ROUTE_FACTOR):
        raise InputError.for_parameter(
            "route_factor",
            f"route factor {route_factor:g} is out of range: fibre follows roads and "
            "railways, so it is never shorter than the geodesic",
            f"give a value from {MIN_ROUTE_FACTOR:g} to {MAX_ROUTE_FACTOR:g} "
            f"(default {DEFAULT_ROUTE_FACTOR:g}: median conduit / great-circle ratio)",
        )


class _NonFinite(ValueError):
    pass


def _refuse_constant(name: str) -> float:
    raise _NonFinite(name)


def load_source(
    source: str, route_factor: float | None = None, planar_scale_km: float | None = None
) -> Imported:
    """`topohub:KEY`, a GraphML file or a node-link JSON file.

    `route_factor` None means the source's own (our export) or the default; `planar_scale_km`
    (km per coordinate unit) imports a source whose coordinates are planar x/y. Both are
    checked before the source is read, so a bad option costs no download or parse.
    """
    if route_factor is not None:
        check_route_factor(route_factor)
    if planar_scale_km is not None:
        check_planar_scale(planar_scale_km)
    if source.startswith("topohub:"):
        data = _topohub_data(source)
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError.about(source, "no such file", "give topohub:KEY or a file")
        if path.suffix.lower() == ".graphml":
            data = _graphml_data(path, source)
        else:
            data = _json_data(path, source)
    return from_node_link(data, source, route_factor, planar_scale_km)


def _topohub_data(source: str) -> dict[str, Any]:
    """topohub's node-link data for `topohub:KEY` (an optional extra, said so when missing)."""
    try:
        import topohub
    except ImportError as exc:
        raise InputError.about(
            source, "topohub is not installed", "pip install 'silkroad-twin[import]'"
        ) from exc
    key = source.split(":", 1)[1]
    try:
        data: dict[str, Any] = topohub.get(key)
    except (KeyError, FileNotFoundError, OSError) as exc:
        raise InputError.about(
            source,
            f"topohub has no topology '{key}'",
            "keys look like topozoo/Abilene, sndlib/germany50, backbone/eurasia",
        ) from exc
    return data


def _graphml_data(path: Path, source: str) -> dict[str, Any]:
    """A GraphML file as node-link data, named after the file when the graph has no name."""
    import networkx as nx

    try:
        graph = nx.read_graphml(path, force_multigraph=True)
    except Exception as exc:  # networkx raises many parser errors
        raise InputError.about(
            source,
            f"cannot read GraphML: {exc}",
            "give a GraphML file as Topology Zoo, Gephi, yEd or `twin export` write it",
        ) from exc
    data: dict[str, Any] = nx.node_link_data(graph, edges="edges")
    data.setdefault("graph", {}).setdefault("name", path.stem)
    return data


def _json_data(path: Path, source: str) -> dict[str, Any]:
    """A node-link JSON object, read within the JSON limits; Infinity and NaN are refused."""
    try:
        data = loads_bounded(
            path.read_text(encoding="utf-8"),
            source,
            "node-link JSON nests a few levels; is this the right file?",
            parse_constant=_refuse_constant,
        )
    except _NonFinite as exc:
        raise InputError.about(
            source,
            f"the JSON holds the non-finite number {exc}",
            "JSON has no infinity or NaN; give a finite number or leave the field out",
        ) from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError.about(
            source,
            f"not JSON node-link data: {exc}",
            "give a .graphml file or NetworkX node-link JSON",
        ) from exc
    if not isinstance(data, dict):
        raise InputError.about(
            source,
            "not node-link data: top level is not an object",
            'node-link JSON looks like {"nodes": [...], "edges": [...]}',
        )
    return data
