"""The `twin validate` result: each file's kind, what it holds, and every problem found."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from typing_extensions import TypedDict

from twin.errors import Problem
from twin.results.document import Adapter, json_schema

VALIDATE_SCHEMA = "silkroad-twin/validate/1"


@dataclass(frozen=True)
class FileValidation:
    path: str
    kind: str
    counts: Mapping[str, int]  # e.g. nodes, links, srlgs for a topology; demands, events
    problems: tuple[Problem, ...]

    @property
    def valid(self) -> bool:
        return not self.problems


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
