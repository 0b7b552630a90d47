"""Write a large, honest topology: thousands of nodes, four links each, no stated lengths.

The nodes sit on a jittered grid over the inhabited latitudes (60°S to 70°N, every longitude);
each is linked to its east, north, north-east and north-west neighbours, so the network is one
connected mesh of short terrestrial spans whose lengths `twin` must derive from coordinates
(geodesic x route factor): the load `twin validate` meets with a real continental backbone,
without a single YAML alias.

    python -m bench.gen_large_topology out.yaml --nodes 5000
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

COLUMNS_PER_ROW = 2  # a grid twice as wide as high, like the latitudes x longitudes it spans


def grid_shape(nodes: int) -> tuple[int, int]:
    """(rows, columns) of the grid holding at least `nodes` nodes."""
    rows = max(2, round((nodes / COLUMNS_PER_ROW) ** 0.5))
    return rows, -(-nodes // rows)


def large_topology_text(nodes: int, seed: int = 1) -> str:
    """The YAML of a mesh of `nodes` nodes and about four times as many links."""
    rng = random.Random(f"bench/large-topology/{seed}")
    rows, cols = grid_shape(nodes)
    lines = [
        f"name: mesh-{nodes}",
        "route_factor: 1.3",
        "failure_classes:",
        "  - {id: t, basis: per_1000km, rate: 1.0, repair: {kind: fixed, median: 12h}}",
        "nodes:",
    ]
    for i in range(nodes):
        r, c = divmod(i, cols)
        lat = -60.0 + 130.0 * (r + rng.uniform(0.1, 0.9)) / rows
        lon = -180.0 + 360.0 * (c + rng.uniform(0.1, 0.9)) / cols
        lines.append(
            f"  - {{id: n{i}, name: Node {i}, country: ZZ, role: pop, "
            f"lat: {lat:.5f}, lon: {lon:.5f}}}"
        )
    lines.append("links:")
    count = 0
    for i in range(nodes):
        r, c = divmod(i, cols)
        for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
            rr, cc = r + dr, (c + dc) % cols  # east-west wraps round the antimeridian
            j = rr * cols + cc
            if rr >= rows or j >= nodes or j == i:
                continue
            lines.append(
                f"  - {{id: l{count}, a: n{i}, b: n{j}, kind: terrestrial, "
                "capacity_gbps: 400, failure_class: t}"
            )
            count += 1
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.output.write_text(large_topology_text(args.nodes, args.seed), encoding="utf-8")


if __name__ == "__main__":
    main()
