"""The declared dependencies match what the code imports, so `pip install .` gives a working twin.

Typer 0.26 stopped depending on click; twin still imported click at load time and, because the
test environment's dask extra brought click along, only a bare install showed the crash. These
tests read pyproject.toml and every module of twin/ with `ast` and hold the rule:

- an import executed when a module loads (module level, class bodies, top-level if/try/with,
  but not `if TYPE_CHECKING:`) is the standard library, twin itself, or a core dependency;
- an import inside a function is a core dependency, or an optional extra's dependency guarded
  by `except ImportError` (or ModuleNotFoundError) whose handler names the line to run,
  `pip install 'silkroad-twin[EXTRA]'`.

Import names are mapped to distributions with importlib.metadata.packages_distributions, so
`yaml` is PyYAML and `mpl_toolkits` is matplotlib. The clean-install smoke test in .ci/smoke
checks the same thing from the other side: a wheel without extras in a fresh virtualenv.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
PACKAGE = ROOT / "twin"
PROJECT_NAME = "silkroad-twin"

_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


def _normalise(name: str) -> str:
    """A distribution name in PEP 503 form, so PyYAML and pyyaml compare equal."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    match = _REQUIREMENT_NAME.match(requirement)
    assert match, f"pyproject.toml: cannot read the requirement {requirement!r}"
    return _normalise(match.group(1))


@dataclass(frozen=True)
class Declared:
    """The distributions pyproject.toml declares: core, and each optional extra's."""

    core: frozenset[str]
    extras: dict[str, frozenset[str]]

    def extras_providing(self, distribution: str) -> list[str]:
        return sorted(name for name, dists in self.extras.items() if distribution in dists)


def _declared(pyproject: Path) -> Declared:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    core = frozenset(_requirement_name(r) for r in project.get("dependencies", []))
    extras = {
        extra: frozenset(_requirement_name(r) for r in requirements)
        for extra, requirements in project.get("optional-dependencies", {}).items()
    }
    return Declared(core, extras)


@dataclass(frozen=True)
class Import:
    """One import statement's top-level module, where it is and how it runs."""

    module: str
    path: str
    line: int
    at_load: bool  # executed when the module is imported (not inside a function)
    guard: str | None  # source of the `except ImportError` handlers around it, if any


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError"}


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type
    names = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
    return any(isinstance(n, ast.Name) and n.id in _IMPORT_ERRORS for n in names)


def _imports(tree: ast.AST, path: str) -> Iterator[Import]:
    """Every absolute import in `tree`, with whether it runs at load time and its guard."""

    def visit(node: ast.AST, at_load: bool, guard: str | None) -> Iterator[Import]:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(alias.name.split(".")[0], path, node.lineno, at_load, guard)
            return
        if isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                yield Import(node.module.split(".")[0], path, node.lineno, at_load, guard)
            return
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:  # the body never runs; an else branch does
                yield from visit(child, at_load, guard)
            return
        if isinstance(node, ast.Try):
            handlers = [h for h in node.handlers if _catches_import_error(h)]
            inner = "\n".join(ast.unparse(h) for h in handlers) if handlers else guard
            for child in node.body:
                yield from visit(child, at_load, inner)
            for child in [*node.handlers, *node.orelse, *node.finalbody]:
                yield from visit(child, at_load, guard)
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            at_load = False
        for child in ast.iter_child_nodes(node):
            yield from visit(child, at_load, guard)

    yield from visit(tree, True, None)


@cache
def _distributions() -> dict[str, list[str]]:
    return packages_distributions()


def _problems(source: str, path: str, declared: Declared) -> list[str]:
    """What is wrong with the imports of one module's source, one line per problem."""
    problems: list[str] = []
    for imp in _imports(ast.parse(source, path), path):
        if imp.module in sys.stdlib_module_names or imp.module == "twin":
            continue
        where = f"{imp.path}:{imp.line}: import {imp.module}"
        dists = {_normalise(d) for d in _distributions().get(imp.module, [])}
        if not dists:
            problems.append(f"{where}: no installed distribution provides it; declare one")
        elif dists & declared.core:
            continue
        elif imp.at_load:
            problems.append(
                f"{where} runs at load time but {sorted(dists)} is not a core dependency: "
                "declare it in [project] dependencies, or import it lazily from an extra"
            )
        else:
            problems.extend(_lazy_problems(imp, where, dists, declared))
    return problems


def _lazy_problems(imp: Import, where: str, dists: set[str], declared: Declared) -> list[str]:
    extras = sorted({e for d in dists for e in declared.extras_providing(d)})
    if not extras:
        return [f"{where}: {sorted(dists)} is neither a core dependency nor in an extra"]
    lines = [f"pip install '{PROJECT_NAME}[{extra}]'" for extra in extras]
    if imp.guard is None:
        return [f"{where}: extra {extras} imported without `except ImportError`"]
    if not any(line in imp.guard for line in lines):
        return [f"{where}: the `except ImportError` handler does not say {' or '.join(lines)}"]
    return []


def _twin_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_import_in_twin_is_declared() -> None:
    declared = _declared(PYPROJECT)
    modules = _twin_modules()
    assert len(modules) > 20, "the walk must see the whole package"
    problems = [
        problem
        for module in modules
        for problem in _problems(
            module.read_text(encoding="utf-8"), str(module.relative_to(ROOT)), declared
        )
    ]
    assert problems == []


