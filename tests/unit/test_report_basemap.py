"""Country outlines and projection: TopoJSON decoding, fitting, and the shipped data."""

from __future__ import annotations

import pytest

from twin.report.basemap import (
    countries_in_view,
    country_svg_path,
    decode_countries,
    fit_projection,
    load_countries,
)


def test_decode_undoes_quantisation_delta_encoding_and_reversed_arcs() -> None:
    # Two arcs forming a unit square: arc 0 goes (0,0)->(1,0)->(1,1), arc 1 goes (0,0)->(0,1)->(1,1)
    # and is walked backwards (~1 == -2) to close the ring.
    topo = {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.25], "translate": [10.0, 20.0]},
        "arcs": [[[0, 0], [2, 0], [0, 4]], [[0, 0], [0, 4], [2, 0]]],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, -2]], "id": "1", "properties": {"name": "Sq"}}
                ],
            }
        },
    }
    (country,) = decode_countries(topo)
    ring = country.polygons[0][0]
    assert ring == ((10.0, 20.0), (11.0, 20.0), (11.0, 21.0), (10.0, 21.0), (10.0, 20.0))
    assert country.bbox == (10.0, 20.0, 11.0, 21.0)


def test_projection_fits_every_point_and_inverts_exactly() -> None:
    points = [(8.68, 50.11), (114.17, 22.32), (51.17, 43.65)]
    proj = fit_projection(points, 1000.0, 500.0)
    for lon, lat in points:
        x, y = proj(lon, lat)
        assert 0.0 <= x <= 1000.0 and 0.0 <= y <= 500.0
        assert proj.invert(x, y) == pytest.approx((lon, lat))
    # North is up, east is right.
    assert proj(8.68, 50.11)[1] < proj(114.17, 22.32)[1]
    assert proj(8.68, 50.11)[0] < proj(114.17, 22.32)[0]


def test_shipped_countries_cover_the_corridor() -> None:
    countries = {c.name: c for c in load_countries()}
    assert len(countries) >= 170
    kz = countries["Kazakhstan"].bbox
    assert kz[0] < 51.17 < kz[2] and kz[1] < 43.65 < kz[3]  # Aktau is in Kazakhstan's box
    proj = fit_projection([(8.68, 50.11), (76.89, 43.24)], 800.0, 400.0)
    names = {c.name for c in countries_in_view(proj)}
    assert {"Germany", "Turkey", "Azerbaijan", "Kazakhstan", "Georgia"} <= names
    assert "Brazil" not in names
    path = country_svg_path(countries["Azerbaijan"], proj)
    assert path.startswith("M") and path.endswith("Z")
