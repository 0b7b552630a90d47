"""Import and export: round trips, GeoJSON shape, and every published topology topohub ships."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from twin.analysis.availability import demand_availability
from twin.analysis.demand_sets import parse_demand_specs
from twin.errors import InputError
from twin.geo import geodesic_km
from twin.io import Imported, load_source, render_yaml, to_topology
from twin.io.exporter import export_geojson, export_graphml, export_node_link
from twin.loading import load_topology
from twin.model import Topology
from twin.routing import Router

ROOT = Path(__file__).resolve().parents[2]
CORRIDOR = ROOT / "topologies" / "eurasia-routes.yaml"


def _equivalent(a: Topology, b: Topology) -> None:
    """Everything the model holds survives: elements, their attributes, the failure model."""
    assert (a.name, a.description, a.route_factor) == (b.name, b.description, b.route_factor)
    assert set(a.nodes) == set(b.nodes)
    for nid, n in a.nodes.items():
        m = b.nodes[nid]
        assert (round(n.lat, 6), round(n.lon, 6)) == (m.lat, m.lon)
        assert (n.name, n.country, n.role, n.failure_class) == (
            m.name,
            m.country,
            m.role,
            m.failure_class,
        )
        assert n.equipment_delay_ms == m.equipment_delay_ms
    assert set(a.links) == set(b.links)
    for lid, link in a.links.items():
        other = b.links[lid]
        assert (other.a, other.b) == (link.a, link.b)
        assert other.kind == link.kind and other.status == link.status
        assert other.name == link.name and other.sea == link.sea
        assert other.failure_class == link.failure_class
        assert other.length_km == pytest.approx(link.length_km, rel=1e-12)
        assert other.capacity_gbps == link.capacity_gbps
        assert other.srlgs == link.srlgs
        assert (other.source, other.estimate, other.igp_metric) == (
            link.source,
            link.estimate,
            link.igp_metric,
        )
    assert a.srlgs == b.srlgs  # ids, descriptions, the group's own failure class
    assert a.failure_classes == b.failure_classes  # rates, bases, repair distributions
    assert a.latency_calibration == b.latency_calibration  # stretch, overhead, corridors


SILK_ROAD = ROOT / "topologies" / "silk-road-2026.yaml"
CALIBRATED = ROOT / "topologies" / "silk-road-2026-calibrated.yaml"


def _round_trip(original: Topology, fmt: str, tmp_path: Path) -> Topology:
    path = tmp_path / ("x.graphml" if fmt == "graphml" else "x.json")
    path.write_text(export_graphml(original) if fmt == "graphml" else export_node_link(original))
    return to_topology(load_source(str(path)))


@pytest.mark.parametrize("topology_path", [CORRIDOR, SILK_ROAD, CALIBRATED], ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", ["graphml", "node-link"])
def test_export_then_import_gives_an_equivalent_topology(
    fmt: str, topology_path: Path, tmp_path: Path
) -> None:
    original = load_topology(topology_path)
    back = _round_trip(original, fmt, tmp_path)
    _equivalent(original, back)
    # The corridor uses more than the two import defaults, so keeping them is not by luck.
    assert len(original.failure_classes) > 2


@pytest.mark.parametrize("fmt", ["graphml", "node-link"])
def test_round_trip_keeps_the_analytic_availability(fmt: str, tmp_path: Path) -> None:
    """Failure classes drive availability: the same inputs must give the same figure."""
    original = load_topology(SILK_ROAD)
    back = _round_trip(original, fmt, tmp_path)
    before = demand_availability(original, "frankfurt", "almaty")
    after = demand_availability(back, "frankfurt", "almaty")
    assert (after.lower, after.upper) == (before.lower, before.upper)


@pytest.mark.parametrize("fmt", ["graphml", "node-link"])
def test_round_trip_keeps_the_calibrated_rtts(fmt: str, tmp_path: Path) -> None:
    """A calibrated topology reads the same RTTs after export and import: calibrated and fibre,
    corridor fits included (the Frankfurt-Baku pair lies in a fitted corridor)."""
    original = load_topology(CALIBRATED)
    assert original.latency_calibration is not None and original.latency_calibration.corridors
    back = _round_trip(original, fmt, tmp_path)
    before = Router(original).shortest_path("frankfurt", "baku")
    after = Router(back).shortest_path("frankfurt", "baku")
    assert before is not None and after is not None
    assert before.rtt_ms > before.fibre_rtt_ms  # calibrated, so the check below means something
    assert (after.rtt_ms, after.fibre_rtt_ms) == pytest.approx(
        (before.rtt_ms, before.fibre_rtt_ms), rel=1e-12
    )


def test_uncalibrated_export_has_no_calibration_attribute() -> None:
    """Nothing is invented: a fibre-only topology exports (and so imports) without one."""
    data = json.loads(export_node_link(load_topology(SILK_ROAD)))
    assert "latency_calibration" not in data["graph"]


def test_round_trip_keeps_derived_lengths_following_the_route_factor(tmp_path: Path) -> None:
    """A length the original derived (geodesic x route factor) stays derived after import."""
    original = load_topology(SILK_ROAD)
    derived = [lid for lid, link in original.links.items() if link.length_derived]
    assert derived
    back = _round_trip(original, "graphml", tmp_path)
    assert all(back.links[lid].length_derived for lid in derived)


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
            assert any(
                lack in message for lack in ("no coordinates", "no usable links", "planar")
            ), message
            refused.append(key)
            continue
        to_topology(result)
        imported += 1
    assert imported > 0
    assert imported + len(refused) == len(_keys(group))


# --- topohub's own fields: cables, landing points, great-circle dist, ids, demands ----------


def _topohub(key: str) -> dict[str, object]:
    topohub = pytest.importorskip("topohub")
    data: dict[str, object] = topohub.get(key)
    return data


def test_backbone_cables_become_submarine_links_and_their_shore_ends_landing_nodes() -> None:
    raw = _topohub("backbone/europe")
    edges = raw["edges"]
    nodes = raw["nodes"]
    assert isinstance(edges, list) and isinstance(nodes, list)
    cables = sum(1 for e in edges if e["type"] == "seacable")
    shores = sum(1 for n in nodes if n["type"] == "Seacable Landing Point")
    assert cables > 0 and shores > 0
    result = load_source("topohub:backbone/europe")
    links = result.topology["links"]
    submarine = [link for link in links if link["kind"] == "submarine"]
    assert len(submarine) == cables
    assert {link["failure_class"] for link in submarine} == {"submarine-deep"}
    assert all("sea" in link and "length_km" in link for link in submarine)
    assert {link["failure_class"] for link in links if link["kind"] == "terrestrial"} == {
        "terrestrial"
    }
    assert sum(1 for n in result.topology["nodes"] if n["role"] == "landing") == shores
    report = result.report
    assert report.mapped["submarine links (type seacable)"] == cables
    assert report.mapped["landing nodes (Seacable Landing Point)"] == shores
    # The default failure classes are counted per kind, not all as terrestrial.
    assert report.defaulted["failure classes (submarine-deep default)"] == cables
    assert report.defaulted["failure classes (terrestrial default)"] == len(edges) - cables
    topology = to_topology(result)
    assert sum(1 for link in topology.links.values() if link.kind == "submarine") == cables


@pytest.mark.parametrize("route_factor", [1.0, 1.3, 1.6])
def test_great_circle_dist_is_the_geodesic_and_the_route_factor_lengthens_it(
    route_factor: float,
) -> None:
    """topohub's `dist` is haversine (straight), so fibre length = dist x route factor."""
    raw = _topohub("sndlib/germany50")
    edges = raw["edges"]
    assert isinstance(edges, list)
    result = load_source("topohub:sndlib/germany50", route_factor)
    links = result.topology["links"]
    raised = result.report.defaulted["great-circle dist below the ends' geodesic (geodesic used)"]
    nodes = {n["id"]: n for n in result.topology["nodes"]}
    matched = 0
    for edge, link in zip(edges, links, strict=True):
        a, b = nodes[link["a"]], nodes[link["b"]]
        geodesic = geodesic_km(a["lat"], a["lon"], b["lat"], b["lon"])
        if edge["dist"] * route_factor >= geodesic:
            assert link["length_km"] == pytest.approx(edge["dist"] * route_factor, abs=1e-3)
            matched += 1
        else:
            assert link["length_km"] == pytest.approx(geodesic * route_factor, abs=1e-3)
    assert matched + raised == len(edges)
    if route_factor > 1.05:  # dist is within a few % of the geodesic: it rules nearly always
        assert matched > 0.9 * len(edges)
    assert result.report.defaulted[f"lengths (great-circle dist x route factor {route_factor:g})"]
    assert result.topology["route_factor"] == route_factor


