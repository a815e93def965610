"""What a projection's synaptic rows look like on each post-synaptic core, exact or estimated.

A row is the synapses of one key (a pre-synaptic atom, or one delay-extension stage of it) onto
one core; the engine stores each non-empty row as ``synaptic_rows`` says. Partitioning and the
SDRAM, DTCM and CPU estimates need, per post slice: synapses, non-empty rows, the longest row and
the stored words, split into rows the ring buffer can hold and rows a delay extension re-sends.
``ExactRowStats`` counts them from built connections; ``EstimatedRowStats`` bounds them from
connector statistics (a :class:`RowLaw`) without building anything, for huge dry runs.
"""

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from .binomial import nonempty_probability, odd_probability, probable_maximum
from .connections import Connections, stored
from .profiles import delay_stage
from .row_kernels import slice_row_stats
from .sorted_index import SortedIndex
from .synaptic_matrix import index_dtype
from .synaptic_rows import (
    ROW_HEADER_WORDS,
    STDP_PRE_TRACE_WORDS,
    plastic_row_words,
    static_row_words,
)

#: standard deviations added to estimated totals, so estimates bound what gets built
_SIGMAS = 3.0


@dataclass(frozen=True)
class RowSet:
    """Rows into each post slice (one array entry per slice) of one delay class."""

    synapses: np.ndarray
    rows: np.ndarray
    max_row: np.ndarray
    static_words: np.ndarray
    plastic_words: np.ndarray

    def words(self, plastic: bool) -> np.ndarray:
        """Stored 32-bit words per slice, static or plastic layout."""
        return self.plastic_words if plastic else self.static_words

    def max_row_words(self, plastic: bool) -> np.ndarray:
        """Words of the longest row per slice (0 where there are no rows)."""
        words = plastic_row_words(self.max_row) if plastic else static_row_words(self.max_row)
        return np.where(self.rows > 0, words, 0)

    @classmethod
    def empty(cls, n_slices: int) -> "RowSet":
        zero = np.zeros(n_slices, dtype=np.int64)
        return cls(zero, zero, zero, zero, zero)


@dataclass(frozen=True)
class SliceStats:
    """Rows into each post slice: those the ring buffer holds, and those delayed by an extension."""

    undelayed: RowSet
    delayed: RowSet

    @property
    def n_slices(self) -> int:
        return len(self.undelayed.synapses)


@dataclass(frozen=True)
class BlockStats:
    """Synapses from a pre range onto a post range, and how many need a delay extension."""

    synapses: int
    max_row: int
    delayed_synapses: int
    max_delayed_row: int


@dataclass(frozen=True)
class VertexPairs:
    """Which (pre vertex, post vertex) pairs have synapses: all of them, or those listed."""

    dense: bool
    pre: np.ndarray
    post: np.ndarray

    @property
    def empty(self) -> bool:
        return not self.dense and self.pre.size == 0


_NO_PAIRS = VertexPairs(False, np.zeros(0, np.int64), np.zeros(0, np.int64))
_ALL_PAIRS = VertexPairs(True, np.zeros(0, np.int64), np.zeros(0, np.int64))


