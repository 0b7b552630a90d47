"""Calendar keys in files (issue 15, item 4): a start date, seasonal factors, closed windows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
import yaml

from twin.loading import load_scenario
from twin.loading.schema import json_schemas

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


def test_the_json_schema_accepts_the_calendar_keys() -> None:
    schema = json_schemas()["scenario"]
    document = yaml.safe_load((GOOD / "calendar.yaml").read_text())
    document["start"] = document["start"].isoformat()
    for window in document["repair"][0]["closed"]:
        for key in ("from", "to"):
            if key in window:
                window[key] = window[key].isoformat()
    jsonschema.validate(document, schema)
    document["failures"]["classes"]["t"]["seasonal"] = {"janu": 2}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)
