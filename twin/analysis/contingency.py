"""Contingency analysis: what every single failure, pair of failures or SRLG does to the demands.

For each failure (N-1: every link, and every node with `include_nodes`; N-2: every pair of
links; srlg: every shared-risk group) it reports which demands lose connectivity, which exceed
their `max_rtt_ms`, the RTT stretch of each rerouted demand, the link utilisations that result
(per direction), the overloaded links and the traffic that finds no path; the failures are
ranked by impact.

It scales because only the demands whose base routing touched a failed element are re-routed:
loads start from the base loads minus the affected demands' base contributions, plus their new
ones. With ECMP, one shortest-path DAG per affected destination is computed per failure state.

Demands with no path even before any failure are *unroutable in the base state*: they are
reported once, in `base_unroutable` and `base_unroutable_gbps`, and never in a failure's
`unrouted_gbps` or `disconnected`, whatever the routing mode. A failure's impact is the change
it causes; traffic that had nowhere to go anyway is not something the failure did.

Worst first means: most traffic without a path, then most demands disconnected, then most
demands pushed over their RTT budget, then the highest link utilisation. The full per-link
utilisation map of every failure is only kept when asked (`link_utilisation=True`): for N-2 on
a large backbone it would multiply the size of the results many times over.
"""

from __future__ import annotations

import functools
import itertools
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from twin.analysis.contingency_options import check_contingency_options
from twin.analysis.ecmp_units import EcmpUnits, UnitRtts
from twin.analysis.link_loads import Indices, LoadBook, Loads
from twin.dask_client import finished_within
from twin.ecmp import DirectedLink
from twin.gc_pause import paused_gc
from twin.interrupts import ignore_sigint
from twin.model import Demand, Topology
from twin.option_values import usable_workers
from twin.provenance import file_sha256
from twin.results.contingency import ContingencyResult, DemandRtt, FailureImpact
from twin.routing import FailureState, Metric, Router, expand_srlgs

if TYPE_CHECKING:
    from concurrent.futures import Future

    from twin.analysis.path_arrays import PathArrays

Mode = Literal["n-1", "n-2", "srlg"]
Routing = Literal["shortest", "ecmp"]


@dataclass(frozen=True)
class _Contribution:
    """What one routing unit puts on the links: a demand (shortest path) or every demand to one
    destination (ECMP, whose loads add up linearly, so a destination is routed in one pass)."""

    loads: Mapping[DirectedLink, float]
    nodes: frozenset[str]
    rtt_ms: Mapping[int, float | None]  # demand index -> RTT (None: unreachable)
    fibre_rtt_ms: Mapping[int, float]  # demand index -> the same paths' fibre RTT (reachable)


# A demand in a failure's tally: place among its unit's, id, Gbit/s, RTT budget, base RTT.
_Tallied = tuple[int, str, float, float | None, float]
# What a failure did to the demands: disconnected ids (in unit then demand order), those over
# their RTT budget, RTT stretch by id, Gbit/s left without a path, demands rerouted.
_Tally = tuple[list[str], list[DemandRtt], dict[str, float], float, int]

_EPS_LOAD = 1e-9  # Gbit/s below this is float residue of removing and re-adding a demand
_TIE = 1e-12  # utilisations this close are a tie, broken by link id
_OVERLOAD = 1.0 + 1e-9


@functools.lru_cache(maxsize=65_536)
def _label(link: DirectedLink) -> str:
    """One string per directed link, shared by every failure that names it: an N-2 lists the
    same overloaded links thousands of times (on ta2 the copies were a third of the result)."""
    return f"{link[2]} ({link[0]}->{link[1]})"