def n_slices(n_atoms: int, atoms_per_core: int) -> int:
    return -(-n_atoms // atoms_per_core)


class RowStats(ABC):
    """Synaptic-row statistics of one projection (``n_pre`` x ``n_post`` atoms)."""

    exact: bool

    def __init__(self, n_pre: int, n_post: int, max_delay_ticks: int, description: str):
        self.n_pre = int(n_pre)
        self.n_post = int(n_post)
        self.max_delay_ticks = int(max_delay_ticks)
        self.description = description
        self._slice_cache: dict[tuple[int, int], SliceStats] = {}

    @classmethod
    def from_connections(cls, pre_idx, post_idx, delay_ticks, n_pre: int,
                         n_post: int) -> "ExactRowStats":
        """Exact statistics of built connections (delays in whole ticks, >= 1)."""
        pre = np.asarray(pre_idx).ravel()
        post = post_idx if isinstance(post_idx, SortedIndex) else np.asarray(post_idx).ravel()
        if not pre.shape == post.shape:
            raise ValueError(f"pre_idx has {pre.size} entries but post_idx has {post.size}")
        if pre.size and (pre.min() < 0 or pre.max() >= n_pre):
            raise ValueError(f"pre indices must lie in 0..{n_pre - 1}")
        if post.size and (post.min() < 0 or post.max() >= n_post):
            raise ValueError(f"post indices must lie in 0..{n_post - 1}")
        return ExactRowStats(stored(pre, post, n_pre, n_post), delay_ticks)

    @classmethod
    def from_connector(cls, connector, n_pre: int, n_post: int, delay_ticks_max: int,
                       delay_ticks_min: int | None = None) -> "RowStats":
        """Statistics of a PyNN connector that has not been built (for dry runs).

        ``delay_ticks_min`` defaults to ``delay_ticks_max`` (a single delay); give it when the
        delays vary so rows on both sides of the ring-buffer depth are counted.
        """
        from .connector_stats import row_stats_for
        return row_stats_for(connector, n_pre, n_post, delay_ticks_max, delay_ticks_min)

    def slices(self, atoms_per_core: int, ring_depth: int) -> SliceStats:
        """Rows into each post slice ``[k * atoms_per_core, (k + 1) * atoms_per_core)``."""
        key = (int(atoms_per_core), int(ring_depth))
        if key not in self._slice_cache:
            self._slice_cache[key] = self._slices(*key)
        return self._slice_cache[key]

    @abstractmethod
    def _slices(self, atoms_per_core: int, ring_depth: int) -> SliceStats:
        """Compute :meth:`slices` (cached by the base class)."""

    @abstractmethod
    def block(self, post_lo: int, post_hi: int, ring_depth: int, pre_lo: int = 0,
              pre_hi: int | None = None) -> BlockStats:
        """Synapses from pre atoms ``[pre_lo, pre_hi)`` onto post atoms ``[post_lo, post_hi)``."""

    @abstractmethod
    def vertex_pairs(self, pre_atoms_per_core: int, post_atoms_per_core: int,
                     ring_depth: int) -> tuple[VertexPairs, VertexPairs]:
        """(Undelayed, delayed) pairs of pre and post vertices that share synapses."""


class ExactRowStats(RowStats):
    """Row statistics counted from built connections (their `Connections`: a generated
    projection's are drawn again for each count, so the mapping keeps no copy of them)."""

    exact = True

    def __init__(self, connections: Connections, delay_ticks):
        delay = np.broadcast_to(np.asarray(delay_ticks, dtype=np.int32), (connections.size,))
        if delay.size and delay.min() < 1:
            raise ValueError("delays must be at least 1 tick (SpiNNaker rounds them with rint)")
        super().__init__(connections.n_pre, connections.n_post,
                         int(delay.max()) if delay.size else 1,
                         f"{connections.size:,} built connections")
        self._connections = connections
        self._delay = delay

    def _indices(self) -> tuple[np.ndarray, np.ndarray]:
        """(pre, post) index arrays of the connections."""
        pre, post = self._connections.arrays()
        return pre, np.asarray(post)

    def _slices(self, atoms_per_core: int, ring_depth: int) -> SliceStats:
        pre, post = self._indices()
        order = np.empty(pre.size, dtype=index_dtype(pre.size))  # kernel scratch
        stats = slice_row_stats(pre, post, self._delay, self.n_pre, atoms_per_core,
                                n_slices(self.n_post, atoms_per_core), ring_depth, order)
        return SliceStats(RowSet(*stats[0]), RowSet(*stats[1]))

    def block(self, post_lo: int, post_hi: int, ring_depth: int, pre_lo: int = 0,
              pre_hi: int | None = None) -> BlockStats:
        pre_hi = self.n_pre if pre_hi is None else pre_hi
        pre, post = self._indices()
        keep = (post >= post_lo) & (post < post_hi) & (pre >= pre_lo) & (pre < pre_hi)
        stage, _ = delay_stage(self._delay[keep], ring_depth)
        pre = pre[keep]
        undelayed = np.bincount(pre[stage == 0]) if pre.size else np.zeros(1, np.int64)
        delayed = np.unique(stage[stage > 0].astype(np.int64) * self.n_pre + pre[stage > 0],
                            return_counts=True)[1]
        return BlockStats(int(undelayed.sum()), int(undelayed.max(initial=0)),
                          int(delayed.sum()), int(delayed.max(initial=0)))

    def vertex_pairs(self, pre_atoms_per_core: int, post_atoms_per_core: int,
                     ring_depth: int) -> tuple[VertexPairs, VertexPairs]:
        has = np.zeros((2, n_slices(self.n_pre, pre_atoms_per_core),
                        n_slices(self.n_post, post_atoms_per_core)), dtype=bool)
        for part, pre, post in self._connections.parts():
            delayed = (self._delay[part] > ring_depth).view(np.uint8)
            has[delayed, pre // pre_atoms_per_core, post // post_atoms_per_core] = True
        return tuple(VertexPairs(False, *np.nonzero(has[d])) for d in (0, 1))


@dataclass(frozen=True)
class RowLaw:
    """Synapses of one pre atom onto m post atoms ~ Binomial(trials, p), at most ``cap``.

    ``trials = trials_per_post * m + trials_fixed``, ``p = p_fixed + p_per_post * m``; the
    count is at most m when ``cap_to_slice`` (no multapses) and at most ``cap`` when given.
    ``one_to_one`` means exactly the synapse (i, i). :mod:`connector_stats` gives each PyNN
    connector its law.
    """

    trials_per_post: int = 0
    trials_fixed: int = 0
    p_fixed: float = 0.0
    p_per_post: float = 0.0
    cap_to_slice: bool = True
    cap: int | None = None
    one_to_one: bool = False

    def distribution(self, m: int) -> tuple[int, float, int]:
        """(trials, p, cap) of one row onto m post atoms."""
        trials = self.trials_per_post * m + self.trials_fixed
        p = min(1.0, self.p_fixed + self.p_per_post * m)
        cap = trials
        if self.cap_to_slice:
            cap = min(cap, m)
        if self.cap is not None:
            cap = min(cap, self.cap)
        return trials, p, cap


class EstimatedRowStats(RowStats):
    """Row statistics bounded from a connector's law, never building a synapse.

    Totals are mean + 3 standard deviations and the longest row is exceeded with chance <= 1%,
    so estimates bound what gets built with high probability.
    """

    exact = False

    def __init__(self, law: RowLaw, n_pre: int, n_post: int, delay_ticks_max: int,
                 delay_ticks_min: int | None = None, description: str = ""):
        if delay_ticks_max < 1:
            raise ValueError("delays must be at least 1 tick (SpiNNaker rounds them with rint)")
        super().__init__(n_pre, n_post, delay_ticks_max, description)
        self.law = law
        self.delay_ticks_min = delay_ticks_max if delay_ticks_min is None else delay_ticks_min
        if not 1 <= self.delay_ticks_min <= delay_ticks_max:
            raise ValueError(f"delay_ticks_min={delay_ticks_min} must lie in 1..{delay_ticks_max}")

    def _classes(self, ring_depth: int) -> tuple[bool, bool]:
        """Whether any rows are undelayed, and whether any are delayed."""
        return self.delay_ticks_min <= ring_depth, self.max_delay_ticks > ring_depth

    def _n_rows(self, lo, hi, pre_lo: int, pre_hi: int):
        """Candidate rows (pre atoms that may connect) of post ranges [lo, hi)."""
        if self.law.one_to_one:
            return np.clip(np.minimum(hi, pre_hi) - np.maximum(lo, pre_lo), 0, None)
        return np.full(np.shape(lo), pre_hi - pre_lo, dtype=np.int64)

    def _estimate(self, m: int, n_rows: int) -> tuple[int, int, int, int, int]:
        """(synapses, rows, max_row, static_words, plastic_words) of n_rows rows onto m atoms."""
        if n_rows <= 0 or m <= 0:
            return 0, 0, 0, 0, 0
        if self.law.one_to_one:
            synapses = rows = odd = n_rows
            longest = 1
        else:
            trials, p, cap = self.law.distribution(m)
            mean = min(trials * p, cap)
            synapses = _bound(n_rows * mean, n_rows * trials * p * (1.0 - p), n_rows * cap)
            p_row = nonempty_probability(trials, p)
            rows = _bound(n_rows * p_row, n_rows * p_row * (1 - p_row), n_rows)
            p_odd = odd_probability(trials, p)
            odd = _bound(n_rows * p_odd, n_rows * p_odd * (1 - p_odd), rows)
            longest = min(cap, probable_maximum(trials, p, n_rows))
        static = rows * ROW_HEADER_WORDS + synapses
        # a plastic row of L synapses: header, pre trace, and 2 * ceil(L / 2) half-word pairs
        plastic = rows * (ROW_HEADER_WORDS + STDP_PRE_TRACE_WORDS) + synapses + odd
        return synapses, rows, longest, static, plastic

    def _slices(self, atoms_per_core: int, ring_depth: int) -> SliceStats:
        count = n_slices(self.n_post, atoms_per_core)
        lo = np.arange(count, dtype=np.int64) * atoms_per_core
        hi = np.minimum(lo + atoms_per_core, self.n_post)
        candidates = self._n_rows(lo, hi, 0, self.n_pre)
        # slices differ only in size and candidate rows: estimate each distinct pair once
        pair = (hi - lo) * (self.n_pre + 1) + candidates
        keys, inverse = np.unique(pair, return_inverse=True)
        table = np.array([self._estimate(int(k // (self.n_pre + 1)), int(k % (self.n_pre + 1)))
                          for k in keys], dtype=np.int64)
        per_slice = table[inverse.ravel()]
        full = RowSet(*(per_slice[:, k] for k in range(5)))
        undelayed, delayed = self._classes(ring_depth)
        empty = RowSet.empty(count)
        return SliceStats(full if undelayed else empty, full if delayed else empty)

    def block(self, post_lo: int, post_hi: int, ring_depth: int, pre_lo: int = 0,
              pre_hi: int | None = None) -> BlockStats:
        pre_hi = self.n_pre if pre_hi is None else pre_hi
        n_rows = int(self._n_rows(np.array(post_lo), np.array(post_hi), pre_lo, pre_hi))
        synapses, _, longest, _, _ = self._estimate(post_hi - post_lo, n_rows)
        undelayed, delayed = self._classes(ring_depth)
        return BlockStats(synapses if undelayed else 0, longest if undelayed else 0,
                          synapses if delayed else 0, longest if delayed else 0)

    def vertex_pairs(self, pre_atoms_per_core: int, post_atoms_per_core: int,
                     ring_depth: int) -> tuple[VertexPairs, VertexPairs]:
        pairs = _ALL_PAIRS
        if self.law.one_to_one:
            pairs = one_to_one_pairs(min(self.n_pre, self.n_post), pre_atoms_per_core,
                                      post_atoms_per_core)
        undelayed, delayed = self._classes(ring_depth)
        return pairs if undelayed else _NO_PAIRS, pairs if delayed else _NO_PAIRS


def _bound(mean: float, variance: float, most: int) -> int:
    """mean + 3 sd, rounded up, at most `most`."""
    return int(min(most, math.ceil(mean + _SIGMAS * math.sqrt(max(variance, 0.0)) - 1e-9)))


def one_to_one_pairs(n: int, pre_apc: int, post_apc: int) -> VertexPairs:
    """Pre and post vertices whose atom ranges overlap on the diagonal [0, n)."""
    post_v = np.arange(n_slices(n, post_apc), dtype=np.int64)
    first = (post_v * post_apc) // pre_apc
    last = (np.minimum((post_v + 1) * post_apc, n) - 1) // pre_apc
    counts = last - first + 1
    post = np.repeat(post_v, counts)
    offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return VertexPairs(False, np.repeat(first, counts) + offset, post)
