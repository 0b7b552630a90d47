"""A path's directed links as load-book indices, without a dictionary of (from, to, link) keys.

N-1 on a backbone reroutes tens of thousands of demands (backbone/world: 44,597 paths of some
forty hops), and each new path's loads go to the load book as an array of directed-link
indices. Building a {(from, to, link id): Gbit/s} dictionary per path and looking its tuple keys
up one by one was a fifth of the analysis. A directed link is its link and the end it leaves
from, so two lookups by plain id (link, node) and a comparison give every index of a path at
once.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from twin.ecmp import DirectedLink
from twin.routing import Path


class PathArrays:
    """Load-book indices of each path's directed links. `index` is the book's
    (from, to, link id) -> index, covering every directed link a path can use."""

    def __init__(self, index: Mapping[DirectedLink, int]) -> None:
        self._link: dict[str, int] = {}
        self._node: dict[str, int] = {}
        tails: list[int] = []  # by link position: the end its "forward" direction leaves
        forward: list[int] = []
        backward: list[int] = []
        for (u, _v, lid), i in index.items():
            node = self._node.setdefault(u, len(self._node))
            position = self._link.get(lid)
            if position is None:
                self._link[lid] = len(tails)
                tails.append(node)
                forward.append(i)
                backward.append(i)  # a loop link has one direction only
            else:
                backward[position] = i
        self._tail = np.asarray(tails, dtype=np.int64)
        self._forward = np.asarray(forward, dtype=np.int64)
        self._backward = np.asarray(backward, dtype=np.int64)

    def arrays(self, path: Path, gbps: float) -> tuple[np.ndarray, np.ndarray]:
        """The book indices of `path`'s directed links, in path order, each carrying `gbps`:
        what `LoadBook.arrays` gives for the path's {(from, to, link id): gbps} loads."""
        count = len(path.links)
        links = np.fromiter(map(self._link.__getitem__, path.links), np.int64, count)
        # Every node but the last leaves over a link (a path's last node has none).
        starts = np.fromiter(map(self._node.__getitem__, path.nodes[:count]), np.int64, count)
        idx = np.where(self._tail[links] == starts, self._forward[links], self._backward[links])
        return idx, np.full(count, gbps, dtype=np.float64)