class _Evaluator:
    def __init__(
        self,
        topology: Topology,
        demands: Sequence[Demand],
        routing: Routing,
        metric: Metric,
        include_planned: bool,
        link_utilisation: bool = False,
    ) -> None:
        self.topology = topology
        self.link_utilisation = link_utilisation
        self.demands = list(demands)
        self.routing = routing
        self.router = Router(topology, include_planned=include_planned, metric=metric)
        self.capacity = {lid: link.capacity_gbps for lid, link in topology.links.items()}
        # Routing units: one per demand (shortest) or one per destination (ECMP).
        self.units: dict[str, list[int]] = {}
        for i, d in enumerate(self.demands):
            unit = d.destination if routing == "ecmp" else str(i)
            self.units.setdefault(unit, []).append(i)
        self.ecmp = EcmpUnits(self.router, self.demands, self.units) if routing == "ecmp" else None
        self.base = self._route(list(self.units), frozenset())
        self.base_rtt: dict[int, float | None] = {}
        for c in self.base.values():
            self.base_rtt.update(c.rtt_ms)
        directed = ((u, v, key) for u, hops in self.router.adjacency.items() for v, key, _ in hops)
        self.book = LoadBook(
            directed,
            (c.loads for c in self.base.values()),
            self.capacity,
            _label,
            (_EPS_LOAD, _TIE, _OVERLOAD),
        )
        self.path_arrays: PathArrays | None = None
        self.base_arrays: dict[str, tuple[Any, Any]] = {}
        if self.ecmp is not None:  # ECMP moves its loads on lists (and never imports NumPy)
            self.ecmp.use_book(self.book.index, self.book.base)
        else:
            from twin.analysis.path_arrays import PathArrays

            self.path_arrays = PathArrays(self.book.index, self.router.directed_links)
            self.base_arrays = {unit: self.book.arrays(c.loads) for unit, c in self.base.items()}
        self.tallied = {unit: self._tallied(members) for unit, members in self.units.items()}
        self.by_key: dict[str, dict[int, list[_Tallied]]] = {}
        self.base_over: dict[str, list[tuple[int, DemandRtt]]] = {}
        for unit in self.units:
            self.by_key[unit], self.base_over[unit] = self._by_key(unit)
        # Index: element id -> units whose base routing touches it.
        self.users: dict[str, set[str]] = {}
        for unit, c in self.base.items():
            for _u, _v, lid in c.loads:
                self.users.setdefault(lid, set()).add(unit)
            for node in c.nodes:
                self.users.setdefault(node, set()).add(unit)

    def _tallied(self, members: list[int]) -> list[tuple[str, float, float | None, float, int]]:
        """What a failure's tally reads of a unit's demands routed in the base state (the others
        are reported once, not per failure): id, Gbit/s, RTT budget, base RTT, and the key of
        its RTT in the unit's new routing (the demand's index; with ECMP its source's)."""
        out = []
        for i in members:
            d, rtt = self.demands[i], self.base_rtt.get(i)
            if rtt is not None:
                key = i if self.ecmp is None else self.ecmp.key(i)
                out.append((d.id, d.gbps, d.sla.max_rtt_ms, rtt, key))
        return out

    def _by_key(self, unit: str) -> tuple[dict[int, list[_Tallied]], list[tuple[int, DemandRtt]]]:
        """A unit's tallied demands by the key of their RTT, with their place in `tallied` (a
        failure looks only at the keys whose RTT it may change), and, by key, those over
        their RTT budget already in the base state (what a failure leaves the other keys')."""
        fibre: Mapping[int, float] = {}
        if self.ecmp is not None:  # ECMP keys are sources (one path per demand: not needed)
            base = self.ecmp.base_flows[unit]
            fibre = base.fibre_rtt_ms if base is not None else {}
        by_key: dict[int, list[_Tallied]] = {}
        over = []
        for position, (demand_id, gbps, max_rtt_ms, rtt, key) in enumerate(self.tallied[unit]):
            by_key.setdefault(key, []).append((position, demand_id, gbps, max_rtt_ms, rtt))
            if max_rtt_ms is not None and rtt > max_rtt_ms:
                over.append((key, DemandRtt(demand_id, rtt, fibre.get(key, rtt))))
        return by_key, over

    def _route(self, units: Sequence[str], state: FailureState) -> dict[str, _Contribution]:
        out: dict[str, _Contribution] = {}
        for unit in units:
            members = self.units[unit]
            if self.ecmp is not None:
                out[unit] = self._route_destination(self.ecmp, unit, state)
            else:
                out[unit] = self._route_single(members[0], state)
        return out

    @staticmethod
    def _route_destination(ecmp: EcmpUnits, destination: str, state: FailureState) -> _Contribution:
        loads, rtts, fibre = ecmp.route(destination, state)
        # The nodes a unit crosses only index the base routing (which failures hit it).
        nodes = frozenset(n for u, v, _ in loads for n in (u, v)) if not state else frozenset()
        return _Contribution(loads, nodes, rtts, fibre)

    def _route_single(self, i: int, state: FailureState) -> _Contribution:
        d = self.demands[i]
        path = self.router.shortest_path(d.source, d.destination, state)
        if path is None:
            return _Contribution({}, frozenset(), {i: None}, {})
        loads = dict.fromkeys(zip(path.nodes, path.nodes[1:], path.links, strict=False), d.gbps)
        return _Contribution(loads, frozenset(path.nodes), {i: path.rtt_ms}, {i: path.fibre_rtt_ms})

    def _reroute_single(
        self, ordered: Sequence[str], state: FailureState
    ) -> tuple[Any, Any, dict[str, UnitRtts]]:
        """`EcmpUnits.reroute` for one path per demand: the directed links whose load
        changes and their loads (`LoadBook.after`), and each unit's RTTs. New paths go to the
        book as one index array straight from the paths (no loads dictionary per path)."""
        assert self.path_arrays is not None, "single-path rerouting of an ECMP analysis"
        paths = []
        rtts: dict[str, UnitRtts] = {}
        for unit in ordered:
            i = self.units[unit][0]
            d = self.demands[i]
            path = self.router.shortest_path(d.source, d.destination, state)
            if path is None:
                rtts[unit] = UnitRtts({i: None}, {})
                continue
            rtts[unit] = UnitRtts({i: path.rtt_ms}, {i: path.fibre_rtt_ms})
            paths.append((path, d.gbps))
        removed = [self.base_arrays[unit] for unit in ordered]
        added = [self.path_arrays.arrays(paths)] if paths else []
        changed, changed_loads = self.book.after(removed, added)
        return changed, changed_loads, rtts

    def base_utilisation(self) -> tuple[float, str, list[tuple[str, float]]]:
        """Worst utilisation with nothing failed (ties within 1e-12 go to the first link in id
        order), its link, and the overloaded directed links in id order."""
        return self.book.base_summary()

    def _affected_units(self, elements: tuple[str, ...], state: FailureState) -> set[str]:
        """The routing units a failure of `elements` can change: those routed over one of them,
        and those whose demands start or end at a failed node (lost whatever the routing)."""
        affected = {unit for e in elements for unit in self.users.get(e, ())}
        if any(e in self.topology.nodes for e in elements):
            for unit, members in self.units.items():
                if any(
                    self.demands[i].source in state or self.demands[i].destination in state
                    for i in members
                ):
                    affected.add(unit)
        return affected

    def evaluate(self, label: str, elements: tuple[str, ...], state: FailureState) -> FailureImpact:
        """Reroute only the units the failure touches and tally what they lost."""
        ordered = sorted(self._affected_units(elements, state))
        # The directed links whose load changes and their loads, and what each rerouted unit's
        # demands see (ECMP: RTTs by source).
        changed: Indices
        changed_loads: Loads
        if self.ecmp is not None:
            changed, changed_loads, new = self.ecmp.reroute(ordered, state)
        else:
            changed, changed_loads, new = self._reroute_single(ordered, state)
        disconnected, over_rtt, stretch, unrouted, rerouted = self._tally(ordered, new)
        worst, worst_link, overloaded = self.book.summary(changed, changed_loads)
        full = None
        if self.link_utilisation:
            full = self.book.utilisation_after(changed, changed_loads)
        return FailureImpact(
            label=label,
            elements=elements,
            disconnected=tuple(sorted(disconnected)),
            over_rtt=tuple(sorted(o.demand for o in over_rtt)),
            stretch=dict(sorted(stretch.items())),
            max_utilisation=worst,
            max_utilisation_link=worst_link,
            overloaded=tuple(overloaded),
            unrouted_gbps=unrouted,
            rerouted=rerouted,
            utilisation=full,
            over_rtt_ms=tuple(sorted(over_rtt, key=lambda o: o.demand)),
        )

    def _tally(self, ordered: Sequence[str], new: Mapping[str, UnitRtts]) -> _Tally:
        """What the new RTTs of the rerouted units do to their demands. They list only the keys
        whose RTT a failure may change (an ECMP unit's sources upstream of a changed node, or
        a rerouted demand): only their demands are looked at, the others keep their base RTT
        (and those over budget already stay so). Unrouted Gbit/s add up in unit then demand
        order, whichever keys are listed."""
        lost: list[tuple[int, int, str, float]] = []  # (unit rank, place, id, Gbit/s)
        over_rtt: list[DemandRtt] = []
        stretch: dict[str, float] = {}
        rerouted = 0
        for rank, unit in enumerate(ordered):
            rtts, fibre = new[unit].rtt_ms, new[unit].fibre_rtt_ms
            by_key = self.by_key[unit]
            for key, rtt in rtts.items():
                for position, demand_id, gbps, max_rtt_ms, base_rtt in by_key.get(key, ()):
                    if rtt is None:
                        lost.append((rank, position, demand_id, gbps))
                        continue
                    if rtt != base_rtt and abs(rtt - base_rtt) > 1e-9:
                        rerouted += 1
                        stretch[demand_id] = rtt / base_rtt
                    if max_rtt_ms is not None and rtt > max_rtt_ms:
                        over_rtt.append(DemandRtt(demand_id, rtt, fibre.get(key, rtt)))
            for key, late in self.base_over[unit]:
                if key not in rtts:
                    over_rtt.append(late)
        lost.sort()
        unrouted = 0.0
        for *_, gbps in lost:
            unrouted += gbps
        return [demand_id for _, _, demand_id, _ in lost], over_rtt, stretch, unrouted, rerouted


