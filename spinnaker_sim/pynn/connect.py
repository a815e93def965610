"""Connection building: vectorised fast paths for the common connectors, and PyNN's
column-by-column path (with its 1-neuron mask bug fixed) for the rest.

A projection's connections come back as `Connections` with their {parameter: values}. Those
of FixedNumberPre/Post (drawing from a `NumpyRNG`, each owner a small part of the candidates)
and AllToAll keep no indices: they are drawn again from a copy of the RNG as it was when they
were first drawn, a part at a time, whenever they are read (`GeneratedConnections`; sPyNNaker
generates such connectors' synapses on the machine), a draw per connection each time (twice
in a build). The user's RNG is left as drawing them once left it. FixedProbability keeps its
indices: drawing them again would take a draw per pair, 1/p per connection.
"""

import copy
from functools import partial
from types import MethodType

import numpy as np
from numba import njit
from pyNN import connectors
from pyNN.parameters import LazyArray
from pyNN.random import NumpyRNG, RandomDistribution

from ..mapping.connections import (
    PART,
    Connections,
    GeneratedConnections,
    most_repeated,
    stored,
)
from ..mapping.synaptic_matrix import compact_uint


def connect(projection) -> tuple[Connections, dict]:
    """Connect `projection` with its connector; returns (connections, parameters)."""
    connector = projection._connector
    n_pre, n_post = projection.pre.size, projection.post.size
    fast = FAST_PATHS.get(type(connector))
    if fast is None or not _simple_parameters(connector, projection):
        pre, post, parameters = _generic(connector, projection)
        return stored(pre, post, n_pre, n_post), parameters
    pre, post, replay = fast(connector, projection)
    parameters = _evaluate_parameters(connector, projection, pre, post)
    if replay is None:
        return stored(pre, post, n_pre, n_post), parameters
    return (GeneratedConnections(pre.size, n_pre, n_post, most_repeated(post, n_post), replay),
            parameters)


_PAIRS_PER_DRAW = 1 << 20  # random numbers drawn at once by the FixedProbabilityConnector


def _rng(connector):
    return connectors._get_rng(getattr(connector, "rng", None))


def _snapshot(rng):
    """A copy of `rng` to draw the same numbers again from; None where `rng` is no NumpyRNG
    (whose state a copy takes), and its connections are kept instead."""
    return copy.deepcopy(rng) if type(rng) is NumpyRNG else None


def _replay(parts, start):
    """A function that yields `parts(a copy of start)` each time it is called (None without
    `start`)."""
    return None if start is None else (lambda: parts(copy.deepcopy(start)))


def _no_self(connector, projection, pre, post):
    """Drop connections of a cell to itself, also between overlapping views of one population."""
    if getattr(connector, "allow_self_connections", True) is False:
        pre_ids = np.asarray(projection.pre.all_cells, dtype=np.int64)
        post_ids = np.asarray(projection.post.all_cells, dtype=np.int64)
        keep = pre_ids[pre] != post_ids[post]
        return pre[keep], post[keep]
    return pre, post


