"""Static analyses: paths and SPOFs, contingency, analytic availability, checks, diffs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from twin.analysis.paths import analyze
    from twin.results.analysis import PathAnalysis

__all__ = ["PathAnalysis", "analyze"]


def __getattr__(name: str) -> Any:
    """`analyze` and `PathAnalysis` on first use: importing a sibling module (contingency,
    demand sets) must not pull in the path analysis and NetworkX with it."""
    if name == "PathAnalysis":
        from twin.results.analysis import PathAnalysis

        return PathAnalysis
    if name == "analyze":
        from twin.analysis import paths

        return paths.analyze
    raise AttributeError(f"module 'twin.analysis' has no attribute {name!r}")
