"""A path's directed links as load-book indices, without a dictionary of (from, to, link) keys.

N-1 on a backbone reroutes tens of thousands of demands (backbone/world: 44,597 paths of some
forty hops), and each new path's loads go to the load book as an array of directed-link
indices. Building a {(from, to, link id): Gbit/s} dictionary per path and looking its tuple keys
up one by one was a fifth of the analysis. A directed link is its link and the end it leaves
from, so a lookup of the link id and then of the node, with no dictionary or tuple built, gives
the indices. A path the replacement paths found carries its directed links as numbers already
(`Path.directed`), so its indices are one NumPy lookup, with no name looked up at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from twin.ecmp import DirectedLink
from twin.routing import Path


class PathArrays:
    """Load-book indices of each path's directed links. `index` is the book's
    (from, to, link id) -> index, covering every directed link a path can use, and `directed`
    the router's `directed_links` (what `Path.directed` numbers)."""

    def __init__(self, index: Mapping[DirectedLink, int], directed: Sequence[DirectedLink]) -> None:
        self._book_of = np.fromiter(map(index.__getitem__, directed), np.int64, len(directed))
        # A directed link is its link and the node it leaves: link id -> {node: number}.
        # Nested string keys, not (node, link id) tuples: a tuple key is built, hashed and
        # compared element by element per hop, several times the cost of two string lookups.
        self._leaving: dict[str, dict[str, int]] = {}
        for number, (u, _v, lid) in enumerate(directed):
            self._leaving.setdefault(lid, {})[u] = number

    def arrays(self, paths: Sequence[tuple[Path, float]]) -> tuple[np.ndarray, np.ndarray]:
        """The book indices of the paths' directed links, path after path in the order given
        and each in path order, and the Gbit/s each carries: what `LoadBook.arrays` gives for
        each path's {(from, to, link id): gbps} loads, joined.

        One NumPy lookup and one repeat for all the paths of a failure: per path they were
        a tenth of N-1 on backbone/world."""
        numbers = [self._numbers(path) for path, _ in paths]
        idx = self._book_of[np.concatenate(numbers)] if numbers else np.zeros(0, np.int64)
        counts = [len(path.links) for path, _ in paths]
        gbps = np.repeat(np.asarray([g for _, g in paths], dtype=np.float64), counts)
        return idx, gbps

    def _numbers(self, path: Path) -> np.ndarray:
        """The path's directed links as `directed_links` numbers: its own when it has them."""
        if path.directed is not None:
            return np.asarray(path.directed)
        # Each hop's {node: number} of its link, then its leaving node's entry, all in C;
        # map stops at the links: a path's last node leaves over none.
        ends = map(self._leaving.__getitem__, path.links)
        return np.fromiter(map(dict.__getitem__, ends, path.nodes), np.int64, len(path.links))
