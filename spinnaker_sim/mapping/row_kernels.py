"""The mapping's numba kernels over synapses: sorting them into rows, counting rows, and
packing the static ones into target words.

A row is the synapses of one key onto one core (one per projection). At 64k neurons x 80
synapses, numpy's ``lexsort`` and ``unique`` over int64 keys took ~2.5 s, and the temporaries of
those and of the packing set the build's peak memory (~25 bytes per synapse above what the
build keeps); these kernels take a fraction of that time with at most an index per synapse.
"""

import numpy as np
from numba import njit

from .synaptic_rows import plastic_row_words, static_row_words

#: statistics of `slice_row_stats`, in `row_stats.RowSet`'s field order
SYNAPSES, ROWS, LONGEST, STATIC_WORDS, PLASTIC_WORDS = range(5)


@njit(cache=True)
def _order_stably_by(values, n_values, items, ordered):
    """`items` (indices into `values`) into `ordered`, stably sorted by ``values[item]`` in
    [0, n_values)."""
    next_slot = np.zeros(n_values + 1, dtype=np.int64)
    for i in items:
        next_slot[values[i] + 1] += 1
    for v in range(n_values):
        next_slot[v + 1] += next_slot[v]
    for i in items:
        v = values[i]
        ordered[next_slot[v]] = i
        next_slot[v] += 1


@njit(cache=True)
def row_order(key, core, n_keys, n_cores, order):
    """Synapse indices into `order` (an index per synapse), sorted by key, then core, then
    index: for synapses stored projection by projection, that is by (key, core, projection),
    stable within a row (as ``np.lexsort``). Two stable counting sorts: by core, then by key."""
    for i in range(order.size):
        order[i] = i
    by_core = np.empty_like(order)
    _order_stably_by(core, n_cores, order, by_core)
    _order_stably_by(key, n_keys, by_core, order)


@njit(cache=True)
def pack_static_synapses(order, key, core, projection, synapse_type, index, ring_delay, core_lo,
                         core_hi, core_group, delay_bits, targets, key_group_counts,
                         core_counts):
    """The static synapses, in `order` (row order), as the engine and the SDRAM estimate need
    them: each one's target word ``column << delay_bits | delay``, its ring-buffer column
    ``2 lo + type x atoms + index`` on its core (see ``engine/synapses.py``), into `targets`;
    how many of key s's synapses go to core group g, into ``key_group_counts[s, g]``; and the
    rows (runs of one key, core and projection) and synapses of core c, into
    ``core_counts[0, c]`` and ``core_counts[1, c]``."""
    delay_mask = (1 << delay_bits) - 1
    previous = -1
    for k in range(order.size):
        i = order[k]
        c = core[i]
        column = 2 * core_lo[c] + synapse_type[i] * (core_hi[c] - core_lo[c]) + index[i]
        targets[k] = (column << delay_bits) | (ring_delay[i] & delay_mask)
        key_group_counts[key[i], core_group[c]] += 1
        if (previous < 0 or key[i] != key[previous] or c != core[previous]
                or projection[i] != projection[previous]):
            core_counts[0, c] += 1
        core_counts[1, c] += 1
        previous = i


@njit(cache=True)
def slice_row_stats(pre, post, delay, n_pre, atoms_per_core, n_slices, ring_depth, order):
    """Rows of one projection into each post slice of `atoms_per_core` atoms:
    ``stats[delayed, statistic, slice]``, `delayed` 1 for the rows a delay extension re-sends
    (a key per stage). `order` is scratch space, an index per synapse."""
    # the synapses grouped by slice (a counting sort), and how many keys there are
    slice_start = np.zeros(n_slices + 1, dtype=np.int64)
    n_stages = 1
    for i in range(pre.size):
        slice_start[post[i] // atoms_per_core + 1] += 1
        n_stages = max(n_stages, 1 + (delay[i] - 1) // ring_depth)
    for s in range(n_slices):
        slice_start[s + 1] += slice_start[s]
    next_slot = slice_start[:-1].copy()
    for i in range(pre.size):
        s = post[i] // atoms_per_core
        order[next_slot[s]] = i
        next_slot[s] += 1
    # each slice's rows: count its synapses per key, then read the counts back
    row_length = np.zeros(n_stages * n_pre, dtype=np.int64)
    keys_seen = np.empty(n_stages * n_pre, dtype=np.int64)
    stats = np.zeros((2, 5, n_slices), dtype=np.int64)
    for s in range(n_slices):
        n_seen = 0
        for k in range(slice_start[s], slice_start[s + 1]):
            i = order[k]
            row_key = (delay[i] - 1) // ring_depth * n_pre + pre[i]
            if row_length[row_key] == 0:
                keys_seen[n_seen] = row_key
                n_seen += 1
            row_length[row_key] += 1
        for r in range(n_seen):
            length = row_length[keys_seen[r]]
            row_length[keys_seen[r]] = 0
            d = 1 if keys_seen[r] >= n_pre else 0
            stats[d, SYNAPSES, s] += length
            stats[d, ROWS, s] += 1
            stats[d, LONGEST, s] = max(stats[d, LONGEST, s], length)
            stats[d, STATIC_WORDS, s] += static_row_words(length)
            stats[d, PLASTIC_WORDS, s] += plastic_row_words(length)
    return stats
