"""The routing cache is bounded (least recently used goes first) and never changes a result."""

from __future__ import annotations

from pathlib import Path

import pytest

from twin.loading import load_scenario
from twin.routing import NO_FAILURES, Router, RoutingCache, place_demands

SCENARIO = Path(__file__).parents[2] / "scenarios" / "trans-caspian-cut.yaml"


@pytest.fixture(scope="module")
def cache_inputs() -> tuple[Router, list[frozenset[str]]]:
    scenario = load_scenario(SCENARIO)
    router = Router(scenario.topology)
    link_ids = sorted(scenario.topology.links)[:6]
    states = [frozenset({lid}) for lid in link_ids]
    return router, states


def test_bound_holds_and_results_equal_uncached(
    cache_inputs: tuple[Router, list[frozenset[str]]],
) -> None:
    router, states = cache_inputs
    demands = load_scenario(SCENARIO).demands
    cache = RoutingCache(router, demands, max_states=2)
    for _ in range(2):  # the second pass finds most states evicted and routes them again
        for state in states:
            expected = place_demands(router, demands, state, False, place_demands(router, demands))
            assert cache.route(state) == expected
            assert len(cache) <= 2 + 1  # two failure states plus the pinned intact routing
    assert cache.misses == 2 * len(states) + 1  # every state twice, the intact routing once


def test_least_recently_used_is_evicted_first(
    cache_inputs: tuple[Router, list[frozenset[str]]],
) -> None:
    router, states = cache_inputs
    a, b, c = states[:3]
    cache = RoutingCache(router, load_scenario(SCENARIO).demands, max_states=2)
    cache.route(a)
    cache.route(b)
    cache.route(a)  # a is now the most recent; b goes when c arrives
    cache.route(c)
    misses = cache.misses
    cache.route(a)
    assert cache.misses == misses  # a kept
    cache.route(b)
    assert cache.misses == misses + 1  # b was evicted
    cache.route(NO_FAILURES)
    assert cache.misses == misses + 1  # the intact routing is never evicted


def test_bound_must_be_positive(cache_inputs: tuple[Router, list[frozenset[str]]]) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        RoutingCache(cache_inputs[0], (), max_states=0)


def test_the_simulator_owns_bounded_caches_that_change_no_result() -> None:
    """Replications on a simulator whose caches hold one entry each (every other state is
    evicted and worked out again) equal, byte for byte, those on roomy caches; the caches stay
    within their bound and belong to the simulator (a fresh one starts empty)."""
    from twin.lru import Lru
    from twin.sim.engine import Simulator

    scenario = load_scenario(Path(__file__).parents[2] / "scenarios" / "annual-reliability.yaml")
    tiny = Simulator(scenario, max_states=1, max_memo_entries=1)
    roomy = Simulator(scenario)
    for replication in range(3):
        a = tiny.engine(7, replication, scenario.horizon_h).run()
        b = roomy.engine(7, replication, scenario.horizon_h).run()
        assert a.to_dict() == b.to_dict()
    assert len(tiny.cache) <= 2  # one state plus the pinned no-failure routing
    assert len(tiny.memo.views) <= 1 and len(tiny.memo.transitions) <= 1
    assert len(roomy.memo.views) > 1  # the bound, not the scenario, kept tiny's small
    assert len(Simulator(scenario).memo.views) == 0
    lru: Lru[str, int] = Lru(2)
    for key, value in (("a", 1), ("b", 2), ("a", 1), ("c", 3)):
        if lru.get(key) is None:
            lru.put(key, value)
    assert (lru.get("b"), lru.get("a"), lru.get("c")) == (None, 1, 3)  # b was least recent
