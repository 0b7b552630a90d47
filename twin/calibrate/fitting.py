"""`calibrate`: measured pairs in, a fitted latency model and its residual table out.

One fit for the whole network, and optionally one per corridor (a set of countries whose
traffic really follows the modelled route). The honest figure is the leave-one-out error: each
fitted pair is predicted by a fit of its own group on all the other pairs, so a model with as
many knobs as pairs cannot look good by memorising them.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from twin.calibrate.fit import LineFit, huber_fit
from twin.calibrate.flags import DEFAULT_DETOUR_FACTOR, flag_reason
from twin.calibrate.measurements import Measurements
from twin.calibrate.pairs import ModelledPair, country_hubs, model_pairs
from twin.errors import InputError
from twin.model import CorridorCalibration, Topology
from twin.results.calibration import CalibrationPair, CalibrationResult, GroupFit

ESTIMATOR = "huber (k = 1.345, MAD scale), stretch ≥ 1, overhead ≥ 0"
MIN_PAIRS_FOR_CROSS_VALIDATION = 3
GLOBAL = "global"
OUTSIDE = "outside the corridors calibrated (only corridors fitted): its fibre RTT stays as it is"
# A separate submarine stretch needs pairs whose paths differ in how much of them is at sea
# (half the range at least) and enough of them for three parameters plus a held-out pair each.
MIN_SHARE_SPREAD = 0.5
MIN_PAIRS_PER_KIND_FIT = 8
# Slope and intercept separate only over a range of path lengths: below a factor 2 between
# the shortest and longest fitted path, a constant overhead and a stretch look alike.
MIN_RTT_RANGE_RATIO = 2.0


@dataclass(frozen=True)
class Corridor:
    """A region fitted on its own: pairs with both ends in `countries` (ISO alpha-2)."""

    name: str
    countries: tuple[str, ...]


@dataclass(frozen=True)
class _Group:
    name: str
    pairs: tuple[ModelledPair, ...]
    fit: LineFit
    measured_ms: tuple[float, ...]
    held_out: tuple[float | None, ...]


def calibrate(
    topology: Topology,
    measurements: Measurements,
    *,
    statistic: str = "mean",
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    corridors: Sequence[Corridor] = (),
    only_corridors: bool = False,
) -> CalibrationResult:
    """Fit measured RTT = stretch × fibre RTT + overhead on the pairs the network explains.

    With `only_corridors`, pairs outside every corridor are left out (flagged) and paths
    outside the corridors keep their fibre RTT (stretch 1, overhead 0): for regions where the
    measurements cannot stand for the modelled route.
    """
    hubs = country_hubs(topology)
    modelled = model_pairs(measurements, topology, hubs)
    reasons = [flag_reason(p, statistic, detour_factor) for p in modelled]
    if only_corridors:
        reasons = [
            r if r is not None or _corridor_of(topology, p, corridors) else OUTSIDE
            for p, r in zip(modelled, reasons, strict=True)
        ]
    used = [p for p, r in zip(modelled, reasons, strict=True) if r is None]
    groups = _fit_groups(topology, measurements.path, used, statistic, corridors, only_corridors)
    by_pair = {id(p): (g, i) for g in groups for i, p in enumerate(g.pairs)}
    overall_fit = next(g for g in groups if g.name == GLOBAL).fit
    rows = _rows(modelled, reasons, statistic, by_pair, overall_fit)
    fitted = [r for r in rows if r.flag is None]
    errors = [abs(r.held_out_residual_ms) for r in fitted if r.held_out_residual_ms is not None]
    measured = [r.measured_ms or 0.0 for r in fitted if r.held_out_residual_ms is not None]
    overall = next(g for g in groups if g.name == GLOBAL)
    names = {p.measured.a for p in modelled} | {p.measured.b for p in modelled}
    return CalibrationResult(
        topology=topology.name,
        topology_path=topology.source_path,
        measurements_path=measurements.path,
        format=measurements.format,
        statistic=statistic,
        detour_factor=detour_factor,
        estimator=ESTIMATOR,
        stretch=overall.fit.stretch,
        overhead_ms=overall.fit.overhead_ms,
        iterations=overall.fit.iterations,
        pairs=rows,
        hubs=tuple(h for c, h in sorted(hubs.items()) if c in names),
        in_sample_mae_ms=statistics.fmean(abs(r.residual_ms or 0.0) for r in fitted),
        out_of_sample_mae_ms=statistics.fmean(errors) if errors else None,
        out_of_sample_median_abs_ms=statistics.median(errors) if errors else None,
        out_of_sample_mape=(
            statistics.fmean(e / m for e, m in zip(errors, measured, strict=True))
            if errors
            else None
        ),
        notes=identifiability_notes(used, groups),
        corridors=tuple(_group_fit(g, corridors) for g in groups if g.name != GLOBAL),
    )


def _fit_groups(
    topology: Topology,
    path: str,
    used: Sequence[ModelledPair],
    statistic: str,
    corridors: Sequence[Corridor],
    only_corridors: bool = False,
) -> list[_Group]:
    """Each corridor's pairs fitted alone; the rest (or, if too few, all pairs) globally;
    with `only_corridors`, the global model is the identity (fibre RTT unchanged)."""
    members: dict[str, list[ModelledPair]] = {c.name: [] for c in corridors}
    rest: list[ModelledPair] = []
    for pair in used:
        home = _corridor_of(topology, pair, corridors)
        (members[home] if home is not None else rest).append(pair)
    groups = []
    if only_corridors:
        groups.append(_Group(GLOBAL, (), LineFit(1.0, 0.0, 0, 0.0), (), ()))
    else:
        members[GLOBAL] = rest if len(rest) >= 2 else list(used)
    for name, pairs in members.items():
        if len(pairs) < 2:
            raise InputError.about(
                path,
                f"{name}: only {len(pairs)} pair(s) the topology can explain; a fit needs 2",
                "measure more pairs between nodes (or hub countries) of this topology",
            )
        x = [_fibre(p) for p in pairs]
        y = [p.measured.stats_ms[statistic] for p in pairs]
        fit = _rounded(huber_fit(x, y))
        groups.append(_Group(name, tuple(pairs), fit, tuple(y), tuple(_leave_one_out(x, y))))
    return groups


def _corridor_of(
    topology: Topology, pair: ModelledPair, corridors: Sequence[Corridor]
) -> str | None:
    assert pair.source_node is not None and pair.destination_node is not None
    a = topology.nodes[pair.source_node].country
    b = topology.nodes[pair.destination_node].country
    for c in corridors:
        if CorridorCalibration(c.name, c.countries, 1.0, 0.0).covers(a, b):
            return c.name
    return None


def _group_fit(group: _Group, corridors: Sequence[Corridor]) -> GroupFit:
    countries = next(c.countries for c in corridors if c.name == group.name)
    held = [
        abs(h - m) for h, m in zip(group.held_out, group.measured_ms, strict=True) if h is not None
    ]
    return GroupFit(
        group.name,
        countries,
        group.fit.stretch,
        group.fit.overhead_ms,
        len(group.pairs),
        statistics.fmean(held) if held else None,
    )


def _rounded(fit: LineFit) -> LineFit:
    """The fit as the overlay states it (stretch to 1e-4, overhead to 0.01 ms), so the residual
    table shows what a topology extending the overlay will report."""
    return LineFit(round(fit.stretch, 4), round(fit.overhead_ms, 2), fit.iterations, fit.scale_ms)


def _fibre(pair: ModelledPair) -> float:
    assert pair.fibre_rtt_ms is not None  # flag_reason leaves out unconnected pairs
    return pair.fibre_rtt_ms


def _leave_one_out(x: Sequence[float], y: Sequence[float]) -> list[float | None]:
    """Each pair's prediction by a fit on the others (None below 3 pairs: nothing to fit on)."""
    if len(x) < MIN_PAIRS_FOR_CROSS_VALIDATION:
        return [None] * len(x)
    out: list[float | None] = []
    for i in range(len(x)):
        rest_x = [v for j, v in enumerate(x) if j != i]
        rest_y = [v for j, v in enumerate(y) if j != i]
        out.append(_rounded(huber_fit(rest_x, rest_y)).predict_ms(x[i]))
    return out


