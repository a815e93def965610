"""Every connection as the synaptic matrix needs it: key, target core, index, ring delay, weight.

`connection_chunks` gives a projection's connections a chunk (a part of its `Connections`) at
a time: a whole projection's float64 weights and int64 atom numbers would be ~40 bytes per
connection of temporaries; in chunks they are a few MB whatever the model's size. The static
synapses go from the chunks straight into the engine's arrays (``static_matrix.py``); the
plastic ones are kept as columns first, projection by projection in small integer types (see
`Synapses`), to be sorted into rows.
"""

from dataclasses import dataclass

import numpy as np

from .connections import part_slices
from .neuron_parameters import weight_scale
from .profiles import delay_stage
from .synaptic_matrix import Synapses
from .weight_scaling import quantise


@dataclass
class Layout:
    """Where atoms and keys live, and each population's ring-buffer weight shifts."""

    pops: list                # PopulationModel of each population
    atom_offset: np.ndarray   # first atom of each population
    atom_core: np.ndarray     # core of each real atom
    core_lo: np.ndarray       # first atom of each core
    de_first_key: dict        # (sender, ring depth, slice lo) -> its delay-extension core's key
    shifts: np.ndarray        # (populations, 2): left shift per synapse type
    n_keys: int
    n_cores: int


@dataclass
class SynapseSet:
    """The connections of some projections (the plastic ones) as columns."""

    projections: list         # their numbers, in column order
    start: list               # first entry of each, then the number of entries
    syn: Synapses
    exact: np.ndarray | None  # scaled float64 weights, when the numerics keep them
    rounded_to_zero: list     # per projection: non-zero weights that quantise to 0

    def entries(self, j: int) -> slice:
        """The entries of projection number `j` (one of this set's)."""
        i = self.projections.index(j)
        return slice(self.start[i], self.start[i + 1])


def scaled_weights(prj, post, part: slice, post_index: np.ndarray) -> np.ndarray:
    """|weight| x the post-synaptic model's factor (`weight_scale`) of connections `part`, onto
    atoms `post_index` of the population."""
    weight = np.asarray(prj.weight, float)[part]
    return np.abs(weight) * weight_scale(post.kind, prj.receptor, post.parameters, post_index)


_NO_ATOMS = np.zeros(0, dtype=np.int64)


def _scale_per_atom(prj, post) -> bool:
    """Whether the factor of `scaled_weights` differs between post-synaptic atoms."""
    return np.ndim(weight_scale(post.kind, prj.receptor, post.parameters, _NO_ATOMS)) > 0


def _weight_parts(prj, post):
    """(part, post indices) of projection `prj`'s connections a part at a time; the post
    indices only where `scaled_weights` needs them (elsewhere empty, and a generated
    projection's connections are not drawn again)."""
    if _scale_per_atom(prj, post):
        for part, _, post_index in prj.connections.parts():
            yield part, post_index
        return
    for part in part_slices(prj.connections.size):
        yield part, _NO_ATOMS


def weight_statistics(prj, post) -> tuple[int, float, float, float]:
    """(count, mean, variance, maximum) of a projection's `scaled_weights`, in one pass a chunk
    at a time (the whole projection's would be 8 bytes per synapse, and its variance 16 more):
    each chunk's mean and squared deviations merge into the running ones (Chan et al.'s
    pairwise update), so a projection of one chunk gets exactly numpy's mean and var."""
    n, mean, squares, biggest = 0, 0.0, 0.0, 0.0
    for part, post_index in _weight_parts(prj, post):
        scaled = scaled_weights(prj, post, part, post_index)
        m = scaled.size
        chunk_mean = float(scaled.mean())
        chunk_squares = float(((scaled - chunk_mean) ** 2).sum())
        if n == 0:
            mean, squares = chunk_mean, chunk_squares
        else:
            delta = chunk_mean - mean
            mean += delta * m / (n + m)
            squares += chunk_squares + delta * delta * n * m / (n + m)
        n += m
        biggest = max(biggest, float(scaled.max()))
    return n, mean, squares / n if n else 0.0, biggest


def synapse_set(projs: list, chosen: list, layout: Layout, keep_exact: bool) -> SynapseSet:
    """Columns of the projections numbered `chosen`."""
    sizes = [projs[j].connections.size for j in chosen]
    start = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)]).tolist()
    syn = Synapses.empty(start[-1], layout.n_keys, layout.n_cores, len(projs),
                         int(np.bincount(layout.atom_core).max(initial=1)),
                         max((p.ring_buffer_depth for p in layout.pops), default=1))
    exact = np.empty(start[-1]) if keep_exact else None
    lost = [_fill(syn, exact, at, j, projs[j], layout) for j, at in zip(chosen, start)]
    return SynapseSet(list(chosen), start, syn, exact, lost)


