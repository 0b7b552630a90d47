"""silkroad-twin: a digital twin of long-haul backbone networks.

The notebook API mirrors the command line; each call returns a typed result object, and
`result.to_frame()` gives its main table as a pandas DataFrame (extra `frames`)::

    import twin
    topo = twin.load_topology("topologies/silk-road-2026.yaml")
    scenario = twin.load_scenario("scenarios/trans-caspian-cut.yaml")
    run = twin.simulate(scenario, seed=1)                         # twin run
    mc = twin.replicate(scenario, replications=20, seed=1)        # twin run --replications
    now = twin.with_state(scenario, "scenarios/states/now-caspian-cut.state.yaml")
    odds = twin.replicate(now, replications=200)                  # twin run --state
    n1 = twin.contingency(topo, scenario.demands, mode="n-1")     # twin contingency
    gate = twin.check(["scenarios"])                              # twin check
    change = twin.diff("topologies/silk-road-2021.yaml", "topologies/silk-road-2026.yaml")
    html = twin.report_html(n1, topo)                             # twin report
    fix_first = twin.rank(twin.load_scenario("scenarios/annual-reliability.yaml"))  # twin rank
"""

from __future__ import annotations

from twin.lazy_exports import lazy_getattr

__version__ = "0.1.0"

# Lazy re-exports keep `import twin` cheap and avoid import cycles between layers.
_EXPORTS: dict[str, str] = {
    "load_topology": "twin.loading",
    "load_scenario": "twin.loading",
    "load_state": "twin.loading",
    "with_state": "twin.loading",
    "analyze": "twin.analysis",
    "simulate": "twin.sim",
    "contingency": "twin.analysis.contingency",
    "replicate": "twin.api",
    "check": "twin.gate",
    "diff": "twin.api",
    "rank": "twin.api",
    # Not `report`: that name is the package of renderers, twin.report.
    "report_html": "twin.api",
    "calibrate": "twin.calibrate",
    "read_measurements": "twin.calibrate",
    "backtest": "twin.backtest",
}


__getattr__ = lazy_getattr(__name__, _EXPORTS)


__all__ = list(_EXPORTS)
