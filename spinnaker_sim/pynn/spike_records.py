"""A neuron population's spike records of one spike buffer, packed where its spikes are dense.

The records of a recorded neuron population are (tick, atom) rows in time order, 8 bytes a
spike: what grows without bound in a long run (64k CUBA neurons: 26 MB every 10 s). Where a
part has many spikes a tick, its ticks are kept as where each tick's spikes start (a
SortedIndex, 8 bytes a tick) and its atoms in 2 bytes below 65536 atoms: ~2 bytes a spike.
Reads give the rows back.
"""

from __future__ import annotations

import numpy as np

from ..mapping.sorted_index import SortedIndex
from ..mapping.synaptic_matrix import compact_uint

PACK_MIN_SPIKES = 4096  # fewer records stay rows: a closed loop's step has a few per run
PACK_MIN_PER_TICK = 4   # spikes a tick at least, or the ticks' starts cost more than they save


class PackedSpikes:
    """(tick, atom) rows in time order, as their atoms and where each tick's spikes start."""

    def __init__(self, first_tick: int, ticks: SortedIndex, atoms: np.ndarray) -> None:
        self.first_tick, self.ticks, self.atoms = first_tick, ticks, atoms

    @classmethod
    def of(cls, rows: np.ndarray, n_atoms: int) -> PackedSpikes | np.ndarray:
        """`rows` packed where they are many and dense, else a copy of them."""
        if len(rows) < PACK_MIN_SPIKES:
            return rows.copy()
        first = int(rows[0, 0])
        span = int(rows[-1, 0]) - first + 1
        if len(rows) < PACK_MIN_PER_TICK * span:
            return rows.copy()
        ticks = SortedIndex.of((rows[:, 0] - first).astype(np.int32), span)
        return cls(first, ticks, rows[:, 1].astype(compact_uint(n_atoms)))

    @property
    def nbytes(self) -> int:
        return self.ticks.nbytes + self.atoms.nbytes

    def __len__(self) -> int:
        return len(self.atoms)

    def __getitem__(self, part: slice) -> np.ndarray:
        """Rows `part` (a slice) as int32 (tick, atom) rows."""
        ticks = self.ticks[part]
        rows = np.empty((len(ticks), 2), dtype=np.int32)
        rows[:, 0] = ticks
        rows[:, 0] += self.first_tick
        rows[:, 1] = self.atoms[part]
        return rows
