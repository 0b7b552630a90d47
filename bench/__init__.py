"""Benchmarks (`make bench`): performance lives here, never in the test suite."""
