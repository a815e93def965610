"""The cells of a population that record one variable, kept as a mask over the population.

PyNN's Recorder keeps a set of IDs per recorded variable: ~40 bytes a cell (2.5 MB for the
64k CUBA network's spikes, held for the whole simulation). A mask takes a byte a cell, reads
as the same set of the population's own ID objects, and gives the recorded indices without
going through Python objects.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet

import numpy as np


class RecordedCells(AbstractSet):
    """A read-only set of a population's IDs (those whose ``mask`` entry is True)."""

    def __init__(self, population, mask: np.ndarray) -> None:
        self.population = population
        self.mask = mask
        self.mask.flags.writeable = False

    @classmethod
    def none(cls, population) -> RecordedCells:
        return cls(population, np.zeros(population.size, dtype=bool))

    def union(self, indices: np.ndarray) -> RecordedCells:
        """These cells and those at population `indices` (see `cell_indices`)."""
        mask = self.mask.copy()
        mask[indices] = True
        return RecordedCells(self.population, mask)

    def without(self, other: RecordedCells) -> RecordedCells:
        """These cells less `other`'s."""
        return RecordedCells(self.population, self.mask & ~other.mask)

    @functools.cached_property
    def indices(self) -> np.ndarray:
        """Population indices of the cells, ascending (int64; the cells never change)."""
        return np.flatnonzero(self.mask)

    def __contains__(self, cell: object) -> bool:
        try:
            index = int(cell) - int(self.population.first_id)
        except (TypeError, ValueError):
            return False
        return 0 <= index < self.mask.size and bool(self.mask[index])

    def __iter__(self) -> Iterator:
        return iter(self.population.all_cells[self.mask].tolist())

    def __len__(self) -> int:
        return int(np.count_nonzero(self.mask))

    @classmethod
    def _from_iterable(cls, cells: Iterable) -> set:
        return set(cells)  # (what &, | and - of two sets give: a plain set)


def cell_indices(population, ids: Iterable) -> np.ndarray:
    """Population indices of `ids`, which must be IDs of `population`."""
    indices = np.fromiter(ids, dtype=np.int64) - int(population.first_id)
    outside = (indices < 0) | (indices >= population.size)
    if outside.any():
        raise ValueError(f"cell {indices[outside][0] + int(population.first_id)} is not one of "
                         f"population {population.label!r}'s cells; record and read it through "
                         "the population that holds it")
    return indices
