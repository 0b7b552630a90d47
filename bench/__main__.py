"""Run every benchmark module (`bench/bench_*.py`) and write one results table.

Each module exposes ``run() -> list[Row]``; a row is a name, a value, a unit and a note (the
target, or the peer tool's figure). The table goes to the terminal and, atomically, to
``bench/results.md`` so a change's effect on performance is visible in review; a run of some
benchmarks only (``python -m bench engine``) prints its rows and leaves the file whole.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

RESULTS_PATH = Path(__file__).with_name("results.md")


@dataclass(frozen=True)
class Row:
    benchmark: str
    measure: str
    value: float
    unit: str
    note: str = ""


def _modules(selected: list[str]) -> list[str]:
    names = sorted(
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if m.name.startswith("bench_")
    )
    if selected:
        names = [n for n in names if any(s in n for s in selected)]
    return names


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("only", nargs="*", help="substrings of benchmark module names to run")
    args = parser.parse_args()
    rows: list[Row] = []
    failed: list[str] = []
    for name in _modules(args.only):
        module = importlib.import_module(f"bench.{name}")
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        try:
            rows.extend(module.run())
        except Exception as exc:  # a broken benchmark is reported, the others still run
            failed.append(f"{name}: {type(exc).__name__}: {exc}")
            print(f"   FAILED: {exc}", flush=True)
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "",
        "| benchmark | measure | value | unit | note |",
        "|---|---|---:|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.benchmark} | {row.measure} | {row.value:.4g} | {row.unit} | {row.note} |"
        )
    for failure in failed:
        lines.append(f"| FAILED | {failure} | | | |")
    text = "\n".join(lines) + "\n"
    if args.only:
        # A subset is for trying a change: the committed table stays whole.
        print(text)
        print(f"(a subset: {RESULTS_PATH.name} left as it was; run all to update it)")
    else:
        _write_atomically(RESULTS_PATH, text)
        print(text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
