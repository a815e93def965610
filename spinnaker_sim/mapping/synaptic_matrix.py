"""The synaptic matrix, sorted into SpiNNaker's rows (`row_kernels`) and packed for the engine.

Synapses are sorted into rows, one per (key, target core, projection); a key is a
pre-synaptic atom, or a delay-extension stage of one. The rows give the SDRAM a core's matrix
takes. The engine stores the two kinds of synapse for what delivery needs:

- a **plastic** synapse stays in its row, as SpiNNaker's 32-bit word
  ``| weight 16 | delay | type | index |`` (the index, type and delay widths those of its
  target core), because its row keeps the STDP state;
- a **static** synapse becomes one target word ``(column << delay_bits | delay) << 1 | first``:
  its ring-buffer column (see ``engine/synapses.py``), the delay left for the ring, and whether
  it is its key's first synapse on its core. A key's static synapses are one run, in row
  order, so delivering a spike is one loop however many cores it reaches (built by
  ``static_matrix.py``, which sorts each key's run rather than all synapses).
"""

from dataclasses import dataclass

import numpy as np

from .row_kernels import row_order
from .synaptic_rows import plastic_row_words


@dataclass
class Synapses:
    """One set of synapses (the plastic ones), an entry each, stored projection
    by projection in the smallest types that hold them (see `compact_uint`)."""

    key: np.ndarray          # source key (int32; int64 past 2**31 keys)
    core: np.ndarray         # target core
    projection: np.ndarray   # projection number (rows never mix projections)
    index: np.ndarray        # post index within the target core
    synapse_type: np.ndarray  # uint8
    ring_delay: np.ndarray   # ticks left for the ring buffer (1 .. the core's depth)
    weight16: np.ndarray     # quantised |weight|, uint16

    @classmethod
    def empty(cls, n: int, n_keys: int, n_cores: int, n_projections: int, max_core_atoms: int,
              max_ring_depth: int) -> "Synapses":
        return cls(key=np.empty(n, np.int32 if n_keys < 2 ** 31 else np.int64),
                   core=np.empty(n, compact_uint(n_cores)),
                   projection=np.empty(n, compact_uint(n_projections)),
                   index=np.empty(n, compact_uint(max_core_atoms)),
                   synapse_type=np.empty(n, np.uint8),
                   ring_delay=np.empty(n, compact_uint(max_ring_depth + 1)),
                   weight16=np.empty(n, np.uint16))


def compact_uint(n_values: int) -> type:
    """uint16 for values below 2**16, else int32: the columns are most of a build's memory, and
    one type in the common case keeps the numba sorts to one compiled signature."""
    return np.uint16 if n_values <= 2 ** 16 else np.int32


@dataclass
class Rows:
    """Synapses sorted into rows: sorted synapse k is input synapse ``order[k]``."""

    order: np.ndarray
    start: np.ndarray        # first sorted synapse of each row, then the number of synapses
    key: np.ndarray          # of each row
    core: np.ndarray
    projection: np.ndarray

    def lengths(self) -> np.ndarray:
        return np.diff(self.start)


@dataclass
class PlasticRows:
    """The plastic rows as the engine keeps them: those of key s are
    ``key_group_ptr[s, 0]:key_group_ptr[s, -1]``, sorted by target core, and those onto core
    group g are ``key_group_ptr[s, g]:key_group_ptr[s, g + 1]`` (an empty table when there are
    no plastic rows: the engine then compiles no STDP and never reads it)."""

    key_group_ptr: np.ndarray  # (keys, groups + 1)
    row_core: np.ndarray       # int32
    row_start: np.ndarray      # int32 (int64 past 2**31 synapses)
    row_projection: np.ndarray  # int32
    words: np.ndarray          # uint32
    order: np.ndarray          # words[k] holds input synapse order[k]


