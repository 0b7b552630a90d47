"""Imports point one way: a module imports only from its own layer or layers to its left.

The layers are ARCHITECTURE.md's picture, mapped onto the real package. Every `import` in
`twin/` is read with `ast`, function-level (lazy) imports included, since a lazy import is a
dependency all the same; `if TYPE_CHECKING:` imports are counted too (a type is knowledge of
the module it comes from). A failure lists each offending import with file and line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

TWIN = Path(__file__).parents[2] / "twin"

# Left to right. A module belongs to the layer of its longest listed prefix; the package root
# `twin` (its `__init__`) is matched exactly, so a new module must be placed here explicitly.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "base",
        (
            "twin.errors",
            "twin.units",
            "twin.geo",
            "twin.text_safety",
            "twin.gc_pause",
            "twin.student_t",
            "twin.interrupts",
            "twin.provenance",
            "twin.atomic",
            "twin.json_input",
            "twin.option_values",
            "twin.dask_client",
            "twin.lru",
            "twin.once",
            "twin.lazy_exports",
        ),
    ),
    ("model", ("twin.model", "twin.candidates")),
    # Result types are returned by the layers that compute them, so they sit left of those
    # layers; "results compute nothing" is this rule: they may import only base and model.
    ("results", ("twin.results",)),
    ("loading", ("twin.loading", "twin.io", "twin.revisions")),
    ("routing", ("twin.routing", "twin.ecmp", "twin.replacement_paths")),
    # twin.outlook: what runs from a state say per demand (restoration, further-cut risk).
    ("analysis, sim, calibrate", ("twin.analysis", "twin.sim", "twin.calibrate", "twin.outlook")),
    # The gate evaluates checks, running Monte Carlo for `method: montecarlo` ones; the
    # back-test replays incidents through the same replications.
    (
        "montecarlo",
        (
            "twin.montecarlo",
            "twin.montecarlo_rare",
            "twin.sweep",
            "twin.gate",
            "twin.backtest",
            "twin.ranking",
            "twin.run_plan",
        ),
    ),
    ("report", ("twin.report",)),
    # What a notebook calls (`twin.diff`, `twin.report`, ...); the CLI calls the same functions.
    ("notebook API", ("twin", "twin.api")),
    ("cli", ("twin.cli",)),
)

# Layers that compute: the report may take their result types (CapWords) and constants
# (UPPER_CASE), never a function, which would mean re-deriving a result instead of reading it.
COMPUTING = ("routing", "analysis, sim", "montecarlo")

# Known right-to-left imports, each with the reason it stays for now. Shrink this list; never
# grow it without a reason a reviewer accepts. Entries: (importing module, imported module).
ALLOWED: dict[tuple[str, str], str] = {}


def layer_of(module: str) -> int:
    best, best_len = -1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            nested = prefix != "twin" and module.startswith(prefix + ".")
            matches = module == prefix or nested
            if matches and len(prefix) > best_len:
                best, best_len = index, len(prefix)
    if best < 0:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS and ARCHITECTURE.md")
    return best


def module_name(path: Path) -> str:
    parts = path.relative_to(TWIN.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, source: str | None = None) -> Iterator[tuple[int, str, list[str]]]:
    """(line, imported twin module, names) for every import in the file, lazy ones included."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    text = path.read_text(encoding="utf-8") if source is None else source
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "twin":
                    yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, target] if target else base)
            if target == "twin":  # `from twin import student_t` imports a submodule
                for alias in node.names:
                    yield node.lineno, f"twin.{alias.name}", []
            elif target.split(".")[0] == "twin":
                yield node.lineno, target, [alias.name for alias in node.names]


def sources() -> list[Path]:
    return sorted(TWIN.rglob("*.py"))


def test_every_module_has_a_layer() -> None:
    for path in sources():
        layer_of(module_name(path))


def test_imports_point_left() -> None:
    offenders = []
    for path in sources():
        importer = module_name(path)
        for line, imported, _ in imports(path):
            if layer_of(imported) > layer_of(importer) and (importer, imported) not in ALLOWED:
                offenders.append(
                    f"{path.relative_to(TWIN.parent)}:{line}: {importer} "
                    f"({LAYERS[layer_of(importer)][0]}) imports {imported} "
                    f"({LAYERS[layer_of(imported)][0]})"
                )
    assert not offenders, "imports against the layering:\n" + "\n".join(offenders)


def test_report_imports_no_computation() -> None:
    computing = {index for index, (name, _) in enumerate(LAYERS) if name in COMPUTING}
    offenders = []
    for path in sorted((TWIN / "report").rglob("*.py")):
        for line, imported, names in imports(path):
            if layer_of(imported) not in computing:
                continue
            functions = [name for name in names if not name[:1].isupper()]
            if functions or not names:
                offenders.append(f"{path.relative_to(TWIN.parent)}:{line}: {imported} {functions}")
    assert not offenders, "the report re-derives instead of reading results:\n" + "\n".join(
        offenders
    )


def test_allow_list_is_still_needed() -> None:
    """An entry whose import is gone must leave the list, so the list only ever shrinks."""
    found = {(module_name(p), imported) for p in sources() for _, imported, _ in imports(p)}
    stale = sorted(set(ALLOWED) - found)
    assert not stale, f"remove these from ALLOWED, the imports are gone: {stale}"


def test_the_checker_sees_lazy_and_relative_imports(tmp_path: Path) -> None:
    """The reader itself: a lazy import inside a function is found, a relative one resolved."""
    fake = TWIN / "analysis" / "paths.py"
    source = "def f():\n    from twin.cli.app import main\n    from ..report import html\n"
    tree_imports = list(imports(fake, source))
    assert (2, "twin.cli.app", ["main"]) in tree_imports
    assert (3, "twin.report", ["html"]) in tree_imports
    assert layer_of("twin.cli.app") > layer_of(module_name(fake))