def test_a_measured_length_km_is_kept_and_a_dist_is_not(tmp_path: Path) -> None:
    nodes = [{"id": 1, "lat": 50.0, "lon": 8.0}, {"id": 2, "lat": 52.5, "lon": 13.4}]
    geodesic = geodesic_km(50.0, 8.0, 52.5, 13.4)
    edges = [
        {"source": 1, "target": 2, "length_km": geodesic * 1.17},
        {"source": 1, "target": 2, "dist": geodesic},
    ]
    path = tmp_path / "lengths.json"
    path.write_text(json.dumps({"nodes": nodes, "edges": edges}))
    links = load_source(str(path), 1.5).topology["links"]
    assert links[0]["length_km"] == pytest.approx(geodesic * 1.17, abs=1e-3)
    assert links[1]["length_km"] == pytest.approx(geodesic * 1.5, abs=1e-3)


def test_topology_zoo_nodes_get_ids_from_their_labels() -> None:
    raw = _topohub("topozoo/Abilene")
    raw_nodes = raw["nodes"]
    assert isinstance(raw_nodes, list)
    assert all(str(n["id"]).isdigit() for n in raw_nodes)  # what made the old guess fire
    result = load_source("topohub:topozoo/Abilene")
    ids = [n["id"] for n in result.topology["nodes"]]
    assert not any(i.isdigit() for i in ids)
    assert {"new-york", "chicago"} <= set(ids)
    topology = to_topology(result)
    (demand,) = parse_demand_specs(["new-york:chicago"], topology)
    assert (demand.source, demand.destination) == ("new-york", "chicago")


