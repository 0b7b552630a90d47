"""A property worked out on its first read and kept on the instance: `functools.cached_property`
without its lock.

On Python 3.11 `cached_property` takes a re-entrant lock on every first read (3.12 dropped it),
which costs more than the small figures it caches: the derived figures of a demand's route are
read for the first time for every route of every failure state a simulation meets, and those
first reads were a measurable share of a cold Monte Carlo replication. The values cached here
are pure functions of an immutable instance, so two threads working one out at once get the
same value; no lock is needed.

Like `cached_property` this is a non-data descriptor: once the value sits in the instance's
`__dict__`, reads find it there without calling anything (so it also works on frozen
dataclasses, whose `__setattr__` it never goes through).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")


class once(Generic[T]):
    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> once[T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> T | once[T]:
        if instance is None:
            return self
        value = self.func(instance)
        instance.__dict__[self.name] = value
        return value
