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
