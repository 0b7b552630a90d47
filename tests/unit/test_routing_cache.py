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
    assert len(tiny.moves) <= 1 and len(roomy.moves) > 1
    assert len(roomy.memo.views) > 1  # the bound, not the scenario, kept tiny's small
    assert len(Simulator(scenario).memo.views) == 0
    lru: Lru[str, int] = Lru(2)
    for key, value in (("a", 1), ("b", 2), ("a", 1), ("c", 3)):
        if lru.get(key) is None:
            lru.put(key, value)
    assert (lru.get("b"), lru.get("a"), lru.get("c")) == (None, 1, 3)  # b was least recent


def _counting(router: Router) -> list[int]:
    """Make `router` count its searches: the one-element list it returns holds the count."""
    count = [0]
    search = router.shortest_path

    def counted(*args: object) -> object:
        count[0] += 1
        return search(*args)  # type: ignore[arg-type]

    router.shortest_path = counted  # type: ignore[assignment, method-assign]
    return count


@pytest.mark.parametrize("metric", ["latency", "hops"])
def test_routes_carried_over_from_nearer_states_equal_routing_from_scratch(metric: str) -> None:
    """A state met by one more failure (or one repair) reuses the routes of the states inside
    it the cache holds; along a random walk over up to four elements down, links and nodes,
    every state equals routing from scratch (no base, every demand searched), load book
    included, under the hop
    metric too, where equal-cost paths abound and the tie rule decides. The walk also has to
    spare searches that the no-failure routing alone does not, or the carried-over routes
    were never taken."""
    import itertools
    import random

    from twin.loading import load_topology
    from twin.model import Demand

    topology = load_topology(Path(__file__).parents[2] / "topologies" / "silk-road-2026.yaml")
    ends = sorted(topology.nodes)[::3]
    demands = [Demand(f"{a}>{b}", a, b, 10.0) for a, b in itertools.combinations(ends, 2)]
    elements = sorted(topology.links) + sorted(topology.nodes)
    router = Router(topology, metric=metric)  # type: ignore[arg-type]
    searches = _counting(router)
    cache = RoutingCache(router, demands)
    scratch = Router(topology, metric=metric)  # type: ignore[arg-type]
    base_only = Router(topology, metric=metric)  # type: ignore[arg-type]
    base_searches = _counting(base_only)
    intact = place_demands(base_only, demands)
    rng = random.Random(18)
    state: frozenset[str] = frozenset()
    seen = set()
    for _ in range(300):
        if len(state) < 4 and (not state or rng.random() < 0.6):
            state = state | {rng.choice(elements)}
        else:
            state = state - {rng.choice(sorted(state))}
        cached, fresh = cache.route(state), place_demands(scratch, demands, state)
        assert cached == fresh
        # The load book too, link by link in the same order (a book copied from a state
        # inside this one that reroutes no demand must be the one the additions give).
        assert list(cached.link_load_gbps.items()) == list(fresh.link_load_gbps.items())
        if state not in seen:
            seen.add(state)
            place_demands(base_only, demands, state, False, intact)
    assert searches[0] < 0.75 * base_searches[0]  # 0.46 on this walk
