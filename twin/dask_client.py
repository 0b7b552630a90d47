"""Connecting to a Dask distributed cluster (`--scheduler ADDRESS`), for every command that
can spread its work over one: Monte Carlo replications, sweeps and contingency analysis.

Dask is an optional extra: it is imported only here and only when a scheduler is given, and
its absence or an unreachable scheduler is the user's input error (exit 2, with what to do),
never a traceback.
"""

from __future__ import annotations

from typing import Any

from twin.errors import InputError

# How long to wait for a Dask scheduler before saying it cannot be reached: long enough for a
# scheduler on another machine of the same network, short enough that a typo fails quickly.
DASK_CONNECT_TIMEOUT_S = 10.0


def connect(scheduler: str, timeout_s: float | None = None) -> Any:
    """A `distributed.Client` connected to `scheduler` (tcp://HOST:8786)."""
    try:
        from distributed import Client
    except ModuleNotFoundError:
        raise InputError.for_parameter(
            "scheduler",
            "Dask distributed is not installed",
            "pip install 'silkroad-twin[dask]'",
        ) from None
    wait_s = DASK_CONNECT_TIMEOUT_S if timeout_s is None else timeout_s
    try:
        return Client(scheduler, timeout=wait_s)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError.for_parameter(
            "scheduler",
            f"cannot reach the Dask scheduler at {scheduler}: is `dask scheduler` running? "
            f"({type(exc).__name__}: {exc})",
            "start one with `dask scheduler` and pass the tcp://HOST:8786 address it prints",
        ) from None


def finished_within(future: Any, timeout_s: float) -> bool:
    """Whether a Dask future finished, waiting at most `timeout_s` (so a caller can look at
    Ctrl-C between waits). Only called with a future, so Dask is installed."""
    try:
        from distributed import wait
    except ModuleNotFoundError:  # pragma: no cover - a future exists only with distributed
        raise InputError.about(
            "scheduler", "Dask distributed is not installed", "pip install 'silkroad-twin[dask]'"
        ) from None
    try:
        wait([future], timeout=timeout_s)  # type: ignore[no-untyped-call]
    except TimeoutError:
        return False
    return True
