"""Per-directed-link loads of a failure state as arrays: the base loads with a few demands moved.

Contingency analysis re-routes only the demands a failure touches, so each failure changes the
load of a few hundred directed links out of thousands. Done in dictionaries, taking the moved
demands' old loads off, putting their new ones on and ranking the result was a third of N-1 on
a backbone (backbone/world: 5,189 failures, 43,000 reroutes). Here every directed link has a
fixed index (sorted order of its (from, to, link id) key, so index order is key order), the
base loads are one array, and a failure's loads are that array with the moves applied.

Float results are the dictionaries' to the bit: a link's load is its base load, minus each
moved demand's old load in the order the demands are given, plus each new load in that order
(NumPy's `ufunc.at` applies its updates one by one, in order), and utilisation is the same
division by capacity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from twin.ecmp import DirectedLink

Summary = tuple[float, str, list[tuple[str, float]]]


class LoadBook:
    """Base loads over a fixed directed-link index, and the summary of a failure's changes.

    `links` is every directed link routing can use; `base` the base contributions in order
    (their loads are summed in that order); `capacity_gbps` per link id; `label` names a
    directed link in results. `eps_load`, `tie` and `overload` are the caller's thresholds:
    loads at or below `eps_load` are float residue, utilisations within `tie` of the worst are
    a tie (broken by the lowest link key), and above `overload` a link is overloaded.
    """

    def __init__(
        self,
        links: Iterable[DirectedLink],
        base: Iterable[Mapping[DirectedLink, float]],
        capacity_gbps: Mapping[str, float],
        label: Callable[[DirectedLink], str],
        thresholds: tuple[float, float, float],
    ) -> None:
        self.keys: list[DirectedLink] = sorted(set(links))
        self.index = {key: i for i, key in enumerate(self.keys)}
        self._label = label
        self._eps_load, self._tie, self._overload = thresholds
        self.capacity = np.asarray([capacity_gbps[k[2]] for k in self.keys], dtype=np.float64)
        self.base = np.zeros(len(self.keys), dtype=np.float64)
        for loads in base:
            idx, val = self.arrays(loads)
            np.add.at(self.base, idx, val)
        loaded = np.flatnonzero(self.base > self._eps_load)
        util = self.base[loaded] / self.capacity[loaded]
        order = np.lexsort((loaded, -util))  # highest first, ties by key
        self._ranked = loaded[order].tolist()
        self._ranked_util = util[order].tolist()
        self._changed = np.zeros(len(self.keys), dtype=bool)

    def arrays(self, loads: Mapping[DirectedLink, float]) -> tuple[np.ndarray, np.ndarray]:
        """A contribution's directed-link indices and loads, in its own order."""
        idx = np.fromiter(map(self.index.__getitem__, loads), dtype=np.int64, count=len(loads))
        val = np.fromiter(loads.values(), dtype=np.float64, count=len(loads))
        return idx, val

    def after(
        self,
        removed: Sequence[tuple[np.ndarray, np.ndarray]],
        added: Sequence[tuple[np.ndarray, np.ndarray]],
    ) -> tuple[np.ndarray, np.ndarray]:
        """The directed links whose load changes (sorted indices) and their loads, once the
        `removed` contributions are taken off the base loads and the `added` ones put on."""
        work = self.base.copy()
        if removed:
            np.subtract.at(work, *_joined(removed))
        if added:
            np.add.at(work, *_joined(added))
        parts = [idx for idx, _ in removed] + [idx for idx, _ in added]
        changed = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
        return changed, work[changed]

    def summary(self, changed: np.ndarray, loads: np.ndarray) -> Summary:
        """Worst utilisation, its link and the overloaded directed links in key order, over
        the changed links' new loads and every other link's base load."""
        keep = loads > self._eps_load
        idx = changed[keep]
        util = loads[keep] / self.capacity[idx]
        flags = self._changed
        flags[changed] = True
        try:
            top_idx, top_util = self._unchanged_top(flags)
            over_base = self._unchanged_over(flags)
        finally:
            flags[changed] = False
        worst = max(float(util.max()) if util.size else 0.0, max(top_util, default=0.0))
        worst_link = ""
        if worst > 0.0:
            near = [int(i) for i in idx[util >= worst - self._tie]]
            near += [i for i, u in zip(top_idx, top_util, strict=True) if u >= worst - self._tie]
            worst_link = self._label(self.keys[min(near)])
        hot = util > self._overload
        over = dict(zip(idx[hot].tolist(), util[hot].tolist(), strict=True))
        over.update(over_base)
        return worst, worst_link, [(self._label(self.keys[i]), over[i]) for i in sorted(over)]

    def base_summary(self) -> Summary:
        """`summary` with nothing changed: the base state's worst and overloaded links."""
        nothing = np.zeros(0, dtype=np.int64)
        return self.summary(nothing, nothing.astype(np.float64))

    def _unchanged_top(self, changed: np.ndarray) -> tuple[list[int], list[float]]:
        """The unchanged links tied (within `tie`) with the highest unchanged utilisation."""
        top_idx: list[int] = []
        top_util: list[float] = []
        for i, u in zip(self._ranked, self._ranked_util, strict=True):
            if changed[i]:
                continue
            if top_util and u < top_util[0] - self._tie:
                break
            top_idx.append(i)
            top_util.append(u)
        return top_idx, top_util

    def _unchanged_over(self, changed: np.ndarray) -> dict[int, float]:
        """The unchanged links overloaded in the base state."""
        over: dict[int, float] = {}
        for i, u in zip(self._ranked, self._ranked_util, strict=True):
            if u <= self._overload:
                break
            if not changed[i]:
                over[i] = u
        return over


def _joined(parts: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
