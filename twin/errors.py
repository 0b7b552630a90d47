"""One exception family, so the CLI can map every expected failure to an exit code.

`InputError` carries the location of the fault (file, line, column) and a hint on how to fix it:
the CLI prints it as ``FILE:LINE:COL: message`` and exits 2, never showing a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class TwinError(Exception):
    """Base class of every error the twin raises on purpose."""


@dataclass
class Problem:
    """One fault found in an input file; validation collects many before giving up."""

    path: str
    line: int
    col: int
    message: str
    hint: str = ""
    # Set when the fault is a library call's argument (`workers`), not a file: `path` then
    # holds the parameter's name, and a caller renames it the way its user knows it (the CLI
    # shows `--workers`), so the library never speaks in command-line flags.
    parameter: str = ""

    def format(self, name: Callable[[str], str] | None = None) -> str:
        """`FILE:LINE:COL: message` and the hint; `name` renames a parameter's problem."""
        path = name(self.parameter) if self.parameter and name else self.path
        where = f"{path}:{self.line}:{self.col}" if self.line > 0 else path
        text = f"{where}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


class InputError(TwinError):
    """Bad input: one or more problems, each with a location and a hint."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems: list[Problem] = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(p.format() for p in self.problems))

    @classmethod
    def at(cls, path: str, line: int, col: int, message: str, hint: str = "") -> InputError:
        return cls(Problem(path, line, col, message, hint))

    @classmethod
    def for_parameter(cls, parameter: str, message: str, hint: str = "") -> InputError:
        """A bad argument `parameter` (its Python name): shown as `parameter: message`."""
        return cls(Problem(parameter, 0, 0, message, hint, parameter))
