"""The `twin validate` result: each file's kind, what it holds, and every problem found."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from typing_extensions import TypedDict

from twin.candidates import CandidateSet
from twin.errors import Problem
from twin.model import Demand, Scenario, State, Topology
from twin.results.document import Adapter, json_schema

VALIDATE_SCHEMA = "silkroad-twin/validate/1"

# What a valid file loads to, by kind (a demands file loads to a tuple of demands).
Loaded = Topology | Scenario | State | tuple[Demand, ...] | CandidateSet | None


@dataclass(frozen=True)
class FileValidation:
    path: str
    kind: str
    counts: Mapping[str, int]  # e.g. nodes, links, srlgs for a topology; demands, events
    problems: tuple[Problem, ...]
    as_of: str | None = None  # a state file's moment; not in the JSON, whose shape is kept

    @property
    def valid(self) -> bool:
        return not self.problems

    @classmethod
    def of(
        cls, path: str, kind: str, model: Loaded, problems: tuple[Problem, ...]
    ) -> FileValidation:
        """A file's verdict with what it holds, counted from the model it loaded to (none when
        invalid): the counts are the data every rendering of the report reads."""
        if isinstance(model, State):
            counts = {"down": len(model.down), "resources": len(model.resources)}
            return cls(path, kind, counts, problems, as_of=str(model.as_of))
        if isinstance(model, CandidateSet):
            counts = {"candidates": len(model.candidates)}
        elif isinstance(model, tuple):
            counts = {"demands": len(model)}
        elif isinstance(model, Topology):
            counts = {"nodes": len(model.nodes), "links": len(model.links)}
            counts["srlgs"] = len(model.srlgs)
        elif isinstance(model, Scenario):
            counts = {"demands": len(model.demands), "events": len(model.events)}
        else:
            counts = {}
        return cls(path, kind, counts, problems)


@dataclass(frozen=True)
class ValidationReport:
    files: tuple[FileValidation, ...]

    @property
    def valid(self) -> bool:
        return all(f.valid for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": VALIDATE_SCHEMA,
            "valid": self.valid,
            "files": [
                {
                    "path": f.path,
                    "kind": f.kind,
                    "valid": f.valid,
                    "counts": dict(f.counts),
                    "problems": [dataclasses.asdict(p) for p in f.problems],
                }
                for f in self.files
            ],
        }


class ProblemDoc(TypedDict):
    path: str
    line: int
    col: int
    message: str
    hint: str


class FileDoc(TypedDict):
    path: str
    kind: str
    valid: bool
    counts: dict[str, int]
    problems: list[ProblemDoc]


class ValidateDoc(TypedDict):
    """The `twin validate --json` file."""

    schema: str
    valid: bool
    files: list[FileDoc]


ADAPTER: Adapter[ValidateDoc] = Adapter(ValidateDoc)


def validate_schema() -> dict[str, Any]:
    return json_schema(
        ADAPTER, VALIDATE_SCHEMA, "validate.result", "silkroad-twin validation results"
    )
