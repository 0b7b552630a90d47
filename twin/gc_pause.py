"""Pausing Python's cyclic garbage collector while a large acyclic structure is built, and the
collector settings of a `twin` command process (further down).

Loading a backbone of thousands of links allocates hundreds of thousands of small containers
that never form reference cycles; each generational collection the allocations trigger rescans
all of them, which costs more than the build itself (measured: load + validate of topohub's
backbone/world fell from about 5 s to about 2.5 s on the 2-core reference machine). Reference
counting still frees everything at once; the collector resumes, in its previous state, when the
block ends, even on an exception.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Keep the cyclic collector off what already exists while a block runs.

    A simulation allocates events at a steady pace, and every collection of the oldest
    generation it triggers rescans every object already alive: the scenario, the topology and
    the routing and observer caches its replications share, which only grow. Freezing them
    (`gc.freeze`) leaves the collector to scan what the block itself allocates, so cyclic
    garbage is still collected (memory stays bounded in a long run), and `gc.unfreeze` hands
    them back when the block ends, even on an exception. Measured on annual-reliability: a
    fifth of a cold Monte Carlo replication went to those rescans. When something else froze
    the heap already (a pre-fork server), it is left as it is.
    """
    mine = gc.get_freeze_count() == 0
    if mine:
        gc.freeze()
    try:
        yield
    finally:
        if mine:
            gc.unfreeze()


# Allocations between two young-generation collections in a `twin` process (Python's default
# is 700): at most a few MB of cyclic garbage waits for its collection.
COMMAND_YOUNG_THRESHOLD = 50_000


def collect_less_often() -> None:
    """Set a `twin` command process's young-generation threshold to `COMMAND_YOUNG_THRESHOLD`.

    A command builds what lives until it ends (imported modules, the topology, routing tables,
    results) and makes little cyclic garbage, so a young collection every 700 allocations
    mostly traces survivors, again at each promotion. Measured with cachegrind: 1.9 % of
    `twin contingency` on germany50 (ECMP, N-1) and 2.7 % of a cold `twin run
    trans-caspian-cut`; the peak memory of ta2's N-2 stayed at 172.6 MB. Garbage without
    cycles is freed at once by reference counting whatever the threshold.
    """
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(COMMAND_YOUNG_THRESHOLD, middle, oldest)


def skip_final_collections() -> None:
    """Spare a finished command the interpreter's teardown of everything it imported.

    At exit Python clears every module and collects what that leaves in reference cycles:
    every class, function and module dict of typer, rich, pydantic and the twin, traced and
    freed one by one to return memory the operating system takes back anyway: 3 % of a whole
    small `twin contingency` run (60 M of 1.99 G instructions, cachegrind, germany50). Frozen
    objects (`gc.freeze`) are left out of those collections. Called only when the process is
    about to end, after the command's outputs are written and closed: atexit handlers and
    the final flush of the standard streams still run; only the finalisers of objects caught
    in reference cycles, which no command relies on, are not run.
    """
    gc.freeze()
