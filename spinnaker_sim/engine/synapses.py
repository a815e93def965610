"""Spike delivery: each spike's synapses -> the target cores' ring buffers.

One ring serves every neuron core: ``ring[slot, column]``, a row per delay slot, and core c's
columns ``2 lo[c] .. 2 hi[c]`` (its excitatory inputs, then its inhibitory ones), so a core's
slot is contiguous. A key's static synapses are one run of target words sorted by core (see
``mapping/synaptic_matrix.py``): a spike is one loop over them, and each core it reaches counts
one packet, as the router would deliver it (the word of a core's first synapse in the run is
flagged, so the loop notes where cores change without a branch). Plastic synapses keep
SpiNNaker's rows, one per (key, core, projection), since a row carries its STDP state; they are
updated by pair-based STDP when a spike arrives (sPyNNaker's deferred scheme). Spikes re-sent
by delay-extension cores carry their own keys. The builder marks where each key's static run
and plastic rows enter each group of cores (one thread's cores), so a group delivers its part
of a spike's synapses without searching for it, and groups never write the same ring column.
"""

import math

import numpy as np
from numba import njit, types
from numba.extending import overload

from .cpu import load_unaligned_u32, prefetch
from .jit import KERNEL_OPTIONS, inlined_kernel, kernel
from .layout import LAST_PACKET, PACKETS_RECEIVED, SATURATIONS, SYNAPTIC_EVENTS

RING_MAX = 0xFFFF
PACKED_BITS = 24  # target words this narrow are kept in three bytes (see `run_words`)
PACKED_MASK = (1 << PACKED_BITS) - 1
CACHE_LINE = 64  # bytes
STDP_ADDITIVE = 0
STDP_MULTIPLICATIVE = 1
# STDP rule columns (one row per plastic projection, in ring-buffer weight units)
TAU_PLUS, TAU_MINUS, A_PLUS, A_MINUS, W_MIN, W_MAX, DEPENDENCE = 0, 1, 2, 3, 4, 5, 6
N_STDP_PARAMS = 7


def add_to_ring(ring, slot, column, weight):
    """Add a weight to a ring-buffer entry; returns 1 if it saturated (fixed point only)."""
    raise NotImplementedError


@overload(add_to_ring, jit_options=KERNEL_OPTIONS)
def _add_to_ring(ring, slot, column, weight):
    if isinstance(ring.dtype, types.Integer):
        def add_saturating(ring, slot, column, weight):
            total = np.int64(ring[slot, column]) + np.int64(weight)
            if total > RING_MAX:
                ring[slot, column] = RING_MAX
                return 1
            ring[slot, column] = total
            return 0
        return add_saturating

    def add_float(ring, slot, column, weight):
        ring[slot, column] += weight
        return 0
    return add_float


@njit(**KERNEL_OPTIONS, inline="always")
def run_words(targets, first, last):
    """The target words [first, last) of `targets`: their slice, or for packed words (uint8:
    three bytes a word) the slice of their bytes and the byte after, which the last word's
    four-byte load reads. (One function for both, by the item size, which LLVM folds: an
    overload may not return a slice in these kernels.)"""
    packed = targets.itemsize == 1
    unit = 3 if packed else 1
    return targets[unit * first:unit * last + (1 if packed else 0)]


def word_count(targets):
    """How many target words `targets` (a run's slice, see `run_words`) holds."""
    raise NotImplementedError


@overload(word_count, jit_options=KERNEL_OPTIONS)
def _word_count(targets):
    if targets.dtype == types.uint8:
        return lambda targets: (targets.shape[0] - 1) // 3
    return lambda targets: targets.shape[0]


def word_at(targets, w):
    """Target word w of `targets` as a uint64."""
    raise NotImplementedError


@overload(word_at, jit_options=KERNEL_OPTIONS)
def _word_at(targets, w):
    if targets.dtype == types.uint8:
        return lambda targets, w: np.uint64(load_unaligned_u32(targets, 3 * w) & PACKED_MASK)
    return lambda targets, w: np.uint64(targets[w])


