"""Planar (x/y) sources imported at a stated scale (issue 13, item 6)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from twin.cli.app import main
from twin.errors import InputError
from twin.geo import geodesic_km
from twin.io import load_source, to_topology

# A drawing in arbitrary units, centred on C: W-C-E along x, S-C-N along y (y up to 400, so it
# cannot be longitude/latitude), and one link N-E across the map.
XY = {"C": (0.0, 0.0), "W": (-500.0, 0.0), "E": (500.0, 0.0), "N": (0.0, 400.0), "S": (0.0, -400.0)}
RADIAL = [("C", "W"), ("C", "E"), ("C", "N"), ("C", "S"), ("W", "E"), ("S", "N")]
ACROSS = [("N", "E")]
SCALE_KM, ROUTE_FACTOR = 2.0, 1.3


def _document(tmp_path: Path) -> Path:
    nodes = [{"id": name, "name": name, "pos": [x, y]} for name, (x, y) in XY.items()]
    edges = [{"source": a, "target": b} for a, b in RADIAL + ACROSS]
    path = tmp_path / "planar.json"
    path.write_text(json.dumps({"graph": {"name": "drawing"}, "nodes": nodes, "edges": edges}))
    return path


def _drawn_km(a: str, b: str) -> float:
    (xa, ya), (xb, yb) = XY[a], XY[b]
    return math.hypot(xb - xa, yb - ya) * SCALE_KM


def test_planar_source_is_imported_with_lengths_from_the_stated_scale(tmp_path: Path) -> None:
    result = load_source(str(_document(tmp_path)), ROUTE_FACTOR, planar_scale_km=SCALE_KM)
    nodes = {n["id"]: n for n in result.topology["nodes"]}
    links = {(link["a"], link["b"]): link for link in result.topology["links"]}
    ids = {name: name.lower() for name in XY}
    # The drawing's centre sits at 0°N 0°E, north up and east right.
    assert (nodes["c"]["lat"], nodes["c"]["lon"]) == (0.0, 0.0)
    assert nodes["n"]["lat"] > 0 and nodes["n"]["lon"] == pytest.approx(0.0, abs=1e-9)
    assert nodes["e"]["lon"] > 0 and nodes["e"]["lat"] == pytest.approx(0.0, abs=1e-9)
    # Through the centre the placement keeps distances exactly (azimuthal equidistant), so a
    # length is the drawn distance x scale x route factor: e.g. W-E is 1000 units = 2000 km.
    for a, b in RADIAL:
        link = links[(ids[a], ids[b])]
        assert link["length_km"] == pytest.approx(_drawn_km(a, b) * ROUTE_FACTOR, abs=2e-3)
        assert link["estimate"] is True
    assert links[("w", "e")]["length_km"] == pytest.approx(2000.0 * 1.3, abs=2e-3)
    # Across the map the globe bends the drawing a little (within 1 % here); the length is the
    # drawn one, but never below the placed ends' geodesic: nothing is faster than light.
    for a, b in ACROSS:
        link = links[(ids[a], ids[b])]
        na, nb = nodes[ids[a]], nodes[ids[b]]
        geodesic = geodesic_km(na["lat"], na["lon"], nb["lat"], nb["lon"])
        assert geodesic == pytest.approx(_drawn_km(a, b), rel=0.01)
        expected = max(_drawn_km(a, b), geodesic) * ROUTE_FACTOR
        assert link["length_km"] == pytest.approx(expected, abs=2e-3)
    assert all(n["estimate"] is True for n in nodes.values())
    assert "not geographic" in result.topology["description"]
    assert any("planar coordinates" in w for w in result.report.warnings)
    topology = to_topology(result)  # the loader accepts it
    loaded = {(link.a, link.b): link.length_km for link in topology.links.values()}
    assert loaded[("w", "e")] == pytest.approx(2600.0, abs=2e-3)


def test_without_a_scale_a_planar_source_is_refused_naming_the_option(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="planar") as info:
        load_source(str(_document(tmp_path)))
    assert "planar_scale_km" in str(info.value)  # the CLI shows it as --planar-scale-km


@pytest.mark.parametrize("scale", [0.0, -1.0, math.nan, math.inf, 1e5])
def test_a_scale_out_of_range_is_refused_with_the_range(scale: float, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="planar_scale_km") as info:
        load_source(str(_document(tmp_path)), planar_scale_km=scale)
    assert "from 1e-06 to 10000" in str(info.value)


def test_a_drawing_too_large_for_the_globe_is_refused_with_the_largest_scale(
    tmp_path: Path,
) -> None:
    """500 units from the centre at 20 km per unit is 10,000 km: past the 5,000 km allowed,
    and the largest scale that fits is 5,000 / 500 = 10 km per unit."""
    with pytest.raises(InputError, match=r"at most 10$"):
        load_source(str(_document(tmp_path)), planar_scale_km=20.0)


def test_cli_imports_a_planar_source_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "drawing.yaml"
    document = str(_document(tmp_path))
    assert main(["import", document, "-o", str(out), "--planar-scale-km", "2"]) == 0
    err = capsys.readouterr().err
    assert "warning: planar coordinates taken at 2 km per unit" in err
    assert out.exists()
    assert main(["import", document, "-o", str(tmp_path / "no.yaml")]) == 2
    assert "--planar-scale-km KM" in capsys.readouterr().err
    assert not (tmp_path / "no.yaml").exists()


def test_sndlib_ta2_imports_at_a_stated_scale() -> None:
    """SNDlib's ta2 (65 nodes, planar) from the data topohub ships: no network needed."""
    topohub = pytest.importorskip("topohub")
    raw = topohub.get("sndlib/ta2")
    result = load_source("topohub:sndlib/ta2", planar_scale_km=1.0)
    topology = to_topology(result)
    assert len(topology.nodes) == len(raw["nodes"]) == 65
    assert len(topology.links) == len({frozenset((e["source"], e["target"])) for e in raw["edges"]})
    assert all(link.estimate for link in topology.links.values())
