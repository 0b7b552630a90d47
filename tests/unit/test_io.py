"""Import and export: round trips, GeoJSON shape, and every published topology topohub ships."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from twin.errors import InputError
from twin.io import load_source, render_yaml, to_topology
from twin.io.exporter import export_geojson, export_graphml, export_node_link
from twin.loading import load_topology

ROOT = Path(__file__).resolve().parents[2]
CORRIDOR = ROOT / "topologies" / "eurasia-routes.yaml"


def _equivalent(a: object, b: object) -> None:
    ta, tb = a, b
    assert set(ta.nodes) == set(tb.nodes)  # type: ignore[attr-defined]
    for nid, n in ta.nodes.items():  # type: ignore[attr-defined]
        m = tb.nodes[nid]  # type: ignore[attr-defined]
        assert (round(n.lat, 6), round(n.lon, 6)) == (m.lat, m.lon)
    assert set(ta.links) == set(tb.links)  # type: ignore[attr-defined]
    for lid, link in ta.links.items():  # type: ignore[attr-defined]
        other = tb.links[lid]  # type: ignore[attr-defined]
        assert (other.a, other.b) in ((link.a, link.b), (link.b, link.a))
        assert other.kind == link.kind and other.status == link.status
        assert other.length_km == pytest.approx(link.length_km, abs=1e-3)
        assert other.capacity_gbps == link.capacity_gbps
        assert set(other.srlgs) == set(link.srlgs)


@pytest.mark.parametrize("fmt", ["graphml", "node-link"])
def test_export_then_import_gives_an_equivalent_topology(fmt: str, tmp_path: Path) -> None:
    original = load_topology(CORRIDOR)
    path = tmp_path / ("x.graphml" if fmt == "graphml" else "x.json")
    path.write_text(export_graphml(original) if fmt == "graphml" else export_node_link(original))
    back = to_topology(load_source(str(path)))
    _equivalent(original, back)


def test_geojson_has_points_and_geodesic_lines_with_attributes() -> None:
    topo = load_topology(CORRIDOR)
    data = json.loads(export_geojson(topo))
    assert data["type"] == "FeatureCollection"
    points = [f for f in data["features"] if f["geometry"]["type"] == "Point"]
    lines = [f for f in data["features"] if f["properties"].get("element") == "link"]
    assert len(points) == len(topo.nodes) and len(lines) == len(topo.links)
    aae1 = next(f for f in lines if f["properties"]["id"] == "aae1")
    assert aae1["properties"]["kind"] == "submarine"
    assert aae1["properties"]["length_km"] == 15555
    coords = aae1["geometry"]["coordinates"]
    marseille = topo.nodes["marseille"]
    assert coords[0] == [round(marseille.lon, 6), round(marseille.lat, 6)]
    assert len(coords) > 2  # drawn along the geodesic, not as a straight segment


def test_import_is_deterministic_and_reports_defaults() -> None:
    one = load_source("topohub:sndlib/germany50")
    two = load_source("topohub:sndlib/germany50")
    assert render_yaml(one.topology) == render_yaml(two.topology)
    assert one.report.demands == 662 and one.report.links == 88
    assert one.report.defaulted["capacities (100 Gbit/s)"] == 88


def test_missing_source_and_missing_coordinates_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no topology"):
        load_source("topohub:sndlib/no-such-network")
    bad = tmp_path / "nocoords.json"
    bad.write_text(
        json.dumps({"nodes": [{"id": 1}, {"id": 2}], "edges": [{"source": 1, "target": 2}]})
    )
    with pytest.raises(InputError, match="2 of 2 nodes have no coordinates"):
        load_source(str(bad))


def _keys(group: str) -> list[str]:
    topohub = pytest.importorskip("topohub")
    folder = Path(topohub.__file__).parent / "data" / group
    return sorted(f"{group}/{p.stem}" for p in folder.glob("*.json"))


@pytest.mark.parametrize("group", ["topozoo", "sndlib"])
def test_every_published_topology_imports_or_says_what_it_lacks(group: str) -> None:
    """Every Topology Zoo and SNDlib network either imports into a file that passes the loader,
    or fails with an InputError naming what the source lacks (never anything else)."""
    imported, refused = 0, []
    for key in _keys(group):
        try:
            result = load_source(f"topohub:{key}")
        except InputError as exc:
            message = str(exc)
            assert "no coordinates" in message or "no usable links" in message, message
            refused.append(key)
            continue
        to_topology(result)
        imported += 1
    assert imported > 0
    assert imported + len(refused) == len(_keys(group))
