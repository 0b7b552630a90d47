"""The calibration overlay: a topology file that `extends:` the calibrated one and adds only a
`latency_calibration:` block, so the fit is reviewed, versioned and reverted like any variant.

The overlay must lie in the same project as the topology it extends (the loader's confinement
rule): it is checked before anything is written, and the file written is loaded back and
validated, so a calibration that would not load is never left behind.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from twin.atomic import write_text_atomic
from twin.errors import InputError
from twin.loading.paths import resolve_reference
from twin.loading.yaml_marks import Mark
from twin.results.calibration import CalibrationResult

_MAX_NAME = 64
_SUFFIX = "-calibrated"


def _extends(topology_path: Path, out: Path) -> str:
    relative = os.path.relpath(topology_path.resolve(), out.resolve().parent)
    return Path(relative).as_posix()


def overlay_text(result: CalibrationResult, topology_path: Path, out: Path, date: str) -> str:
    """The overlay's YAML (comments of our own wording; every value through a YAML dumper)."""
    name = result.topology[: _MAX_NAME - len(_SUFFIX)] + _SUFFIX
    block: dict[str, object] = {
        "stretch": result.stretch,
        "overhead_ms": result.overhead_ms,
        "source": Path(result.measurements_path).name,
        "fitted_on": (
            f"{result.statistic} RTT of {len(result.fitted)} {result.format} "
            f"({len(result.flagged)} flagged and left out)"
        ),
        "date": date,
    }
    if result.out_of_sample_mae_ms is not None:
        block["out_of_sample_mae_ms"] = round(result.out_of_sample_mae_ms, 2)
    if result.corridors:
        block["corridors"] = [
            {
                "name": c.name,
                "countries": list(c.countries),
                "stretch": c.stretch,
                "overhead_ms": c.overhead_ms,
            }
            for c in result.corridors
        ]
    document = {
        "name": name,
        "description": f"{result.topology} with RTTs calibrated on measurements (twin calibrate)",
        "extends": _extends(topology_path, out),
        "latency_calibration": block,
    }
    header = (
        "# Written by `twin calibrate`: reported RTT = stretch × fibre RTT + overhead_ms, never\n"
        "# below the fibre RTT, which every output keeps beside it as fibre_rtt_ms. Routing\n"
        "# still follows fibre latency. The residual table: twin calibrate ... --json FILE.\n"
    )
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def write_overlay(result: CalibrationResult, topology_path: Path, out: Path, date: str) -> None:
    """Check confinement, write atomically, and load the file back to prove it validates."""
    from twin.loading import load_topology

    if out.resolve() == topology_path.resolve():
        raise InputError.about(
            str(out),
            "the overlay would overwrite the topology it extends",
            "write the overlay to a new file, e.g. NAME-calibrated.yaml beside the topology",
        )
    mark = Mark(str(out), 1, 1)
    resolve_reference(_extends(topology_path, out), out, mark, "extends")
    write_text_atomic(out, overlay_text(result, topology_path, out, date))
    try:
        load_topology(out)
    except Exception:  # never leave behind an overlay that does not load
        out.unlink(missing_ok=True)
        raise
