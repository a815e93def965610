"""A non-decreasing index array kept as where each value's run starts.

Most connectors make a projection's connections post-synaptic neuron by post-synaptic neuron,
so the post index of its connections is a run of 0s, then of 1s, and so on: kept as the runs'
starts it takes 8 bytes a neuron instead of 2 (or 4) a connection (a 64k-neuron model with 80
synapses a neuron: 10 MB less, a fifth of its synapses' memory). It reads as the array it
stands for: an element or a slice comes from the starts, and numpy (``np.asarray``, fancy
indexing, ``tolist``) sees the whole array, made when asked for.
"""

from __future__ import annotations

import operator

import numpy as np


class SortedIndex:
    """The non-decreasing array ``np.repeat(arange(len(starts) - 1), diff(starts))``."""

    ndim = 1

    def __init__(self, starts: np.ndarray, dtype: np.dtype) -> None:
        self.starts = starts  # int64: value v fills entries starts[v]:starts[v + 1]
        self.dtype = np.dtype(dtype)

    @classmethod
    def of(cls, index: np.ndarray, n_values: int) -> SortedIndex | np.ndarray:
        """`index` (integers in [0, n_values)) as a SortedIndex where it never decreases, else
        `index` itself."""
        if index.ndim != 1 or np.any(index[1:] < index[:-1]):
            return index
        starts = np.empty(n_values + 1, dtype=np.int64)
        starts[:-1] = np.searchsorted(index, np.arange(n_values, dtype=index.dtype))
        starts[-1] = index.size
        return cls(starts, index.dtype)

    @property
    def size(self) -> int:
        return int(self.starts[-1])

    @property
    def shape(self) -> tuple[int]:
        return (self.size,)

    @property
    def nbytes(self) -> int:
        """Bytes it keeps (not those of the array it stands for)."""
        return self.starts.nbytes

    def __len__(self) -> int:
        return self.size

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        if copy is False:
            raise ValueError("a SortedIndex makes its array when asked: it cannot give one "
                             "without copying")
        values = self._values(0, self.size)
        return values if dtype is None else values.astype(dtype)

    def __getitem__(self, key):
        if isinstance(key, (int, np.integer)):
            i = operator.index(key)
            i += self.size if i < 0 else 0
            if not 0 <= i < self.size:
                raise IndexError(f"index {key} is out of bounds for size {self.size}")
            return self.dtype.type(self._value_at(i))
        if isinstance(key, slice) and key.step in (None, 1):
            lo, hi, _ = key.indices(self.size)
            return self._values(lo, max(lo, hi))
        return np.asarray(self)[key]

    def min(self) -> int:
        return self._value_at(0)

    def max(self) -> int:
        return self._value_at(self.size - 1)

    def tolist(self) -> list:
        return np.asarray(self).tolist()

    def astype(self, dtype, copy: bool = True) -> np.ndarray:
        return np.asarray(self).astype(dtype)

    def _value_at(self, i: int) -> int:
        return int(np.searchsorted(self.starts, i, side="right")) - 1

    def _values(self, lo: int, hi: int) -> np.ndarray:
        """Entries lo .. hi - 1 as an array."""
        if hi <= lo:
            return np.empty(0, dtype=self.dtype)
        first, last = self._value_at(lo), self._value_at(hi - 1)
        counts = np.diff(np.clip(self.starts[first:last + 2], lo, hi))
        return np.repeat(np.arange(first, last + 1, dtype=self.dtype), counts)
