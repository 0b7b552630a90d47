"""A repair pool's units, handed out first come, first served, with as few kernel events as
the schedule allows.

`simpy.Resource` does the same job with two kernel events per job even when a unit is free:
the request is an event the process waits for, and so is the release. In a decade of
stochastic failures nearly every job finds a unit free, and those events were half the
simulator's kernel events (issue #18). This queue keeps SimPy's schedule exactly, event for
event, and leaves out only the events nothing can tell apart from continuing at once:

- a request finds a unit free, nobody waiting and no other event due at this instant: the
  process would be resumed by its own request event next, before anything else happens, so
  it goes on at once (`take`);
- otherwise the request is an event scheduled now, as SimPy's is: succeeded at once when a unit
  is free, else queued and succeeded when a unit comes back to it;
- a release with nobody waiting only frees the unit (SimPy's release event has nothing to do
  then); with someone waiting it schedules the hand-over as SimPy does, one event later, and a
  request made in between serves the first waiting job first, as SimPy's does (each request or
  hand-over gives out one unit at most, SimPy's rule too).

So the faults get their units at the same instants and in the same order as with
`simpy.Resource`, and same-instant happenings keep their order (timelines stay byte-identical).
"""

from __future__ import annotations

from collections import deque

import simpy


class RepairUnits:
    """`capacity` interchangeable units; jobs wait for one in arrival order."""

    __slots__ = ("_env", "_waiting", "capacity", "in_use")

    def __init__(self, env: simpy.Environment, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"a repair pool needs at least one unit, got {capacity}")
        self._env = env
        self.capacity = capacity
        self.in_use = 0
        self._waiting: deque[simpy.Event] = deque()

    def take(self) -> simpy.Event | None:
        """Ask for a unit now. None: it is held already and the caller goes on at once (nothing
        else was due at this instant); else an event to wait for, triggered already when a
        unit was free (`queued` tells which)."""
        if self.in_use < self.capacity and not self._waiting:
            # `env.peek() > env.now`, read off SimPy's queue without two calls: nothing else
            # due at this instant.
            queue = self._env._queue
            if not queue or queue[0][0] > self._env._now:
                self.in_use += 1
                return None
        return self.request()

    def request(self) -> simpy.Event:
        """Ask for a unit: an event that succeeds when one is held (at once when one is free,
        scheduled now like any event, so what is already due at this instant happens first)."""
        ticket = simpy.Event(self._env)
        self._waiting.append(ticket)
        self._serve()
        return ticket

    @staticmethod
    def queued(ticket: simpy.Event) -> bool:
        """Whether `ticket` waits for a unit (none was free when it was asked for)."""
        return not ticket.triggered

    def release(self) -> None:
        """Give a unit back; the first waiting job gets it, one event later (as in SimPy)."""
        self.in_use -= 1
        if self._waiting:
            handover = simpy.Event(self._env)
            handover.callbacks.append(self._serve_event)
            handover.succeed()

    def _serve_event(self, _: simpy.Event) -> None:
        self._serve()

    def _serve(self) -> None:
        """Hand a free unit to the first waiting job. One at most, as SimPy's resource does
        per request or release: a second free unit goes out at the next of those."""
        if self._waiting and self.in_use < self.capacity:
            self.in_use += 1
            self._waiting.popleft().succeed()
