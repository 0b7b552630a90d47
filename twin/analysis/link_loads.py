"""Per-directed-link loads of a failure state: the base loads with a few demands moved.

Contingency analysis re-routes only the demands a failure touches, so each failure changes the
load of a few hundred directed links out of thousands. Done in dictionaries, taking the moved
demands' old loads off, putting their new ones on and ranking the result was a third of N-1 on
a backbone (backbone/world: 5,189 failures, 43,000 reroutes). Here every directed link has a
fixed index (sorted order of its (from, to, link id) key, so index order is key order), the
base loads are summed once, and a failure's loads are the base with the moves applied.

The book itself, and the one rule that summarises a failure (worst link, overloaded links), run
on plain lists: ECMP hands its changed loads over as lists, and importing NumPy would be a
quarter of a whole `twin contingency` run on SNDlib germany50. Only `arrays` and `after`, where
one failure moves thousands of entries on a big backbone, and the summary of what `after`
returns, import NumPy, on first use.

Float results are the dictionaries' to the bit: a link's load is its base load, minus each
moved demand's old load in the order the demands are given, plus each new load in that order
(NumPy's `ufunc.at` applies its updates one by one, in order), and utilisation is the same
division by capacity.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from twin.ecmp import DirectedLink

if TYPE_CHECKING:
    import numpy as np

Summary = tuple[float, str, list[tuple[str, float]]]
# A failure's changed links and their loads: lists (ECMP) or `after`'s arrays (single path).
Indices = Sequence[int] | Any
Loads = Sequence[float] | Any


def plain(values: Sequence[Any] | Any) -> list[Any]:
    """`values` as a list of Python numbers (an array's `tolist`, so no NumPy scalar leaks
    into results or their JSON)."""
    return values.tolist() if hasattr(values, "tolist") else list(values)


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
        self.capacity = [capacity_gbps[k[2]] for k in self.keys]
        self.base = [0.0] * len(self.keys)
        index = self.index
        for loads in base:
            for key, load in loads.items():
                self.base[index[key]] += load
        loaded = [i for i, load in enumerate(self.base) if load > self._eps_load]
        util = {i: self.base[i] / self.capacity[i] for i in loaded}
        self._ranked = sorted(loaded, key=lambda i: (-util[i], i))  # highest first, ties by key
        self._ranked_util = [util[i] for i in self._ranked]
        self._changed = bytearray(len(self.keys))
        self._base_array: np.ndarray | None = None
        self._capacity_array: np.ndarray | None = None

    def arrays(self, loads: Mapping[DirectedLink, float]) -> tuple[np.ndarray, np.ndarray]:
        """A contribution's directed-link indices and loads, in its own order."""
        import numpy as np

        idx = np.fromiter(map(self.index.__getitem__, loads), dtype=np.int64, count=len(loads))
        val = np.fromiter(loads.values(), dtype=np.float64, count=len(loads))
        return idx, val

    def after(
        self,
        removed: Sequence[tuple[np.ndarray, np.ndarray]],
        added: Sequence[tuple[np.ndarray, np.ndarray]],
    ) -> tuple[np.ndarray, np.ndarray]:
        """The directed links whose load changes (sorted indices) and their loads, once the
        `removed` contributions are taken off the base loads and the `added` ones put on.

        The changed links are marked in a mask over the book, not found by `np.unique`: on
        backbone/world, sorting a failure's thousand indices cost twice the whole mask."""
        import numpy as np

        if self._base_array is None:
            self._base_array = np.asarray(self.base, dtype=np.float64)
        work = self._base_array.copy()
        touched = np.zeros(len(self.keys), dtype=np.bool_)
        for parts, apply in ((removed, np.subtract.at), (added, np.add.at)):
            if parts:
                idx, val = _joined(parts)
                apply(work, idx, val)
                touched[idx] = True
        changed = np.flatnonzero(touched)
        return changed, work[changed]

    def summary(self, changed: Indices, loads: Loads) -> Summary:
        """Worst utilisation, its link and the overloaded directed links in key order, over
        the changed links' new loads and every other link's base load."""
        util = self._changed_utilisation(changed, loads)
        if hasattr(changed, "tolist"):  # `after`'s thousand indices: flags set in NumPy
            flags = self._mark(changed, 1)
            try:
                top_idx, top_util = self._unchanged_top(_Flags(flags))
                over_base = self._unchanged_over(_Flags(flags))
            finally:
                self._mark(changed, 0)
        else:  # a list (ECMP): a set made in C, not flags set and cleared one by one
            changed_set = set(changed)
            top_idx, top_util = self._unchanged_top(changed_set)
            over_base = self._unchanged_over(changed_set)
        worst = max(max(util.values(), default=0.0), max(top_util, default=0.0))
        worst_link = ""
        if worst > 0.0:
            floor = worst - self._tie
            near = [i for i, u in util.items() if u >= floor]
            near += [i for i, u in zip(top_idx, top_util, strict=True) if u >= floor]
            worst_link = self._label(self.keys[min(near)])
        over = {i: u for i, u in util.items() if u > self._overload}
        over.update(over_base)
        return worst, worst_link, [(self._label(self.keys[i]), over[i]) for i in sorted(over)]

    def _changed_utilisation(self, changed: Indices, loads: Loads) -> dict[int, float]:
        """The changed links' utilisations (loaded ones) by index, as `summary` reads them.

        From `after`'s arrays only the links the summary can name are kept, computed in
        NumPy: those within `tie` of the highest changed utilisation (the worst link is among
        them, since the worst is at least that high) and the overloaded ones. A failure on a
        backbone changes about a thousand links; a dictionary of all of them was a sixth of
        N-1 there. The division is the same IEEE division, so the floats are the same."""
        if not hasattr(changed, "tolist"):
            capacity, eps_load = self.capacity, self._eps_load
            pairs = zip(changed, loads, strict=True)
            return {i: load / capacity[i] for i, load in pairs if load > eps_load}
        return self._array_utilisation(cast("np.ndarray", changed), cast("np.ndarray", loads))

    def _array_utilisation(self, changed: np.ndarray, loads: np.ndarray) -> dict[int, float]:
        import numpy as np

        if self._capacity_array is None:
            self._capacity_array = np.asarray(self.capacity, dtype=np.float64)
        loaded = loads > self._eps_load
        idx = changed[loaded]
        util = loads[loaded] / self._capacity_array[idx]
        if not util.size:
            return {}
        keep = (util >= util.max() - self._tie) | (util > self._overload)
        return dict(zip(idx[keep].tolist(), util[keep].tolist(), strict=True))

    def _mark(self, changed: Indices, value: int) -> bytearray:
        """The changed links' flags (an array of indices) set to `value` (1: changed, 0:
        cleared again)."""
        import numpy as np

        flags = self._changed
        np.frombuffer(flags, dtype=np.uint8)[changed] = value
        return flags

    def base_summary(self) -> Summary:
        """`summary` with nothing changed: the base state's worst and overloaded links."""
        return self.summary([], [])

    def utilisation_after(self, changed: Indices, loads: Loads) -> dict[str, float]:
        """Every loaded directed link's utilisation once the changed links' loads replace
        their base loads, by label in key order (`--link-utilisation`: a scan of all links per
        failure, which the summary alone does not need)."""
        after = self.base.copy()
        for i, load in zip(plain(changed), plain(loads), strict=True):
            after[i] = load
        keys, capacity, label = self.keys, self.capacity, self._label
        return {
            label(keys[i]): load / capacity[i]
            for i, load in enumerate(after)
            if load > self._eps_load
        }

    def _unchanged_top(self, changed: Container[int]) -> tuple[list[int], list[float]]:
        """The unchanged links tied (within `tie`) with the highest unchanged utilisation."""
        top_idx: list[int] = []
        top_util: list[float] = []
        for i, u in zip(self._ranked, self._ranked_util, strict=True):
            if i in changed:
                continue
            if top_util and u < top_util[0] - self._tie:
                break
            top_idx.append(i)
            top_util.append(u)
        return top_idx, top_util

    def _unchanged_over(self, changed: Container[int]) -> dict[int, float]:
        """The unchanged links overloaded in the base state."""
        over: dict[int, float] = {}
        for i, u in zip(self._ranked, self._ranked_util, strict=True):
            if u <= self._overload:
                break
            if i not in changed:
                over[i] = u
        return over


class _Flags:
    """Flags over the book's indices read as a set of the flagged ones."""

    def __init__(self, flags: bytearray) -> None:
        self._flags = flags

    def __contains__(self, i: object) -> bool:
        return isinstance(i, int) and bool(self._flags[i])


def _joined(parts: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