def _rows(
    modelled: Sequence[ModelledPair],
    reasons: Sequence[str | None],
    statistic: str,
    by_pair: dict[int, tuple[_Group, int]],
    overall: LineFit,
) -> tuple[CalibrationPair, ...]:
    """The residual table: every pair, fitted ones with their group's prediction and held-out
    prediction, flagged ones with what the global fit would have said and the reason."""
    rows = []
    for pair, reason in zip(modelled, reasons, strict=True):
        m = pair.measured
        measured = m.stats_ms.get(statistic)
        group, index = by_pair.get(id(pair), (None, -1))
        fit = group.fit if group is not None else overall
        after = None if pair.fibre_rtt_ms is None else fit.predict_ms(pair.fibre_rtt_ms)
        predicted = group.held_out[index] if group is not None else None
        rows.append(
            CalibrationPair(
                source=m.a,
                destination=m.b,
                line=m.line,
                source_node=pair.source_node,
                destination_node=pair.destination_node,
                samples=m.samples,
                measured_ms=measured,
                measured_min_ms=m.stats_ms.get("min"),
                floor_rtt_ms=pair.floor_rtt_ms,
                fibre_rtt_ms=pair.fibre_rtt_ms,
                calibrated_rtt_ms=after,
                residual_ms=None if measured is None or after is None else measured - after,
                held_out_ms=predicted,
                held_out_residual_ms=(
                    None if predicted is None or measured is None else measured - predicted
                ),
                submarine_share=pair.submarine_share,
                flag=reason,
                group=group.name if group is not None else None,
            )
        )
    return tuple(rows)


