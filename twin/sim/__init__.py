"""The discrete-event simulator (SimPy): `simulate(scenario, seed=...) -> SimulationResult`."""

from twin.sim.engine import simulate

__all__ = ["simulate"]
