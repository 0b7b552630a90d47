"""silkroad-twin: a digital twin of long-haul backbone networks.

The notebook API mirrors the command line; each call returns a plain result object::

    import twin
    topo = twin.load_topology("topologies/silk-road-2026.yaml")
    scenario = twin.load_scenario("scenarios/trans-caspian-cut.yaml")
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

# Lazy re-exports keep `import twin` cheap and avoid import cycles between layers.
_EXPORTS: dict[str, str] = {
    "load_topology": "twin.loading",
    "load_scenario": "twin.loading",
    "analyze": "twin.analysis",
    "simulate": "twin.sim",
    "calibrate": "twin.calibrate",
    "read_measurements": "twin.calibrate",
    "backtest": "twin.backtest",
}


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'twin' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module_name), name)


__all__ = list(_EXPORTS)
