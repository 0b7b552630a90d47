"""Names a package re-exports, each imported from its module on first use.

Three packages re-export names whose modules are costly or would make an import cycle: `twin`
(the notebook API), `twin.loading` (the scenario and state loaders) and `twin.results` (the
run's result types). A command pays at start-up for what it imports, so each of these defers
the import to the first use of the name (PEP 562, a module's `__getattr__`); one function
builds that hook for all three.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_getattr(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` for `package` that imports `exports[name]` when `name` is first
    read and returns its attribute of that name; any other name is an AttributeError."""

    def __getattr__(name: str) -> Any:
        module_name = exports.get(name)
        if module_name is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module_name), name)

    return __getattr__