def _fill(syn: Synapses, exact, at: int, number: int, prj, layout: Layout) -> int:
    """Write projection `prj` (number `number`) into the columns from entry `at` on; returns
    how many of its non-zero weights round to 0 in 16 bits."""
    lost = 0
    for chunk in connection_chunks(prj, layout):
        out = slice(at + chunk.part.start, at + chunk.part.stop)
        syn.core[out] = chunk.core
        syn.index[out] = chunk.index
        syn.ring_delay[out] = chunk.ring_delay
        syn.key[out] = chunk.key
        syn.weight16[out] = chunk.weight16
        lost += chunk.rounded_to_zero
        if exact is not None:
            exact[out] = chunk.scaled
    n = prj.connections.size
    syn.projection[at:at + n] = number
    syn.synapse_type[at:at + n] = prj.receptor
    return lost


@dataclass
class ConnectionChunk:
    """Connections `part` of a projection as the synaptic matrix needs them."""

    part: slice
    key: np.ndarray          # source key (a delay-extension stage's for long delays)
    core: np.ndarray         # target core
    index: np.ndarray        # target atom within its core
    ring_delay: np.ndarray   # ticks left for the ring buffer
    scaled: np.ndarray       # |weight| x the post-synaptic model's factor
    weight16: np.ndarray     # the 16-bit weight stored for it
    rounded_to_zero: int     # non-zero weights that quantise to 0


def connection_chunks(prj, layout: Layout):
    """Yield projection `prj`'s connections as `ConnectionChunk` s, a chunk at a time (a few
    MB of temporaries whatever the model's size)."""
    post = layout.pops[prj.post]
    shift = layout.shifts[prj.post, prj.receptor]
    for part, pre_index, post_index in prj.connections.parts():
        post_atom = layout.atom_offset[prj.post] + post_index
        core = layout.atom_core[post_atom]
        stage, ring_delay = delay_stage(prj.delay_ticks[part], post.ring_buffer_depth)
        scaled = scaled_weights(prj, post, part, post_index)
        w16 = quantise(scaled, shift)
        yield ConnectionChunk(part, _keys(prj, layout, pre_index, stage), core,
                              post_atom - layout.core_lo[core], ring_delay, scaled, w16,
                              int(np.count_nonzero((scaled > 0) & (w16 == 0))))


def connection_weights16(prj, layout: Layout):
    """Yield the 16-bit weights of projection `prj`'s connections, in the chunks of
    `connection_chunks`, or just one where they all share it (all the choice of a weight
    table needs)."""
    post = layout.pops[prj.post]
    shift = layout.shifts[prj.post, prj.receptor]
    weight = np.asarray(prj.weight)
    if weight.ndim == 1 and weight.strides[0] == 0 and not _scale_per_atom(prj, post):
        yield quantise(scaled_weights(prj, post, slice(0, 1), _NO_ATOMS), shift)
        return
    for part, post_index in _weight_parts(prj, post):
        yield quantise(scaled_weights(prj, post, part, post_index), shift)


def connection_keys(prj, layout: Layout):
    """Yield the source keys of projection `prj`'s connections, in the chunks of
    `connection_chunks` (all a count of each key's synapses needs)."""
    depth = layout.pops[prj.post].ring_buffer_depth
    for part, pre_index, _ in prj.connections.parts():
        stage, _ = delay_stage(prj.delay_ticks[part], depth)
        yield _keys(prj, layout, pre_index, stage)


def _keys(prj, layout: Layout, pre_index: np.ndarray, stage: np.ndarray) -> np.ndarray:
    """Source keys of connections from atoms `pre_index` (`stage`: their delay-extension
    stages)."""
    key = layout.atom_offset[prj.pre] + pre_index
    if stage.size and stage.max() > 0:
        key = _delayed_keys(key, stage, pre_index, prj, layout)
    return key


def _delayed_keys(key, stage, pre_index, prj, layout: Layout):
    """Keys of the delay-extension stage that re-sends each long-delay synapse's spikes."""
    depth = layout.pops[prj.post].ring_buffer_depth
    key = key.copy()
    for lo, hi in layout.pops[prj.pre].slices:
        mask = (stage > 0) & (pre_index >= lo) & (pre_index < hi)
        if mask.any():
            first = layout.de_first_key[(prj.pre, depth, lo)]
            key[mask] = first + (stage[mask] - 1) * (hi - lo) + pre_index[mask] - lo
    return key
