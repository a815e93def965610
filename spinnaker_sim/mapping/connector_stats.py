"""Row statistics of PyNN connectors, read from their parameters without building synapses.

Each connector class gets a :class:`RowLaw` (how many synapses one pre atom makes onto m post
atoms); lists and arrays of connections are counted exactly. Connectors whose connectivity
cannot be known without building it (distance-dependent, CSA, small-world, ...) are estimated as
all-to-all, which bounds them from above. The only module of ``mapping/`` that reads PyNN types.
"""

import numpy as np
from pyNN import connectors as pc
from pyNN.random import RandomDistribution

from .row_stats import EstimatedRowStats, RowLaw, RowStats

_ALL_TO_ALL = RowLaw(trials_per_post=1, p_fixed=1.0)


def _fixed_number(connector) -> int | None:
    """The connector's ``n`` as an int, or None when it is random (then bounded as all-to-all)."""
    n = connector.n
    if isinstance(n, RandomDistribution):
        return None
    return int(n)


def _all_to_all(connector, n_pre: int, n_post: int) -> RowLaw:
    return _ALL_TO_ALL


def _one_to_one(connector, n_pre: int, n_post: int) -> RowLaw:
    return RowLaw(one_to_one=True)


def _fixed_probability(connector, n_pre: int, n_post: int) -> RowLaw:
    return RowLaw(trials_per_post=1, p_fixed=float(connector.p_connect))


def _fixed_number_pre(connector, n_pre: int, n_post: int) -> RowLaw:
    # every post atom draws n pre atoms: one pre atom is drawn by each post atom w.p. n / n_pre
    n = _fixed_number(connector)
    if n is None:
        return _ALL_TO_ALL
    if connector.with_replacement:
        return RowLaw(trials_per_post=n, p_fixed=1.0 / n_pre, cap_to_slice=False)
    return RowLaw(trials_per_post=1, p_fixed=min(1.0, n / n_pre))


def _fixed_number_post(connector, n_pre: int, n_post: int) -> RowLaw:
    # every pre atom draws n post atoms; each lands in an m-atom slice w.p. m / n_post
    n = _fixed_number(connector)
    if n is None:
        return _ALL_TO_ALL
    return RowLaw(trials_fixed=n, p_per_post=1.0 / n_post,
                  cap_to_slice=not connector.with_replacement, cap=n)


def _fixed_total_number(connector, n_pre: int, n_post: int) -> RowLaw:
    # n draws over all n_pre * n_post pairs
    n = _fixed_number(connector)
    if n is None:
        return _ALL_TO_ALL
    return RowLaw(trials_fixed=n, p_per_post=1.0 / (n_pre * n_post),
                  cap_to_slice=not connector.with_replacement)


#: most specific classes first (FixedTotalNumber and FixedNumberPre/Post share a base)
_LAWS = (
    (pc.AllToAllConnector, _all_to_all),
    (pc.OneToOneConnector, _one_to_one),
    (pc.FixedProbabilityConnector, _fixed_probability),
    (pc.FixedTotalNumberConnector, _fixed_total_number),
    (pc.FixedNumberPreConnector, _fixed_number_pre),
    (pc.FixedNumberPostConnector, _fixed_number_post),
)


def _listed_connections(connector):
    """(pre, post) index arrays of a FromList or Array connector."""
    if isinstance(connector, pc.ArrayConnector):
        pre, post = np.nonzero(np.asarray(connector.array, dtype=bool))
        return pre, post
    conn = np.asarray(connector.conn_list)
    if conn.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return conn[:, 0].astype(np.int64), conn[:, 1].astype(np.int64)


def row_stats_for(connector, n_pre: int, n_post: int, delay_ticks_max: int,
                  delay_ticks_min: int | None = None) -> RowStats:
    """Row statistics of `connector` between `n_pre` and `n_post` atoms.

    Listed connections are counted exactly, each at ``delay_ticks_max`` (conservative for
    delay extensions); other connectors are estimated from their parameters.
    """
    name = type(connector).__name__
    if isinstance(connector, (pc.FromListConnector, pc.ArrayConnector)):
        pre, post = _listed_connections(connector)
        return RowStats.from_connections(pre, post, delay_ticks_max, n_pre, n_post)
    for cls, law_of in _LAWS:
        if isinstance(connector, cls):
            return EstimatedRowStats(law_of(connector, n_pre, n_post), n_pre, n_post,
                                     delay_ticks_max, delay_ticks_min,
                                     f"{name}: estimated from its parameters")
    return EstimatedRowStats(_ALL_TO_ALL, n_pre, n_post, delay_ticks_max, delay_ticks_min,
                             f"{name}: bounded as all-to-all (its connectivity is known "
                             "only once built)")