def _failures(
    router: Router, topology: Topology, mode: Mode, include_nodes: bool
) -> list[tuple[str, tuple[str, ...], FailureState]]:
    links = sorted(link.id for link in router.links_in_service)
    out: list[tuple[str, tuple[str, ...], FailureState]] = []
    if mode == "n-1":
        out += [(f"link {lid}", (lid,), frozenset({lid})) for lid in links]
        if include_nodes:
            out += [(f"node {n}", (n,), frozenset({n})) for n in sorted(router.adjacency)]
    elif mode == "n-2":
        out += [
            (f"links {a}+{b}", (a, b), frozenset({a, b}))
            for a, b in itertools.combinations(links, 2)
        ]
    else:
        for sid in sorted(topology.srlgs):
            members = tuple(sorted(expand_srlgs(topology, [sid]) & set(links)))
            if members:
                out.append((f"SRLG {sid}", members, frozenset(members)))
    return out


ProgressFn = Callable[[int, int], None]  # (failures evaluated, total)
_CHUNKS_PER_WORKER = 4
_WORKER_EVALUATOR: _Evaluator | None = None
_WORKER_FAILURES: list[tuple[str, tuple[str, ...], FailureState]] = []


# On a Dask worker: the evaluator of the analysis running now, keyed by a token per run, and
# a lock, since a worker's threads share it (and its routing caches).
_DASK_EVALUATOR: dict[str, tuple[_Evaluator, list[tuple[str, tuple[str, ...], FailureState]]]] = {}
_DASK_LOCK = threading.Lock()
# How often a wait for workers looks whether Ctrl-C asked to stop: quick enough to feel instant.
_STOP_POLL_S = 0.1


