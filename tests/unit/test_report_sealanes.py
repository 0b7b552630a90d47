"""Drawing submarine cables at sea: land test on the shipped outlines and sea-lane routing."""

from __future__ import annotations

import pytest

from twin.geo import geodesic_km
from twin.report.sealanes import drawn_points, land_share, on_land, sea_route

MARSEILLE = (43.30, 5.37)
MUMBAI = (19.08, 72.88)
SUMGAIT, AKTAU = (40.59, 49.67), (43.65, 51.17)


@pytest.mark.parametrize(
    ("lon", "lat", "land"),
    [
        (32.85, 39.93, True),  # Ankara
        (76.89, 43.24, True),  # Almaty
        (34.0, 43.0, False),  # the middle of the Black Sea
        (51.0, 42.0, False),  # the middle of the Caspian
        (38.5, 20.0, False),  # the Red Sea
    ],
)
def test_on_land(lon: float, lat: float, land: bool) -> None:
    assert on_land(lon, lat) is land


def test_a_cable_at_sea_keeps_its_geodesic() -> None:
    assert land_share(*SUMGAIT, *AKTAU) <= 0.15
    assert sea_route(*SUMGAIT, *AKTAU) == (SUMGAIT, AKTAU)


def test_a_cable_across_a_continent_is_drawn_through_the_red_sea() -> None:
    assert land_share(*MARSEILLE, *MUMBAI) > 0.5  # the geodesic crosses Türkiye and Iran
    corners = sea_route(*MARSEILLE, *MUMBAI)
    assert corners[0] == MARSEILLE and corners[-1] == MUMBAI
    assert any(geodesic_km(lat, lon, 12.6, 43.4) < 300 for lat, lon in corners)  # Bab-el-Mandeb
    points = drawn_points(*MARSEILLE, *MUMBAI, submarine=True)
    interior = points[1:-1]
    on = sum(on_land(lon, lat) for lat, lon in interior) / len(interior)
    assert on < 0.15
    # A terrestrial link is never rerouted.
    assert len(drawn_points(*MARSEILLE, *MUMBAI, submarine=False)) >= 2
    straight = drawn_points(*MARSEILLE, *MUMBAI, submarine=False)
    assert straight[0] == pytest.approx(MARSEILLE) and straight[-1] == pytest.approx(MUMBAI)
