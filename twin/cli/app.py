"""Entry point of the `twin` command: builds the Typer app and maps errors to exit codes.

Exit codes (for CI): 0 success; 1 a check or gate failed; 2 bad input or usage (with a
``FILE:LINE:COL:`` message, never a traceback); 3 an internal error (a bug: please report it);
130 interrupted; 141 the reader of standard output went away before a document was written.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from twin.atomic import (
    canonical_json,
    canonical_json_chunks,
    write_chunks_atomic,
    write_json_atomic,
    write_text_atomic,
)
from twin.errors import InputError, Problem, TwinError
from twin.gc_pause import collect_less_often, skip_final_collections
from twin.report.terminal_text import plain

if TYPE_CHECKING:
    from rich.progress import Progress

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as the shell reports a tool whose reader went away

# Every command `twin` has, as the README's command table lists them. `register_commands`
# fails loudly when the registered set differs, so a command cannot silently go missing.
COMMANDS: tuple[str, ...] = (
    "validate",
    "analyze",
    "calibrate",
    "contingency",
    "run",
    "sweep",
    "rank",
    "check",
    "diff",
    "backtest",
    "import",
    "export",
    "report",
    "plot",
    "schema",
)

app = typer.Typer(
    name="twin",
    help=(
        "silkroad-twin: a digital twin of long-haul backbone networks.\n\n"
        "Load and validate topologies (twin validate), ask where traffic goes and what single "
        "failures disconnect (twin analyze), simulate cuts, repairs and failovers over time "
        "(twin run), and gate topology changes in CI (twin check, twin diff).\n\n"
        "Exit codes: 0 ok, 1 a check failed, 2 bad input, 3 internal error, 130 interrupted."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


@app.callback()
def _options(
    ctx: typer.Context,
    allow_path: Annotated[
        list[Path] | None,
        typer.Option(
            "--allow-path",
            metavar="DIR",
            help=(
                "Let extends: and a scenario's topology: name files under DIR too (repeatable). "
                "Without it they may only name files inside the project of the file that names "
                "them: the nearest directory above it with .git or pyproject.toml, else its own "
                "directory. Give it before the command: twin --allow-path ../shared validate ..."
            ),
        ),
    ] = None,
) -> None:
    """Options for every command (the help text is the app's)."""
    if allow_path:
        from twin.loading.paths import allowed_paths

        ctx.with_resource(allowed_paths(allow_path))


# Width for tables when output is not a terminal (CI logs, files): wide enough for a summary
# table on one line per row; a terminal's own width is used otherwise, COLUMNS overrides both.
PIPE_WIDTH = 160


def _width(stream_is_tty: bool) -> int | None:
    if os.environ.get("COLUMNS"):
        return None  # rich reads COLUMNS itself
    return None if stream_is_tty else PIPE_WIDTH


class _Console(Console):
    """A rich console that survives its reader going away.

    `twin run ... --json out.json | head -1` closes the pipe after one line; rich's default is
    to exit with status 1 there, which CI reads as "a check failed", and the results the
    command had still to write were lost. Instead the rest of the table is discarded and the
    command finishes its work and exits with its own status.
    """

    def on_broken_pipe(self) -> None:
        self.quiet = True
        _discard_stdout()


def _discard_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (an embedding host): nothing to redirect
        pass
    finally:
        os.close(devnull)


def stderr_console() -> Console:
    """Rich console on stderr; rich itself honours NO_COLOR and non-terminal output.

    Markup and emoji codes are off: a string printed is printed as written, so user text (a
    node named `[/]`, a key `:x:`) can never be read as styling; styles come from `Text`.
    """
    return _Console(
        stderr=True, highlight=False, markup=False, emoji=False, width=_width(sys.stderr.isatty())
    )


def progress_bar(label: str, count: str, *, show: bool) -> Progress:
    """The one progress bar of the commands: label, bar, count, elapsed time, on stderr.

    `label` and `count` are Rich task templates (`{task.completed}`, `{task.fields[x]}`), never
    markup, so a scenario or incident name shown in them prints as written. The bar is
    transient and off when `show` is false (not a terminal, or --quiet).
    """
    # Imported here: a command whose output is not a terminal may skip the bar and its module.
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn(label, markup=False),
        BarColumn(),
        TextColumn(count, markup=False),
        TimeElapsedColumn(),
        console=stderr_console(),
        disable=not show,
        transient=True,
    )