def _install_evaluator(
    topology: Topology,
    demands: Sequence[Demand],
    routing: Routing,
    metric: Metric,
    include_planned: bool,
    mode: Mode,
    include_nodes: bool,
    link_utilisation: bool,
) -> None:
    """Process-pool initializer: each worker builds the base routing once.

    Ctrl-C in a terminal reaches the workers too; the parent decides (keep what finished)."""
    global _WORKER_EVALUATOR, _WORKER_FAILURES
    ignore_sigint()
    _WORKER_EVALUATOR = _Evaluator(
        topology, demands, routing, metric, include_planned, link_utilisation
    )
    _WORKER_FAILURES = _failures(_WORKER_EVALUATOR.router, topology, mode, include_nodes)


def _evaluate_range(start: int, stop: int) -> list[FailureImpact]:
    assert _WORKER_EVALUATOR is not None, "pool started without _install_evaluator"
    with paused_gc():  # as in `_contingency`
        return [_WORKER_EVALUATOR.evaluate(*f) for f in _WORKER_FAILURES[start:stop]]


def _evaluate_range_dask(
    token: str, init: tuple[Any, ...], start: int, stop: int
) -> list[FailureImpact]:
    """A Dask task: failures [start, stop) of the run `token`, whose base routing the worker
    builds on its first task of that run (and keeps for the next ones, dropping older runs)."""
    with _DASK_LOCK:
        if token not in _DASK_EVALUATOR:
            _DASK_EVALUATOR.clear()
            topology, demands, routing, metric, planned, mode, nodes, utilisation = init
            evaluator = _Evaluator(topology, demands, routing, metric, planned, utilisation)
            failures = _failures(evaluator.router, topology, mode, nodes)
            _DASK_EVALUATOR[token] = (evaluator, failures)
        evaluator, failures = _DASK_EVALUATOR[token]
        return [evaluator.evaluate(*f) for f in failures[start:stop]]


