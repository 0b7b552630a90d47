"""`twin calibrate` through the real console script: the shipped corridor on the RIPE table,
and bad input refused with exit 2 and FILE:LINE, nothing written."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RIPE = ROOT / "topologies" / "measurements" / "ripe-atlas-country-rtt-2025.csv"
TWIN = Path(sys.executable).with_name("twin")
MEASURED_DE_AZ_MEAN_MS = 80.8  # RIPE Atlas spring 2025, 2,304 pings (the table's AZ,DE row)


def _twin(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TWIN), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={"NO_COLOR": "1", "COLUMNS": "200", "PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "0"},
    )


def _project(tmp_path: Path) -> Path:
    """A copy of the shipped topologies in a project of their own (the overlay goes there)."""
    (tmp_path / "pyproject.toml").write_text("")
    for name in ("silk-road-2021.yaml", "silk-road-2026.yaml"):
        shutil.copy(ROOT / "topologies" / name, tmp_path / name)
    return tmp_path


WEST = ("--corridor", "west=DE,BG,TR,GE,AZ,IR", "--only-corridors")


def test_calibrate_shipped_corridor_on_the_ripe_table(tmp_path: Path) -> None:
    project = _project(tmp_path)
    overlay, residuals = project / "cal.yaml", project / "residuals.json"
    done = _twin(
        "calibrate",
        project / "silk-road-2026.yaml",
        RIPE,
        "-o",
        overlay,
        *WEST,
        "--json",
        residuals,
    )
    assert done.returncode == 0, done.stderr
    assert "out-of-sample error (leave one out" in done.stdout
    doc = json.loads(residuals.read_text())
    assert doc["schema"] == "silkroad-twin/calibration/1"
    pairs = {(p["source"], p["destination"]): p for p in doc["pairs"]}
    assert "detour" in pairs[("CN", "KZ")]["flag"]
    assert doc["out_of_sample_mae_ms"] > 0
    assert _twin("validate", overlay).returncode == 0
    analysis = _twin("analyze", overlay, "--demand", "frankfurt:baku", "--json", "-")
    assert analysis.returncode == 0, analysis.stderr
    best = json.loads(analysis.stdout)["demands"][0]["best"]
    assert abs(best["rtt_ms"] / MEASURED_DE_AZ_MEAN_MS - 1) < 0.15
    assert best["fibre_rtt_ms"] < best["rtt_ms"]  # the fibre figure stays beside it
    # Same inputs, same date: the same overlay, byte for byte (after a different fit).
    first = overlay.read_bytes()
    assert _twin("calibrate", project / "silk-road-2026.yaml", RIPE, "-o", overlay).returncode == 0
    assert overlay.read_bytes() != first
    again = _twin("calibrate", project / "silk-road-2026.yaml", RIPE, "-o", overlay, *WEST)
    assert again.returncode == 0
    assert overlay.read_bytes() == first


def test_bad_measurements_exit_2_with_file_and_line(tmp_path: Path) -> None:
    project = _project(tmp_path)
    csv = project / "m.csv"
    csv.write_text("source,destination,rtt_ms\nfrankfurt,baku,80\nfrankfurt,nowhere,90\n")
    overlay = project / "cal.yaml"
    done = _twin("calibrate", project / "silk-road-2026.yaml", csv, "-o", overlay)
    assert done.returncode == 2
    assert f"{csv}:3:" in done.stderr
    assert "unknown node 'nowhere'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not overlay.exists()


def test_overlay_outside_the_project_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    done = _twin(
        "calibrate", ROOT / "topologies" / "silk-road-2026.yaml", RIPE, "-o", outside / "c.yaml"
    )
    assert done.returncode == 2
    assert "outside the project" in done.stderr
    assert not (outside / "c.yaml").exists()


def test_overlay_never_overwrites_its_topology(tmp_path: Path) -> None:
    project = _project(tmp_path)
    topology = project / "silk-road-2026.yaml"
    before = topology.read_bytes()
    done = _twin("calibrate", topology, RIPE, "-o", topology)
    assert done.returncode == 2
    assert "would overwrite the topology" in done.stderr
    assert topology.read_bytes() == before


def test_bad_options_exit_2(tmp_path: Path) -> None:
    project = _project(tmp_path)
    base = ("calibrate", project / "silk-road-2026.yaml", RIPE, "-o", project / "c.yaml")
    for extra in (
        ("--stat", "p95"),
        ("--detour-factor", "0.5"),
        ("--corridor", "West"),
        ("--only-corridors",),
    ):
        done = _twin(*base, *extra)
        assert done.returncode == 2, extra
        assert "Traceback" not in done.stderr
