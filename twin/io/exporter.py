"""Export a topology for other tools: GraphML (Gephi, yEd), GeoJSON (QGIS, web maps), node-link.

Exports carry every attribute the model has, so that an export followed by `twin import` gives
back an equivalent topology (ids, coordinates, lengths, kinds, capacities, SRLGs).
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from twin.geo import intermediate_points
from twin.model import Topology

GEOJSON_POINTS_PER_LINK = 32


def _node_attrs(topology: Topology, node_id: str) -> dict[str, Any]:
    n = topology.nodes[node_id]
    return {
        "name": n.name,
        "country": n.country,
        "role": n.role,
        "Latitude": n.lat,
        "Longitude": n.lon,
        "equipment_delay_ms": n.equipment_delay_ms,
    }


def _link_attrs(topology: Topology, link_id: str) -> dict[str, Any]:
    link = topology.links[link_id]
    return {
        "id": link.id,
        "name": link.name,
        "kind": link.kind,
        "sea": link.sea or "",
        "length_km": link.length_km,
        "capacity_gbps": link.capacity_gbps,
        "srlgs": ",".join(link.srlgs),
        "status": link.status,
        "failure_class": link.failure_class,
        "delay_ms": link.delay_ms,
    }


def to_networkx(topology: Topology) -> nx.MultiGraph:
    graph = nx.MultiGraph(name=topology.name)
    for node_id in sorted(topology.nodes):
        graph.add_node(node_id, **_node_attrs(topology, node_id))
    for link_id in sorted(topology.links):
        link = topology.links[link_id]
        graph.add_edge(link.a, link.b, key=link_id, **_link_attrs(topology, link_id))
    return graph


def export_graphml(topology: Topology) -> str:
    return "\n".join(nx.generate_graphml(to_networkx(topology))) + "\n"


def export_node_link(topology: Topology) -> str:
    data = nx.node_link_data(to_networkx(topology), edges="edges")
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def _split_antimeridian(points: list[tuple[float, float]]) -> list[list[list[float]]]:
    """GeoJSON line parts, split where the line crosses longitude +-180."""
    parts: list[list[list[float]]] = [[]]
    previous: tuple[float, float] | None = None
    for lat, lon in points:
        if previous is not None and abs(lon - previous[1]) > 180:
            parts.append([])
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
