"""What a request to run a scenario means: one simulation or replications, checked up front.

The options of a run combine in ways that mean nothing (the state of one run at a time, asked
of many replications; a cluster for a single process). They are refused here, before anything
runs, in the library's own parameter names (`twin.errors.option`), so the command line and a
notebook refuse the same requests with the same words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from twin.errors import InputError, option
from twin.option_values import MAX_REPLICATIONS
from twin.units import UnitError, parse_duration_h

if TYPE_CHECKING:  # kept light: `twin run --help` imports this module for its default
    from twin.model import Scenario
    from twin.montecarlo_rare import RareMode

# Replications of a run from a state when neither replications nor precision is given: the
# restoration curve is a probability, and 200 runs put its 95 % interval within about ±0.07.
DEFAULT_STATE_REPLICATIONS = 200


@dataclass(frozen=True)
class ReplicationOptions:
    """The options of replicated runs, passed on to `run_replications` as they are."""

    replications: int | None
    precision: float | None
    max_replications: int
    workers: int
    scheduler: str | None
    watch: tuple[str, ...]
    rare_events: RareMode | None = None


@dataclass(frozen=True)
class RunPlan:
    """A checked run request: replications (`replicated`), or one run with its streams
    (`replication`) and, when asked, the time of the state to keep (`snapshot_at_h`)."""

    replicated: ReplicationOptions | None
    replication: int = 0
    snapshot_at_h: float | None = None


@dataclass(frozen=True)
class RunRequest:
    """What was asked of a run, as given (None: not given); `plan_run` says what it means."""

    replications: int | None = None
    precision: float | None = None
    max_replications: int = 1000
    workers: int = 1
    scheduler: str | None = None
    watch: Sequence[str] = ()
    rare_events: str | None = None
    replication: int | None = None
    timeline: Path | None = None
    state_out: Path | None = None
    at: str | None = None


def plan_run(scenario: Scenario, request: RunRequest) -> RunPlan:
    """The run `request` asks for, or InputError for a combination that means nothing.

    A run from a state (the scenario's `state`) is replicated by default
    (DEFAULT_STATE_REPLICATIONS), unless something asks for one run (a replication, a
    timeline, a state to keep).
    """
    snapshot = snapshot_time(scenario, request)
    single = snapshot is not None or request.replication is not None
    single = single or request.timeline is not None
    replications = request.replications
    asked = replications is not None or request.precision is not None
    if scenario.state is not None and not single and not asked:
        replications = DEFAULT_STATE_REPLICATIONS
    _check_replication(request.replication, replications, request.precision)
    if replications is not None or request.precision is not None:
        if request.timeline is not None:
            raise InputError.for_parameter(
                "timeline",
                "a timeline is the event log of one replication; with "
                f"{option('replications')} or {option('precision')} there are many",
                f"ask for one run: {option('timeline')} {request.timeline} without "
                f"{option('replications')} (add {option('seed')} S for another sample)",
            )
        options = ReplicationOptions(
            replications,
            request.precision,
            request.max_replications,
            request.workers,
            request.scheduler,
            tuple(request.watch),
            rare_mode(request.rare_events),
        )
        return RunPlan(options)
    _check_single_run(request)
    return RunPlan(None, request.replication or 0, snapshot)


def _check_replication(
    replication: int | None, replications: int | None, precision: float | None
) -> None:
    """A chosen replication is the index of one that replications would run, and only for a
    single run."""
    if replication is None:
        return
    if not 0 <= replication < MAX_REPLICATIONS:
        raise InputError.for_parameter(
            "replication",
            f"{option('replication')} {replication} is outside the allowed range 0 to "
            f"{MAX_REPLICATIONS - 1:,} (the index of one of the replications "
            f"{option('replications')} would run)",
            f"e.g. {option('replication')} 0",
        )
    if replications is not None or precision is not None:
        raise InputError.for_parameter(
            "replication",
            f"{option('replication')} chooses the streams of a single run",
            f"drop it, or drop {option('replications')}/{option('precision')}",
        )


def _check_single_run(request: RunRequest) -> None:
    """Options of replicated runs, refused for a single run rather than ignored: the user who
    asked for a cluster or an estimator would silently get one process and one sample."""
    more = f"add {option('replications')} N or {option('precision')} R"
    if request.rare_events is not None:
        raise InputError.for_parameter(
            "rare_events",
            f"{option('rare_events')} chooses the estimator of replicated runs; a single run is "
            "one sample",
            f"{more}, or drop {option('rare_events')}",
        )
    if request.watch:
        raise InputError.for_parameter(
            "watch",
            f"{option('watch')} chooses the demands the {option('precision')} rule watches",
            f"add {option('precision')} R, or drop {option('watch')} "
            "(every demand is reported anyway)",
        )
    if request.scheduler is not None:
        raise InputError.for_parameter(
            "scheduler",
            f"{option('scheduler')} runs replications on a Dask cluster; a single run is one "
            "process",
            f"{more}, or drop {option('scheduler')}",
        )
    if request.workers < 1:
        raise InputError.for_parameter("workers", f"must be at least 1, got {request.workers}")


def rare_mode(value: str | None) -> RareMode | None:
    """The rare-events estimator named by `value`, refused unless it is one of the modes."""
    from twin.montecarlo_rare import RARE_MODES

    for mode in RARE_MODES:
        if value == mode:
            return mode
    if value is None:
        return None
    raise InputError.for_parameter("rare_events", f"unknown mode {value!r}", "use auto, on or off")


def snapshot_time(scenario: Scenario, request: RunRequest) -> float | None:
    """The time (hours) of the state to keep, checked before anything runs; None: none.

    A state's times are dates, so only a run with a date (a start date or a state's as_of) can
    be kept; and a state is what one run left, so replications have none.
    """
    from twin.sim.engine import calendar_start

    at = request.at
    if request.state_out is None:
        if at is not None:
            raise InputError.for_parameter(
                "at",
                f"{option('at')} is the time of {option('state_out')}",
                f"add {option('state_out')}",
            )
        return None
    if at is None:
        raise InputError.for_parameter(
            "state_out",
            f"{option('state_out')} needs {option('at')} TIME",
            f"e.g. {option('at')} 30d",
        )
    if request.replications is not None or request.precision is not None:
        raise InputError.for_parameter(
            "state_out",
            "a state is what one run left at a time; with "
            f"{option('replications')} or {option('precision')} there are many",
            f"drop {option('replications')}/{option('precision')} (choose the run with "
            f"{option('replication')} N)",
        )
    if calendar_start(scenario) is None:
        raise InputError.for_parameter(
            "state_out",
            f"{scenario.name} has no date: a state file's times are dates, and a run has them "
            "only from a start date or a state (its as_of)",
            "add start: YYYY-MM-DD to the scenario, or give the run a state "
            f"({option('state')} FILE, or state: in the scenario)",
        )
    try:
        at_h = parse_duration_h(at)
    except UnitError as exc:
        raise InputError.for_parameter(
            "at", f"{option('at')}: {exc}", f"e.g. {option('at')} 30d"
        ) from exc
    if not 0 < at_h < scenario.horizon_h:
        raise InputError.for_parameter(
            "at",
            f"{option('at')} {at} is outside the run: it must lie after 0 and before the "
            f"horizon ({scenario.horizon_h:g} h)",
            "choose a time inside the horizon",
        )
    return at_h
