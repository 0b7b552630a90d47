"""Peak memory of `twin contingency --mode n-2 --json` on SNDlib ta2 (the whole process).

ta2 N-2 with ECMP and the hop metric is 5,778 failures over 1,614 demands and a JSON document
of ~90 MiB. The command runs as a user runs it, in its own process, and its peak resident set
comes from the kernel's accounting of that one child (wait4), not from sampling.
Target: <= 250 MiB (the document is streamed, never held whole).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

from bench.__main__ import Row
from bench.bench_contingency import TWIN, _env, _imported, _write_inputs

TARGET_MIB = 250


def run() -> list[Row]:
    imported, note = _imported("ta2")
    with tempfile.TemporaryDirectory() as tmp:
        topo, demands, _model = _write_inputs(imported, Path(tmp))
        out = Path(tmp) / "n2.json"
        args = [str(TWIN), "contingency", str(topo), "--mode", "n-2", "--routing", "ecmp"]
        args += ["--metric", "hops", "--demands", str(demands), "--json", str(out)]
        started = time.perf_counter()
        child = subprocess.Popen(args, stdout=subprocess.DEVNULL, env=_env())
        _pid, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise RuntimeError(f"twin contingency exited {child.returncode}")
        size_mib = out.stat().st_size / 2**20
    peak_mib = usage.ru_maxrss / 1024  # Linux reports KiB
    return [
        Row(
            "contingency ta2 N-2 ECMP hops --json",
            "peak resident memory (whole command)",
            peak_mib,
            "MiB",
            f"target <= {TARGET_MIB}; {size_mib:.0f} MiB JSON written in {elapsed:.0f} s{note}",
        )
    ]
