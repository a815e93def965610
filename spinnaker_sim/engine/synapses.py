"""Spike delivery: each spike's synaptic rows -> the target cores' ring buffers.

As on SpiNNaker there is one row per (pre-synaptic atom, post-synaptic core); each static synapse
is one packed word ``| weight 16 | delay | type | index |`` with the index, type and delay widths
of its core. Rows are stored source-major: the rows of atom (key) s are
``src_row_ptr[s]:src_row_ptr[s + 1]``, sorted by target core, so a group of cores finds its rows
by binary search and groups never write the same ring buffer. Spikes re-sent by delay-extension
cores carry their own keys and rows. Plastic rows keep their weights beside the control words and
are updated by pair-based STDP when a spike arrives (sPyNNaker's deferred scheme).
"""

import math

import numpy as np
from numba import njit, types
from numba.extending import overload

from .jit import KERNEL_OPTIONS, kernel

RING_MAX = 0xFFFF
STDP_ADDITIVE = 0
STDP_MULTIPLICATIVE = 1
# STDP rule columns (one row per plastic projection, in ring-buffer weight units)
TAU_PLUS, TAU_MINUS, A_PLUS, A_MINUS, W_MIN, W_MAX, DEPENDENCE = 0, 1, 2, 3, 4, 5, 6
N_STDP_PARAMS = 7


def add_to_ring(ring, pos, weight):
    """Add a weight to a ring-buffer entry; returns 1 if it saturated (fixed point only)."""
    raise NotImplementedError


@overload(add_to_ring, jit_options=KERNEL_OPTIONS)
def _add_to_ring(ring, pos, weight):
    if isinstance(ring.dtype, types.Integer):
        def add_saturating(ring, pos, weight):
            total = np.int64(ring[pos]) + np.int64(weight)
            if total > RING_MAX:
                ring[pos] = RING_MAX
                return 1
            ring[pos] = total
            return 0
        return add_saturating

    def add_float(ring, pos, weight):
        ring[pos] += weight
        return 0
    return add_float


def static_weight(ring, word, float_weights, w):
    """A static synapse's weight: the word's top 16 bits, or its exact value in float64 mode."""
    raise NotImplementedError


@overload(static_weight, jit_options=KERNEL_OPTIONS)
def _static_weight(ring, word, float_weights, w):
    if isinstance(ring.dtype, types.Integer):
        return lambda ring, word, float_weights, w: word >> 16
    return lambda ring, word, float_weights, w: float_weights[w]


def round_weight(ring, w):
    """Plastic weights live in the ring buffer's units: whole numbers in fixed point."""
    raise NotImplementedError


@overload(round_weight, jit_options=KERNEL_OPTIONS)
def _round_weight(ring, w):
    if isinstance(ring.dtype, types.Integer):
        return lambda ring, w: np.float64(np.rint(w))
    return lambda ring, w: w


@kernel
def deliver_to_cores(core_first, core_last, tick, spike_ids, spike_counts, core_lo, core_hi,
                     ring_off, depth, index_bits, type_bits, src_row_ptr, row_core, row_start,
                     row_rule, words, float_weights, ring, stdp_rules, plastic_weights,
                     last_pre_tick, pre_trace, post_hist, post_hist_n, counters, plastic):
    """Deliver this tick's spikes to the rings of cores [core_first, core_last).

    Per target core: counters[c, 0] += packets received, counters[c, 1] += synaptic events,
    counters[c, 2] += ring-buffer saturations. ``row_rule[r]`` >= 0 marks a plastic row;
    `plastic` is None when the model has none (then STDP is not compiled and `row_rule` is
    empty), else True.
    """
    for k in range(spike_ids.shape[0]):
        s = spike_ids[k]
        first = src_row_ptr[s]
        last = src_row_ptr[s + 1]
        r = first
        if core_first > 0 and first < last:
            r += np.searchsorted(row_core[first:last], core_first)
        n_spikes = spike_counts[k]
        while r < last and row_core[r] < core_last:
            c = row_core[r]
            start = row_start[r]
            end = row_start[r + 1]
            n_atoms = core_hi[c] - core_lo[c]
            core_ring = ring[ring_off[c]:ring_off[c] + depth[c] * 2 * n_atoms]
            saturated = 0
            for _ in range(n_spikes):
                if plastic is not None and row_rule[r] >= 0:
                    _stdp_on_pre_spike(r, start, end, tick, core_lo[c],
                                       (1 << index_bits[c]) - 1, words, stdp_rules[row_rule[r]],
                                       plastic_weights, last_pre_tick, pre_trace, post_hist,
                                       post_hist_n, ring)
                    saturated += _plastic_row_into_ring(
                        tick, words[start:end], plastic_weights[start:end], core_ring,
                        n_atoms, depth[c], index_bits[c], type_bits[c])
                else:
                    saturated += _static_row_into_ring(
                        tick, words[start:end], float_weights[start:end], core_ring,
                        n_atoms, depth[c], index_bits[c], type_bits[c])
            counters[c, 0] += n_spikes
            counters[c, 1] += n_spikes * (end - start)
            counters[c, 2] += saturated
            r += 1


def _compile_row_into_ring(plastic: bool):
    """Add one row's synapses (`words`, `weights`: the row's slices) to a core's ring buffer
    (`ring`: that core's slice) at their delays; return the number of saturated additions.
    Compiled for static rows (weights in the words) and plastic rows (weights beside them),
    so neither loop branches on the kind of row; inlined into the delivery loop."""

    def row_into_ring(tick, words, weights, ring, n_atoms, depth, index_bits, type_bits):
        slot_mask = depth - 1
        index_mask = (1 << index_bits) - 1
        type_mask = (1 << type_bits) - 1
        delay_shift = index_bits + type_bits
        saturated = 0
        for w in range(words.shape[0]):
            word = words[w]
            slot = (tick + ((word >> delay_shift) & slot_mask)) & slot_mask
            pos = (slot * 2 * n_atoms + ((word >> index_bits) & type_mask) * n_atoms
                   + (word & index_mask))
            weight = weights[w] if plastic else static_weight(ring, word, weights, w)
            saturated += add_to_ring(ring, pos, weight)
        return saturated

    return njit(**KERNEL_OPTIONS, inline="always")(row_into_ring)


_static_row_into_ring = _compile_row_into_ring(False)
_plastic_row_into_ring = _compile_row_into_ring(True)


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
