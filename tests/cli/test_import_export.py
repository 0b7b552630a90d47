"""`twin import` and `twin export` through the real command: exit codes, files, messages."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
import yaml

from twin.cli.app import main
from twin.loading import load_topology
from twin.loading.schema import DemandSpec

ROOT = Path(__file__).resolve().parents[2]
SILK_ROAD = ROOT / "topologies" / "silk-road-2026.yaml"
CALIBRATED = ROOT / "topologies" / "silk-road-2026-calibrated.yaml"


def _topohub_demand_count(key: str) -> int:
    topohub = pytest.importorskip("topohub")
    matrix = topohub.get(key)["graph"]["demands"]
    return sum(
        1 for src, row in matrix.items() for dst, value in row.items() if value > 0 and src != dst
    )


def _leftovers(folder: Path) -> list[str]:
    """Temporary files an atomic write would leave behind if it were not atomic."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_import_writes_a_valid_file_and_reports_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "abilene.yaml"
    assert main(["import", "topohub:topozoo/Abilene", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "topohub:topozoo/Abilene: 11 nodes, 14 links" in captured.err
    assert "defaulted" in captured.err and f"wrote {out}" in captured.out
    assert _leftovers(tmp_path) == []
    assert main(["validate", str(out)]) == 0
    # The label ids make a Topology Zoo demand speakable on the command line.
    assert main(["analyze", str(out), "--demand", "new-york:chicago"]) == 0


def test_import_is_byte_identical_on_a_second_run(tmp_path: Path) -> None:
    one, two = tmp_path / "one.yaml", tmp_path / "two.yaml"
    assert main(["import", "topohub:sndlib/germany50", "-o", str(one)]) == 0
    assert main(["import", "topohub:sndlib/germany50", "-o", str(two)]) == 0
    assert one.read_bytes() == two.read_bytes()


def test_route_factor_scales_the_imported_lengths(tmp_path: Path) -> None:
    low, high = tmp_path / "low.yaml", tmp_path / "high.yaml"
    assert main(["import", "topohub:topozoo/Abilene", "-o", str(low), "--route-factor", "1.2"]) == 0
    assert (
        main(["import", "topohub:topozoo/Abilene", "-o", str(high), "--route-factor", "1.8"]) == 0
    )
    a, b = load_topology(low), load_topology(high)
    assert (a.route_factor, b.route_factor) == (1.2, 1.8)
    ratios = [b.links[lid].length_km / a.links[lid].length_km for lid in a.links]
    # Lengths are rounded to metres; Abilene's shortest link is ~300 km, so 1e-4 is ample.
    assert ratios == pytest.approx([1.8 / 1.2] * len(ratios), rel=1e-4)


def test_demands_out_is_the_file_contingency_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    topo, demands = tmp_path / "g50.yaml", tmp_path / "g50-demands.yaml"
    status = main(
        ["import", "topohub:sndlib/germany50", "-o", str(topo), "--demands-out", str(demands)]
    )
    assert status == 0
    err = capsys.readouterr().err
    assert "Gbit/s" in err and "SNDlib" in err  # the assumed unit is said, not silent
    text = demands.read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("Gbit/s" in line for line in header)
    entries = yaml.safe_load(text)["demands"]
    expected = _topohub_demand_count("sndlib/germany50")
    assert len(entries) == expected
    for entry in entries:
        DemandSpec.model_validate(entry)  # every key one that scenarios know
    result = tmp_path / "contingency.json"
    args = ["contingency", str(topo), "--demands", str(demands), "--json", str(result)]
    assert main(args) == 0
    assert json.loads(result.read_text())["demands"] == expected  # all read, none dropped
    assert _leftovers(tmp_path) == []


def test_demands_out_without_demands_is_bad_input_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    topo, demands = tmp_path / "abilene.yaml", tmp_path / "d.yaml"
    status = main(
        ["import", "topohub:topozoo/Abilene", "-o", str(topo), "--demands-out", str(demands)]
    )
    assert status == 2
    err = capsys.readouterr().err
    assert "--demands-out" in err and "no demands" in err and "hint:" in err
    assert not topo.exists() and not demands.exists()


_NODES = '[{"id": 1, "lat": 10, "lon": 10}, {"id": 2, "lat": 11, "lon": 11}]'


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("strpos.json", '{"nodes": [{"id": 1, "pos": ["a", "b"]}], "edges": []}', "'pos'"),
        ("intnodes.json", '{"nodes": [1, 2], "edges": []}', "not an object"),
        (
            "inf.json",
            '{"nodes": ' + _NODES + ', "edges": [{"source": 1, "target": 2, "dist": Infinity}]}',
            "non-finite",
        ),
        ("list.json", "[1, 2]", "not an object"),
        ("broken.graphml", "<graphml><broken", "cannot read GraphML"),
        ("nocoords.json", '{"nodes": [{"id": 1}], "edges": []}', "no coordinates"),
    ],
)
def test_bad_source_exits_2_naming_it_without_a_traceback(
    name: str, text: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / name
    source.write_text(text)
    out = tmp_path / "out.yaml"
    out.write_text("previous: content\n")
    assert main(["import", str(source), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{source}: ")
    assert expected in err and "hint:" in err
    assert "Traceback" not in err and "internal error" not in err
    assert out.read_text() == "previous: content\n"  # a failed import leaves the old file


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["topohub:topozoo/Abilene", "--route-factor", "0.5"], "--route-factor: "),
        (["topohub:sndlib/atlanta"], "planar (non-geographic) coordinates"),
        (["topohub:sndlib/no-such-network"], "topohub has no topology"),
        (["no/such/file.json"], "no such file"),
    ],
)
def test_bad_arguments_exit_2_with_a_hint(
    args: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.yaml"
    assert main(["import", *args, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert expected in err and "hint:" in err
    assert "Traceback" not in err and "/tmp/tmp" not in err
    assert not out.exists()


@pytest.mark.parametrize("source", [SILK_ROAD, CALIBRATED], ids=lambda p: p.stem)
@pytest.mark.parametrize(("fmt", "suffix"), [("graphml", "graphml"), ("node-link", "json")])
def test_export_then_import_through_the_cli_gives_the_same_model(
    fmt: str, suffix: str, source: Path, tmp_path: Path
) -> None:
    exported = tmp_path / f"corridor.{suffix}"
    assert main(["export", str(source), "--format", fmt, "-o", str(exported)]) == 0
    assert _leftovers(tmp_path) == []
    back = tmp_path / "back.yaml"
    assert main(["import", str(exported), "-o", str(back)]) == 0
    original, imported = load_topology(source), load_topology(back)
    assert imported.latency_calibration == original.latency_calibration
    assert dict(imported.links) == dict(original.links)
    assert dict(imported.nodes) == dict(original.nodes)
    assert dict(imported.failure_classes) == dict(original.failure_classes)
    assert dict(imported.srlgs) == dict(original.srlgs)


def test_export_graphml_is_readable_by_networkx(tmp_path: Path) -> None:
    out = tmp_path / "x.graphml"
    assert main(["export", str(SILK_ROAD), "--format", "graphml", "-o", str(out)]) == 0
    graph = nx.read_graphml(out, force_multigraph=True)
    topology = load_topology(SILK_ROAD)
    assert graph.number_of_nodes() == len(topology.nodes)
    assert graph.number_of_edges() == len(topology.links)


def test_export_geojson_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(SILK_ROAD), "--format", "geojson", "-o", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    topology = load_topology(SILK_ROAD)
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == len(topology.nodes) + len(topology.links)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([str(SILK_ROAD), "--format", "shapefile"], "unknown format 'shapefile'"),
        (["no-such-topology.yaml", "--format", "geojson"], "no-such-topology.yaml"),
    ],
)
def test_export_bad_input_exits_2(
    args: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["export", *args, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert not out.exists()