def _all_to_all(connector, projection):
    n_pre = projection.pre.size
    columns = max(1, PART // max(1, n_pre))

    def parts():  # a block of post-synaptic cells at a time
        for first in range(0, projection.post.size, columns):
            last = min(projection.post.size, first + columns)
            post, pre = np.divmod(np.arange(first * n_pre, last * n_pre), n_pre)
            yield _no_self(connector, projection, pre, post)
    drawn = list(parts())
    empty = np.zeros(0, dtype=np.int64)
    return (np.concatenate([empty] + [pre for pre, _ in drawn]),
            np.concatenate([empty] + [post for _, post in drawn]), parts)


def _one_to_one(connector, projection):
    if projection.pre.size != projection.post.size:
        raise connectors.errors.InvalidDimensionsError(
            "OneToOneConnector needs pre and post populations of the same size, "
            f"not {projection.pre.size} and {projection.post.size}.")
    index = np.arange(projection.pre.size)
    return index, index.copy(), None


def _fixed_probability(connector, projection):
    """Each (pre, post) pair with probability p, from one uniform draw per pair in column-major
    order, as PyNN connects post by post. The draws come a block of columns at a time (the
    same stream as one draw of all pairs, which at 8 bytes a pair took 3 GB at 20k neurons)."""
    n_pre, n_post = projection.pre.size, projection.post.size
    rng = _rng(connector)
    columns_per_draw = max(1, _PAIRS_PER_DRAW // max(1, n_pre))
    connected = [np.zeros(0, dtype=np.int64)]
    for first in range(0, n_post, columns_per_draw):
        draws = rng.next(min(columns_per_draw, n_post - first) * n_pre, "uniform",
                         {"low": 0.0, "high": 1.0})
        connected.append(np.flatnonzero(np.asarray(draws) < connector.p_connect)
                         + first * n_pre)
    post, pre = np.divmod(np.concatenate(connected), n_pre)
    return *_no_self(connector, projection, pre, post), None


def _draw_number(connector, size):
    """Connections of each of `size` owners: one value shared by all (a read-only broadcast,
    which a generated projection keeps at no cost), or drawn per owner."""
    if isinstance(connector.n, int):
        return np.broadcast_to(np.int64(connector.n), (size,))
    return np.asarray(connector.n.next(size), dtype=np.int64)


def _choose(rng, population, n):
    """n of `population` without replacement (all of it as often as n allows, then a random
    part)."""
    full, rest = divmod(n, population.size)
    parts = [population] * full
    if rest:
        parts.append(rng.permutation(population)[:rest])
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _fixed_number(connector, projection, pre_side):
    """FixedNumberPre (pre_side=True: n pre per post) or FixedNumberPost."""
    rng = _rng(connector)
    n_chosen, n_for = (projection.pre.size, projection.post.size) if pre_side else \
        (projection.post.size, projection.pre.size)
    numbers = np.asarray(_draw_number(connector, n_for), dtype=np.int64)
    self_excluded = (not connector.allow_self_connections) and projection.pre == projection.post
    n_candidates = n_chosen - 1 if self_excluded else n_chosen
    if connector.with_replacement or 4 * int(numbers.max(initial=0)) <= n_candidates:
        start = _snapshot(rng)
        chosen, owner, redrawn = _draw_distinct(rng, n_candidates, numbers,
                                                connector.with_replacement)
        if self_excluded:  # candidates skip the owner itself
            chosen += chosen >= owner
        replay = _replay(partial(_distinct_parts, numbers=numbers, n_candidates=n_candidates,
                                 self_excluded=self_excluded, pre_side=pre_side,
                                 redrawn=redrawn, final=chosen[redrawn]), start)
    else:  # most of the population each: a permutation per owner
        chosen, owner = [], []
        everyone = np.arange(n_chosen)
        for k in range(n_for):
            candidates = everyone[everyone != k] if self_excluded else everyone
            picks = _choose(rng, candidates, int(numbers[k]))
            chosen.append(picks)
            owner.append(np.full(picks.size, k))
        chosen = np.concatenate(chosen) if chosen else np.zeros(0, np.int64)
        owner = np.concatenate(owner) if owner else np.zeros(0, np.int64)
        replay = None
    return (chosen, owner, replay) if pre_side else (owner, chosen, replay)


def _draw_distinct(rng, n_candidates, numbers, with_replacement):
    """numbers[k] draws from range(n_candidates) for every owner k, all owners at once; without
    replacement, an owner's repeated draws are drawn again until none repeats (few, when each
    owner takes a small part of the candidates). Returns (draws, owner of each draw, the
    positions drawn again, sorted).

    The owners are 16-bit where they fit (`compact_uint`): with the draws, they are the
    largest arrays a model's build holds at once (64k neurons x 80 inputs: 5M of each)."""
    owner = np.repeat(np.arange(len(numbers), dtype=compact_uint(len(numbers))), numbers)
    chosen = _uniform_ints(rng, owner.size, n_candidates)
    redrawn = [np.zeros(0, dtype=np.int64)]
    while not with_replacement:
        repeated = _repeats(chosen, numbers, n_candidates)
        n_repeated = int(repeated.sum())
        if not n_repeated:
            break
        chosen[repeated] = _uniform_ints(rng, n_repeated, n_candidates)
        redrawn.append(np.flatnonzero(repeated))
    return chosen, owner, np.unique(np.concatenate(redrawn))


def _distinct_parts(rng, numbers, n_candidates, self_excluded, pre_side, redrawn, final):
    """`_fixed_number`'s connections again, about `PART` draws (whole owners) at a time: the
    first round of `_draw_distinct` from `rng`, a copy of the RNG from before it drew, with the
    draws at positions `redrawn` set to their `final` values (after the shift past the owner
    itself). Rounds of one draw of all and of parts take the same numbers from the RNG."""
    ends = np.cumsum(numbers)
    owner_dtype = compact_uint(len(numbers))
    lo, first = 0, 0
    for hi in _owner_blocks(ends):
        last = int(ends[hi - 1])
        chosen = _uniform_ints(rng, last - first, n_candidates)
        owner = np.repeat(np.arange(lo, hi, dtype=owner_dtype), numbers[lo:hi])
        if self_excluded:
            chosen += chosen >= owner
        patch = slice(*np.searchsorted(redrawn, (first, last)))
        chosen[redrawn[patch] - first] = final[patch]
        yield (chosen, owner) if pre_side else (owner, chosen)
        lo, first = hi, last


def _owner_blocks(ends: np.ndarray) -> list:
    """Where blocks of owners of about `PART` draws end (`ends`: each owner's cumulative
    draws; an owner of more draws is a block of its own)."""
    if ends.size == 0:
        return []
    cuts = np.searchsorted(ends, np.arange(PART, int(ends[-1]), PART), side="right")
    return np.unique(np.concatenate([cuts[cuts > 0], [ends.size]])).tolist()


@njit(cache=True)
def _repeats(chosen, numbers, n_candidates):
    """True for each draw that an earlier draw of the same owner already took (owners' draws
    are consecutive, numbers[k] of them for owner k): one pass with a table of the candidates
    an owner has drawn, instead of sorting (owner, draw) keys of 16 bytes a draw."""
    taken = np.zeros(n_candidates, dtype=np.bool_)
    repeated = np.zeros(chosen.size, dtype=np.bool_)
    start = 0
    for count in numbers:
        for i in range(start, start + count):
            repeated[i] = taken[chosen[i]]
            taken[chosen[i]] = True
        for i in range(start, start + count):
            taken[chosen[i]] = False
        start += count
    return repeated


def _uniform_ints(rng, n, high):
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    return np.asarray(rng.next(n, "uniform_int", {"low": 0, "high": high}, mask=None),
                      dtype=np.int64).reshape(-1)


def _fixed_total_number(connector, projection):
    n_pre, n_post = projection.pre.size, projection.post.size
    if not connector.with_replacement and connector.n > n_pre * n_post:
        raise connectors.errors.ConnectionError(
            f"FixedTotalNumberConnector(n={connector.n}) without replacement needs at most "
            f"{n_pre * n_post} connections for these populations.")
    rng = _rng(connector)
    if connector.with_replacement:
        flat = np.asarray(rng.next(connector.n, "uniform_int",
                                   {"low": 0, "high": n_pre * n_post}, mask=None), np.int64)
    else:
        flat = rng.permutation(np.arange(n_pre * n_post))[:connector.n]
    pre, post = np.divmod(flat, n_post)
    return *_no_self(connector, projection, pre, post), None


def _array(connector, projection):
    pre, post = np.nonzero(np.asarray(connector.array, dtype=bool))
    return pre, post, None


def _small_world(connector, projection):
    """Connect pairs closer than `degree`, then rewire each connection's target with
    probability `rewiring` (Watts-Strogatz; pyNN.connectors leaves this unimplemented)."""
    degree = float(connector.d_expression.split("<")[1])
    distances = projection.space.distances(projection.pre.positions.T,
                                           projection.post.positions.T)
    distances = distances.reshape(projection.pre.size, projection.post.size)
    pre, post = np.nonzero(distances < degree)
    pre, post = _no_self(connector, projection, pre, post)
    rng = _rng(connector)
    rewired = np.asarray(rng.next(pre.size, "uniform", {"low": 0.0, "high": 1.0})) \
        < connector.rewiring
    n_new = int(rewired.sum())
    if n_new:
        post = post.copy()
        post[rewired] = np.asarray(rng.next(n_new, "uniform_int",
                                            {"low": 0, "high": projection.post.size}, mask=None))
    order = np.lexsort((pre, post))
    return pre[order], post[order], None


FAST_PATHS = {
    connectors.AllToAllConnector: _all_to_all,
    connectors.OneToOneConnector: _one_to_one,
    connectors.FixedProbabilityConnector: _fixed_probability,
    connectors.FixedNumberPreConnector: lambda c, p: _fixed_number(c, p, True),
    connectors.FixedNumberPostConnector: lambda c, p: _fixed_number(c, p, False),
    connectors.FixedTotalNumberConnector: _fixed_total_number,
    connectors.ArrayConnector: _array,
    connectors.SmallWorldConnector: _small_world,
}


def _simple_parameters(connector, projection) -> bool:
    """Fast paths handle scalars, random distributions and full arrays (not distance maps)."""
    for _, larr in projection.synapse_type.native_parameters.items():
        base = larr.base_value
        if callable(base) and not isinstance(base, RandomDistribution):
            return False
    return True


def _evaluate_parameters(connector, projection, pre, post):
    values = {}
    space = projection.synapse_type.native_parameters
    space.shape = (projection.pre.size, projection.post.size)
    for name, larr in space.items():
        base = larr.base_value
        if isinstance(base, RandomDistribution):
            drawn = LazyArray(np.asarray(base.next(pre.size), dtype=float))
            drawn.operations = larr.operations
            values[name] = np.asarray(drawn.evaluate(), dtype=float)
        elif larr.is_homogeneous:  # one value, stored once (a read-only broadcast view)
            values[name] = np.broadcast_to(float(larr.evaluate(simplify=True)), pre.shape)
        else:
            values[name] = np.asarray(larr.evaluate(), dtype=float)[pre, post]
    _check(connector, projection, values)
    return values


def _check(connector, projection, values):
    syn = projection.synapse_type
    if connector.safe and hasattr(syn, "parameter_checks"):
        for name, check in syn.parameter_checks.items():
            native = syn.translations[name]["translated_name"]
            if native in values and values[native].size:
                check(values[native], projection)


def _generic(connector, projection):
    """PyNN's own connect(), with column masks normalised so 1-neuron populations work."""
    collected = []

    def convergent_connect(presynaptic_indices, postsynaptic_index, location_selector=None,
                           **parameters):
        pre = np.atleast_1d(np.asarray(presynaptic_indices))
        if pre.dtype == bool:
            pre = np.flatnonzero(pre)
        collected.append((pre.astype(np.int64), postsynaptic_index, parameters))

    original = projection._convergent_connect
    projection._convergent_connect = convergent_connect
    connector._standard_connect = MethodType(_standard_connect_fixed, connector)
    try:
        connector.connect(projection)
    finally:
        del connector._standard_connect
        projection._convergent_connect = original
    pres, posts, params = [], [], {}
    for pre, post, parameters in collected:
        pres.append(pre)
        posts.append(np.full(pre.size, post, dtype=np.int64))
        for name, value in parameters.items():
            params.setdefault(name, []).append(np.broadcast_to(np.asarray(value, float), pre.shape))
    empty = np.zeros(0, dtype=np.int64)
    return (np.concatenate(pres) if pres else empty, np.concatenate(posts) if posts else empty,
            {name: np.concatenate(v) for name, v in params.items()})


def _standard_connect_fixed(self, projection, connection_map_generator, distance_map=None):
    """As pyNN.connectors.Connector._standard_connect, but a 0-d boolean mask (what numpy 2
    gives for 1-neuron populations) is read as a plain bool instead of failing in nonzero()."""
    def normalised(mask=None):
        for source_mask in connection_map_generator(mask) if mask is not None \
                else connection_map_generator():
            if isinstance(source_mask, np.ndarray) and source_mask.ndim == 0:
                source_mask = True if source_mask else np.zeros(0, dtype=np.int64)
            yield source_mask
    return connectors.MapConnector._standard_connect(self, projection, _Generator(normalised),
                                                  distance_map)


class _Generator:
    """Callable with an optional mask, as _standard_connect expects its map generator."""

    def __init__(self, function):
        self.function = function

    def __call__(self, mask=None):
        return self.function(mask)
