"""Read a topology as it stood at a git revision (``main:topologies/silk-road.yaml``).

`twin diff` compares a pull request's topology with the one on the base branch. A file can
`extends:` another, so the whole chain is materialised from the same revision into a temporary
directory (keeping relative paths) before it is loaded; problems are reported against the
``REV:PATH`` spelling the user gave, not the temporary copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

import yaml

from twin.errors import InputError, Problem
from twin.loading.paths import allowed_paths, resolve_reference
from twin.loading.yaml_marks import Mark

_MAX_CHAIN = 32


def is_revision_spec(spec: str) -> bool:
    """True for ``REV:PATH`` that names a git object rather than a file on disk."""
    if os.path.exists(spec) or ":" not in spec:
        return False
    rev, _, path = spec.partition(":")
    return bool(rev) and bool(path) and not (len(rev) == 1 and rev.isalpha())  # not C:\


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        completed = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError.about("git", f"cannot run git: {exc}") from exc
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError.about(
            f"{args[-1]}",
            f"git cannot read it: {message[-1] if message else 'unknown error'}",
            "give REV:PATH with a revision that exists (e.g. main, HEAD~1, a tag) and a "
            "path relative to the repository root",
        )
    return completed.stdout


def _repo_root(start: Path, spec: str) -> Path:
    """The repository holding `start`; outside one, say so in terms of what the user typed
    (git's own message would be labelled with the internal `--show-toplevel` argument)."""
    try:
        return Path(_git(["rev-parse", "--show-toplevel"], start).decode().strip())
    except InputError as exc:
        raise InputError.about(
            spec,
            f"not a git repository: {spec} names a file at a git revision (REV:PATH), "
            f"which needs a git repository, and {start} is not inside one",
            "run twin from inside the repository, or give a plain file path",
        ) from exc


def _extends_of(text: bytes) -> str | None:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None  # the loader will report the syntax error with its position
    if isinstance(data, dict):
        value = data.get("extends")
        if isinstance(value, str):
            return value
    return None


@contextmanager
def materialise(spec: str, cwd: Path | None = None) -> Iterator[Path]:
    """Yield a local path holding `spec`: the file itself, or a temporary copy of a git revision.

    The temporary tree (the file and its `extends:` chain) is removed on exit.
    """
    if not is_revision_spec(spec):
        yield Path(spec)
        return
    rev, _, rel = spec.partition(":")
    root = _repo_root(cwd or Path.cwd(), spec)
    tmp = Path(tempfile.mkdtemp(prefix="twin-rev-"))
    try:
        current = PurePosixPath(rel.lstrip("/"))
        first = tmp / current
        seen: set[PurePosixPath] = set()
        for _ in range(_MAX_CHAIN):
            if current in seen:
                break  # a cycle: the loader reports it with the files involved
            seen.add(current)
            content = _git(["show", f"{rev}:{current}"], root)
            target = tmp / current
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            parent = _extends_of(content)
            if parent is None:
                break
            try:
                with allowed_paths([tmp]):
                    parent_path = resolve_reference(parent, target, Mark(spec, 0, 0), "extends")
                current = PurePosixPath(parent_path.resolve().relative_to(tmp.resolve()))
            except (InputError, ValueError):
                break  # outside the revision's tree: the loader refuses it at its FILE:LINE
        with allowed_paths([tmp]):  # the revision's tree stands in for the repository
            yield first
    except InputError as exc:
        raise InputError(
            [Problem(spec, p.line, p.col, p.message, p.hint) for p in exc.problems]
        ) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def relabel(exc: InputError, local: Path, spec: str) -> InputError:
    """Rewrite problem paths inside a materialised revision back to ``REV:PATH`` form."""
    if not is_revision_spec(spec):
        return exc
    rev, _, rel = spec.partition(":")
    rel = rel.lstrip("/")
    local_text = str(local)
    tmp_root = local_text[: -len(rel)] if local_text.endswith(rel) else str(local.parent) + "/"
    problems = []
    for p in exc.problems:
        path = p.path
        if path.startswith(tmp_root):
            path = f"{rev}:{path[len(tmp_root) :]}"
        problems.append(Problem(path, p.line, p.col, p.message, p.hint))
    return InputError(problems)
