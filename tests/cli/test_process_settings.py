"""A `twin` process tunes its collector; `main(argv)` in a caller's process changes nothing
of the caller's."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap

import pytest

from twin.cli.app import main
from twin.gc_pause import COMMAND_YOUNG_THRESHOLD

# `twin --help` as the console script runs it (`main()` reads sys.argv and exits); at exit
# the settings the process ran with are printed.
_PROCESS = textwrap.dedent(
    """
    import atexit, gc, os, sys
    from twin.cli.app import main
    def report():
        print(gc.get_threshold()[0], gc.get_freeze_count() > 0, file=sys.stderr)
    atexit.register(report)
    sys.argv = ["twin", "--help"]
    main()
    """
)


def _twin_process(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _PROCESS], capture_output=True, text=True, env=env)


def test_a_twin_process_collects_less_often_and_freezes_at_exit() -> None:
    done = _twin_process(dict(os.environ))
    assert done.returncode == 0
    assert "Usage" in done.stdout
    assert done.stderr.split() == [str(COMMAND_YOUNG_THRESHOLD), "True"]


def test_main_with_arguments_leaves_the_callers_process_alone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    assert main(["--help"]) == 0
    assert "Usage" in capsys.readouterr().out
    assert gc.get_threshold() == threshold
    assert gc.get_freeze_count() == frozen
