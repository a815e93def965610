"""Binomial tail bounds for estimating synaptic rows from connector statistics.

sPyNNaker sizes rows it has not built yet with ``binom.ppf`` (``utility_calls.
get_probable_maximum_selected``); this is the same idea without scipy: the longest of many
independent binomial rows, exceeded only with a small chance.
"""

import math
from functools import lru_cache
from statistics import NormalDist

#: chance that the longest of all rows exceeds the estimate
DEFAULT_CHANCE = 0.01
#: beyond this many standard deviations the pmf table is replaced by a normal approximation
_MAX_TABLE = 200_000


@lru_cache(maxsize=65536)
def probable_maximum(n_trials: int, p: float, n_rows: int, chance: float = DEFAULT_CHANCE) -> int:
    """Smallest k with P(max of `n_rows` Binomial(n_trials, p) > k) <= `chance` (union bound)."""
    n_trials = int(n_trials)
    if n_trials <= 0 or p <= 0.0 or n_rows <= 0:
        return 0
    if p >= 1.0:
        return n_trials
    tail = chance / n_rows
    mean = n_trials * p
    sd = math.sqrt(mean * (1.0 - p))
    hi = min(n_trials, math.ceil(mean + 40.0 * sd + 60.0))
    lo = max(0, math.floor(mean))
    if hi - lo > _MAX_TABLE:
        z = NormalDist().inv_cdf(1.0 - tail)
        return min(n_trials, math.ceil(mean + z * sd + 0.5))
    ks = range(lo, hi + 1)
    log_pmf = [_log_pmf(k, n_trials, p) for k in ks]
    # upper tail P(X > k), summed from the far end so tiny terms are not lost
    above = 0.0
    best = hi
    for k, lp in zip(reversed(ks), reversed(log_pmf)):
        if above > tail:
            break
        best = k
        above += math.exp(lp)
    return best


def _log_pmf(k: int, n: int, p: float) -> float:
    return (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
            + k * math.log(p) + (n - k) * math.log1p(-p))


def nonempty_probability(n_trials: int, p: float) -> float:
    """P(Binomial(n_trials, p) >= 1)."""
    if n_trials <= 0 or p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    return -math.expm1(n_trials * math.log1p(-p))


def odd_probability(n_trials: int, p: float) -> float:
    """P(Binomial(n_trials, p) is odd) = (1 - (1 - 2p)^n) / 2."""
    if n_trials <= 0 or p <= 0.0:
        return 0.0
    return 0.5 * (1.0 - (1.0 - 2.0 * p) ** n_trials)