def test_label_ids_are_unique_capped_and_deterministic(tmp_path: Path) -> None:
    long = "Aaaaaaaaaa Bbbbbbbbbb Cccccccccc Dddd"  # slug of 37 characters
    labels = ["Paris", "Paris", "Paris 2", long, long, "!!!"]
    nodes = [{"id": i, "name": label, "pos": [2.0 + i, 48.0]} for i, label in enumerate(labels)]
    edges = [{"source": i, "target": i + 1} for i in range(len(labels) - 1)]
    path = tmp_path / "dups.json"
    path.write_text(json.dumps({"nodes": nodes, "edges": edges}))
    first = [n["id"] for n in load_source(str(path)).topology["nodes"]]
    again = [n["id"] for n in load_source(str(path)).topology["nodes"]]
    assert first == again
    assert len(set(first)) == len(labels)
    assert all(len(i) <= 28 for i in first)
    assert first[0] == "paris" and first[2] != first[1]
    assert first[3] == "aaaaaaaaaa-bbbbbbbbbb-cccccc"  # the 37-character slug cut to 28
    to_topology(load_source(str(path)))  # and the ids pass the schema


ZOO_GRAPHML = """<?xml version="1.0" encoding="utf-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key attr.name="label" attr.type="string" for="node" id="d0" />
  <key attr.name="Country" attr.type="string" for="node" id="d1" />
  <key attr.name="Latitude" attr.type="double" for="node" id="d2" />
  <key attr.name="Longitude" attr.type="double" for="node" id="d3" />
  <key attr.name="LinkSpeedRaw" attr.type="double" for="edge" id="d4" />
  <key attr.name="id" attr.type="string" for="edge" id="d5" />
  <graph edgedefault="undirected">
    <node id="0"><data key="d0">New York</data><data key="d1">United States</data>
      <data key="d2">40.71427</data><data key="d3">-74.00597</data></node>
    <node id="1"><data key="d0">Chicago</data><data key="d1">United States</data>
      <data key="d2">41.85003</data><data key="d3">-87.65005</data></node>
    <node id="2"><data key="d0">London</data><data key="d1">United Kingdom</data>
      <data key="d2">51.50853</data><data key="d3">-0.12574</data></node>
    <node id="3"><data key="d0">Somewhere</data><data key="d1">Atlantis</data>
      <data key="d2">40.0</data><data key="d3">-30.0</data></node>
    <edge source="0" target="1"><data key="d4">10000000000.0</data><data key="d5">e0</data></edge>
    <edge source="0" target="2"><data key="d4">2488320000.0</data><data key="d5">e0</data></edge>
    <edge source="2" target="3"><data key="d5">e1</data></edge>
  </graph>
</graphml>
"""


