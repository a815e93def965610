"""The static synapses, built straight into the engine's runs (see ``synaptic_matrix.py``).

Two passes over the static projections, a chunk of connections at a time: the first counts
each key's synapses and finds the distinct 16-bit weights, the second writes each synapse's
target word (and weight) at its key's next place, projection by projection. Sorting each key's
run by target core, stably, then gives row order (key, core, projection) without sorting all
synapses at once. The build holds the engine's arrays (and a projection number per synapse
where two projections join the same populations with the same synapse type, dropped before
the run) where columns of every field and a sort index took ~25 bytes per synapse. Where the
model's distinct 16-bit weights are few enough for the spare low bits of a target word to
number them, the words carry that number and the engine keeps only the table of weights: 4
bytes a synapse, not 6, and the build never holds the 2 of a weight.
"""

import sys
from dataclasses import dataclass

import numpy as np

from ..engine.synapses import PACKED_BITS
from .row_kernels import (
    number_weights,
    pack_words_in_place,
    place_by_key,
    sort_runs_by_core,
    values_present,
)
from .synapse_columns import Layout, connection_chunks, connection_keys, connection_weights16
from .synaptic_matrix import compact_uint, core_groups, pointers
from .synaptic_rows import static_row_words


@dataclass
class StaticSynapses:
    """The static synapses as the engine keeps them: those of key s are
    ``key_group_ptr[s, 0]:key_group_ptr[s, -1]``, in row order (so sorted by target core), and
    those onto core group g (``group_ptr[g]:group_ptr[g + 1]``, one thread's cores) are
    ``key_group_ptr[s, g]:key_group_ptr[s, g + 1]``."""

    key_group_ptr: np.ndarray  # (keys, groups + 1)
    targets: np.ndarray        # uint32 (uint64 for rings too wide; packed in 3 bytes, as
                               # uint8, when 24 bits hold them): see static_synapses
    weights: np.ndarray        # uint16 (fixed point) or the scaled float64 weights: a table
    weight_bits: int           # of them, numbered in the words' low bits (> 0), or per synapse
    core_words: np.ndarray     # SDRAM words of each core's static rows
    rounded_to_zero: dict      # projection number -> non-zero weights that quantise to 0


def static_synapses(projs: list, chosen: list, layout: Layout, core_hi: np.ndarray,
                    ring_columns: int, ring_depth: int, group_ptr: np.ndarray,
                    fixed: bool) -> StaticSynapses:
    """The synapses of the projections numbered `chosen` (all static), as target words
    ``((column << delay_bits | delay) << 1 | first) << weight_bits | weight number`` in key
    runs, `first` set on the run's first synapse on each core (delivery counts a packet per core
    there), and their weights (see `_weight_numbers`).

    Core c's ring columns are ``2 lo[c] .. 2 hi[c]``: excitatory first, then inhibitory."""
    core_lo = layout.core_lo
    run_start = np.zeros(layout.n_keys + 1, dtype=np.int64)
    for j in chosen:
        for key in connection_keys(projs[j], layout):
            run_start[1:] += np.bincount(key, minlength=layout.n_keys)
    np.cumsum(run_start, out=run_start)
    n = int(run_start[-1])
    delay_bits = ring_depth.bit_length() - 1
    dtype = np.uint32 if ring_columns << (delay_bits + 1) <= 2 ** 32 else np.uint64
    word_bits = int((ring_columns << (delay_bits + 1)) - 1).bit_length()  # of the largest word
    table, weight_bits, number = _weight_numbers(projs, chosen, layout, word_bits, dtype) \
        if fixed else (None, 0, None)
    for j in chosen:  # counted: generated connections held for the counts are drawn again
        projs[j].connections.release()
    targets = np.empty(n, dtype=dtype)
    weights = np.empty(0 if weight_bits else n, dtype=np.uint16 if fixed else float)
    projection = np.empty(n if _rows_need_numbers(projs, chosen) else 0,
                          dtype=np.uint8 if len(projs) <= 256 else compact_uint(len(projs)))
    next_place = run_start[:-1].copy()
    rounded_to_zero = {}
    for j in chosen:
        receptor = projs[j].receptor
        rounded_to_zero[j] = 0
        for chunk in connection_chunks(projs[j], layout):
            c = chunk.core
            column = 2 * core_lo[c] + receptor * (core_hi[c] - core_lo[c]) + chunk.index
            words = (((column << delay_bits) | (chunk.ring_delay & (ring_depth - 1))) << 1
                     ).astype(dtype)
            if weight_bits:
                number_weights(words, chunk.weight16, number, dtype(weight_bits))
            place_by_key(chunk.key, next_place, words,
                         chunk.weight16 if fixed else chunk.scaled, j, targets, weights,
                         projection)
            rounded_to_zero[j] += chunk.rounded_to_zero
    del next_place
    key_group_counts = np.zeros((layout.n_keys, len(group_ptr) - 1), dtype=np.int64)
    core_counts = np.zeros((2, layout.n_cores), dtype=np.int64)
    sort_runs_by_core(run_start, targets, weights, projection, layout.atom_core,
                      delay_bits + 1 + weight_bits, dtype(1 << weight_bits),
                      core_groups(group_ptr), key_group_counts, core_counts,
                      (core_lo + core_hi).astype(dtype))
    rows, synapses = core_counts
    if dtype is np.uint32 and word_bits + weight_bits <= PACKED_BITS and sys.byteorder == "little":
        targets = _packed(targets)
    return StaticSynapses(pointers(key_group_counts, n), targets,
                          table if weight_bits else weights, weight_bits,
                          static_row_words(0) * rows + synapses, rounded_to_zero)


