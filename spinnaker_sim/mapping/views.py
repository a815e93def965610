"""Read-only views over a mapping's vertex arrays that build Python objects only when asked.

A 250-million-atom dry run has about a million vertices; these sequences and mappings let the
usual ``mapping.slices["exc"][3]`` or ``mapping.placements[("exc", 3)]`` work without ever
materialising a million tuples.
"""

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import NamedTuple


class SliceList(Sequence):
    """The ``(lo, hi)`` atom ranges of a population's vertices: equal slices, last one shorter."""

    def __init__(self, n_atoms: int, atoms_per_core: int):
        self.n_atoms = n_atoms
        self.atoms_per_core = atoms_per_core

    def __len__(self) -> int:
        return (self.n_atoms + self.atoms_per_core - 1) // self.atoms_per_core

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(f"vertex {i} out of range (the population has {len(self)})")
        i %= len(self)
        lo = i * self.atoms_per_core
        return lo, min(lo + self.atoms_per_core, self.n_atoms)

    def __eq__(self, other) -> bool:
        if isinstance(other, SliceList):
            return (self.n_atoms, self.atoms_per_core) == (other.n_atoms, other.atoms_per_core)
        if isinstance(other, Sequence):
            return len(other) == len(self) and all(tuple(a) == b for a, b in zip(other, self))
        return NotImplemented

    def __repr__(self) -> str:
        if len(self) <= 4:
            return repr(list(self))
        return f"SliceList({len(self)} slices of {self.atoms_per_core} of {self.n_atoms} atoms)"


class VertexLookup(Mapping):
    """``(label, vertex index) -> value`` over the vertices of a mapping, computed on access."""

    def __init__(self, first_vertex: dict[str, int], count: dict[str, int],
                 value: Callable[[int], tuple]):
        self._first = first_vertex
        self._count = count
        self._value = value

    def __getitem__(self, vertex: tuple[str, int]):
        label, index = vertex
        if label not in self._first or not 0 <= index < self._count[label]:
            raise KeyError(vertex)
        return self._value(self._first[label] + index)

    def __iter__(self) -> Iterator[tuple[str, int]]:
        for label, count in self._count.items():
            for index in range(count):
                yield label, index

    def __len__(self) -> int:
        return sum(self._count.values())


class DelayExtensionVertex(NamedTuple):
    """One delay-extension core: it holds `source`'s atoms [lo, hi) for up to 8 stages."""

    label: str
    source: str
    lo: int
    hi: int
    n_stages: int
    delay_per_stage: int
    vertex: int


class DelayExtensionVertices(Sequence):
    """Every delay-extension vertex of a mapping, in vertex order."""

    def __init__(self, groups: list, slices: dict[str, SliceList], first_vertex: dict[str, int]):
        self._items = [(g, slices[g.source], first_vertex[g.label]) for g in groups]
        self._ends = []
        total = 0
        for _, sl, _ in self._items:
            total += len(sl)
            self._ends.append(total)

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        i %= len(self)
        k = next(n for n, end in enumerate(self._ends) if i < end)
        group, sl, first = self._items[k]
        local = i - (self._ends[k] - len(sl))
        lo, hi = sl[local]
        return DelayExtensionVertex(group.label, group.source, lo, hi, group.n_stages,
                                    group.delay_per_stage, first + local)
