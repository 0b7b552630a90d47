"""The notebook API: the commands of `twin` as functions that return result objects.

Each function is what its command calls, without the printing: `twin.diff` is `twin diff`,
`twin.check` is `twin check`, `twin.replicate` is `twin run --replications` and
`twin.report_html` is `twin report` (not `twin.report`: that name is the renderers' package),
`twin.rank` is `twin rank`.
Results are typed dataclasses; `result.to_frame()` lays their tables out as pandas DataFrames
(the `frames` extra).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from twin.analysis.demand_sets import select_demands
from twin.analysis.topology_diff import diff_topologies, measure_demand
from twin.errors import InputError, TwinError
from twin.loading import load_topology
from twin.model import Scenario, Topology
from twin.montecarlo import run_replications
from twin.option_values import require_non_negative
from twin.report.html import render_report_html
from twin.report.html_contingency import render_contingency_html
from twin.report.html_diff import DiffSide, load_side, render_diff_html
from twin.report.html_montecarlo import render_montecarlo_html
from twin.results.contingency import ContingencyResult
from twin.results.diff import Thresholds, TopologyDiff
from twin.results.montecarlo import MonteCarloResult
from twin.results.rank import RankResult, UpgradeResult
from twin.results.run import SimulationResult
from twin.revisions import materialise, relabel

Result = SimulationResult | MonteCarloResult | ContingencyResult | TopologyDiff


def replicate(
    scenario: Scenario,
    *,
    replications: int | None = 20,
    precision: float | None = None,
    seed: int | None = None,
    workers: int = 1,
) -> MonteCarloResult:
    """Monte Carlo over `scenario`: independent replications and 95 % intervals per demand.

    With `precision`, replications continue until every interval's half-width is below it
    (`replications` is then the cap). Same seed, same result, whatever `workers` is.
    """
    return run_replications(
        scenario, replications=replications, precision=precision, seed=seed, workers=workers
    )


def rank(
    scenario: Scenario,
    candidates: str | Path | None = None,
    *,
    budget: float | None = None,
    replications: int = 100,
    seed: int | None = None,
    workers: int = 1,
    availability_method: Literal["auto", "exact", "bounds"] = "auto",
) -> RankResult | UpgradeResult:
    """What to fix first, as `twin rank` answers it.

    Without `candidates`: every link, node, SRLG, failure class and repair resource of
    `scenario` by the SLA downtime minutes a year it would save if it never failed, if its
    repair were halved, or with one more repair unit (`result.ranked(demand_id)`, None for
    the traffic-weighted total). With `candidates` (a candidates file): each upgrade's minutes
    saved, per unit of cost, and the best set within `budget` (default: the file's).
    """
    from twin.analysis.availability import Settings
    from twin.loading.candidates import load_candidates
    from twin.ranking import rank_importance, rank_upgrades

    settings = Settings(method=availability_method)
    if candidates is None:
        return rank_importance(
            scenario, replications=replications, workers=workers, seed=seed, settings=settings
        )
    return rank_upgrades(
        scenario,
        load_candidates(candidates, scenario),
        budget=budget,
        replications=replications,
        workers=workers,
        seed=seed,
        settings=settings,
    )


def _load_side(spec: str) -> Topology:
    """A topology file, or ``REV:PATH`` read from git (errors then name ``REV:PATH``)."""
    with materialise(spec) as local:
        try:
            return load_topology(local)
        except InputError as exc:
            raise relabel(exc, local, spec) from exc


def diff(
    base: str | Path,
    head: str | Path,
    *,
    scenario: str | Path | None = None,
    demands: Sequence[str] | None = None,
    include_planned: bool = False,
    rtt_threshold_ms: float = 0.5,
    availability_threshold: float = 1e-7,
) -> TopologyDiff:
    """What changed from topology `base` to `head` (files, or ``REV:PATH`` in git).

    Elements added, removed and changed, and per demand the change in best RTT, disjoint paths,
    single points of failure, availability and N-1 worst case. Demands come from `scenario`,
    from `demands` ("SOURCE:DEST"), else the standard set. A demand counts as a regression when
    it got worse by more than the thresholds (`result.regressed`).
    """
    require_non_negative("rtt_threshold_ms", rtt_threshold_ms, "e.g. 0.5 (ms)")
    require_non_negative("availability_threshold", availability_threshold, "e.g. 1e-7")
    base_topology, head_topology = _load_side(str(base)), _load_side(str(head))
    chosen = select_demands(head_topology, specs=demands, scenario=scenario, or_in=(base_topology,))
    return diff_topologies(
        base_topology,
        head_topology,
        chosen,
        lambda topology, d: measure_demand(topology, d, include_planned=include_planned),
        base_label=str(base),
        head_label=str(head),
        thresholds=Thresholds(rtt_ms=rtt_threshold_ms, availability=availability_threshold),
    )


def report_html(
    result: Result,
    topology: Topology | None = None,
    *,
    colour_by: Literal["downtime", "utilisation"] = "downtime",
) -> str:
    """The self-contained HTML report of `result`, as `twin report` writes it.

    `topology` is the network the result was computed on: needed for a run or contingency
    result's map, optional for Monte Carlo, and for a diff the HEAD side (read from the diff's
    own label when not given).
    """
    if isinstance(result, TopologyDiff):
        head = DiffSide(result.head, topology) if topology else load_side(result.head)
        return render_diff_html(result, head, load_side(result.base))
    if isinstance(result, MonteCarloResult):
        return render_montecarlo_html(result, topology)
    if topology is None:
        raise TwinError(f"a {type(result).__name__} report draws a map: pass its topology")
    if isinstance(result, ContingencyResult):
        return render_contingency_html(result, topology)
    return render_report_html(result, topology, colour_by)
