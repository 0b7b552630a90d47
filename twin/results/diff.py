"""The topology diff result: elements added, removed and changed, and each demand's deltas.

Written by `twin diff` (`twin.analysis.topology_diff`), read back by `twin report` for the HTML
diff page; the terminal table, Markdown and JUnit read the same object.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Literal

from twin.results.document import Adapter, dataclass_schema, parse
from twin.results.frames import Frames
from twin.results.rtt import fibre_differs

DIFF_SCHEMA = "silkroad-twin/diff/1"
ElementKind = Literal["node", "link", "srlg", "failure_class"]
Change = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class ElementChange:
    kind: ElementKind
    id: str
    change: Change
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class DemandMeasures:
    """Per-demand facts on one side of the diff (None where the demand cannot be routed)."""

    rtt_ms: float | None
    link_disjoint_paths: int
    srlg_disjoint_paths: int
    spof_links: tuple[str, ...]
    spof_srlgs: tuple[str, ...]
    availability: float | None
    n1_worst_rtt_ms: float | None  # worst RTT over single-link failures; None if one disconnects
    n1_disconnecting: tuple[str, ...]
    # The physical RTTs of the same two paths: `rtt_ms` and `n1_worst_rtt_ms` are calibrated
    # when the topology has a latency_calibration (None in documents written before).
    fibre_rtt_ms: float | None = None
    n1_worst_fibre_rtt_ms: float | None = None


@dataclass(frozen=True)
class Thresholds:
    """How much worse a demand may get before `--fail-on regression` fails the build."""

    rtt_ms: float = 0.5
    availability: float = 1e-7
    n1_rtt_ms: float = 1.0


@dataclass(frozen=True)
class DemandDelta:
    demand_id: str
    source: str
    destination: str
    before: DemandMeasures
    after: DemandMeasures
    regressions: tuple[str, ...]
    improvements: tuple[str, ...]


def _clean(value: Any) -> Any:
    """JSON has no infinity: undefined measures are written as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (tuple, list)):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class TopologyDiff(Frames):
    base: str
    head: str
    elements: tuple[ElementChange, ...]
    demands: tuple[DemandDelta, ...] = ()
    thresholds: Thresholds = field(default_factory=Thresholds)

    @property
    def regressed(self) -> bool:
        return any(d.regressions for d in self.demands)

    @property
    def calibrated(self) -> bool:
        """Whether a calibration made some RTT differ from its fibre figure: then every view
        shows the fibre RTTs beside the calibrated ones."""
        return any(
            fibre_differs(m.rtt_ms, m.fibre_rtt_ms)
            or fibre_differs(m.n1_worst_rtt_ms, m.n1_worst_fibre_rtt_ms)
            for d in self.demands
            for m in (d.before, d.after)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": DIFF_SCHEMA,
            "base": self.base,
            "head": self.head,
            "thresholds": dataclasses.asdict(self.thresholds),
            "elements": [_clean(dataclasses.asdict(e)) for e in self.elements],
            "demands": [_clean(dataclasses.asdict(d)) for d in self.demands],
            "regressed": self.regressed,
        }

    @classmethod
    def from_dict(cls, data: Any, path: str = "<results>") -> TopologyDiff:
        """The diff a file holds; an InputError names the first field that is wrong."""
        return parse(ADAPTER, data, DIFF_SCHEMA, "topology diff", path)


# The document is the dataclass as `to_dict` writes it: one declaration reads and describes it.
ADAPTER: Adapter[TopologyDiff] = Adapter(TopologyDiff)


def diff_schema() -> dict[str, Any]:
    regressed = {"type": "boolean", "description": "whether any demand regressed"}
    return dataclass_schema(
        ADAPTER, DIFF_SCHEMA, "diff.result", "silkroad-twin topology diff", {"regressed": regressed}
    )
