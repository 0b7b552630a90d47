"""The random streams of a run: one per (seed, replication, element, purpose).

See `twin.sim.engine` for why: results do not depend on the number of processes or on
unrelated elements, and variants share random numbers.
"""

from __future__ import annotations

import random
from typing import Literal

Purpose = Literal["failure", "repair", "residual"]


def element_rng(
    seed: int, replication: int, kind: str, element_id: str, purpose: Purpose
) -> random.Random:
    """The random stream of one element for one purpose (see the module docstring)."""
    return random.Random(f"{seed}/{replication}/{kind}:{element_id}/{purpose}")
