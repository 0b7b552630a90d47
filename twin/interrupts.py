"""Ctrl-C that stops the work but never the writing of what was done.

Python raises KeyboardInterrupt wherever the main thread happens to be. A long run must stop
promptly (so the exception is welcome while a replication runs or a worker is awaited), but the
same exception arriving while the statistics are aggregated, the table printed or the results
file written loses every finished replication: `twin run --precision 0.001 --json` lost all
its results in about one try in twenty that way.

`sigint_deferred()` installs a handler that only records the signal, and raises
KeyboardInterrupt only inside `Interrupts.interruptible()` blocks, the places where stopping
loses at most the work in progress. Everything else (aggregation, output) runs to its end and
then looks at `requested`.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Interrupts:
    """Whether Ctrl-C was pressed, and where it may raise."""

    def __init__(self) -> None:
        self.requested = False
        self._raising = False

    def handle(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True
        if self._raising:
            self._raising = False  # one exception per block, even for a second Ctrl-C
            raise KeyboardInterrupt

    @contextmanager
    def interruptible(self) -> Iterator[None]:
        """A block that Ctrl-C may abandon (KeyboardInterrupt), also when pressed just before."""
        if self.requested:
            raise KeyboardInterrupt
        self._raising = True
        try:
            yield
        finally:
            self._raising = False


_ACTIVE: Interrupts | None = None


@contextmanager
def sigint_deferred() -> Iterator[Interrupts]:
    """Record SIGINT instead of raising it, for the duration of the block.

    Nested uses share the outermost one, so a command that wraps a library call sees the
    signal the library deferred. Off the main thread (where Python cannot install handlers) the
    signal keeps its usual behaviour and `requested` stays False.
    """
    global _ACTIVE
    if _ACTIVE is not None:
        yield _ACTIVE
        return
    state = Interrupts()
    if threading.current_thread() is not threading.main_thread():
        yield state
        return
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        yield state  # started with Ctrl-C ignored (nohup, a shell's background job): keep it so
        return
    previous = signal.signal(signal.SIGINT, state.handle)
    _ACTIVE = state
    try:
        yield state
    finally:
        _ACTIVE = None
        signal.signal(signal.SIGINT, previous)


def ignore_sigint() -> None:
    """For worker processes: Ctrl-C in a terminal reaches the whole process group, and the
    parent, not each worker, decides what an interrupt means (keep the finished replications).
    A worker killed mid-task would instead break the pool and turn Ctrl-C into a crash."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
