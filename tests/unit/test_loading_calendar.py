"""Calendar keys in files (issue 15, item 4): a start date, seasonal factors, closed windows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from twin.loading import load_scenario

GOOD = Path(__file__).resolve().parents[1] / "data" / "good"


def test_calendar_keys_become_the_model() -> None:
    scenario = load_scenario(GOOD / "calendar.yaml")
    # 06:00 at UTC+4 is 02:00 UTC: the model holds UTC.
    assert scenario.start == datetime(2027, 1, 10, 2, 0, tzinfo=UTC)
    # A month map: months left out have factor 1.
    expected = [1.0] * 12
    expected[3], expected[4], expected[11] = 1.3, 1.3, 0.6
    assert scenario.topology.failure_classes["t"].seasonal == tuple(expected)
    assert scenario.topology.failure_classes["s"].seasonal == ()
    winter, june, july = scenario.repair_resources[0].closed
    assert (winter.name, winter.months, winter.source, winter.estimate) == (
        "dec-mar",
        (12, 3),
        ("IS-8",),
        True,
    )
    # A date alone includes that day: the window ends at the next midnight.
    assert (june.start, june.end) == (
        datetime(2027, 6, 5, tzinfo=UTC),
        datetime(2027, 6, 10, tzinfo=UTC),
    )
    assert june.name == "2027-06-05/2027-06-09"
    # A timestamp is an instant: the window ends there.
    assert july.end == datetime(2027, 7, 2, tzinfo=UTC)


def test_a_scenario_without_start_has_no_calendar() -> None:
    assert load_scenario(GOOD / "scenario.yaml").start is None
