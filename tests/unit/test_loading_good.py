"""Good files load into exactly the model they describe: derived lengths, variants, overrides."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from twin.geo import geodesic_km
from twin.loading import file_kind, load_scenario, load_topology
from twin.loading.candidates import load_candidates
from twin.loading.schema import json_schemas

GOOD = Path(__file__).resolve().parents[1] / "data" / "good"
ROOT = Path(__file__).resolve().parents[2]


class _Yaml12Loader(yaml.SafeLoader):
    """YAML as an editor's schema check reads it (YAML 1.2, the JSON data model): an unquoted
    date such as `start: 2027-01-10` is a string there, not a Python date."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def as_editor_reads(text: str) -> object:
    return yaml.load(text, Loader=_Yaml12Loader)


def test_terrestrial_length_is_geodesic_times_route_factor() -> None:
    topo = load_topology(GOOD / "base.yaml")
    bs = topo.links["bs"]
    baku, sumgait = topo.nodes["baku"], topo.nodes["sumgait"]
    assert bs.length_derived
    assert bs.length_km == pytest.approx(
        geodesic_km(baku.lat, baku.lon, sumgait.lat, sumgait.lon) * 1.3
    )
    assert not topo.links["tcfo"].length_derived and topo.links["tcfo"].length_km == 380
    assert topo.failure_classes["s"].multiplier == 5


def test_variant_adds_overrides_field_by_field_and_removes() -> None:
    topo = load_topology(GOOD / "variant.yaml")
    assert topo.name == "variant"
    assert "bs" not in topo.links  # removed
    assert topo.links["tcfo"].capacity_gbps == 100000  # overridden
    assert topo.links["tcfo"].length_km == 380  # inherited field kept
    assert topo.links["tcfo"].srlgs == ("landing",)
    assert {"reserve", "kk"} <= set(topo.links) and "kuryk" in topo.nodes


def test_scenario_fields_and_class_override() -> None:
    sc = load_scenario(GOOD / "scenario.yaml")
    assert sc.horizon_h == 90 * 24 and sc.seed == 5
    cut, drain = sc.events
    assert (cut.at_h, cut.repair, cut.target.ids) == (240.0, True, ("tcfo",))
    assert (drain.action, drain.duration_h, drain.id) == ("maintenance", 6.0, "event-2")
    repair = sc.topology.failure_classes["s"].repair
    assert (repair.kind, repair.median_h, repair.p90_h) == ("lognormal", 60 * 24, 120 * 24)
    assert sc.repair_resources[0].mobilisation_h == 72.0
    failover = sc.default_failover
    assert (failover.mechanism, failover.detection_ms, failover.switchover_ms) == ("frr", 150, 50)
    assert sc.checks[0].kind == "max_rtt" and sc.checks[0].params == {"rtt_ms": 40}
    assert sc.sweep == {"failures.classes.s.repair.median": ("10d", "30d")}


def test_overrides_are_applied_before_validation() -> None:
    sc = load_scenario(
        GOOD / "scenario.yaml",
        {"seed": 9, "horizon": "30d", "failures.classes.s.repair.median": "70d"},
    )
    assert sc.seed == 9 and sc.horizon_h == 720
    assert sc.topology.failure_classes["s"].repair.median_h == 70 * 24


def test_committed_json_schemas_are_current_and_accept_shipped_files() -> None:
    schemas = json_schemas()
    for kind, schema in schemas.items():
        committed = json.loads((ROOT / "twin" / "schemas" / f"{kind}.schema.json").read_text())
        assert committed == schema, f"run `twin schema` to regenerate {kind}.schema.json"
    for kind, folder in (("topology", "topologies"), ("scenario", "scenarios")):
        files = [p for p in sorted((ROOT / folder).glob("*.yaml")) if file_kind(p) == kind]
        assert files
        for path in files:
            jsonschema.validate(as_editor_reads(path.read_text()), schemas[kind])


def test_every_shipped_file_validates() -> None:
    for path in sorted((ROOT / "topologies").glob("*.yaml")):
        load_topology(path)
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        if file_kind(path) == "candidates":
            load_candidates(path, load_scenario(ROOT / "scenarios" / "annual-reliability.yaml"))
        else:
            load_scenario(path)


def test_the_json_schema_accepts_the_calendar_keys() -> None:
    schema = json_schemas()["scenario"]
    document = as_editor_reads((GOOD / "calendar.yaml").read_text())
    assert isinstance(document, dict)
    jsonschema.validate(document, schema)
    document["failures"]["classes"]["t"]["seasonal"] = {"janu": 2}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


def test_the_schema_states_the_sla_default_a_demand_gets() -> None:
    from twin.loading.schema import DemandSpec, SlaSpec

    stated = DemandSpec.model_json_schema()["properties"]["sla"]["default"]
    assert stated == SlaSpec().model_dump()
    assert DemandSpec(source="a", destination="b").sla == SlaSpec()
