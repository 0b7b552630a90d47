"""Static analyses: paths and SPOFs, contingency, analytic availability, checks, diffs."""

from twin.analysis.paths import PathAnalysis, analyze

__all__ = ["PathAnalysis", "analyze"]
