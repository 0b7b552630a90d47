"""Absurd input keeps the exit-code contract: exit 2 with the allowed range, never 3, never a hang.

Range faults written in YAML (a link past the equator, a 1e308 horizon, a NaN check limit) are
in tests/data/bad with the expected message; these are the ones that need a program to build
(deep JSON, huge topologies) or a command other than `twin validate`.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from twin.cli.app import main
from twin.json_input import MAX_JSON_DEPTH
from twin.loading import load_topology
from twin.loading.yaml_marks import MAX_ALIAS_VALUES

DATA = Path(__file__).resolve().parents[1] / "data"
GOOD = DATA / "good"
DEPTH = 100_000


def test_check_of_a_directory_without_scenarios_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "nothing to check" in err and "at least one" in err
    assert "all 0 assertions hold" not in err


def test_check_of_scenarios_that_declare_no_checks_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(GOOD / "base.yaml", tmp_path / "base.yaml")
    (tmp_path / "s.yaml").write_text(
        "name: s\ntopology: base.yaml\nhorizon: 30d\n"
        "demands:\n  - {id: d, source: baku, destination: almaty}\n"
    )
    assert main(["check", str(tmp_path / "s.yaml")]) == 2
    assert "declares a check" in capsys.readouterr().err


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_json_nested_100000_deep_is_refused_by_report(
    opening: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    closing = "]" if opening == "[" else "}"
    deep = tmp_path / "deep.json"
    deep.write_text(opening * DEPTH + "1" + closing * DEPTH)
    started = time.monotonic()
    assert main(["report", str(deep), "-o", str(tmp_path / "r.html")]) == 2
    assert time.monotonic() - started < 5.0  # generous for a shared CI machine; ~0.1 s alone
    err = capsys.readouterr().err
    assert f"more than {MAX_JSON_DEPTH} levels" in err
    assert f"deep.json:1:{MAX_JSON_DEPTH * len(opening) + 1}:" in err
    assert not (tmp_path / "r.html").exists()


def test_json_nested_100000_deep_is_refused_by_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"nodes": ' + "[" * DEPTH + "]" * DEPTH + ', "edges": []}')
    assert main(["import", str(deep), "-o", str(tmp_path / "t.yaml")]) == 2
    assert f"more than {MAX_JSON_DEPTH} levels" in capsys.readouterr().err
    assert not (tmp_path / "t.yaml").exists()


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path: Path) -> None:
    from twin.json_input import loads_bounded

    text = json.dumps({"note": "[" * 1000 + '\\"{' * 100, "x": [[1]]})
    assert loads_bounded(text, "f.json", "")["x"] == [[1]]


def _grid_topology(path: Path, nodes: int, links: int) -> None:
    """A plain topology without a single alias: `nodes` on a lat/lon grid, `links` between
    pairs of them (a ring plus chords), each link written out in full."""
    lines = [
        "name: grid",
        "failure_classes:",
        "  - {id: t, basis: per_1000km, rate: 1.0, repair: {kind: fixed, median: 12h}}",
        "nodes:",
    ]
    for i in range(nodes):
        lat, lon = -60 + (i // 100) * 0.5, -170 + (i % 100) * 0.5
        lines.append(
            f"  - {{id: n{i}, name: N{i}, country: KZ, role: pop, lat: {lat}, lon: {lon}}}"
        )
    lines.append("links:")
    for j in range(links):
        a, b = j % nodes, (j % nodes + 1 + j // nodes) % nodes
        lines.append(
            f"  - {{id: l{j}, a: n{a}, b: n{b}, kind: terrestrial, capacity_gbps: 100, "
            "failure_class: t}"
        )
    path.write_text("\n".join(lines) + "\n")


def test_a_large_topology_without_aliases_is_not_an_alias_bomb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The limit counts values built through aliases only. With it lowered to 1,000, a topology
    # that writes out ~15,000 values (400 nodes x 8, 1,600 links x 7) and uses no alias must
    # load; counting every value, as the old limit did, refuses it.
    from twin.loading import yaml_marks

    monkeypatch.setattr(yaml_marks, "MAX_ALIAS_VALUES", 1_000)
    path = tmp_path / "grid.yaml"
    _grid_topology(path, 400, 1600)
    topology = load_topology(path)
    assert (len(topology.nodes), len(topology.links)) == (400, 1600)


def test_alias_expansion_alone_is_limited(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Exactly one value more than the limit reached through aliases: 10 copies of a list of
    # MAX_ALIAS_VALUES // 10 items (each copy is itself one value) overflow it.
    per_copy = MAX_ALIAS_VALUES // 10
    items = ", ".join("1" for _ in range(per_copy))
    path = tmp_path / "bomb.yaml"
    path.write_text(f"name: x\nnodes: &b [{items}]\nlinks: [{', '.join(['*b'] * 10)}]\n")
    assert main(["validate", str(path)]) == 2
    assert f"more than {MAX_ALIAS_VALUES:,} values" in capsys.readouterr().err
    # One copy fewer stays within it: the written values (the anchor's list) are not counted.
    path.write_text(f"name: x\nnodes: &b [{items}]\nlinks: [{', '.join(['*b'] * 9)}]\n")
    main(["validate", str(path)])
    assert "aliases expand" not in capsys.readouterr().err


def test_a_killed_writers_temporary_file_is_removed_by_the_next_write(tmp_path: Path) -> None:
    import os

    from twin.atomic import STALE_TMP_S, write_json_atomic

    target = tmp_path / "run.json"
    stale = tmp_path / ".run.json.abc123.tmp"  # what kill -9 during a write leaves
    fresh = tmp_path / ".run.json.def456.tmp"  # a write in progress in another process
    other = tmp_path / ".other.json.abc123.tmp"  # another target's: not ours to judge
    for path in (stale, fresh, other):
        path.write_text('{"trunc')
    old = time.time() - STALE_TMP_S - 60
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    write_json_atomic(target, {"ok": True})
    assert json.loads(target.read_text()) == {"ok": True}
    assert not stale.exists()
    assert fresh.exists() and other.exists()


def test_workers_are_capped_at_what_can_be_used(tmp_path: Path) -> None:
    from twin.option_values import MAX_WORKERS, usable_cores, usable_workers

    assert usable_workers(100_000, 2)[0] == min(2, usable_cores())
    used, note = usable_workers(100_000, 10**6)
    assert used == min(usable_cores(), MAX_WORKERS) and f"at most {MAX_WORKERS}" in note
    assert usable_workers(1, 10) == (1, "")
    # Three workers for two replications: one would idle, so two at most are started, and the
    # result says so.
    out = tmp_path / "mc.json"
    args = ["run", str(GOOD / "scenario.yaml"), "--replications", "2", "--workers", "3"]
    assert main([*args, "--json", str(out)]) == 0
    notes = json.loads(out.read_text())["notes"]
    assert any("3 workers asked for, capped at" in n for n in notes), notes


@pytest.mark.parametrize("option", ["--replications", "--max-replications"])
def test_a_replication_count_past_a_million_is_refused_at_once(
    option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    extra = ["--precision", "0.1"] if option == "--max-replications" else []
    argv = ["run", str(GOOD / "scenario.yaml"), option, "100000000000000000000", *extra]
    assert main(argv) == 2
    assert time.monotonic() - started < 5.0
    assert "between 1 and 1,000,000" in capsys.readouterr().err


def test_export_says_what_it_wrote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "t.geojson"
    assert main(["export", str(GOOD / "base.yaml"), "--format", "geojson", "-o", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    assert main(["export", str(GOOD / "base.yaml"), "--format", "geojson", "-o", "-"]) == 0
    assert "wrote" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.update(demands="x"), "$.demands: input should be a valid list"),
        (
            lambda d: d["demands"][0].update(availability="high"),
            "$.demands[0].availability: input should be a valid number",
        ),
    ],
)
def test_a_run_results_file_of_the_wrong_shape_is_bad_input(
    change: object, where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "run.json"
    assert main(["run", str(GOOD / "scenario.yaml"), "--json", str(results), "--quiet"]) == 0
    document = json.loads(results.read_text())
    change(document)  # type: ignore[operator]
    results.write_text(json.dumps(document))
    capsys.readouterr()
    assert main(["report", str(results), "-o", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert f"{results}: run results malformed at {where}" in err
    assert not (tmp_path / "r.html").exists()