def _ranges(total: int, slots: int) -> list[tuple[int, int]]:
    """Contiguous ranges of failures, a few per worker (so a slow one does not hold the rest)."""
    size = max(1, -(-total // (slots * _CHUNKS_PER_WORKER)))
    return [(start, min(total, start + size)) for start in range(0, total, size)]


def _on_dask(
    client: Any,
    init: tuple[Any, ...],
    total: int,
    progress: ProgressFn | None,
    stop: Callable[[], bool] | None = None,
) -> list[FailureImpact]:
    """Failures spread over a Dask cluster and put back in order: the same list as in one
    process (a failure's impact depends on the failure alone). When `stop()` turns true
    (Ctrl-C), the ranges not yet collected are cancelled on the cluster and the impacts
    collected so far, a prefix of the full list, are returned."""
    slots = max(1, sum(client.nthreads().values()))
    [data] = client.scatter([init], broadcast=True)
    token = uuid.uuid4().hex
    futures = [
        client.submit(_evaluate_range_dask, token, data, start, stop, pure=False)
        for start, stop in _ranges(total, slots)
    ]
    impacts: list[FailureImpact] = []
    try:
        for n, future in enumerate(futures):
            if not _wait_unless_stopped(
                functools.partial(finished_within, future, _STOP_POLL_S), stop
            ):
                client.cancel(futures[n:])
                break
            impacts.extend(future.result())
            if progress is not None:
                progress(len(impacts), total)
    except BaseException:
        client.cancel(futures)
        raise
    return impacts


def contingency(
    topology: Topology,
    demands: Sequence[Demand],
    *,
    mode: Mode = "n-1",
    routing: Routing = "shortest",
    metric: Metric = "latency",
    include_nodes: bool = False,
    include_planned: bool = False,
    workers: int = 1,
    progress: ProgressFn | None = None,
    link_utilisation: bool = False,
    scheduler: str | None = None,
    stop: Callable[[], bool] | None = None,
) -> ContingencyResult:
    """Evaluate every failure of `mode`; see the module docstring for what is reported.

    With `workers` > 1 the failures are split into contiguous ranges evaluated in worker
    processes (each routes the base case once) and put back in order, so the result is the
    same whatever the number of workers; with `scheduler` (a Dask address), the same ranges
    run on that cluster's workers. `link_utilisation` keeps each failure's utilisation of
    every loaded directed link. When `stop()` turns true (Ctrl-C) the failures evaluated so
    far, a prefix of the full list, make a result marked partial (on Dask too: the ranges
    not collected yet are cancelled on the cluster).
    """
    check_contingency_options(mode, routing, metric, workers, scheduler)  # before any work
    client = None
    if scheduler is not None:
        from twin.dask_client import connect

        client = connect(scheduler)  # before any work: a wrong address fails at once
    try:
        return _contingency(
            topology,
            demands,
            (mode, routing, metric, include_nodes, include_planned, link_utilisation),
            workers,
            progress,
            client,
            stop,
        )
    finally:
        if client is not None:
            client.close()


def _contingency(
    topology: Topology,
    demands: Sequence[Demand],
    options: tuple[Mode, Routing, Metric, bool, bool, bool],
    workers: int,
    progress: ProgressFn | None,
    client: Any,
    stop: Callable[[], bool] | None = None,
) -> ContingencyResult:
    mode, routing, metric, include_nodes, include_planned, link_utilisation = options
    # The evaluator and the impacts hold no reference cycles (a collection after an N-1 or
    # N-2 of germany50 found none), so the young-generation collections that their many
    # small containers trigger only trace survivors: 2.9 % of ta2's ECMP N-1 call
    # (cachegrind). Reference counting frees everything as before.
    with paused_gc():
        evaluator = _Evaluator(
            topology, demands, routing, metric, include_planned, link_utilisation
        )
    base_worst, base_link, _ = evaluator.base_utilisation()
    failures = _failures(evaluator.router, topology, mode, include_nodes)
    total = len(failures)
    impacts: list[FailureImpact] = []
    init = (
        topology,
        demands,
        routing,
        metric,
        include_planned,
        mode,
        include_nodes,
        link_utilisation,
    )
    # A notebook's workers=10_000 gets the cores it can use (results do not depend on it).
    workers, _ = usable_workers(workers, total)
    if client is not None:
        impacts = _on_dask(client, init, total, progress, stop)
    elif workers <= 1 or total < 2 * workers:
        impacts = _evaluate_here(evaluator, failures, progress, stop)
    else:
        # Imported here: a run in one process does not pay for the pool's (and its logging's)
        # start-up.
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, initializer=_install_evaluator, initargs=init) as pool:
            futures = [pool.submit(_evaluate_range, *span) for span in _ranges(total, workers)]
            for future in futures:
                if not _wait_unless_stopped(functools.partial(_pool_ready, future), stop):
                    pool.shutdown(wait=False, cancel_futures=True)
                    break
                impacts.extend(future.result())
                if progress is not None:
                    progress(len(impacts), total)
    unroutable = [d for i, d in enumerate(evaluator.demands) if evaluator.base_rtt.get(i) is None]
    return ContingencyResult(
        topology=topology.name,
        mode=mode,
        routing=routing,
        metric=metric,
        demands=len(demands),
        base_max_utilisation=base_worst,
        base_max_utilisation_link=base_link,
        failures=tuple(impacts),
        base_unroutable=tuple(d.id for d in unroutable),
        base_unroutable_gbps=sum(d.gbps for d in unroutable),
        partial=len(impacts) < total,
        failures_total=total,
        **_file_identity(topology.source_path),
    )


def _evaluate_here(
    evaluator: _Evaluator,
    failures: Sequence[tuple[str, tuple[str, ...], FailureState]],
    progress: ProgressFn | None,
    stop: Callable[[], bool] | None,
) -> list[FailureImpact]:
    """The failures evaluated in this process, in order, until `stop()` turns true."""
    impacts: list[FailureImpact] = []
    total = len(failures)
    with paused_gc():  # as in `_contingency`
        for i, failure in enumerate(failures, start=1):
            if stop is not None and stop():
                break
            impacts.append(evaluator.evaluate(*failure))
            if progress is not None and (i % 64 == 0 or i == total):
                progress(i, total)
    return impacts


def _wait_unless_stopped(ready: Callable[[], bool], stop: Callable[[], bool] | None) -> bool:
    """Wait until `ready()` (which itself waits up to `_STOP_POLL_S`), looking at `stop`
    between its waits; False when `stop` said stop first."""
    if stop is None:
        return True
    while not stop():
        if ready():
            return True
    return False


def _pool_ready(future: Future[list[FailureImpact]]) -> bool:
    """Whether a process-pool future finished, waiting at most `_STOP_POLL_S` for it."""
    from concurrent.futures import wait

    done, _ = wait([future], timeout=_STOP_POLL_S)
    return bool(done)


def _file_identity(source_path: str) -> dict[str, str]:
    """Absolute path and SHA-256 of the topology file, when the topology came from one.

    With `extends:` this is the file named, not its parents: the hash then says whether that
    file changed, not whether its chain did.
    """
    if not source_path:
        return {}
    path = Path(source_path)
    digest = file_sha256(path)
    if digest is None:
        return {"topology_path": str(path.resolve())}
    return {"topology_path": str(path.resolve()), "topology_sha256": digest}
