"""One exception family, so the CLI can map every expected failure to an exit code.

`InputError` carries the location of the fault (file, line, column) and a hint on how to fix it:
the CLI prints it as ``FILE:LINE:COL: message`` and exits 2, never showing a traceback.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass

# How a library message names one of its caller's arguments: `option("time_budget_s")` marks
# the name, and whoever shows the message renders it the way its user knows the argument: the
# CLI as the option (`--time-budget`, `twin.cli.app.flag_of`), Python as the parameter itself.
# So the library never spells a command-line flag, and one message serves both.
_OPTION = re.compile("\u2039([a-z_][a-z0-9_]*)\u203a")


def option(parameter: str) -> str:
    """`parameter` (a Python name) marked for rendering by whoever shows the message."""
    return f"\u2039{parameter}\u203a"


def render_options(text: str, name: Callable[[str], str] | None = None) -> str:
    """`text` with each `option(...)` shown by `name` (default: the parameter name)."""
    return _OPTION.sub(lambda m: name(m.group(1)) if name else m.group(1), text)


class TwinError(Exception):
    """Base class of every error the twin raises on purpose."""

    def message(self, name: Callable[[str], str] | None = None) -> str:
        """The message, its `option(...)` names shown by `name` (see `render_options`)."""
        return render_options(str(self.args[0]) if self.args else "", name)

    def __str__(self) -> str:
        return self.message()


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

    @classmethod
    def for_parameter(cls, parameter: str, message: str, hint: str = "") -> Problem:
        """A bad argument `parameter` (its Python name), not a place in a file."""
        return cls(parameter, 0, 0, message, hint, parameter)

    def rendered(self, name: Callable[[str], str] | None = None) -> Problem:
        """The problem as its user reads it: the parameter and the `option(...)` names in its
        message and hint shown by `name` (the CLI: as options)."""
        path = name(self.parameter) if self.parameter and name else self.path
        return dataclasses.replace(
            self,
            path=path,
            message=render_options(self.message, name),
            hint=render_options(self.hint, name),
        )

    def format(self, name: Callable[[str], str] | None = None) -> str:
        """`FILE:LINE:COL: message` and the hint; `name` renames a parameter's problem."""
        shown = self.rendered(name)
        where = f"{shown.path}:{shown.line}:{shown.col}" if shown.line > 0 else shown.path
        text = f"{where}: {shown.message}"
        if shown.hint:
            text += f"\n    hint: {shown.hint}"
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
    def about(cls, subject: str, message: str, hint: str = "") -> InputError:
        """A problem with a file (or an option) as a whole, at no line: `subject: message`."""
        return cls(Problem(subject, 0, 0, message, hint))

    @classmethod
    def for_parameter(cls, parameter: str, message: str, hint: str = "") -> InputError:
        """A bad argument `parameter` (its Python name): shown as `parameter: message`."""
        return cls(Problem.for_parameter(parameter, message, hint))