def stdout_console() -> Console:
    return _Console(highlight=False, markup=False, emoji=False, width=_width(sys.stdout.isatty()))


# Library parameters whose option is not `--` + the name with dashes.
_FLAG_OF_PARAMETER = {
    "gravity_gbps": "--gravity",
    "fmt": "--output",
    "specs": "--demand",
    "watch": "--demand",
    "demands_file": "--demands",
    "method": "--availability-method",
    "time_budget_s": "--time-budget",
    "grid": "--set",
    "allowed_paths": "--allow-path",
}


def flag_of(parameter: str) -> str:
    """The option a library parameter comes from: `max_replications` is `--max-replications`."""
    return _FLAG_OF_PARAMETER.get(parameter, "--" + parameter.replace("_", "-"))


def print_problem(console: Console, problem: Problem) -> None:
    """`FILE:LINE:COL: message` and its hint, as plain text whatever the file or message hold.

    A library call's bad argument is shown under the option the user typed (`--workers`).
    """
    console.print(plain(problem.format(flag_of)), soft_wrap=True)


# Machine outputs (--json, --markdown, export -o) given as this go to standard output.
STDOUT = "-"


def is_stdout(path: str | Path | None) -> bool:
    return path is not None and str(path) == STDOUT


def human_console(*outputs: str | Path | None) -> Console:
    """The console for tables and messages meant for people.

    Standard output normally; standard error when one of the command's machine outputs
    (`--json -`, `--markdown -`) goes to standard output, so that stdout carries that document
    alone and people still see the tables. Two machine outputs cannot share standard output.
    """
    global _messages_on_stderr
    on_stdout = sum(is_stdout(p) for p in outputs)
    if on_stdout > 1:
        raise InputError.about(
            STDOUT,
            "more than one output was given as '-' (standard output)",
            "send one of them to standard output and write the others to files",
        )
    _messages_on_stderr = bool(on_stdout)
    return stderr_console() if on_stdout else stdout_console()


# Set by `human_console` when a machine output goes to standard output: messages for people
# (such as `wrote FILE`) then go to standard error, so stdout carries that document alone.
_messages_on_stderr = False


def announce_written(path: str | Path) -> None:
    """`wrote PATH`: every output file a command writes is named, on the people's stream."""
    console = stderr_console() if _messages_on_stderr else stdout_console()
    console.print(f"wrote {path}", markup=False, highlight=False)


class _ReaderGone(TwinError):
    """Standard output's reader closed it before the document was written (`--json - | head`).

    Raised instead of BrokenPipeError, which Typer would turn into exit status 1 ("a check
    failed") before `main` could see it.
    """


def _write_stdout(text: str) -> None:
    """The document as UTF-8 bytes, the same bytes a file would hold, whatever the locale."""
    _write_stdout_chunks([text])


def _write_stdout_chunks(chunks: Iterable[str]) -> None:
    try:
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        for chunk in chunks:
            if buffer is not None:
                buffer.write(chunk.encode("utf-8"))
            else:
                sys.stdout.write(chunk)
        if buffer is not None:
            buffer.flush()
        else:
            sys.stdout.flush()
    except BrokenPipeError as exc:
        _discard_stdout()
        raise _ReaderGone("standard output was closed") from exc


def emit_json(path: str | Path | None, document: Any) -> None:
    """Write a result document: nowhere (None), to standard output ('-') or atomically to a file.

    Same canonical bytes either way.
    """
    if path is None:
        return
    if is_stdout(path):
        _write_stdout(canonical_json(document))
    else:
        write_json_atomic(path, document)
        announce_written(path)


def emit_json_stream(
    path: str | Path | None, head: Mapping[str, Any], key: str, items: Iterable[Any]
) -> None:
    """`emit_json` of `{**head, key: [*items]}`, same bytes, encoded and written item by item:
    a result of millions of entries never exists as one string (or one dict) in memory."""
    if path is None:
        return
    chunks = canonical_json_chunks(head, key, items)
    if is_stdout(path):
        _write_stdout_chunks(chunks)
    else:
        write_chunks_atomic(path, chunks)


def emit_text(path: str | Path | None, text: str) -> None:
    """Write a text output (Markdown, exports): nowhere, to standard output ('-') or a file.

    On standard output a final newline is added when the text lacks one; the file gets the
    text as it is.
    """
    if path is None:
        return
    if is_stdout(path):
        _write_stdout(text if text.endswith("\n") else text + "\n")
    else:
        write_text_atomic(path, text)
        announce_written(path)