def _packed(words: np.ndarray) -> np.ndarray:
    """Uint32 target words of at most 24 bits as three bytes each (and a byte after, which the
    engine's four-byte load of the last word reads), in the words' own buffer shrunk in place:
    3 bytes a synapse instead of 4, with no second copy of them at any time."""
    n = words.size
    pack_words_in_place(words.view(np.uint8))
    words.resize((3 * n + 1 + 3) // 4, refcheck=False)
    return words.view(np.uint8)[:3 * n + 1]


def _rows_need_numbers(projs: list, chosen: list) -> bool:
    """Whether two of the projections numbered `chosen` share pre- and post-synaptic
    populations and synapse type: only then does telling their rows apart need a projection
    number per synapse during the build (a byte each for the usual few projections, a sixth of
    the build's peak); otherwise a synapse's key, core and ring column say its projection."""
    kinds = {(projs[j].pre, projs[j].post, projs[j].receptor) for j in chosen}
    return len(kinds) < len(chosen)


def _weight_numbers(projs: list, chosen: list, layout: Layout, word_bits: int, dtype):
    """The weight table of the projections numbered `chosen` (see `_numbering`), decided from
    their distinct 16-bit weights before the synapses are placed, so the build never holds a
    weight per synapse for a model that keeps a table (2 bytes a synapse of its peak)."""
    present = np.zeros(1 << 16, dtype=bool)
    for j in chosen:
        for weight16 in connection_weights16(projs[j], layout):
            values_present(weight16, present)
    return _numbering(present, word_bits, dtype)


def _numbering(present: np.ndarray, word_bits: int, dtype):
    """(table, bits, number): where the distinct 16-bit weights (``present[w]``) can be
    numbered in the bits `dtype` words leave free above their `word_bits`, the table of them,
    how many bits number them, and each weight's number (``number[weight]``); else
    (None, 0, None), and the engine keeps a weight per synapse."""
    table = np.flatnonzero(present).astype(np.uint16)
    bits = max(1, (len(table) - 1).bit_length())
    if word_bits + bits > 8 * np.dtype(dtype).itemsize:
        return None, 0, None
    number = np.zeros(1 << 16, dtype=dtype)
    number[table] = np.arange(len(table), dtype=dtype)
    return table, bits, number
