"""A projection's connections as the mapping reads them: a part at a time, or all at once.

A projection keeps its connections as index arrays (`StoredConnections`) or, for FixedNumberPre/
Post and AllToAll, as the recipe that draws them again (`GeneratedConnections`, made in
``pynn/connect.py``), as sPyNNaker has such connectors generate their synapses on the machine
instead of keeping them on the host. The build reads either a part at a time, in the order
they were made: beside the engine's synapses a generated projection costs the model's peak
memory a part's temporaries, not a second copy of every connection (64k neurons x 80 inputs: 2
bytes a synapse). A build holds generated connections drawn once while it maps the model and
counts each key's synapses (`hold`), and lets them go before it allocates the engine's
synapses (`release`): two drawings a build instead of one per count.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator

import numpy as np

from .sorted_index import SortedIndex
from .synaptic_matrix import compact_uint

PART = 1 << 16  # connections a part holds (a generated part may hold more: see its recipe)


def part_slices(n: int):
    """Slices of `PART` consecutive entries covering range(n)."""
    for first in range(0, n, PART):
        yield slice(first, min(n, first + PART))


class Connections(ABC):
    """The (pre, post) index pairs of a projection from `n_pre` onto `n_post` atoms."""

    def __init__(self, size: int, n_pre: int, n_post: int) -> None:
        self.size = int(size)
        self.n_pre = int(n_pre)
        self.n_post = int(n_post)

    @abstractmethod
    def parts(self) -> Iterator[tuple[slice, np.ndarray, np.ndarray]]:
        """(part, pre, post): the connections `part` (consecutive slices from 0 to `size`)."""

    def arrays(self) -> tuple[np.ndarray, np.ndarray | SortedIndex]:
        """All (pre, post) indices at once, in the smallest unsigned type that holds them (post
        as a `SortedIndex` where it never decreases)."""
        pre = np.empty(self.size, dtype=compact_uint(self.n_pre))
        post = np.empty(self.size, dtype=compact_uint(self.n_post))
        for part, pre_part, post_part in self.parts():
            pre[part] = pre_part
            post[part] = post_part
        return pre, _as_runs_if_smaller(post, self.n_post)

    @property
    def nbytes(self) -> int:
        """Bytes it keeps (a generated projection's: none per connection)."""
        return 0

    @abstractmethod
    def max_in_degree(self) -> int:
        """The most connections onto one post atom."""

    def hold(self) -> None:
        """Keep the connections drawn until `release` (nothing to do for kept ones)."""

    def release(self) -> None:
        """Let go of what `hold` kept."""


class StoredConnections(Connections):
    """Connections kept as arrays: pre indices, and post indices (or their `SortedIndex`)."""

    def __init__(self, pre: np.ndarray, post: np.ndarray | SortedIndex, n_pre: int,
                 n_post: int) -> None:
        super().__init__(pre.size, n_pre, n_post)
        self.pre = pre
        self.post = post

    def parts(self):
        for part in part_slices(self.size):
            yield part, self.pre[part], self.post[part]

    def arrays(self):
        return self.pre, self.post

    @property
    def nbytes(self):
        return self.pre.nbytes + self.post.nbytes

    def max_in_degree(self):
        if isinstance(self.post, SortedIndex):
            return int(np.diff(self.post.starts).max(initial=0))
        return most_repeated(self.post, self.n_post)


def most_repeated(index: np.ndarray, n_values: int) -> int:
    """How often the most frequent value of `index` (in [0, n_values)) occurs, counted a part
    at a time (numpy's bincount of a whole array would first copy it as int64)."""
    counts = np.zeros(n_values, dtype=np.int64)
    for part in part_slices(index.size):
        counts += np.bincount(index[part], minlength=n_values)
    return int(counts.max(initial=0))


def stored(pre, post, n_pre: int, n_post: int) -> StoredConnections:
    """`StoredConnections` of index arrays, in compact types (see `Connections.arrays`)."""
    pre = np.asarray(pre, dtype=compact_uint(n_pre))
    post = _as_runs_if_smaller(np.asarray(post, dtype=compact_uint(n_post)), n_post)
    return StoredConnections(pre, post, n_pre, n_post)


def _as_runs_if_smaller(post: np.ndarray, n_post: int) -> np.ndarray | SortedIndex:
    """Post indices as a `SortedIndex` where they never decrease and that takes fewer bytes
    (most connectors go post by post; a few connections onto many atoms do not pay)."""
    runs = SortedIndex.of(post, n_post)
    return runs if runs.nbytes < post.nbytes else post


class GeneratedConnections(Connections):
    """Connections drawn again whenever they are read: `generate()` yields their (pre, post)
    index arrays a part at a time, the same ones every time (`in_degree`: the most onto one
    post atom, noted when they were first drawn)."""

    def __init__(self, size: int, n_pre: int, n_post: int, in_degree: int,
                 generate: Callable[[], Iterator[tuple[np.ndarray, np.ndarray]]]) -> None:
        super().__init__(size, n_pre, n_post)
        self.in_degree = in_degree
        self.generate = generate
        self.held: StoredConnections | None = None

    def max_in_degree(self):
        return self.in_degree

    def hold(self):
        if self.held is None:
            self.held = StoredConnections(*self.arrays(), self.n_pre, self.n_post)

    def release(self):
        self.held = None

    def arrays(self):
        return self.held.arrays() if self.held is not None else super().arrays()

    def parts(self):
        if self.held is not None:
            yield from self.held.parts()
            return
        first = 0
        for pre, post in self.generate():
            yield slice(first, first + pre.size), pre, post
            first += pre.size
        if first != self.size:
            raise RuntimeError(f"drawn again, a projection's connector made {first} connections "
                               f"where it first made {self.size}: was the connector changed "
                               "after the Projection was made? Make a new Projection instead.")


class MappedConnections(Connections):
    """Connections of another `Connections` with their indices mapped (a view's indices into
    its parent population's): ``pre_map[pre]``, ``post_map[post]`` (None: unchanged)."""

    def __init__(self, connections: Connections, pre_map: np.ndarray | None,
                 post_map: np.ndarray | None, n_pre: int, n_post: int) -> None:
        super().__init__(connections.size, n_pre, n_post)
        self.connections = connections
        self.pre_map = pre_map
        self.post_map = post_map

    @property
    def nbytes(self):
        return self.connections.nbytes

    def max_in_degree(self):  # (a view's cells are distinct cells of its parent)
        return self.connections.max_in_degree()

    def hold(self):
        self.connections.hold()

    def release(self):
        self.connections.release()

    def parts(self):
        for part, pre, post in self.connections.parts():
            yield (part, pre if self.pre_map is None else self.pre_map[pre],
                   np.asarray(post) if self.post_map is None else self.post_map[post])
