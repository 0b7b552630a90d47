"""A bounded least-recently-used map: the one shape of every memo the twin keeps.

Memos here hold values that are pure functions of their key (a failure state's routing, what
a state means per demand, which demands a transition touches), so evicting one changes no
result, only the time to work it out again. The bound keeps a long Monte Carlo run that meets
ever new failure combinations from growing without limit.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Lru(Generic[K, V]):
    """At most `max_entries` values; a lookup makes its key the most recently used."""

    def __init__(self, max_entries: int) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}")
        self.max_entries = max_entries
        self._values: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: K) -> V | None:
        value = self._values.get(key)
        if value is not None:
            self._values.move_to_end(key)
        return value

    def peek(self, key: K) -> V | None:
        """The value under `key`, if held, leaving the order of use as it is."""
        return self._values.get(key)

    def put(self, key: K, value: V) -> V:
        """Keep `value` under `key`, dropping the least recently used beyond the bound."""
        self._values[key] = value
        self._values.move_to_end(key)
        if len(self._values) > self.max_entries:
            self._values.popitem(last=False)
        return value
