"""The mapping's numba kernels over synapses: sorting them into rows, counting rows, and
placing the static ones in the engine's runs.

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
def place_by_key(key, next_place, words, weights, number, out_words, out_weights,
                 out_projection):
    """Synapse i's word and weight to ``out_*[next_place[key[i]]]`` (then the key's next place
    moves on), with its projection's `number`: in input order within each key's run. An
    empty `out_weights` takes no weights (the words number them), an empty `out_projection`
    no projection numbers."""
    keep_weights = out_weights.size > 0
    keep_projection = out_projection.size > 0
    for i in range(key.size):
        k = next_place[key[i]]
        out_words[k] = words[i]
        if keep_weights:
            out_weights[k] = weights[i]
        if keep_projection:
            out_projection[k] = number
        next_place[key[i]] = k + 1


@njit(cache=True)
def sort_runs_by_core(run_start, words, weights, projection, atom_core, low_bits, first_bit,
                      core_group, key_group_counts, core_counts, inhibitory_from):
    """Sort each key's run of static synapses (``run_start[s]:run_start[s + 1]``) stably by
    target core, the core of its word's ring column ``word >> low_bits``, and set `first_bit`
    in the word of each core's first synapse in the run; count how many of key s's synapses
    go to core group g into ``key_group_counts[s, g]``, and the rows (runs of one key, core
    and projection) and synapses of core c into ``core_counts[:, c]``. An empty `weights`
    has none to move along. An empty `projection` says no two projections join the same two
    populations with the same synapse type: a row then ends where the synapse type changes (a
    column at or past ``inhibitory_from[core]`` is inhibitory).

    Most runs come sorted (connectors go post by post); the others take a counting sort over
    the range of cores they reach."""
    longest = 0
    for s in range(run_start.size - 1):
        longest = max(longest, run_start[s + 1] - run_start[s])
    cores = np.empty(longest, dtype=np.int64)
    moved_words = np.empty(longest, words.dtype)
    moved_weights = np.empty(longest if weights.size else 0, weights.dtype)
    moved_projection = np.empty(longest if projection.size else 0, projection.dtype)
    next_place = np.zeros(core_counts.shape[1] + 1, dtype=np.int64)
    for s in range(run_start.size - 1):
        lo, n = run_start[s], run_start[s + 1] - run_start[s]
        if n == 0:
            continue
        ordered = True
        lowest = highest = atom_core[(words[lo] >> low_bits) >> 1]
        for k in range(n):
            cores[k] = atom_core[(words[lo + k] >> low_bits) >> 1]
            ordered = ordered and (k == 0 or cores[k] >= cores[k - 1])
            lowest, highest = min(lowest, cores[k]), max(highest, cores[k])
        if not ordered:
            next_place[:highest - lowest + 2] = 0
            for k in range(n):
                next_place[cores[k] - lowest + 1] += 1
            for c in range(highest - lowest):
                next_place[c + 1] += next_place[c]
            for k in range(n):
                to = next_place[cores[k] - lowest]
                next_place[cores[k] - lowest] = to + 1
                moved_words[to] = words[lo + k]
                if weights.size:
                    moved_weights[to] = weights[lo + k]
                if projection.size:
                    moved_projection[to] = projection[lo + k]
            for k in range(n):
                words[lo + k] = moved_words[k]
                if weights.size:
                    weights[lo + k] = moved_weights[k]
                if projection.size:
                    projection[lo + k] = moved_projection[k]
                cores[k] = atom_core[(moved_words[k] >> low_bits) >> 1]
        for k in range(n):
            c = cores[k]
            key_group_counts[s, core_group[c]] += 1
            first_on_core = k == 0 or c != cores[k - 1]
            if first_on_core:
                words[lo + k] |= first_bit
            if projection.size:
                new_row = first_on_core or projection[lo + k] != projection[lo + k - 1]
            else:
                inhibitory = (words[lo + k] >> low_bits) >= inhibitory_from[c]
                new_row = first_on_core or inhibitory != (
                    (words[lo + k - 1] >> low_bits) >= inhibitory_from[c])
            if new_row:
                core_counts[0, c] += 1
            core_counts[1, c] += 1


@njit(cache=True)
def pack_words_in_place(data):
    """Uint32 words (`data`: their bytes, little-endian, top bytes 0) -> three bytes each at the
    start of the same buffer, in order: word i's bytes move from 4i to 3i, which no word after
    it has been read from yet."""
    for i in range(data.size // 4):
        data[3 * i] = data[4 * i]
        data[3 * i + 1] = data[4 * i + 1]
        data[3 * i + 2] = data[4 * i + 2]


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


@njit(cache=True)
def values_present(values, present):
    """Set ``present[v]`` for each value v in `values` (numpy's bincount would first copy a
    uint16 array to int64: 40 MB at 64k x 80 synapses)."""
    for v in values:
        present[v] = True


@njit(cache=True)
def number_weights(words, weights, number, bits):
    """Each word moved up by `bits`, with ``number[weight]`` of its synapse's weight below."""
    for k in range(words.size):
        words[k] = (words[k] << bits) | number[weights[k]]
