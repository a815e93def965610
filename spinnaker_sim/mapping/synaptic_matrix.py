"""Synaptic rows as SpiNNaker stores them, built with vectorised numpy.

One row per (key, target core, projection): a key is a pre-synaptic atom, or a delay-extension
stage of one. Each synapse is a 32-bit word ``| weight 16 | delay | type | index |``, the index,
type and delay widths those of its target core. Rows are kept source-major (see
``engine/synapses.py``).
"""

from dataclasses import dataclass

import numpy as np

from .synaptic_rows import plastic_row_words, static_row_words


@dataclass
class Synapses:
    """All synapses of a network, one entry each (any order)."""

    key: np.ndarray          # source key
    core: np.ndarray         # target core
    projection: np.ndarray   # projection number (rows never mix projections)
    index: np.ndarray        # post index within the target core
    synapse_type: np.ndarray
    delay_field: np.ndarray  # ticks left for the ring buffer, modulo its depth
    weight16: np.ndarray     # quantised |weight|


@dataclass
class SynapticMatrix:
    src_row_ptr: np.ndarray
    row_core: np.ndarray       # int32
    row_start: np.ndarray      # int32 (int64 past 2**31 synapses)
    row_projection: np.ndarray  # int32
    words: np.ndarray
    order: np.ndarray          # words[k] holds synapse order[k] of the input

    def row_lengths(self) -> np.ndarray:
        return np.diff(self.row_start)


def pack_words(syn: Synapses, index_bits: np.ndarray, type_bits: np.ndarray) -> np.ndarray:
    """The packed words, with each synapse's target-core field widths."""
    i_bits = index_bits[syn.core].astype(np.uint32)
    t_bits = type_bits[syn.core].astype(np.uint32)
    return ((syn.weight16.astype(np.uint32) << np.uint32(16))
            | (syn.delay_field.astype(np.uint32) << (i_bits + t_bits))
            | (syn.synapse_type.astype(np.uint32) << i_bits)
            | syn.index.astype(np.uint32))


def build_matrix(syn: Synapses, n_keys: int, index_bits: np.ndarray,
                 type_bits: np.ndarray) -> SynapticMatrix:
    """Sort synapses into rows (key, core, projection) and pack them (packed first, then
    sorted: one array of words in flight, not a sorted copy of every field)."""
    order = np.lexsort((syn.projection, syn.core, syn.key))
    key = syn.key[order]
    core = syn.core[order]
    proj = syn.projection[order]
    if key.size:
        new_row = np.ones(key.size, dtype=bool)
        new_row[1:] = (key[1:] != key[:-1]) | (core[1:] != core[:-1]) | (proj[1:] != proj[:-1])
        starts = np.flatnonzero(new_row)
    else:
        starts = np.zeros(0, dtype=np.int64)
    row_start = np.append(starts, key.size).astype(np.int32 if key.size < 2**31 else np.int64)
    rows_per_key = np.bincount(key[starts], minlength=n_keys)
    src_row_ptr = np.zeros(n_keys + 1, dtype=np.int64)
    np.cumsum(rows_per_key, out=src_row_ptr[1:])
    words = pack_words(syn, index_bits, type_bits)[order]
    return SynapticMatrix(src_row_ptr, core[starts].astype(np.int32), row_start,
                          proj[starts].astype(np.int32), words, order)


def storage_words(matrix: SynapticMatrix, plastic_projection: np.ndarray) -> np.ndarray:
    """SDRAM words of each row as SpiNNaker lays it out (header, words, plastic state)."""
    lengths = matrix.row_lengths()
    plastic = plastic_projection[matrix.row_projection]
    return np.where(plastic, plastic_row_words(lengths), static_row_words(lengths))
