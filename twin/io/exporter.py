"""Export a topology for other tools: GraphML (Gephi, yEd), GeoJSON (QGIS, web maps), node-link.

Exports carry every attribute the model has, so that an export followed by `twin import` gives
back an equivalent topology: ids, coordinates, lengths, kinds, capacities, names, failure
classes (the definitions and each element's class), SRLGs with their descriptions, provenance,
and the latency calibration (a topology that `extends:` a `twin calibrate` overlay reports
calibrated RTTs; an export that dropped the block would silently turn them back into fibre RTTs).
The graph attribute `silkroad_twin_export` marks the file as ours, which is what lets the
importer keep its ids, failure classes and calibration; a structured graph attribute (failure
classes, SRLGs, the calibration) is JSON text in GraphML, whose attributes are scalars, and
plain JSON in node-link.
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from twin.geo import intermediate_points
from twin.io.importer import EXPORT_MARKER, EXPORT_VERSION
from twin.model import FailureClass, LatencyCalibration, Topology

GEOJSON_POINTS_PER_LINK = 32


def _failure_class_entry(fc: FailureClass) -> dict[str, Any]:
    """A failure class as a topology file writes it (repair times as bare hours)."""
    repair: dict[str, Any] = {"kind": fc.repair.kind, "median": fc.repair.median_h}
    if fc.repair.p90_h is not None:
        repair["p90"] = fc.repair.p90_h
    entry: dict[str, Any] = {
        "id": fc.id,
        "basis": fc.basis,
        "rate": fc.rate,
        "multiplier": fc.multiplier,
        "repair": repair,
        "description": fc.description,
        "source": list(fc.source),
        "estimate": fc.estimate,
    }
    if fc.seasonal:
        entry["seasonal"] = list(fc.seasonal)
    return entry


def _calibration_entry(calibration: LatencyCalibration) -> dict[str, Any]:
    """The `latency_calibration` block as a topology file (and `twin calibrate`) writes it."""
    entry: dict[str, Any] = {
        "stretch": calibration.stretch,
        "overhead_ms": calibration.overhead_ms,
        "source": calibration.source,
        "fitted_on": calibration.fitted_on,
        "date": calibration.date,
        "corridors": [
            {
                "name": c.name,
                "countries": list(c.countries),
                "stretch": c.stretch,
                "overhead_ms": c.overhead_ms,
            }
            for c in calibration.corridors
        ],
    }
    if calibration.out_of_sample_mae_ms is not None:
        entry["out_of_sample_mae_ms"] = calibration.out_of_sample_mae_ms
    return entry


def _graph_objects(topology: Topology) -> dict[str, Any]:
    """The structured graph attributes: failure classes, SRLGs and the calibration if any."""
    objects: dict[str, Any] = dict(_graph_lists(topology))
    if topology.latency_calibration is not None:
        objects["latency_calibration"] = _calibration_entry(topology.latency_calibration)
    return objects


def _graph_lists(topology: Topology) -> dict[str, list[dict[str, Any]]]:
    srlgs: list[dict[str, Any]] = []
    for srlg_id in sorted(topology.srlgs):
        srlg = topology.srlgs[srlg_id]
        entry: dict[str, Any] = {"id": srlg.id, "description": srlg.description}
        if srlg.failure_class is not None:
            entry["failure_class"] = srlg.failure_class
        srlgs.append(entry)
    return {
        "failure_classes": [
            _failure_class_entry(topology.failure_classes[k])
            for k in sorted(topology.failure_classes)
        ],
        "srlgs": srlgs,
    }


def _node_attrs(topology: Topology, node_id: str) -> dict[str, Any]:
    n = topology.nodes[node_id]
    return {
        "name": n.name,
        "country": n.country,
        "role": n.role,
        "Latitude": n.lat,
        "Longitude": n.lon,
        "equipment_delay_ms": n.equipment_delay_ms,
        **({"failure_class": n.failure_class} if n.failure_class is not None else {}),
        "source_tags": ",".join(n.source),
        "estimate": n.estimate,
        **({"hub": True} if n.hub else {}),
    }


def _link_attrs(topology: Topology, link_id: str) -> dict[str, Any]:
    link = topology.links[link_id]
    return {
        "id": link.id,
        "name": link.name,
        "a": link.a,  # an undirected graph forgets which end came first; directions matter
        "b": link.b,  # for per-direction utilisation, so the ends travel as attributes
        "length_derived": link.length_derived,
        "kind": link.kind,
        "sea": link.sea or "",
        "length_km": link.length_km,
        "capacity_gbps": link.capacity_gbps,
        "srlgs": ",".join(link.srlgs),
        "status": link.status,
        "failure_class": link.failure_class,
        "delay_ms": link.delay_ms,
        **({"igp_metric": link.igp_metric} if link.igp_metric is not None else {}),
        "source_tags": ",".join(link.source),
        "estimate": link.estimate,
    }


def to_networkx(topology: Topology) -> nx.MultiGraph:
    """The topology as a NetworkX multigraph, structured graph attributes as JSON text."""
    graph = nx.MultiGraph(
        name=topology.name,
        description=topology.description,
        route_factor=topology.route_factor,
        **{EXPORT_MARKER: EXPORT_VERSION},
        **{key: json.dumps(v, sort_keys=True) for key, v in _graph_objects(topology).items()},
    )
    for node_id in sorted(topology.nodes):
        graph.add_node(node_id, **_node_attrs(topology, node_id))
    for link_id in sorted(topology.links):
        link = topology.links[link_id]
        graph.add_edge(link.a, link.b, key=link_id, **_link_attrs(topology, link_id))
    return graph


def export_graphml(topology: Topology) -> str:
    return "\n".join(nx.generate_graphml(to_networkx(topology))) + "\n"


def export_node_link(topology: Topology) -> str:
    """NetworkX node-link JSON; failure classes, SRLGs and the calibration as plain JSON in
    `graph`."""
    data = nx.node_link_data(to_networkx(topology), edges="edges")
    data["graph"].update(_graph_objects(topology))
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def _split_antimeridian(points: list[tuple[float, float]]) -> list[list[list[float]]]:
    """GeoJSON line parts, split where the line crosses longitude +-180.

    The crossing point is interpolated (linearly in longitude, between the two points around
    it, which are close together) so that the part before ends exactly on the antimeridian and
    the part after starts on it at the same latitude: otherwise a map shows a gap there.
    """
    parts: list[list[list[float]]] = [[]]
    previous: tuple[float, float] | None = None
    for lat, lon in points:
        if previous is not None and abs(lon - previous[1]) > 180:
            lat0, lon0 = previous
            side = 180.0 if lon0 > 0 else -180.0
            unwrapped = lon + 2 * side  # the next point continued past the antimeridian
            t = (side - lon0) / (unwrapped - lon0)
            crossing_lat = round(lat0 + t * (lat - lat0), 6)
            if parts[-1][-1][0] != side:
                parts[-1].append([side, crossing_lat])
            parts.append([] if lon == -side else [[-side, crossing_lat]])
        parts[-1].append([round(lon, 6), round(lat, 6)])
        previous = (lat, lon)
    return [p for p in parts if len(p) >= 2]


def export_geojson(topology: Topology) -> str:
    features: list[dict[str, Any]] = []
    for node_id in sorted(topology.nodes):
        n = topology.nodes[node_id]
        features.append(
            {
                "type": "Feature",
                "id": f"node:{node_id}",
                "geometry": {"type": "Point", "coordinates": [n.lon, n.lat]},
                "properties": {"id": node_id, "element": "node", **_node_attrs(topology, node_id)},
            }
        )
    for link_id in sorted(topology.links):
        link = topology.links[link_id]
        a, b = topology.nodes[link.a], topology.nodes[link.b]
        parts = _split_antimeridian(
            list(intermediate_points(a.lat, a.lon, b.lat, b.lon, GEOJSON_POINTS_PER_LINK))
        )
        geometry: dict[str, Any] = (
            {"type": "LineString", "coordinates": parts[0]}
            if len(parts) == 1
            else {"type": "MultiLineString", "coordinates": parts}
        )
        features.append(
            {
                "type": "Feature",
                "id": f"link:{link_id}",
                "geometry": geometry,
                "properties": {
                    "element": "link",
                    "a": link.a,
                    "b": link.b,
                    **_link_attrs(topology, link_id),
                },
            }
        )
    collection = {"type": "FeatureCollection", "name": topology.name, "features": features}
    return json.dumps(collection, indent=1, sort_keys=True) + "\n"


EXPORTERS = {"graphml": export_graphml, "geojson": export_geojson, "node-link": export_node_link}
