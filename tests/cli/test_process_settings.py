"""A `twin` process tunes itself (collector, pydantic plugins); `main(argv)` in a caller's
process changes nothing of the caller's."""

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
        print(os.environ.get("PYDANTIC_DISABLE_PLUGINS"), gc.get_threshold()[0],
              gc.get_freeze_count() > 0, file=sys.stderr)
    atexit.register(report)
    sys.argv = ["twin", "--help"]
    main()
    """
)


def _twin_process(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _PROCESS], capture_output=True, text=True, env=env)


def test_a_twin_process_skips_plugins_collects_less_often_and_freezes_at_exit() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    done = _twin_process(env)
    assert done.returncode == 0
    assert "Usage" in done.stdout
    assert done.stderr.split() == ["__all__", str(COMMAND_YOUNG_THRESHOLD), "True"]


def test_plugins_asked_for_in_the_environment_are_left_on() -> None:
    done = _twin_process({**os.environ, "PYDANTIC_DISABLE_PLUGINS": "0"})
    assert done.returncode == 0
    assert done.stderr.split()[0] == "0"


def test_main_with_arguments_leaves_the_callers_process_alone(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    assert main(["--help"]) == 0
    assert "Usage" in capsys.readouterr().out
    assert "PYDANTIC_DISABLE_PLUGINS" not in os.environ
    assert gc.get_threshold() == threshold
    assert gc.get_freeze_count() == frozen
