"""The contingency result: what each failure (N-1, N-2, SRLG) does to the demands, ranked once.

Written by `twin contingency` / `twin analyze --contingency` (`twin.analysis.contingency`),
read back by `twin report`. The ranking of failures (`impact_key`, `worst`) lives here with the
type, so the terminal table, the JSON `worst` list and the HTML report name the same worst
failures in the same order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from twin.results.document import Adapter, dataclass_schema, parse
from twin.results.frames import Frames

CONTINGENCY_SCHEMA = "silkroad-twin/contingency/1"
WORST_LISTED = 10  # failures named in a document's `worst` list


@dataclass(frozen=True)
class DemandRtt:
    """A demand's RTT after a failure: `rtt_ms` is what its budget is checked against
    (calibrated when the topology has a latency_calibration), `fibre_rtt_ms` the physical one."""

    demand: str
    rtt_ms: float
    fibre_rtt_ms: float


@dataclass(frozen=True)
class FailureImpact:
    label: str
    elements: tuple[str, ...]
    disconnected: tuple[str, ...]
    over_rtt: tuple[str, ...]
    stretch: Mapping[str, float]
    max_utilisation: float
    max_utilisation_link: str
    overloaded: tuple[tuple[str, float], ...]
    unrouted_gbps: float
    rerouted: int
    # Directed link label -> utilisation, every link carrying traffic; None unless asked for.
    utilisation: Mapping[str, float] | None = None
    # The demands of `over_rtt`, in the same order, with their RTTs after the failure.
    over_rtt_ms: tuple[DemandRtt, ...] = ()

    @property
    def impact_key(self) -> tuple[float, int, int, float]:
        """Ranking key, larger is worse: traffic lost, then connectivity, then SLA breaches
        (demands over their RTT budget), then the most loaded link."""
        return (
            self.unrouted_gbps,
            len(self.disconnected),
            len(self.over_rtt),
            self.max_utilisation,
        )


def worst_first(failures: tuple[FailureImpact, ...] | list[FailureImpact]) -> list[FailureImpact]:
    """Every failure, worst first by `impact_key` (ties keep the evaluation order)."""
    return sorted(failures, key=lambda f: f.impact_key, reverse=True)


@dataclass(frozen=True)
class ContingencyResult(Frames):
    topology: str
    mode: str
    routing: str
    metric: str
    demands: int
    base_max_utilisation: float
    base_max_utilisation_link: str
    failures: tuple[FailureImpact, ...]
    # Demands with no path before any failure, and their traffic (never part of a failure).
    base_unroutable: tuple[str, ...] = ()
    base_unroutable_gbps: float = 0.0
    topology_path: str = ""  # absolute, so a report can find the file from any directory
    topology_sha256: str = ""  # of the file's bytes: says whether it changed since
    # Ctrl-C: `failures` holds the first failures in order, of `failures_total` to evaluate.
    partial: bool = False
    failures_total: int = 0

    def worst(self, n: int = WORST_LISTED) -> list[FailureImpact]:
        return worst_first(self.failures)[:n]

    @property
    def worst_utilisation(self) -> tuple[float, str, str]:
        """(utilisation, link, failure) of the worst link load over all failures."""
        best = (self.base_max_utilisation, self.base_max_utilisation_link, "no failure")
        for f in self.failures:
            if f.max_utilisation > best[0]:
                best = (f.max_utilisation, f.max_utilisation_link, f.label)
        return best

    def to_dict(self) -> dict[str, Any]:
        data = self.document_head()
        data["failures"] = [failure_document(f) for f in self.failures]
        return data

    def document_head(self) -> dict[str, Any]:
        """The JSON document but its "failures" (which `failure_document` gives one by one,
        so that a large N-2 can be written as a stream)."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "failures"}
        data["schema"] = CONTINGENCY_SCHEMA
        data["worst"] = [f.label for f in self.worst()]
        return data

    @classmethod
    def from_dict(cls, data: Any, path: str = "<results>") -> ContingencyResult:
        """The result a file holds; an InputError names the first field that is wrong."""
        result = parse(ADAPTER, data, CONTINGENCY_SCHEMA, "contingency results", path)
        if "failures_total" not in data:  # written before Ctrl-C kept partial analyses
            result = replace(result, failures_total=len(result.failures))
        return result


# The document is the dataclass as `to_dict` writes it: one declaration reads and describes it.
ADAPTER: Adapter[ContingencyResult] = Adapter(ContingencyResult)


_FAILURE_FIELDS = tuple(f.name for f in fields(FailureImpact))


def failure_document(failure: FailureImpact) -> dict[str, Any]:
    """One failure as the document holds it: `asdict` without its deep copy of every list and
    mapping (the encoder only reads them; on ta2 the copies cost as much as the encoding)."""
    data = {name: getattr(failure, name) for name in _FAILURE_FIELDS}
    data["over_rtt_ms"] = [asdict(o) for o in failure.over_rtt_ms]
    if data["utilisation"] is None:
        del data["utilisation"]  # not asked for: keep N-1/N-2 files small
    return data


def contingency_schema() -> dict[str, Any]:
    worst = {"type": "array", "items": {"type": "string"}, "description": "labels, worst first"}
    return dataclass_schema(
        ADAPTER,
        CONTINGENCY_SCHEMA,
        "contingency.result",
        "silkroad-twin contingency results",
        {"worst": worst},
    )