def identifiability_notes(
    used: Sequence[ModelledPair], groups: Sequence[_Group]
) -> tuple[str, ...]:
    """What the data can and cannot tell apart, stated with the numbers that decide it."""
    x = [_fibre(p) for p in used]
    shares = [p.submarine_share or 0.0 for p in used]
    spread = max(shares) - min(shares)
    narrow = max(x) < MIN_RTT_RANGE_RATIO * min(x)
    notes = [
        f"{len(used)} pairs fitted; their fibre RTTs span {min(x):.1f}–{max(x):.1f} ms"
        + (
            f" (less than {MIN_RTT_RANGE_RATIO:g}×): stretch and overhead are hard to tell "
            "apart, so trust the fit for paths of similar length only"
            if narrow
            else ", which is what separates the stretch (slope) from the overhead (intercept)"
        ),
        f"one stretch for every link kind: the submarine share of the fitted paths' fibre RTT "
        f"spans {100 * min(shares):.0f}–{100 * max(shares):.0f} %"
        + (
            ", too little to fit a separate submarine stretch (not identifiable on these data)"
            if spread < MIN_SHARE_SPREAD or len(used) < MIN_PAIRS_PER_KIND_FIT
            else ""
        ),
    ]
    for g in groups:
        if not g.pairs:
            continue
        if len(g.pairs) < MIN_PAIRS_FOR_CROSS_VALIDATION:
            notes.append(f"{g.name}: fewer than 3 pairs, so no out-of-sample error")
        if g.fit.stretch <= 1.0:
            notes.append(f"{g.name}: the stretch sits on its floor (1)")
        if g.fit.overhead_ms <= 0.0:
            notes.append(f"{g.name}: the overhead sits on its floor (0 ms)")
    return tuple(notes)
