"""Map layout: labels that never cover each other or a node, cables on one sea lane kept apart."""

from __future__ import annotations

import math
import re

from twin.report.map_layout import LabelRequest, offset_parallel, place_labels, text_width


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_crowded_labels_never_overlap_and_only_minor_ones_are_dropped() -> None:
    # Five towns 6 px apart on a line (the Caucasus at map scale): no room for every name.
    requests = [LabelRequest("ep", 100.0, 100.0, "Endpoint", 10.5, 4.2, bold=True, keep=True)]
    requests += [LabelRequest(f"n{i}", 106.0 + 6 * i, 100.0, f"Town{i}", 10.5) for i in range(5)]
    placed = place_labels(requests, (400.0, 300.0))
    keys = [p.key for p in placed]
    assert keys[0] == "ep"  # the endpoint, first in order, is always there
    boxes = [p.box for p in placed]
    assert not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    # No label covers another requested node's marker.
    for p in placed:
        for r in requests:
            if r.key != p.key:
                x, y, w, h = p.box
                assert not (x < r.x < x + w and y < r.y < y + h), (p.key, r.key)
    assert len(placed) < len(requests)  # something had to give
    assert place_labels(requests, (400.0, 300.0)) == placed  # deterministic


def test_a_lone_label_goes_right_of_its_node_and_keeps_inside_the_map() -> None:
    (right,) = place_labels([LabelRequest("a", 50.0, 50.0, "Baku", 10.0, 3.0)], (400.0, 300.0))
    assert right.anchor == "start" and right.x > 50.0
    # At the right edge the same label flips to the left.
    (left,) = place_labels([LabelRequest("a", 395.0, 50.0, "Baku", 10.0, 3.0)], (400.0, 300.0))
    assert left.anchor == "end" and left.box[0] + left.box[2] <= 400.0
    assert right.box[2] == text_width("Baku", 10.0)


def test_cables_sharing_a_lane_are_spread_but_still_end_on_their_nodes() -> None:
    lane = [(0.0, 0.0), (50.0, 0.0), (100.0, 0.0), (150.0, 0.0), (200.0, 0.0)]
    out = offset_parallel({"eig": lane, "seacom": list(reversed(lane)), "alone": [(0, 9), (9, 9)]})
    assert out["alone"] == [(0, 9), (9, 9)]
    for lid in ("eig", "seacom"):
        assert out[lid][0] in (lane[0], lane[-1]) and out[lid][-1] in (lane[0], lane[-1])
    mid_eig = dict(out["eig"])[100.0]
    mid_seacom = dict(out["seacom"])[100.0]
    # Two members: shifted by -/+ half the 5 px spacing, on opposite sides of the lane.
    assert math.isclose(abs(mid_eig - mid_seacom), 5.0)


def test_report_map_labels_do_not_overlap_on_the_corridor() -> None:
    from pathlib import Path

    from twin.loading import load_topology
    from twin.report.html_map import render_map_svg

    root = Path(__file__).resolve().parents[2]
    svg = render_map_svg(load_topology(root / "topologies" / "silk-road-2026.yaml"), {})
    labels = re.findall(r'<text class="label" data-node="([^"]+)"', svg)
    assert len(labels) == len(set(labels)) > 10