# The module that registers each command, for `twin COMMAND ...`: importing only that one
# keeps a command's start-up free of every other command's imports (pydantic models, Markdown
# and plotting support, ...): a tenth of a small `twin contingency` run went to them.
_COMMAND_MODULE: dict[str, str] = {
    **{command: command for command in COMMANDS},
    "import": "io",
    "export": "io",
    "plot": "report",
}


def register_commands(command: str | None = None) -> None:
    """Import the subcommand modules (each decorates its commands onto `app`) and check the set.

    Plain imports, not a list of names for importlib: a module that is missing or broken is an
    ImportError at once, never a command quietly absent from `twin --help`. With `command`
    (one of `COMMANDS`, about to run), only its module is imported, and checked to register it.
    """
    if command in _COMMAND_MODULE:
        importlib.import_module(f"twin.cli.{_COMMAND_MODULE[command]}")
        if command not in {str(info.name) for info in app.registered_commands}:
            raise RuntimeError(f"twin.cli.{_COMMAND_MODULE[command]} does not register {command}")
        return
    from twin.cli import (  # noqa: F401  (imported for their registrations)
        analyze,
        backtest,
        calibrate,
        check,
        contingency,
        diff,
        io,
        rank,
        report,
        run,
        schema,
        sweep,
        validate,
    )

    registered = sorted(str(info.name) for info in app.registered_commands)
    if registered != sorted(COMMANDS):
        raise RuntimeError(f"twin registers commands {registered}, expected {sorted(COMMANDS)}")


def _command_named(args: list[str]) -> str | None:
    """The command a command line runs (its first word after the app's options), if any."""
    words = iter(args)
    for word in words:
        if word == "--allow-path":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def _tune_process() -> None:
    """Start-up settings of a `twin` process, not of a program that calls `main(argv)`.

    Pydantic looks for plugins (the `pydantic` entry points of every installed distribution)
    the first time it builds a validator; the command line needs none, and the search was
    1 % of a small `twin contingency` run. `PYDANTIC_DISABLE_PLUGINS` set in the environment
    is left as it is, so plugins can still be asked for (`PYDANTIC_DISABLE_PLUGINS=0`).
    """
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    collect_less_often()


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns (and exits with) a CI-friendly status."""
    global _messages_on_stderr
    _messages_on_stderr = False  # per command (tests and embedders call main more than once)
    if argv is None:  # this process runs one command: tune it for that (not a caller's)
        _tune_process()
    register_commands(_command_named(sys.argv[1:] if argv is None else argv))
    err = stderr_console()
    status = EXIT_OK
    try:
        result = app(args=argv, standalone_mode=False, prog_name="twin")
        if isinstance(result, int):
            status = result
    except InputError as exc:
        for problem in exc.problems:
            print_problem(err, problem)
        status = EXIT_BAD_INPUT
    except _ReaderGone:
        # What a Unix tool killed by SIGPIPE reports, without a traceback.
        status = EXIT_BROKEN_PIPE
    except TwinError as exc:
        err.print(plain(f"twin: {exc.message(flag_of)}"))
        status = EXIT_BAD_INPUT
    except typer.Exit as exc:
        status = exc.exit_code
    except typer.Abort:
        err.print("twin: interrupted", markup=False)
        status = EXIT_INTERRUPTED
    except typer.TyperException as exc:
        # Usage errors (bad option values, missing arguments): Typer (>= 0.26 vendors click)
        # raises them as TyperException subclasses that can show themselves with the usage line.
        show = getattr(exc, "show", None)
        if callable(show):
            show(file=sys.stderr)
        else:
            err.print(plain(f"twin: {exc}"))
        status = EXIT_BAD_INPUT
    except KeyboardInterrupt:
        err.print("twin: interrupted", markup=False)
        status = EXIT_INTERRUPTED
    except Exception as exc:
        if os.environ.get("TWIN_DEBUG"):
            raise
        err.print(
            plain(
                f"twin: internal error: {type(exc).__name__}: {exc}\n"
                "    hint: this is a bug in silkroad-twin; rerun with TWIN_DEBUG=1 for a "
                "traceback and report it"
            )
        )
        status = EXIT_INTERNAL
    if argv is None:
        skip_final_collections()
        sys.exit(status)
    return status


if __name__ == "__main__":
    main()
