"""`twin contingency --scheduler`: failures spread over a Dask cluster give the same document,
byte for byte, as one process; a missing Dask or a clash with --workers is bad input; Ctrl-C
cancels the cluster's work and writes the failures collected, marked partial (exit 130)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from twin.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
T2026 = ROOT / "topologies" / "silk-road-2026.yaml"
ARGS = ["contingency", str(T2026), "--mode", "n-2"]


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    distributed = pytest.importorskip("distributed")
    # Two single-threaded workers in this process: starts in about a second, and the tasks
    # still go through the scheduler, scattering and per-worker evaluators as on a cluster.
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


@pytest.mark.parametrize("routing", ["shortest", "ecmp"])
def test_a_two_worker_cluster_writes_the_same_bytes_as_one_process(
    scheduler: str, routing: str, tmp_path: Path
) -> None:
    local, spread = tmp_path / "local.json", tmp_path / "dask.json"
    assert main([*ARGS, "--routing", routing, "--json", str(local)]) == 0
    assert main([*ARGS, "--routing", routing, "--json", str(spread), "--scheduler", scheduler]) == 0
    assert spread.read_bytes() == local.read_bytes()
    assert b'"label": "links ' in local.read_bytes()  # N-2 pairs were evaluated


def test_without_dask_the_scheduler_option_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    assert main([*ARGS, "--scheduler", "tcp://127.0.0.1:8786"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("--scheduler: ") and "pip install 'silkroad-twin[dask]'" in err
    assert "Traceback" not in err


def test_workers_and_scheduler_together_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, "--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"]) == 2
    assert capsys.readouterr().err.startswith("--workers: ")


@pytest.fixture(scope="module")
def tcp_scheduler() -> Iterator[str]:
    """As `scheduler`, reachable from another process (the `twin` command run for real)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        yield cluster.scheduler_address


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_on_a_cluster_writes_the_prefix_collected(
    tcp_scheduler: str, tmp_path: Path
) -> None:
    scheduler = tcp_scheduler
    twin = str(Path(sys.executable).with_name("twin"))
    whole, cut = tmp_path / "whole.json", tmp_path / "cut.json"
    heavy = [twin, *ARGS, "--routing", "ecmp", "--gravity", "1000", "--scheduler", scheduler]
    started = time.monotonic()
    done = subprocess.run([*heavy, "--json", str(whole)], capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr
    took_s = time.monotonic() - started
    proc = subprocess.Popen([*heavy, "--json", str(cut)], stderr=subprocess.PIPE)
    time.sleep(0.6 * took_s)  # past start-up (a fraction of it), before the end
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode in (0, 130), err.decode()
    assert b"Traceback" not in err
    full, document = json.loads(whole.read_text()), json.loads(cut.read_text())
    evaluated = len(document["failures"])
    assert document["failures_total"] == len(full["failures"])
    assert document["partial"] is (evaluated < len(full["failures"]))
    if proc.returncode == 0:
        assert not document["partial"]
    # What was kept is the same failures, in the same order, as the whole analysis.
    assert document["failures"] == full["failures"][:evaluated]