def sort_into_rows(syn: Synapses, n_keys: int, n_cores: int) -> Rows:
    """Sort the synapses into rows, by (key, core, projection) and stable within a row, and
    list the rows."""
    order = np.empty(syn.key.size, dtype=index_dtype(syn.key.size))
    if order.size:  # (a model without plastic synapses does not compile the sort)
        row_order(syn.key, syn.core, n_keys, n_cores, order)
    new_row = np.zeros(order.size, dtype=bool)
    new_row[:1] = True
    for field in (syn.key, syn.core, syn.projection):  # one sorted field in memory at a time
        sorted_field = field[order]
        new_row[1:] |= sorted_field[1:] != sorted_field[:-1]
    del sorted_field
    first = order[new_row]  # each row's first synapse
    start = np.empty(first.size + 1, dtype=index_dtype(order.size))
    start[:-1] = np.flatnonzero(new_row)
    start[-1] = order.size
    return Rows(order, start, syn.key[first], syn.core[first], syn.projection[first])


def plastic_rows(syn: Synapses, rows: Rows, n_keys: int, index_bits: np.ndarray,
                 type_bits: np.ndarray, core_depth: np.ndarray,
                 group_ptr: np.ndarray) -> PlasticRows:
    """The rows of the plastic synapses, packed as SpiNNaker words, and where each key's rows
    enter each group of cores."""
    order = rows.order
    core = syn.core[order]
    i_bits = index_bits[core].astype(np.uint32)
    t_bits = type_bits[core].astype(np.uint32)
    delay_field = syn.ring_delay[order] & (core_depth[core] - 1)
    words = ((syn.weight16[order].astype(np.uint32) << np.uint32(16))
             | (delay_field.astype(np.uint32) << (i_bits + t_bits))
             | (syn.synapse_type[order].astype(np.uint32) << i_bits)
             | syn.index[order].astype(np.uint32))
    row_core = rows.core.astype(np.int32)
    key_group_ptr = (_group_pointers(rows.key, row_core, group_ptr, n_keys) if row_core.size
                     else np.zeros((0, len(group_ptr)), dtype=np.int32))
    return PlasticRows(key_group_ptr, row_core, rows.start,
                       rows.projection.astype(np.int32), words, order)


def plastic_words_per_core(rows: Rows, n_cores: int) -> np.ndarray:
    """SDRAM words of each core's plastic rows (header, pre-trace, half-words per synapse)."""
    return np.bincount(rows.core, weights=plastic_row_words(rows.lengths()),
                       minlength=n_cores).astype(np.int64)


def _group_pointers(key: np.ndarray, core: np.ndarray, group_ptr: np.ndarray,
                    n_keys: int) -> np.ndarray:
    """``ptr[s, g]:ptr[s, g + 1]`` spans key s's entries onto core group g (cores
    ``group_ptr[g]:group_ptr[g + 1]``), for entries sorted by key then core (entry k has key
    ``key[k]`` and target core ``core[k]``)."""
    n_groups = len(group_ptr) - 1
    cell = key.astype(np.int64) * n_groups + core_groups(group_ptr)[core]
    counts = np.bincount(cell, minlength=n_keys * n_groups).reshape(n_keys, n_groups)
    return pointers(counts, key.size)


def core_groups(group_ptr: np.ndarray) -> np.ndarray:
    """The core group of each core."""
    return np.repeat(np.arange(len(group_ptr) - 1), np.diff(group_ptr))


def pointers(counts: np.ndarray, n_entries: int) -> np.ndarray:
    """Key x group spans (see `_group_pointers`) from ``counts[key, group]``."""
    n_keys, n_groups = counts.shape
    ptr = np.zeros((n_keys, n_groups + 1), dtype=index_dtype(n_entries))
    ends = np.cumsum(counts).reshape(n_keys, n_groups)
    ptr[:, 1:] = ends
    ptr[1:, 0] = ends[:-1, -1]
    return ptr


def index_dtype(n_synapses: int) -> type:
    """Synapse indices are int32 while they fit: the row tables are as long as the rows, and
    at large scale nearly every row holds one synapse."""
    return np.int32 if n_synapses < 2 ** 31 else np.int64
