"""N-1 contingency, ECMP, hop metric, on SNDlib germany50 and ta2: silkroad-twin vs pyNTM.

Both tools get the same input in the same run (the topohub copies; every link 100 Gbit/s since
the sources have no capacities; SNDlib's demands) and are measured two ways:

- end to end: the whole command as a user runs it, each in its own cold process (both from
  bytecode, as installed packages run: see `_bytecode`): ours is
  `twin contingency TOPOLOGY.yaml --demands D.yaml --routing ecmp --metric hops --json OUT`
  (start-up, imports, loading and validation, analysis, table and JSON); pyNTM's is
  `python -m bench.pyntm_n1 MODEL OUT` (read the network, build its model, N-1, write a JSON);
- core call: ours `contingency()` on a freshly loaded topology in this process; pyNTM's the
  base simulation plus the fail/update/unfail loop, timed inside its process.

For every link failure both must agree on the demands left without a path and on the highest
directed-link utilisation (to 1e-6), in both measurements. Ours takes well under a second, so
one stall of this shared VM can double it: ours is the median of several runs, half just
before pyNTM's one run and half just after, so both sides see the same stretch of the
machine's weather.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.__main__ import Row

OUR_CORE_RUNS = 7
OUR_E2E_RUNS = 5
TOPOLOGIES = ("germany50", "ta2")
# What the issue asks of each: end-to-end ratio; the core ratio's target is 300x for both.
E2E_TARGET = {"germany50": 50, "ta2": 100}
CORE_TARGET = 300
TWIN = Path(sys.executable).with_name("twin")


def _imported(name: str) -> tuple[Any, str]:
    """The topohub source through our importer; a source the importer refuses for planar
    coordinates (ta2, until planar import exists) has them scaled into a lon/lat box first,
    which changes lengths but not hop counts, the metric measured here."""
    import copy

    import topohub

    from twin.errors import InputError
    from twin.io import load_source
    from twin.io.importer import from_node_link

    key = f"topohub:sndlib/{name}"
    try:
        return load_source(key), ""
    except InputError as exc:
        if "planar" not in str(exc):
            raise
    data = copy.deepcopy(topohub.get(f"sndlib/{name}"))
    xs = [n["pos"][0] for n in data["nodes"]]
    ys = [n["pos"][1] for n in data["nodes"]]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    for node in data["nodes"]:
        x, y = node["pos"]
        node["pos"] = [(x - min(xs)) / span * 40.0, (y - min(ys)) / span * 40.0]
    return from_node_link(data, key, None), "; planar coordinates scaled to lon/lat"


def _write_inputs(imported: Any, folder: Path) -> tuple[Path, Path, Path]:
    """Our topology and demands files, and the same network and demands for pyNTM."""
    import yaml

    from twin.io import render_yaml, to_topology

    topo_path, demands_path, model_path = (
        folder / "topology.yaml",
        folder / "demands.yaml",
        folder / "pyntm-model.json",
    )
    topo_path.write_text(render_yaml(imported.topology), encoding="utf-8")
    demands_path.write_text(yaml.safe_dump({"demands": imported.demands}), encoding="utf-8")
    topology = to_topology(imported)
    interfaces = [
        {
            "name": f"{link.id}@{node}",
            "cost": 1,
            "capacity": link.capacity_gbps,
            "node": node,
            "remote_node": remote,
            "circuit_id": circuit,
            "failed": False,
        }
        for circuit, link in enumerate(sorted(topology.links.values(), key=lambda x: x.id), 1)
        for node, remote in ((link.a, link.b), (link.b, link.a))
    ]
    demands = [
        {"source": d["source"], "dest": d["destination"], "traffic": d["gbps"], "name": d["id"]}
        for d in imported.demands
    ]
    model_path.write_text(
        json.dumps({"interfaces": interfaces, "demands": demands}), encoding="utf-8"
    )
    return topo_path, demands_path, model_path


def _our_core(imported: Any, demands: list[Any]) -> tuple[Times, dict[str, Any]]:
    from twin.analysis.contingency import contingency
    from twin.io import to_topology

    topology = to_topology(imported)  # fresh: no cached figure of an earlier run is reused
    started, started_cpu = time.perf_counter(), time.process_time()
    result = contingency(topology, demands, mode="n-1", routing="ecmp", metric="hops")
    elapsed = Times(time.perf_counter() - started, time.process_time() - started_cpu)
    return elapsed, {
        f.elements[0]: (sorted(f.disconnected), f.max_utilisation) for f in result.failures
    }


def _our_e2e(topo: Path, demands: Path, out: Path) -> tuple[Times, dict[str, Any]]:
    args = [str(TWIN), "contingency", str(topo), "--mode", "n-1", "--routing", "ecmp"]
    args += ["--metric", "hops", "--demands", str(demands), "--json", str(out)]
    started, started_cpu = time.perf_counter(), _children_cpu_s()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, env=_env())
    elapsed = Times(time.perf_counter() - started, _children_cpu_s() - started_cpu)
    document = json.loads(out.read_text(encoding="utf-8"))
    return elapsed, {
        f["elements"][0]: (sorted(f["disconnected"]), f["max_utilisation"])
        for f in document["failures"]
    }


def _pyntm_e2e(model: Path, out: Path) -> tuple[Times, Times, dict[str, Any]]:
    args = [sys.executable, "-m", "bench.pyntm_n1", str(model), str(out)]
    started, started_cpu = time.perf_counter(), _children_cpu_s()
    done = subprocess.run(args, check=True, capture_output=True, text=True, env=_env())
    elapsed = Times(time.perf_counter() - started, _children_cpu_s() - started_cpu)
    core = json.loads(done.stdout.strip().splitlines()[-1])
    per_failure = {k: (v[0], v[1]) for k, v in json.loads(out.read_text()).items()}
    return elapsed, Times(core["core_s"], core["core_cpu_s"]), per_failure


@dataclass(frozen=True)
class Times:
    """One measurement: wall time, and CPU time (user + system), which the other tenants of a
    shared machine disturb far less than the wall clock."""

    wall_s: float
    cpu_s: float


def _children_cpu_s() -> float:
    """CPU time (user + system) of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _env() -> dict[str, str]:
    root = str(Path(__file__).resolve().parents[1])
    return {**os.environ, "PYTHONPATH": root, "NO_COLOR": "1"}


