"""The contingency result: what each failure (N-1, N-2, SRLG) does to the demands, ranked once.

Written by `twin contingency` / `twin analyze --contingency` (`twin.analysis.contingency`),
read back by `twin report`. The ranking of failures (`impact_key`, `worst`) lives here with the
type, so the terminal table, the JSON `worst` list and the HTML report name the same worst
failures in the same order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal, NotRequired

from pydantic import TypeAdapter
from typing_extensions import TypedDict

from twin.results.document import json_schema, parse
from twin.results.frames import Frames

CONTINGENCY_SCHEMA = "silkroad-twin/contingency/1"
WORST_LISTED = 10  # failures named in a document's `worst` list


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


class FailureDoc(TypedDict):
    label: str
    elements: list[str]
    disconnected: list[str]
    over_rtt: list[str]
    stretch: dict[str, float]
    max_utilisation: float
    max_utilisation_link: str
    overloaded: list[tuple[str, float]]
    unrouted_gbps: float
    rerouted: NotRequired[int]
    utilisation: NotRequired[dict[str, float]]


class ContingencyDoc(TypedDict):
    """The contingency results file; keys marked NotRequired are absent from older files."""

    schema: Literal["silkroad-twin/contingency/1"]
    topology: str
    mode: str
    routing: NotRequired[str]
    metric: NotRequired[str]
    demands: NotRequired[int]
    base_max_utilisation: NotRequired[float]
    base_max_utilisation_link: NotRequired[str]
    failures: list[FailureDoc]
    base_unroutable: NotRequired[list[str]]
    base_unroutable_gbps: NotRequired[float]
    topology_path: NotRequired[str]
    topology_sha256: NotRequired[str]
    worst: NotRequired[list[str]]
    partial: NotRequired[bool]
    failures_total: NotRequired[int]


ADAPTER: TypeAdapter[ContingencyDoc] = TypeAdapter(ContingencyDoc)


def _failure(doc: FailureDoc) -> FailureImpact:
    utilisation = doc.get("utilisation")
    return FailureImpact(
        label=doc["label"],
        elements=tuple(doc["elements"]),
        disconnected=tuple(doc["disconnected"]),
        over_rtt=tuple(doc["over_rtt"]),
        stretch=dict(doc["stretch"]),
        max_utilisation=doc["max_utilisation"],
        max_utilisation_link=doc["max_utilisation_link"],
        overloaded=tuple((link, load) for link, load in doc["overloaded"]),
        unrouted_gbps=doc["unrouted_gbps"],
        rerouted=doc.get("rerouted", 0),
        utilisation=dict(utilisation) if utilisation is not None else None,
    )


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
        doc = parse(ADAPTER, data, "contingency results", path)
        return cls(
            topology=doc["topology"],
            mode=doc["mode"],
            routing=doc.get("routing", "?"),
            metric=doc.get("metric", "?"),
            demands=doc.get("demands", 0),
            base_max_utilisation=doc.get("base_max_utilisation", 0.0),
            base_max_utilisation_link=doc.get("base_max_utilisation_link", ""),
            failures=tuple(_failure(f) for f in doc["failures"]),
            base_unroutable=tuple(doc.get("base_unroutable", [])),
            base_unroutable_gbps=doc.get("base_unroutable_gbps", 0.0),
            topology_path=doc.get("topology_path", ""),
            topology_sha256=doc.get("topology_sha256", ""),
            partial=doc.get("partial", False),
            failures_total=doc.get("failures_total", len(doc["failures"])),
        )


def failure_document(failure: FailureImpact) -> dict[str, Any]:
    """One failure as the document holds it."""
    data = asdict(failure)
    if data["utilisation"] is None:
        del data["utilisation"]  # not asked for: keep N-1/N-2 files small
    return data


def contingency_schema() -> dict[str, Any]:
    return json_schema(ADAPTER, "contingency.result", "silkroad-twin contingency results")
