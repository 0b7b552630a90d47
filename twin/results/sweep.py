"""The parameter sweep result: one Monte Carlo result per combination of settings.

Written by `twin sweep --json` (`twin.sweep`); every variant ran the same replication indices
with the same seed (common random numbers), so the variants compare sharply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NotRequired

from typing_extensions import TypedDict

from twin.results.document import Adapter, json_schema, parse
from twin.results.montecarlo import MonteCarloDoc, MonteCarloResult

SWEEP_SCHEMA = "silkroad-twin/sweep/1"


@dataclass(frozen=True)
class Variant:
    settings: tuple[tuple[str, object], ...]
    result: MonteCarloResult

    @property
    def label(self) -> str:
        return ", ".join(f"{'.'.join(k.split('.')[-2:])}={v}" for k, v in self.settings)


class VariantDoc(TypedDict):
    settings: dict[str, Any]
    result: MonteCarloDoc


class SweepDoc(TypedDict):
    """The `twin sweep --json` file."""

    schema: str
    scenario: str
    variants: list[VariantDoc]
    partial: NotRequired[bool]  # absent from files written before Ctrl-C kept partial sweeps


ADAPTER: Adapter[SweepDoc] = Adapter(SweepDoc)


@dataclass(frozen=True)
class SweepResult:
    scenario: str
    variants: tuple[Variant, ...]
    # Ctrl-C: the variants finished, and the one running, whose result says it is partial.
    partial: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SWEEP_SCHEMA,
            "scenario": self.scenario,
            "partial": self.partial,
            "variants": [
                {"settings": dict(v.settings), "result": v.result.to_dict()} for v in self.variants
            ],
        }

    @classmethod
    def from_dict(cls, data: Any, path: str = "<results>") -> SweepResult:
        """The sweep a file holds; an InputError names the first field that is wrong."""
        doc = parse(ADAPTER, data, SWEEP_SCHEMA, "sweep results", path)
        return cls(
            doc["scenario"],
            tuple(
                Variant(
                    tuple(v["settings"].items()),
                    MonteCarloResult.from_dict(dict(v["result"]), path),
                )
                for v in doc["variants"]
            ),
            partial=doc.get("partial", False),
        )


def sweep_schema() -> dict[str, Any]:
    return json_schema(ADAPTER, SWEEP_SCHEMA, "sweep.result", "silkroad-twin parameter sweep")