def test_every_core_dependency_is_imported() -> None:
    """A core dependency nothing imports is weight on every install (and a stale promise)."""
    declared = _declared(PYPROJECT)
    imported = {
        _normalise(dist)
        for module in _twin_modules()
        for imp in _imports(ast.parse(module.read_text(encoding="utf-8")), str(module))
        for dist in _distributions().get(imp.module, [])
    }
    assert sorted(declared.core - imported) == []


# The checker itself, on sources written to break each rule (so a vacuous pass is impossible).
DECLARED = Declared(
    core=frozenset({"pyyaml", "typer"}),
    extras={"import": frozenset({"topohub"}), "dask": frozenset({"distributed"})},
)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # pytest stands for an installed distribution that DECLARED does not list.
        ("import pytest\n", "runs at load time"),
        ("class A:\n    import pytest\n", "runs at load time"),
        ("try:\n    import pytest\nexcept ImportError:\n    pytest = None\n", "runs at load time"),
        ("def f():\n    import topohub\n", "without `except ImportError`"),
        (
            "def f():\n    try:\n        import topohub\n    except ImportError:\n"
            "        raise SystemExit('pip install topohub')\n",
            "pip install 'silkroad-twin[import]'",
        ),
        (
            "def f():\n    try:\n        from distributed import Client\n"
            "    except ModuleNotFoundError:\n"
            "        raise SystemExit(\"pip install 'silkroad-twin[import]'\")\n",
            "pip install 'silkroad-twin[dask]'",
        ),
        ("def f():\n    import pytest\n", "neither a core dependency nor in an extra"),
        ("import no_such_module_anywhere\n", "no installed distribution provides it"),
    ],
)
def test_checker_flags_each_undeclared_import(source: str, expected: str) -> None:
    problems = _problems(source, "probe.py", DECLARED)
    assert len(problems) == 1
    assert expected in problems[0]
    assert problems[0].startswith("probe.py:")


@pytest.mark.parametrize(
    "source",
    [
        "import os\nimport yaml\nfrom typer import Exit\n",
        "from . import sibling\nimport twin.model\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pytest\n",
        "def f():\n    import yaml\n",
        "def f():\n    try:\n        import topohub\n    except ImportError:\n"
        "        raise SystemExit(\"pip install 'silkroad-twin[import]'\")\n",
        "def f():\n    try:\n        from distributed import Client\n"
        "    except (OSError, ModuleNotFoundError):\n"
        "        raise SystemExit(\"pip install 'silkroad-twin[dask]'\")\n",
    ],
)
def test_checker_accepts_declared_imports(source: str) -> None:
    assert _problems(source, "probe.py", DECLARED) == []


def test_requirement_names_are_read_as_pip_reads_them() -> None:
    assert _requirement_name("dask[distributed]>=2024.1") == "dask"
    assert _requirement_name("PyYAML>=6.0") == "pyyaml"
    assert _requirement_name("types-PyYAML") == "types-pyyaml"
    assert _requirement_name("zope.interface ; python_version < '4'") == "zope-interface"


def test_readme_states_the_coverage_floor_that_ci_enforces() -> None:
    """The README's promise and the number pytest-cov fails under are the same number."""
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    floor = config["tool"]["coverage"]["report"]["fail_under"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stated = re.findall(r"coverage of `twin/`[^.\n]*?(\d+(?:\.\d+)?)\s?%", readme)
    assert stated, "README.md must state the coverage floor of twin/"
    assert {float(s) for s in stated} == {float(floor)}


# Where the extras are used: without them each command is bad input (exit 2) that names the
# line to run, and writes nothing. The modules are hidden with sys.modules[name] = None, which
# makes `import name` raise ModuleNotFoundError exactly as in an install without the extra.
SCENARIO = ROOT / "scenarios" / "annual-reliability.yaml"


def _hide(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    for module in modules:
        monkeypatch.setitem(sys.modules, module, None)


@pytest.mark.parametrize(
    ("hidden", "command", "extra"),
    [
        (
            ("distributed",),
            ["run", str(SCENARIO), "--replications", "2", "--scheduler", "tcp://127.0.0.1:1"],
            "dask",
        ),
        (
            ("distributed",),
            [
                "sweep",
                str(SCENARIO),
                "--set",
                "failures.classes.submarine-caspian.repair.median=10d,30d",
                "--replications",
                "2",
                "--scheduler",
                "tcp://127.0.0.1:1",
            ],
            "dask",
        ),
        (("topohub",), ["import", "topohub:sndlib/germany50"], "import"),
    ],
)
def test_a_missing_extra_is_bad_input_naming_the_install_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    hidden: tuple[str, ...],
    command: list[str],
    extra: str,
) -> None:
    from twin.cli.app import main

    _hide(monkeypatch, *hidden)
    out = tmp_path / "out"
    option = "-o" if command[0] == "import" else "--json"
    assert main([*command, option, str(out)]) == 2
    err = capsys.readouterr().err
    assert f"pip install '{PROJECT_NAME}[{extra}]'" in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_scheduler_without_replications_is_refused_not_ignored(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from twin.cli.app import main

    out = tmp_path / "run.json"
    status = main(["run", str(SCENARIO), "--scheduler", "tcp://127.0.0.1:1", "--json", str(out)])
    assert status == 2
    assert "drop --scheduler" in capsys.readouterr().err
    assert not out.exists()