def _agree(ours: dict[str, Any], theirs: dict[str, Any], what: str) -> None:
    if set(ours) != set(theirs):
        raise AssertionError(f"{what}: the two tools failed different links")
    bad = [
        k
        for k in sorted(theirs)
        if ours[k][0] != theirs[k][0] or abs(ours[k][1] - theirs[k][1]) > 1e-6
    ]
    if bad:
        raise AssertionError(
            f"{what}: {len(bad)} failures disagree, e.g. {bad[0]}: ours {ours[bad[0]]} vs "
            f"pyNTM {theirs[bad[0]]}"
        )


def _one(name: str) -> list[Row]:
    from twin.model import Demand

    imported, note = _imported(name)
    demands = [Demand(d["id"], d["source"], d["destination"], d["gbps"]) for d in imported.demands]
    with tempfile.TemporaryDirectory() as tmp:
        topo, demand_file, model = _write_inputs(imported, Path(tmp))
        ours_out, theirs_out = Path(tmp) / "ours.json", Path(tmp) / "theirs.json"
        core, e2e = [], []
        for _ in range(OUR_CORE_RUNS // 2):
            core.append(_our_core(imported, demands))
        for _ in range(OUR_E2E_RUNS // 2):
            e2e.append(_our_e2e(topo, demand_file, ours_out))
        theirs_e2e, theirs_core, theirs = _pyntm_e2e(model, theirs_out)
        for _ in range(OUR_E2E_RUNS - OUR_E2E_RUNS // 2):
            e2e.append(_our_e2e(topo, demand_file, ours_out))
        for _ in range(OUR_CORE_RUNS - OUR_CORE_RUNS // 2):
            core.append(_our_core(imported, demands))
    _agree(core[-1][1], theirs, f"{name} core")
    _agree(e2e[-1][1], theirs, f"{name} end to end")
    ours_core = Times(*(statistics.median(getattr(t, f) for t, _ in core) for f in _FIELDS))
    ours_e2e = Times(*(statistics.median(getattr(t, f) for t, _ in e2e) for f in _FIELDS))
    size = f"{len(theirs)} failures, {len(demands)} demands{note}"
    return _rows(name, size, (ours_e2e, theirs_e2e), (ours_core, theirs_core))


def _rows(name: str, size: str, e2e: tuple[Times, Times], core: tuple[Times, Times]) -> list[Row]:
    """The table rows of one network: (ours, pyNTM's) times end to end and of the core call."""
    bench = f"contingency {name} N-1 ECMP hops"
    identical = "identical on every failure"
    return _pair_rows(
        bench,
        ("end to end", "silkroad-twin (whole command)", "pyNTM (whole process)"),
        e2e,
        (
            f"{size}; median of {OUR_E2E_RUNS} cold processes",
            "read network, build model, N-1 fail/update/unfail, write JSON",
            f"target >= {E2E_TARGET[name]}x; {identical}",
            "user + system time of each whole process: what the other tenants disturb least",
        ),
    ) + _pair_rows(
        bench,
        ("core call", "silkroad-twin contingency()", "pyNTM"),
        core,
        (
            f"median of {OUR_CORE_RUNS}, freshly loaded topology each",
            "base simulation + N-1 loop",
            f"target >= {CORE_TARGET}x; {identical} (unrouted, max util 1e-6)",
            "CPU time of the call in each tool's process",
        ),
    )


def _pair_rows(
    bench: str, names: tuple[str, str, str], times: tuple[Times, Times], notes: tuple[str, ...]
) -> list[Row]:
    """Ours, pyNTM's (wall time, CPU in the note) and the two ratios, wall and CPU."""
    part, our_name, their_name = names
    ours, theirs = times
    our_note, their_note, ratio_note, cpu_note = notes
    return [
        Row(bench, f"{part}: {our_name}", ours.wall_s, "s", f"{our_note}; CPU {ours.cpu_s:.3f} s"),
        Row(
            bench,
            f"{part}: {their_name}",
            theirs.wall_s,
            "s",
            f"{their_note}; CPU {theirs.cpu_s:.1f} s",
        ),
        Row(bench, f"{part}: speed ratio", theirs.wall_s / ours.wall_s, "x", ratio_note),
        Row(bench, f"{part}: speed ratio, CPU time", theirs.cpu_s / ours.cpu_s, "x", cpu_note),
    ]


_FIELDS = ("wall_s", "cpu_s")


def _bytecode() -> None:
    """Compile twin's modules to bytecode, as `pip install` does for every package it installs
    (pyNTM's included). A source checkout run with PYTHONDONTWRITEBYTECODE set (as on the
    machines these figures come from) would otherwise compile all of twin's modules from
    source in every cold process, a cost no installed twin has."""
    import compileall

    import twin

    compileall.compile_dir(Path(twin.__file__).parent, quiet=1)


def run() -> list[Row]:
    _bytecode()
    rows: list[Row] = []
    for name in TOPOLOGIES:
        rows += _one(name)
    return rows
