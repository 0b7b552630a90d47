"""Where a file named inside an input file may live: the project, never the whole disk.

A topology's `extends:` and a scenario's `topology:` are written by whoever wrote the file,
which in CI is a pull request from anyone. Following them anywhere would let such a file read
`/etc/shadow` or a `secret.env` beside the repository into the twin. So a reference is followed
only when it lands (after `..` and symlinks are resolved) inside

- the *project root* of the file that names it: the nearest ancestor directory holding `.git`
  or `pyproject.toml` (a repository, a Python project), else that file's own directory;
- a directory the person running twin allowed on the command line (`--allow-path DIR`).

Nothing inside a file can widen this: the allowance lives only in `allowed_paths`, which the
command line enters. `resolve_reference` is the one place every loader (and `twin diff`'s walk
through a git revision, and the report's list of input files) decides this.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from twin.errors import InputError, option
from twin.loading.yaml_marks import Mark

PROJECT_MARKERS = (".git", "pyproject.toml")

_allowed: ContextVar[tuple[Path, ...]] = ContextVar("twin_allowed_paths", default=())


def project_root(path: Path) -> Path:
    """The project holding `path` (a file): nearest ancestor with a marker, else its directory."""
    start = path.resolve().parent
    for directory in (start, *start.parents):
        if any(_exists(directory / marker) for marker in PROJECT_MARKERS):
            return directory
    return start


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # e.g. a directory we may not look into: not a marker we can use
        return False


@contextmanager
def allowed_paths(directories: Iterable[Path]) -> Iterator[None]:
    """Let references also reach into `directories` (the command line's `--allow-path`)."""
    token = _allowed.set((*_allowed.get(), *(Path(d).resolve() for d in directories)))
    try:
        yield
    finally:
        _allowed.reset(token)


def _inside(target: Path, roots: Iterable[Path]) -> bool:
    return any(target == root or target.is_relative_to(root) for root in roots)


def resolve_reference(ref: str, naming_file: Path, mark: Mark, key: str) -> Path:
    """The path `ref` names, relative to `naming_file`, once it is known to stay in the project.

    Raises InputError at `mark` (the `key:` value) when it leaves the project; nothing is read
    from the target, so its content cannot reach any message.
    """
    candidate = naming_file.parent / ref
    root = project_root(naming_file)
    roots = (root, naming_file.resolve().parent, *_allowed.get())
    try:
        inside = _inside(candidate.resolve(), roots)
        where = f"is outside the project ({root}); files may only name files inside their project"
        hint = (
            "move the file into the project, or allow its directory "
            f"({option('allowed_paths')} DIR)"
        )
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
        inside = False
        where = "cannot be resolved (a loop of symbolic links?)"
        hint = "check the symbolic links on that path"
    if not inside:
        raise InputError(mark.problem(f"{key}: '{ref}' {where}", hint))
    return candidate


__all__ = ["PROJECT_MARKERS", "allowed_paths", "project_root", "resolve_reference"]