def test_topology_zoo_graphml_maps_country_and_link_speed(tmp_path: Path) -> None:
    path = tmp_path / "Zoo.graphml"
    path.write_text(ZOO_GRAPHML)
    result = load_source(str(path))
    nodes = {n["id"]: n for n in result.topology["nodes"]}
    assert nodes["new-york"]["country"] == "US" and nodes["london"]["country"] == "GB"
    assert nodes["somewhere"]["country"] == "ZZ"
    assert any("Atlantis" in note for note in result.report.notes)
    assert result.report.mapped["node countries (Country name to ISO alpha-2)"] == 3
    links = result.topology["links"]
    # Zoo's edge ids ('e0' twice) are not ours: ids come from the ends, so no clash.
    assert len({link["id"] for link in links}) == 3
    assert [link["capacity_gbps"] for link in links] == [10.0, 2.48832, 100.0]
    assert result.report.mapped["capacities (LinkSpeedRaw bit/s to Gbit/s)"] == 2
    to_topology(result)


def test_sndlib_demands_say_their_assumed_unit() -> None:
    raw = _topohub("sndlib/germany50")
    matrix = raw["graph"]["demands"]  # type: ignore[index]
    expected = sum(
        1 for src, row in matrix.items() for dst, value in row.items() if value > 0 and src != dst
    )
    result = load_source("topohub:sndlib/germany50")
    assert len(result.demands) == expected == result.report.demands
    assert "Gbit/s" in result.report.demands_unit and "SNDlib" in result.report.demands_unit
    assert any("Gbit/s" in line for line in result.report.lines())
    assert len({d["id"] for d in result.demands}) == len(result.demands)


def test_planar_coordinates_are_refused_as_planar() -> None:
    with pytest.raises(InputError, match="planar") as info:
        load_source("topohub:sndlib/atlanta")
    assert "no coordinates" not in str(info.value)
    assert "cannot be placed on the globe" in str(info.value)


# --- bad input: InputError naming the source and the field, never another exception --------

