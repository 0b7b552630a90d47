"""Which measured pairs the physical network cannot explain, and why (left out of the fit).

Rules, in order; the first that applies is the pair's reason:
1. an end has no node (a country without a node in the topology);
2. both ends are the same node (traffic within one site is not modelled);
3. the two nodes are not connected;
4. the pair has no figure for the fitted statistic;
5. the minimum (or the fitted statistic) is below the fibre floor over the geodesic between the
   two nodes: faster than light in fibre, so probes or targets are not where the nodes are
   (addresses mapped to the wrong country or city);
6. the fitted statistic is more than `detour_factor` × the modelled fibre RTT: the traffic takes
   a route the model does not have (Kazakhstan-China through Europe). The default factor 3 is
   set by [S72] (Bozkurt et al.): measured Internet RTTs run at about 2.1 × the fibre floor over
   the geodesic. A modelled path is at least that floor, so 3 × its fibre RTT is 1.4 × beyond
   typical inflation even on a straight path, and more on a realistic one (route factor 1.3:
   3 × 1.3 = 3.9 × the floor, almost twice the typical figure).
"""

from __future__ import annotations

from twin.calibrate.pairs import ModelledPair

DEFAULT_DETOUR_FACTOR = 3.0


def flag_reason(pair: ModelledPair, statistic: str, detour_factor: float) -> str | None:
    """Why `pair` is left out of the fit, or None when the network can explain it."""
    m = pair.measured
    if pair.source_node is None or pair.destination_node is None:
        missing = m.a if pair.source_node is None else m.b
        return f"no node for {missing} in the topology"
    if pair.source_node == pair.destination_node:
        return f"both ends map to node {pair.source_node} (within one site: not modelled)"
    if pair.fibre_rtt_ms is None or pair.floor_rtt_ms is None:
        return f"no path between {pair.source_node} and {pair.destination_node} in the topology"
    value = m.stats_ms.get(statistic)
    if value is None:
        return f"no {statistic} measured"
    lowest = min(m.stats_ms.values())
    if lowest < pair.floor_rtt_ms:
        return (
            f"measured {lowest:.1f} ms is below the fibre floor {pair.floor_rtt_ms:.1f} ms over "
            f"the geodesic {pair.source_node}–{pair.destination_node}: faster than light in "
            "fibre, so probes are not where the nodes are (mis-geolocated)"
        )
    ratio = value / pair.fibre_rtt_ms
    if ratio > detour_factor:
        return (
            f"{statistic} is {ratio:.1f}× the modelled fibre RTT (above {detour_factor:g}×): "
            "the traffic detours over a route the model does not have"
        )
    return None
