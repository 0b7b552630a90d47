"""Where map labels and parallel cables go, shared by the HTML map and the matplotlib map.

Two layout problems made the maps hard to read where the corridor is dense (the Caucasus,
Almaty-Dostyk-Alashankou, the Aden-Mumbai sea lane):

- Node names drawn at one fixed offset sat on top of each other and of neighbouring nodes.
  `place_labels` tries a few positions around each node, most important node first, and skips
  any position that would cover an already placed label, another node or the map's edge. A
  minor label that fits nowhere is dropped (its name stays in the node's hover title); a
  demand endpoint is never dropped.
- Submarine cables that share a stored sea lane were drawn on exactly the same pixels, so two
  dashed lines with different dash phases read as one solid line. `offset_parallel` spreads
  cables sharing lane points a few pixels apart, tapering to zero at their landing points so
  every cable still ends on its node.

Both are deterministic: the same inputs give the same coordinates, hence byte-identical SVG.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Box = tuple[float, float, float, float]  # left, top, width, height (y grows down)
Point = tuple[float, float]

# Average advance of a character of the sans-serif the maps use, as a fraction of the font size
# (DejaVu Sans / system-ui: 0.55-0.62 em); bold runs about 8 % wider. Overestimating a little
# keeps labels apart when the browser's font is wider than ours.
CHAR_EM = 0.62
BOLD_EM = 0.68


@dataclass(frozen=True)
class LabelRequest:
    """A label wanted next to a point at (x, y); `keep` labels are placed even when crowded."""

    key: str
    x: float
    y: float
    text: str
    font_px: float
    radius_px: float = 3.0
    bold: bool = False
    keep: bool = False


@dataclass(frozen=True)
class PlacedLabel:
    """Where a label goes: its anchor point, SVG text-anchor and the box it covers."""

    key: str
    x: float
    y: float  # the text baseline
    anchor: str  # start | middle | end
    box: Box


def text_width(text: str, font_px: float, bold: bool = False) -> float:
    return len(text) * font_px * (BOLD_EM if bold else CHAR_EM)


def _overlaps(box: Box, others: Sequence[Box]) -> bool:
    x, y, w, h = box
    return any(
        x < ox + ow and ox < x + w and y < oy + oh and oy < y + h for ox, oy, ow, oh in others
    )


def _candidates(req: LabelRequest) -> list[tuple[float, float, str]]:
    """(dx, dy of the baseline, anchor), in order of preference: right, left, above, below,
    then the four diagonals. Right-of-node first is how atlases label towns."""
    gap = req.radius_px + 2.0
    h = req.font_px
    mid = h * 0.35  # baseline offset that centres the text vertically on the node
    return [
        (gap, mid, "start"),
        (-gap, mid, "end"),
        (0.0, -gap - 1.0, "middle"),
        (0.0, gap + h * 0.8, "middle"),
        (gap, -gap + 1.0, "start"),
        (gap, gap + h * 0.7, "start"),
        (-gap, -gap + 1.0, "end"),
        (-gap, gap + h * 0.7, "end"),
    ]


def _box(req: LabelRequest, dx: float, dy: float, anchor: str) -> Box:
    w = text_width(req.text, req.font_px, req.bold)
    x = req.x + dx
    left = x if anchor == "start" else (x - w if anchor == "end" else x - w / 2.0)
    # From the cap height above the baseline to the descenders below it.
    return (left, req.y + dy - req.font_px * 0.8, w, req.font_px * 1.05)


def _marker(req: LabelRequest) -> Box:
    side = 2 * req.radius_px + 2
    return (req.x - req.radius_px - 1, req.y - req.radius_px - 1, side, side)


def place_labels(
    requests: Sequence[LabelRequest],
    bounds: tuple[float, float],
    obstacles: Sequence[Box] = (),
) -> list[PlacedLabel]:
    """Place labels greedily in the given order (most important first).

    A position is taken only if its box stays inside `bounds` (width, height) and covers no
    placed label, no other requested point's marker and no obstacle (e.g. the legend). A `keep`
    label that fits nowhere takes its first position anyway; any other is left out.
    """
    width, height = bounds
    markers = {r.key: _marker(r) for r in requests}
    placed: list[PlacedLabel] = []
    taken: list[Box] = list(obstacles)
    for req in requests:
        others = [box for key, box in markers.items() if key != req.key]
        choice: PlacedLabel | None = None
        for dx, dy, anchor in _candidates(req):
            box = _box(req, dx, dy, anchor)
            inside = box[0] >= 0 and box[1] >= 0 and box[0] + box[2] <= width
            inside = inside and box[1] + box[3] <= height
            if inside and not _overlaps(box, taken) and not _overlaps(box, others):
                choice = PlacedLabel(req.key, req.x + dx, req.y + dy, anchor, box)
                break
        if choice is None and req.keep:
            dx, dy, anchor = _candidates(req)[0]
            choice = PlacedLabel(req.key, req.x + dx, req.y + dy, anchor, _box(req, dx, dy, anchor))
        if choice is not None:
            placed.append(choice)
            taken.append(choice.box)
    return placed


def _key(point: Point) -> tuple[int, int]:
    return (round(point[0] * 2), round(point[1] * 2))  # half-pixel grid


def offset_parallel(
    polylines: Mapping[str, Sequence[Point]], spacing_px: float = 5.0, taper_px: float = 24.0
) -> dict[str, list[Point]]:
    """Spread polylines that share interior points (cables on one sea lane) side by side.

    Polylines sharing at least two interior points form a group; the group's members, in id
    order, are shifted perpendicular to their own direction by (i - (n - 1) / 2) x spacing,
    the shift growing from zero over the first and last `taper_px` of each line so both ends
    stay on their nodes. Polylines sharing nothing are returned unchanged.
    """
    interiors = {lid: {_key(p) for p in pts[1:-1]} for lid, pts in polylines.items()}
    ids = sorted(polylines)
    parent = {lid: lid for lid in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if len(interiors[a] & interiors[b]) >= 2:
                parent[find(b)] = find(a)
    groups: dict[str, list[str]] = {}
    for lid in ids:
        groups.setdefault(find(lid), []).append(lid)
    out: dict[str, list[Point]] = {}
    for members in groups.values():
        for index, lid in enumerate(members):
            shift = (index - (len(members) - 1) / 2.0) * spacing_px
            pts = list(polylines[lid])
            out[lid] = pts if shift == 0 or len(members) == 1 else _shifted(pts, shift, taper_px)
    return out


def _shifted(points: Sequence[Point], shift: float, taper_px: float) -> list[Point]:
    """`points` moved `shift` px to the left of their direction, tapered at both ends.

    The direction is taken from a fixed reference (the first to last point) rather than each
    segment, so two cables on one lane but drawn in opposite directions still separate.
    """
    if len(points) < 2:
        return list(points)
    (x0, y0), (x1, y1) = points[0], points[-1]
    length = math.hypot(x1 - x0, y1 - y0)
    if length == 0:
        return list(points)
    # Canonical orientation: always measure the normal from the west-most end, so the side a
    # cable goes to does not depend on which end the topology file lists first.
    if (x0, y0) > (x1, y1):
        x0, y0, x1, y1 = x1, y1, x0, y0
    nx, ny = -(y1 - y0) / length, (x1 - x0) / length
    along = [0.0]
    for (ax, ay), (bx, by) in itertools.pairwise(points):
        along.append(along[-1] + math.hypot(bx - ax, by - ay))
    total = along[-1]
    out: list[Point] = []
    for (px, py), s in zip(points, along, strict=True):
        weight = min(1.0, s / taper_px, (total - s) / taper_px) if taper_px > 0 else 1.0
        out.append((px + nx * shift * weight, py + ny * shift * weight))
    return out