_OK_NODES = [{"id": 1, "lat": 10, "lon": 10}, {"id": 2, "lat": 11, "lon": 11}]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"nodes": [{"id": 1, "pos": ["a", "b"]}], "edges": []}', "'pos' must be two numbers"),
        ('{"nodes": [1, 2], "edges": []}', "node 0 is 1, not an object"),
        (
            json.dumps({"nodes": _OK_NODES, "edges": [1]}),
            "edge 0 is 1, not an object",
        ),
        (
            '{"nodes": [{"id": 1, "lat": 10, "lon": 10}, {"id": 2, "lat": 11, "lon": 11}],'
            ' "edges": [{"source": 1, "target": 2, "dist": Infinity}]}',
            "non-finite number Infinity",
        ),
        (
            '{"nodes": [{"id": 1, "lat": NaN, "lon": 10}], "edges": []}',
            "non-finite number NaN",
        ),
        (  # a number too large for a float parses as inf, past the JSON constant check
            json.dumps({"nodes": _OK_NODES, "edges": [{"source": 1, "target": 2}]}).replace(
                '"target": 2', '"target": 2, "dist": 1e999'
            ),
            "'dist' must be a finite number",
        ),
        (
            json.dumps({"nodes": _OK_NODES, "edges": [{"source": 1, "target": 2, "dist": "x"}]}),
            "'dist' must be a finite number",
        ),
        (
            json.dumps({"nodes": _OK_NODES, "edges": [{"source": 1, "target": 2, "dist": 1e308}]}),
            "longer than any great circle",
        ),
        (json.dumps({"nodes": [{"id": [1]}], "edges": []}), "no usable 'id'"),
        (json.dumps([1, 2]), "top level is not an object"),
        ("not json", "not JSON node-link data"),
    ],
)
def test_bad_node_link_input_is_an_input_error_naming_the_source(
    text: str, expected: str, tmp_path: Path
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load_source(str(path))
    (problem,) = info.value.problems
    assert problem.path == str(path)
    assert expected in problem.message
    assert problem.hint


@pytest.mark.parametrize("route_factor", [0.5, 0.0, -1.0, 6.0, float("nan")])
def test_route_factor_out_of_range_is_refused_up_front(route_factor: float) -> None:
    with pytest.raises(InputError) as info:
        load_source("topohub:topozoo/Abilene", route_factor)
    (problem,) = info.value.problems
    assert problem.parameter == "route_factor" and "1 to 5" in problem.hint


def test_duplicate_link_ids_in_our_own_export_are_named(tmp_path: Path) -> None:
    data = json.loads(export_node_link(load_topology(CORRIDOR)))
    data["edges"][1]["id"] = data["edges"][0]["id"]
    path = tmp_path / "dup.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match="appears more than once") as info:
        load_source(str(path))
    assert info.value.problems[0].path == str(path)


def test_validation_problems_name_the_source_not_a_temporary_file() -> None:
    imported = load_source("topohub:topozoo/Abilene")
    imported.topology["links"][0]["capacity_gbps"] = -1.0  # what the loader must refuse
    broken = Imported(imported.topology, imported.demands, imported.report)
    with pytest.raises(InputError) as info:
        to_topology(broken)
    for problem in info.value.problems:
        assert problem.path == "topohub:topozoo/Abilene"
        assert "tmp" not in problem.message and "line" in problem.message


# --- GeoJSON across the antimeridian ---------------------------------------------------------

PACIFIC = """name: pacific
failure_classes:
  - {id: sub, basis: per_1000km, rate: 0.1, repair: {kind: fixed, median: 10d}}
nodes:
  - {id: tokyo, name: Tokyo, country: JP, role: landing, lat: 35.68, lon: 139.69}
  - {id: la, name: Los Angeles, country: US, role: landing, lat: 34.05, lon: -118.24}
links:
  - {id: tpc, a: tokyo, b: la, kind: submarine, sea: pacific, length_km: 9500,
     capacity_gbps: 1000, failure_class: sub}
"""


def test_geojson_lines_split_exactly_at_the_antimeridian(tmp_path: Path) -> None:
    path = tmp_path / "pacific.yaml"
    path.write_text(PACIFIC)
    data = json.loads(export_geojson(load_topology(path)))
    (line,) = [f for f in data["features"] if f["properties"].get("element") == "link"]
    assert line["geometry"]["type"] == "MultiLineString"
    west, east = line["geometry"]["coordinates"]
    assert west[0] == [139.69, 35.68] and east[-1] == [-118.24, 34.05]
    assert west[-1][0] == 180.0 and east[0][0] == -180.0
    assert west[-1][1] == east[0][1]  # one crossing point, on both sides
    # It lies between the latitudes of the points either side of the crossing.
    low, high = sorted((west[-2][1], east[1][1]))
    assert low <= west[-1][1] <= high
    assert west[-2][0] < 180.0 and east[1][0] > -180.0
