"""The collector settings of a `twin` process: fewer young collections, none at exit."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap

from twin.gc_pause import COMMAND_YOUNG_THRESHOLD, collect_less_often


def test_collect_less_often_raises_only_the_young_threshold() -> None:
    before = gc.get_threshold()
    try:
        collect_less_often()
        assert gc.get_threshold() == (COMMAND_YOUNG_THRESHOLD, before[1], before[2])
        assert gc.isenabled()
    finally:
        gc.set_threshold(*before)


def test_skip_final_collections_freezes_the_heap_and_exit_still_runs_its_handlers() -> None:
    # In a child: freezing this test process's heap would outlive the test.
    script = textwrap.dedent(
        """
        import atexit, gc, sys
        from twin.gc_pause import skip_final_collections
        cycle = []
        cycle.append(cycle)
        atexit.register(lambda: print("frozen", gc.get_freeze_count() > 0, flush=True))
        skip_final_collections()
        sys.exit(7)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 7
    assert done.stdout == "frozen True\n"
    assert done.stderr == ""