def target_words(targets: np.ndarray) -> np.ndarray:
    """The engine's static target words as uint64, packed (see `run_words`) or not."""
    if targets.dtype != np.uint8:
        return targets.astype(np.uint64)
    packed = targets[:-1].reshape(-1, 3).astype(np.uint64)
    return packed[:, 0] | packed[:, 1] << np.uint64(8) | packed[:, 2] << np.uint64(16)


def prefetch_words(targets, first, last):
    """Start loading target words [first, last) of `targets`, a cache line at a time."""
    raise NotImplementedError


@overload(prefetch_words, jit_options=KERNEL_OPTIONS)
def _prefetch_words(targets, first, last):
    if targets.dtype == types.uint8:
        def prefetch_packed(targets, first, last):
            for b in range(3 * first, 3 * last, CACHE_LINE):
                prefetch(targets, b)
        return prefetch_packed

    def prefetch_unpacked(targets, first, last):
        for w in range(first, last, CACHE_LINE // targets.itemsize):
            prefetch(targets, w)
    return prefetch_unpacked


def round_weight(ring, w):
    """Plastic weights live in the ring buffer's units: whole numbers in fixed point."""
    raise NotImplementedError


@overload(round_weight, jit_options=KERNEL_OPTIONS)
def _round_weight(ring, w):
    if isinstance(ring.dtype, types.Integer):
        return lambda ring, w: np.float64(np.rint(w))
    return lambda ring, w: w


@inlined_kernel
def deliver_to_cores(group_first, group_last, tick, spike_ids, spike_counts, core_lo, core_hi,
                     depth, index_bits, type_bits, static_ptr, static_targets, static_weights,
                     weight_bits, atom_core, plastic_ptr, row_core, row_start, row_rule,
                     plastic_words, core_starts, ring, stdp_rules, plastic_weights,
                     last_pre_tick, pre_trace, post_hist, post_hist_n, counters, plastic):
    """Deliver this tick's spikes to the rings of core groups [group_first, group_last).

    `weight_bits` > 0: a static synapse's weight is ``static_weights[word & mask]``, the index
    in the low `weight_bits` bits of its target word (a model with few distinct weights keeps a
    table of them); 0: ``static_weights`` holds a weight per synapse.

    Per target core: counters[c, PACKETS_RECEIVED] += packets (one per spike and core, however
    many of the core's rows take it), counters[c, SYNAPTIC_EVENTS] += synaptic events,
    counters[c, SATURATIONS] += ring-buffer saturations. ``core_starts[group_first]`` is this
    worker's scratch (a place per core, and one). `plastic` is None when the model has no
    plastic rows (then STDP is not compiled), else True.
    """
    delay_bits = _log2(ring.shape[0])
    _prefetch_runs(spike_ids, static_ptr, group_first, group_last, static_targets,
                   static_weights, weight_bits)
    for k in range(spike_ids.shape[0]):
        s = spike_ids[k]
        n_spikes = spike_counts[k]
        packet = tick * (static_ptr.shape[0] + 1) + k + 1  # this spike's number, never 0
        first = static_ptr[s, group_first]  # the part of key s's run onto these groups
        last = static_ptr[s, group_last]
        if first < last:
            for _ in range(n_spikes):  # a source may send several packets in a tick
                _static_run_into_ring(tick, packet, run_words(static_targets, first, last),
                                      _run_weights(static_weights, weight_bits, first, last),
                                      weight_bits, ring, delay_bits, atom_core, counters,
                                      core_starts[group_first])
        if plastic is not None:
            _plastic_rows_into_ring(tick, packet, n_spikes, plastic_ptr[s, group_first],
                                    plastic_ptr[s, group_last], core_lo, core_hi, depth,
                                    index_bits, type_bits, row_core, row_start, row_rule,
                                    plastic_words, ring, stdp_rules, plastic_weights,
                                    last_pre_tick, pre_trace, post_hist, post_hist_n, counters)


@njit(**KERNEL_OPTIONS, inline="always")
def _prefetch_runs(spike_ids, static_ptr, group_first, group_last, targets, weights,
                   weight_bits):
    """Start loading the static runs of these spikes onto groups [group_first, group_last):
    a key's run is rarely in cache when its spike comes, and a tick's runs requested at once
    arrive in about the time of one (CUBA-4000 at dt 1.0: delivery ~15% faster). (A table of
    weights stays in cache.)"""
    for k in range(spike_ids.shape[0]):
        s = spike_ids[k]
        first, last = static_ptr[s, group_first], static_ptr[s, group_last]
        prefetch_words(targets, first, last)
        if weight_bits == 0:
            for w in range(first, last, CACHE_LINE // weights.itemsize):
                prefetch(weights, w)


@njit(**KERNEL_OPTIONS, inline="always")
def _run_weights(weights, weight_bits, first, last):
    """The weights a run of synapses [first, last) reads: its slice, or the whole table."""
    if weight_bits == 0:
        return weights[first:last]
    return weights[:]


@kernel
def _log2(n):
    """log2 of a power of two."""
    bits = 0
    while (1 << bits) < n:
        bits += 1
    return bits


@njit(**KERNEL_OPTIONS, inline="always")
def _static_run_into_ring(tick, packet, targets, weights, weight_bits, ring, delay_bits,
                          atom_core, counters, core_starts):
    """One packet's static synapses (a key's run, `targets` its slice, `weights` its slice or
    the table: see `deliver_to_cores`) into the ring at their delays; each core the run reaches
    counts one packet received and its synaptic events, and notes `packet` as counted.

    A word is ``((column << delay_bits | delay) << 1 | first) << weight_bits | weight index``,
    `first` set on the run's first synapse on each core. The loop writes each synapse's place to
    ``core_starts[n]`` and steps n at a flagged one, leaving the places where cores start
    (CUBA-4000 at dt 1.0, one thread: a branch where the core changed, taken at random, made a
    run take 16% longer). The loop is compiled once per weight layout, each with its constants
    (the layouts in one loop, and signed words, cost 12-25% more a synapse)."""
    t, column_shift = np.uint64(tick), np.uint64(delay_bits + 1)
    slot_mask = np.uint64(ring.shape[0] - 1)
    if weight_bits > 0:
        n_cores = _words_into_ring(t, targets, weights, ring, column_shift, slot_mask, atom_core,
                                   counters, core_starts, np.uint64(0), np.uint64(weight_bits))
    else:
        n_cores = _words_into_ring(t, targets, weights, ring, column_shift, slot_mask, atom_core,
                                   counters, core_starts, np.uint64(1), np.uint64(0))
    core_starts[n_cores] = word_count(targets)
    word_to_column = weight_bits + delay_bits + 1
    for i in range(n_cores):
        first = core_starts[i]
        core = atom_core[np.int64(word_at(targets, first) >> np.uint64(word_to_column)) >> 1]
        counters[core, PACKETS_RECEIVED] += 1
        counters[core, SYNAPTIC_EVENTS] += core_starts[i + 1] - first
        counters[core, LAST_PACKET] = packet


@njit(**KERNEL_OPTIONS, inline="always")
def _words_into_ring(tick, targets, weights, ring, column_shift, slot_mask, atom_core, counters,
                     core_starts, per_synapse, weight_bits):
    """The synapses of `_static_run_into_ring`, with their weights at ``weights[w]``
    (`per_synapse` 1, `weight_bits` 0) or numbered in the words' low `weight_bits` bits
    (`per_synapse` 0). Everything is unsigned, so no index needs a check for a negative value;
    returns the number of cores the run reaches."""
    index_mask = (np.uint64(1) << weight_bits) - np.uint64(1)
    n_cores = 0
    for w in range(word_count(targets)):
        word = word_at(targets, w)
        weight = weights[np.uint64(w) * per_synapse + (word & index_mask)]
        word >>= weight_bits
        core_starts[n_cores] = w
        n_cores += np.int64(word & np.uint64(1))
        # the delay sits in the low bits, below the column: adding the tick leaves the column
        column = word >> column_shift
        if add_to_ring(ring, (tick + (word >> np.uint64(1))) & slot_mask, column, weight):
            counters[atom_core[np.int64(column >> np.uint64(1))], SATURATIONS] += 1
    return n_cores


@inlined_kernel
def _plastic_rows_into_ring(tick, packet, n_spikes, first_row, end_row, core_lo, core_hi, depth,
                            index_bits, type_bits, row_core, row_start, row_rule,
                            plastic_words, ring, stdp_rules, plastic_weights, last_pre_tick,
                            pre_trace, post_hist, post_hist_n, counters):
    """Plastic rows [first_row, end_row) (a key's rows onto some cores) take `n_spikes` packets
    of a spike: STDP, then the row's synapses into the ring, once per packet. A core counts the
    packets unless its static synapses or an earlier row already did."""
    for r in range(first_row, end_row):
        c = row_core[r]
        start = row_start[r]
        end = row_start[r + 1]
        saturated = 0
        for _ in range(n_spikes):
            _stdp_on_pre_spike(r, start, end, tick, core_lo[c], (1 << index_bits[c]) - 1,
                               plastic_words, stdp_rules[row_rule[r]], plastic_weights,
                               last_pre_tick, pre_trace, post_hist, post_hist_n, ring)
            saturated += _plastic_row_into_ring(
                tick, plastic_words[start:end], plastic_weights[start:end], ring,
                2 * core_lo[c], core_hi[c] - core_lo[c], depth[c], index_bits[c], type_bits[c])
        if counters[c, LAST_PACKET] != packet:
            counters[c, PACKETS_RECEIVED] += n_spikes
            counters[c, LAST_PACKET] = packet
        counters[c, SYNAPTIC_EVENTS] += n_spikes * (end - start)
        counters[c, SATURATIONS] += saturated


@njit(**KERNEL_OPTIONS, inline="always")
def _plastic_row_into_ring(tick, words, weights, ring, column_lo, n_atoms, depth, index_bits,
                           type_bits):
    """Add one plastic row (`words`, `weights`: the row's slices) to the ring of the core whose
    columns start at `column_lo`; return the number of saturated additions. A word's delay
    field holds the delay modulo the core's depth (0: the whole depth)."""
    slot_mask = ring.shape[0] - 1
    field_mask = depth - 1
    index_mask = (1 << index_bits) - 1
    type_mask = (1 << type_bits) - 1
    delay_shift = index_bits + type_bits
    saturated = 0
    for w in range(words.shape[0]):
        word = np.int64(words[w])
        delay = (((word >> delay_shift) - 1) & field_mask) + 1
        column = (column_lo + ((word >> index_bits) & type_mask) * n_atoms
                  + (word & index_mask))
        saturated += add_to_ring(ring, (tick + delay) & slot_mask, column, weights[w])
    return saturated


@kernel
def _stdp_on_pre_spike(row, start, end, pre_tick, core_lo, index_mask, words, rule,
                       plastic_weights, last_pre_tick, pre_trace, post_hist, post_hist_n, ring):
    """Pair-based STDP, deferred to the arrival of a pre-synaptic spike (as sPyNNaker does).

    Potentiation for each post spike since the row's previous pre spike (by the pre trace then),
    depression by the post trace now, then the pre trace takes this spike.
    """
    tau_plus = rule[TAU_PLUS]
    tau_minus = rule[TAU_MINUS]
    w_min = rule[W_MIN]
    w_max = rule[W_MAX]
    multiplicative = rule[DEPENDENCE] == STDP_MULTIPLICATIVE
    previous = last_pre_tick[row]
    x_previous = pre_trace[row]
    capacity = post_hist.shape[1]
    for w in range(start, end):
        post = core_lo + (words[w] & index_mask)
        weight = plastic_weights[w]
        n_post = post_hist_n[post]
        y = 0.0
        for j in range(max(0, n_post - capacity), n_post):
            t_post = post_hist[post, j % capacity]
            if t_post >= pre_tick:
                continue
            y += math.exp(-(pre_tick - t_post) / tau_minus)
            if previous >= 0 and t_post >= previous:  # not yet paired with a later pre
                x = x_previous * math.exp(-(t_post - previous) / tau_plus)
                scale = (w_max - weight) if multiplicative else w_max
                weight = min(w_max, weight + rule[A_PLUS] * x * scale)
        scale = (weight - w_min) if multiplicative else w_max
        weight = max(w_min, weight - rule[A_MINUS] * y * scale)
        plastic_weights[w] = round_weight(ring, weight)
    decayed = x_previous * math.exp(-(pre_tick - previous) / tau_plus) if previous >= 0 else 0.0
    pre_trace[row] = decayed + 1.0
    last_pre_tick[row] = pre_tick
