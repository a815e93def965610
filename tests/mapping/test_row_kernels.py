"""The mapping's numba row kernels against plain numpy definitions of the same results."""

import numpy as np
import pytest

from spinnaker_sim.mapping import RowStats
from spinnaker_sim.mapping.row_kernels import (
    place_by_key, row_order, slice_row_stats, sort_runs_by_core,
)
from spinnaker_sim.mapping.synaptic_rows import plastic_row_words, static_row_words


def random_synapses(seed, n_projections=3, n_keys=50, n_cores=7):
    """(key, core, projection) of synapses stored projection by projection, with repeats."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(0, 400, n_projections)
    projection = np.repeat(np.arange(n_projections), sizes).astype(np.uint16)
    key = rng.integers(0, n_keys, projection.size).astype(np.int32)
    core = rng.integers(0, n_cores, projection.size).astype(np.uint16)
    return key, core, projection, n_keys, n_cores


@pytest.mark.parametrize("seed", range(4))
def test_row_order_is_lexsort_by_key_core_projection(seed):
    key, core, projection, n_keys, n_cores = random_synapses(seed)
    order = np.empty(key.size, dtype=np.int32)
    row_order(key, core, n_keys, n_cores, order)
    np.testing.assert_array_equal(order, np.lexsort((projection, core, key)))


@pytest.mark.parametrize("numbered", [True, False])
@pytest.mark.parametrize("seed, weight_bits", [(0, 0), (1, 0), (2, 2), (3, 3)])
def test_placing_by_key_then_sorting_runs_by_core_gives_row_order_and_counts(seed, weight_bits,
                                                                             numbered):
    """Key runs filled projection by projection, then sorted by core: the (key, core,
    projection) order of a stable lexsort, each core's first word of a run flagged, with the
    key x group counts and rows per core. With `weight_bits`, the words number their weights in
    their low bits (the flag above them) and no weight per synapse is kept. Not `numbered`: two
    projections of different synapse types, told apart by their words' columns (as the builder
    does where no two projections share populations and synapse type) instead of a projection
    number per synapse."""
    key, core, projection, n_keys, n_cores = random_synapses(seed, 3 if numbered else 2)
    rng = np.random.default_rng(seed)
    core_group = np.arange(n_cores) * 3 // n_cores
    atom_core = np.repeat(np.arange(n_cores), 4)  # core c: atoms 4c .. 4c + 3
    low_bits = 3  # the delay (here 2) and, in bit 0, the flag of a core's first synapse
    # 2 x 4 atoms a core: its excitatory columns 8c .. 8c + 3, then its inhibitory ones
    receptor = rng.integers(0, 2, key.size) if numbered else projection.astype(np.int64)
    column = 8 * core + 4 * receptor + rng.integers(0, 4, key.size)
    inhibitory_from = 8 * np.arange(n_cores) + 4
    number = rng.integers(0, 1 << weight_bits, key.size)
    words = ((((column << low_bits) | 4) << weight_bits) | number).astype(np.uint32)
    weights = np.arange(key.size if weight_bits == 0 else 0, dtype=np.uint16)
    run_start = np.concatenate([[0], np.cumsum(np.bincount(key, minlength=n_keys))])
    placed = (np.empty_like(words), np.empty_like(weights),
              np.empty(key.size if numbered else 0, np.uint16))
    next_place = run_start[:-1].copy()
    for j in range(projection.max(initial=0) + 1):  # as the builder: a projection at a time
        mine = projection == j
        place_by_key(key[mine], next_place, words[mine], weights[mine[:weights.size]], j,
                     *placed)
    key_group_counts = np.zeros((n_keys, 3), dtype=np.int64)
    core_counts = np.zeros((2, n_cores), dtype=np.int64)
    sort_runs_by_core(run_start, *placed, atom_core, low_bits + weight_bits,
                      np.uint32(1 << weight_bits), core_group, key_group_counts, core_counts,
                      inhibitory_from)
    order = np.lexsort((projection, core, key))
    sorted_key, sorted_core = key[order], core[order]
    first_on_core = np.ones(key.size, dtype=np.uint32)
    first_on_core[1:] = (sorted_key[1:] != sorted_key[:-1]) | (sorted_core[1:] != sorted_core[:-1])
    np.testing.assert_array_equal(placed[0], words[order] | (first_on_core << weight_bits))
    np.testing.assert_array_equal(placed[2], projection[order] if numbered else placed[2])
    np.testing.assert_array_equal(placed[1], weights[order] if weights.size else weights)
    expected = np.zeros((n_keys, 3), dtype=np.int64)
    np.add.at(expected, (key, core_group[core]), 1)
    np.testing.assert_array_equal(key_group_counts, expected)
    distinct_rows = np.unique(np.stack([key, core, projection]), axis=1)
    np.testing.assert_array_equal(core_counts, [np.bincount(distinct_rows[1], minlength=n_cores),
                                                np.bincount(core, minlength=n_cores)])


@pytest.mark.parametrize("seed, atoms_per_core, ring_depth", [(0, 16, 16), (1, 7, 4), (2, 64, 8)])
def test_slice_row_stats_match_rows_counted_with_numpy(seed, atoms_per_core, ring_depth):
    rng = np.random.default_rng(seed)
    n_pre, n_post, n = 40, 100, 3000
    pre = rng.integers(0, n_pre, n).astype(np.int32)
    post = rng.integers(0, n_post, n).astype(np.int32)
    delay = rng.integers(1, 3 * ring_depth + 1, n).astype(np.int32)
    n_slices = -(-n_post // atoms_per_core)
    stats = slice_row_stats(pre, post, delay, n_pre, atoms_per_core, n_slices, ring_depth,
                            np.empty(n, dtype=np.int32))
    stage = (delay - 1) // ring_depth
    rows, lengths = np.unique(np.stack([post // atoms_per_core, stage, pre]), axis=1,
                              return_counts=True)
    for delayed, mine in ((0, rows[1] == 0), (1, rows[1] > 0)):
        row_slice, length = rows[0][mine], lengths[mine]

        def per_slice(values, row_slice=row_slice):
            return np.bincount(row_slice, weights=values, minlength=n_slices)
        longest = np.zeros(n_slices, dtype=np.int64)
        np.maximum.at(longest, row_slice, length)
        np.testing.assert_array_equal(stats[delayed], [
            per_slice(length), per_slice(None), longest, per_slice(static_row_words(length)),
            per_slice(plastic_row_words(length))])


def test_exact_row_stats_vertex_pairs_are_the_connected_pairs():
    rng = np.random.default_rng(3)
    pre = rng.integers(0, 50, 300)
    post = rng.integers(0, 70, 300)
    delay = rng.integers(1, 30, 300)
    undelayed, delayed = RowStats.from_connections(pre, post, delay, 50, 70).vertex_pairs(8, 16, 16)
    for pairs, mine in ((undelayed, delay <= 16), (delayed, delay > 16)):
        expected = np.unique(np.stack([pre[mine] // 8, post[mine] // 16]), axis=1)
        np.testing.assert_array_equal(np.stack([pairs.pre, pairs.post]), expected)
