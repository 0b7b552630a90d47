"""The domain model: frozen, validated-elsewhere value objects that every other module shares.

Nothing here reads files, prints or runs a simulation. Objects are immutable so that a topology
can be shared between processes, cached by identity and compared between variants safely.
Derived facts (a link's delay, a failure class's MTBF for a given length) are properties, so they
are computed in one place only.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from twin.geo import FIBRE_DELAY_MS_PER_KM
from twin.units import HOURS_PER_YEAR

NodeRole = Literal["pop", "landing", "border", "ixp", "datacenter"]
LinkKind = Literal["terrestrial", "submarine"]
LinkStatus = Literal["active", "planned", "retired"]
RepairKind = Literal["fixed", "exponential", "lognormal"]
RareEventsMode = Literal["auto", "on", "off"]
FailureBasis = Literal["per_1000km", "per_link"]

NODE_ROLES: tuple[str, ...] = ("pop", "landing", "border", "ixp", "datacenter")
LINK_STATUSES: tuple[str, ...] = ("active", "planned", "retired")

MONTH_NAMES: tuple[str, ...] = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
)  # fmt: skip
# The mean length of each calendar month in days over the four-year leap cycle (February
# 28.25): they add up to the 365.25-day year behind every "per year" rate (`HOURS_PER_YEAR`).
MEAN_MONTH_DAYS: tuple[float, ...] = (31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

# z such that P(Z <= z) = 0.9 for a standard normal: turns a lognormal's median and p90 into sigma.
_Z90 = 1.2815515655446004


@dataclass(frozen=True)
class RepairTime:
    """Distribution of the time to repair one fault, in hours.

    `fixed`: always `median_h`. `exponential`: memoryless with mean `median_h / ln 2` (so that the
    median is as stated). `lognormal`: median and 90th percentile, the heavy tail seen in submarine
    repairs (permits, ship availability).
    """

    kind: RepairKind
    median_h: float
    p90_h: float | None = None

    @property
    def sigma(self) -> float:
        """Lognormal shape parameter derived from median and p90 (0 for other kinds)."""
        if self.kind != "lognormal" or self.p90_h is None:
            return 0.0
        return math.log(self.p90_h / self.median_h) / _Z90

    @property
    def mean_h(self) -> float:
        """The mean, which is what steady-state availability depends on (MTTR)."""
        if self.kind == "fixed":
            return self.median_h
        if self.kind == "exponential":
            return self.median_h / math.log(2.0)
        return self.median_h * math.exp(self.sigma**2 / 2.0)

    def sample_h(self, rng: random.Random) -> float:
        return self.sampler()(rng)

    def sampler(self) -> Callable[[random.Random], float]:
        """`sample_h` with the distribution's parameters worked out once: the same draws from
        the same stream, for the simulator, which samples once per failure."""
        if self.kind == "fixed":
            median_h = self.median_h
            return lambda _rng: median_h
        if self.kind == "exponential":
            rate_per_h = 1.0 / self.mean_h
            return lambda rng: rng.expovariate(rate_per_h)
        mu, sigma = math.log(self.median_h), self.sigma
        return lambda rng: rng.lognormvariate(mu, sigma)


def seasonal_shape(factors: tuple[float, ...]) -> tuple[float, ...]:
    """Monthly factors scaled so that their mean over the year, each month weighted by its
    mean length in days, is 1: the factors shape the year, the class's annual rate stays what
    its sources publish (see `FailureClass`)."""
    mean = math.fsum(f * d for f, d in zip(factors, MEAN_MONTH_DAYS, strict=True)) / 365.25
    return tuple(f / mean for f in factors)


@dataclass(frozen=True)
class FailureClass:
    """How often an element fails and how long it takes to fix.

    Cuts scale with length (`per_1000km`: faults per 1000 km per year, times an optional
    multiplier such as the 3-10x for shallow, busy water); equipment failures do not (`per_link`:
    faults per year).

    `seasonal` holds twelve monthly factors (January first) or is empty. They are relative: a
    month's rate is the annual rate times its factor divided by the factors' day-weighted mean
    (`seasonal_shape`), so [2, 1, ..., 1] makes January about twice as risky as the other
    months while the long-run rate, and with it every steady-state figure (MTBF, availability),
    stays `failures_per_year`. Only a simulation with a start date follows the months; without
    one the rate is constant at its annual mean.
    """

    id: str
    basis: FailureBasis
    rate: float
    repair: RepairTime
    multiplier: float = 1.0
    description: str = ""
    source: tuple[str, ...] = ()
    estimate: bool = False
    seasonal: tuple[float, ...] = ()

    def failures_per_year(self, length_km: float) -> float:
        per_unit = self.rate * self.multiplier
        if self.basis == "per_1000km":
            return per_unit * length_km / 1000.0
        return per_unit

    def mtbf_h(self, length_km: float) -> float:
        """Mean time between failures for one element of this class; infinite when rate is 0."""
        per_year = self.failures_per_year(length_km)
        return math.inf if per_year <= 0 else HOURS_PER_YEAR / per_year

    @property
    def mttr_h(self) -> float:
        return self.repair.mean_h

    def availability(self, length_km: float) -> float:
        """Steady-state availability MTBF / (MTBF + MTTR) of one element of this class."""
        mtbf = self.mtbf_h(length_km)
        if math.isinf(mtbf):
            return 1.0
        return mtbf / (mtbf + self.mttr_h)


@dataclass(frozen=True)
class Node:
    id: str
    name: str
    country: str
    role: NodeRole
    lat: float
    lon: float
    equipment_delay_ms: float = 0.0
    failure_class: str | None = None
    source: tuple[str, ...] = ()
    estimate: bool = False
    # The node that stands for its country when measurements come per country pair
    # (`twin calibrate` on a RIPE Atlas table); at most one per country.
    hub: bool = False


@dataclass(frozen=True)
class Srlg:
    """A shared-risk link group: what one event (a trench cut, a landing fire) takes down."""

    id: str
    description: str = ""
    failure_class: str | None = None


@dataclass(frozen=True)
class Link:
    """A fibre span between two nodes. `length_km` is always resolved (stated or derived)."""

    id: str
    a: str
    b: str
    kind: LinkKind
    length_km: float
    capacity_gbps: float
    failure_class: str
    srlgs: tuple[str, ...] = ()
    status: LinkStatus = "active"
    name: str = ""
    sea: str | None = None
    length_derived: bool = False
    source: tuple[str, ...] = ()
    estimate: bool = False
    igp_metric: float | None = None

    @property
    def delay_ms(self) -> float:
        """One-way propagation delay of the span (fibre only; node equipment is added per hop)."""
        return self.length_km * FIBRE_DELAY_MS_PER_KM


@dataclass(frozen=True)
class CorridorCalibration:
    """A stretch and overhead for paths between two countries of one corridor (a region whose
    traffic really follows the modelled route, fitted on its own pairs)."""

    name: str
    countries: tuple[str, ...]
    stretch: float
    overhead_ms: float

    def covers(self, country_a: str, country_b: str) -> bool:
        """Both ends lie in the corridor (a border node `GE/AZ` counts for either country)."""
        inside = set(self.countries)
        return bool(set(country_a.split("/")) & inside) and bool(set(country_b.split("/")) & inside)


@dataclass(frozen=True)
class LatencyCalibration:
    """How measured round trips relate to the fibre model: RTT = stretch × fibre RTT + overhead.

    Fibre RTT (length × 4.897 µs/km, plus equipment, both ways) is what physics allows; real
    traffic adds access networks, queueing, routing that does not follow the shortest fibre and
    slack in cable routes. `twin calibrate` fits the numbers on measurements and writes them as
    this block of an overlay: one pair for the whole network, and optionally one per corridor
    (the first corridor holding both ends of a path applies). The calibrated figure never falls
    below the fibre figure (stretch ≥ 1, overhead ≥ 0), and routing decisions stay on fibre
    latency: the calibration changes what an RTT reads, not which path carries the traffic.
    """

    stretch: float
    overhead_ms: float
    source: str = ""
    fitted_on: str = ""
    date: str = ""
    out_of_sample_mae_ms: float | None = None
    corridors: tuple[CorridorCalibration, ...] = ()

    def rtt_ms(self, fibre_rtt_ms: float, country_a: str = "", country_b: str = "") -> float:
        """The calibrated round trip of a path between nodes of the two countries."""
        stretch, overhead_ms = self.stretch, self.overhead_ms
        for corridor in self.corridors:
            if corridor.covers(country_a, country_b):
                stretch, overhead_ms = corridor.stretch, corridor.overhead_ms
                break
        return max(fibre_rtt_ms, stretch * fibre_rtt_ms + overhead_ms)


@dataclass(frozen=True)
class Topology:
    """A whole network: what `twin validate` checks and every analysis starts from."""

    name: str
    nodes: Mapping[str, Node]
    links: Mapping[str, Link]
    srlgs: Mapping[str, Srlg] = field(default_factory=dict)
    failure_classes: Mapping[str, FailureClass] = field(default_factory=dict)
    description: str = ""
    route_factor: float = 1.3
    source_path: str = ""
    latency_calibration: LatencyCalibration | None = None

    def active_links(self) -> list[Link]:
        """Links in service; planned and retired links are kept in the file but carry no traffic."""
        return [link for link in self.links.values() if link.status == "active"]

    def links_in_srlg(self, srlg_id: str) -> list[Link]:
        return [link for link in self.links.values() if srlg_id in link.srlgs]

    def with_failure_classes(self, overrides: Mapping[str, FailureClass]) -> Topology:
        """A copy whose failure classes are replaced (scenario overrides); links are untouched."""
        merged = dict(self.failure_classes)
        merged.update(overrides)
        return replace(self, failure_classes=merged)


# ----------------------------------------------------------------------------------------------
# Scenarios
# ----------------------------------------------------------------------------------------------

FailoverMechanism = Literal["protection", "frr", "igp"]
RoutingMode = Literal["latency", "capacity"]
EventAction = Literal["cut", "maintenance"]
TargetKind = Literal["link", "links", "srlg", "node"]
RepairResourceKind = Literal["crew", "ship"]

# Switchover times after detection, fact sheet §4.3: protection switching <= 50 ms (G.841/G.8032),
# MPLS fast reroute "10s of milliseconds" (RFC 4090), IGP reconvergence 200 ms - 1 s (estimate).
DEFAULT_SWITCHOVER_MS: Mapping[str, float] = {"protection": 50.0, "frr": 50.0, "igp": 1000.0}


@dataclass(frozen=True)
class Failover:
    """What happens between a failure and traffic flowing on the new path.

    Traffic is lost for `detection_ms + switchover_ms` at every failure that hits the demand's
    working path (and, for `igp`, again when a repair moves it back is not counted: make-before-
    break on restoration is assumed).
    """

    mechanism: FailoverMechanism = "igp"
    detection_ms: float = 150.0
    switchover_ms: float = 1000.0

    @property
    def interruption_ms(self) -> float:
        return self.detection_ms + self.switchover_ms


@dataclass(frozen=True)
class Sla:
    availability: float | None = None
    max_rtt_ms: float | None = None


@dataclass(frozen=True)
class Demand:
    id: str
    source: str
    destination: str
    gbps: float = 10.0
    priority: int = 0
    sla: Sla = field(default_factory=Sla)
    failover: Failover | None = None


@dataclass(frozen=True)
class Target:
    """What an event hits: one link, a set of links, every link of an SRLG, or a node."""

    kind: TargetKind
    ids: tuple[str, ...]


@dataclass(frozen=True)
class ScheduledEvent:
    """A fault or a maintenance window at a given time.

    `cut`: the target goes down at `at_h`; it comes back at `restore_at_h` if given, else after
    `duration_h` if given, else when the repair model fixes it (`repair=True`), else never.
    `maintenance`: a planned drain from `at_h` for `duration_h` (no failover loss: traffic is
    moved before the drain).

    `permit_wait_h` (repaired cuts only): one wait shared by every element the event cuts before
    any of their repairs may start, as when several cables cut in one incident wait for the same
    permit (Red Sea 2024: one Yemeni permit for AAE-1, SEACOM and EIG). A repair resource's
    `mobilisation_h` is paid per job; this is paid once per incident.
    """

    id: str
    action: EventAction
    target: Target
    at_h: float
    restore_at_h: float | None = None
    duration_h: float | None = None
    repair: bool = False
    note: str = ""
    permit_wait_h: float = 0.0


@dataclass(frozen=True)
class ClosedWindow:
    """A time when a repair resource cannot work (winter storms, ice, a closed canal).

    Either a range of months that recurs every year, `months = (first, last)` numbered 1-12 and
    inclusive, wrapping the year end when `first > last` ((12, 3) is December to March), or one
    stretch of calendar time from `start` (inclusive) to `end` (exclusive), both UTC.
    `name` is how records and prose name it ("dec-mar", "2027-01-05/2027-01-20").
    """

    name: str
    months: tuple[int, int] | None = None
    start: datetime | None = None
    end: datetime | None = None
    reason: str = ""
    source: tuple[str, ...] = ()
    estimate: bool = False


@dataclass(frozen=True)
class RepairResource:
    """Who fixes what: a pool of crews or ships that faults queue for.

    `covers` lists what the pool serves: countries (ISO codes, for terrestrial crews) or seas
    (for ships), or ``"*"``. `mobilisation_h` is added before each job starts. `closed` lists
    the windows when it cannot work: a job's clock (mobilisation and repair) stands still while
    one is open, and a job that would start inside one waits for it to end (`twin.sim.calendar`).
    """

    id: str
    kind: RepairResourceKind
    count: int
    covers: tuple[str, ...]
    mobilisation_h: float = 0.0
    description: str = ""
    closed: tuple[ClosedWindow, ...] = ()


AssertionKind = Literal[
    "sla_availability", "max_rtt", "survives", "n1_max_utilisation", "n1_rtt_budget", "restored_by"
]
ASSERTION_KINDS: tuple[str, ...] = (
    "sla_availability",
    "max_rtt",
    "survives",
    "n1_max_utilisation",
    "n1_rtt_budget",
    "restored_by",
)


@dataclass(frozen=True)
class Assertion:
    """A promise the network must keep, evaluated by `twin check` (the CI gate).

    `params` holds the kind's arguments as read from the file (numbers already in model units:
    `rtt_ms`, `max`, `min`, `scope`, `method`); `line`/`col` point at the entry so a failure can
    be reported where it was declared.
    """

    kind: AssertionKind
    demand: str | None = None
    params: Mapping[str, float | str] = field(default_factory=dict)
    line: int = 0
    col: int = 0


ObservedMeasure = Literal["elements-up", "demand-connected"]
OBSERVED_MEASURES: tuple[str, ...] = ("elements-up", "demand-connected")


@dataclass(frozen=True)
class Observation:
    """What a real incident's reports say about its restoration, for `twin backtest`.

    `restored_h` is the reported central time to restore and `range_h` the reported range, both
    from the scenario's t = 0 (the incident's start). `measure` says how the model's time is
    read so that it means what the reports' "restored" means: `elements-up`, the time until all
    `elements` are back; `demand-connected`, the time until `demand` has a path again.
    """

    id: str
    restored_h: float
    range_h: tuple[float, float]
    measure: ObservedMeasure
    elements: tuple[str, ...] = ()
    demand: str | None = None
    sources: tuple[str, ...] = ()
    note: str = ""


# ----------------------------------------------------------------------------------------------
# The network as it is now (a state file): where a simulation "from now" starts
# ----------------------------------------------------------------------------------------------

DownKind = Literal["link", "node", "srlg"]


@dataclass(frozen=True)
class DownElement:
    """An element down at `as_of`, in hours relative to it (so `since_h <= 0`).

    Exactly one of `eta_h` (a known restoration time, > 0) and `cause` (a failure class whose
    repair distribution applies, conditioned on the `-since_h` hours already elapsed) is set.
    `permit_until_h` (with a cause only, > 0): no repair may start before then (a permit the
    incident waits for; entries with the same time share one wait), so the repair is whole.
    """

    kind: DownKind
    id: str
    since_h: float
    eta_h: float | None = None
    cause: str | None = None
    permit_until_h: float | None = None


@dataclass(frozen=True)
class ResourceState:
    """One unit of a repair pool at `as_of` (hours relative to it).

    `busy_until_h`: the unit works elsewhere until then. `job`: the unit holds the repair of
    that down element, mobilising since `mobilising_since_h` or on site repairing since
    `repairing_since_h` (its residual repair time is conditioned on the time repairing).
    """

    id: str
    busy_until_h: float | None = None
    job: str | None = None
    mobilising_since_h: float | None = None
    repairing_since_h: float | None = None


@dataclass(frozen=True)
class State:
    """The network's present: what is down and what the repair fleet is doing, at `as_of`.

    A scenario with a state is simulated from `as_of` (its hour 0); `as_of` is an ISO 8601
    timestamp in UTC, kept as text so the model stays free of calendars.
    """

    as_of: str
    down: tuple[DownElement, ...] = ()
    resources: tuple[ResourceState, ...] = ()
    source_path: str = ""


@dataclass(frozen=True)
class Scenario:
    name: str
    topology: Topology
    topology_path: str
    horizon_h: float
    seed: int
    demands: tuple[Demand, ...]
    events: tuple[ScheduledEvent, ...] = ()
    stochastic_failures: bool = False
    repair_resources: tuple[RepairResource, ...] = ()
    default_failover: Failover = field(default_factory=Failover)
    routing: RoutingMode = "latency"
    description: str = ""
    source_path: str = ""
    include_planned: bool = False
    checks: tuple[Assertion, ...] = ()
    # Parameter grid for `twin sweep`: dotted path into the scenario file -> values (as written).
    sweep: Mapping[str, tuple[object, ...]] = field(default_factory=dict)
    # Reported restorations of the real incident this scenario replays (`twin backtest`).
    observed: tuple[Observation, ...] = ()
    # The network's present state; None starts from everything up (see `State`).
    state: State | None = None
    # Which estimator Monte Carlo runs report (twin.montecarlo_rare): auto, on or off.
    rare_events: RareEventsMode = "auto"
    # The calendar time (UTC) of t = 0: months for seasonal failure rates and closed repair
    # windows. None: no calendar (rates constant at their annual mean, no window applies).
    start: datetime | None = None

    def failover_for(self, demand: Demand) -> Failover:
        return demand.failover or self.default_failover
