"""Back-test of the model against real incidents (`twin backtest`): the incident library in
`scenarios/incidents/` replayed many times, each reported restoration scored against the
modelled distribution (percentile, 10-90 % band, CRPS)."""

from twin.backtest.library import DEFAULT_REPLICATIONS, backtest
from twin.backtest.scoring import crps, crps_log, percentile, quantile

__all__ = ["DEFAULT_REPLICATIONS", "backtest", "crps", "crps_log", "percentile", "quantile"]
