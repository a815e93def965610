"""Every connection as the builder's columns: key, target core, index, ring delay, weight.

The columns hold the static or the plastic projections' connections, projection by projection,
in small integer types (see `Synapses`). They are filled a chunk of a projection at a time: a
whole projection's float64 weights and int64 atom numbers would be ~40 bytes per connection of
temporaries on top of the columns; in chunks they are a few MB whatever the model's size.
"""

from dataclasses import dataclass

import numpy as np

from .neuron_parameters import weight_scale
from .profiles import delay_stage
from .synaptic_matrix import Synapses
from .weight_scaling import quantise

_CHUNK = 1 << 18  # connections per step


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
    """The connections of some projections (the static or the plastic ones) as columns."""

    projections: list         # their numbers, in column order
    start: list               # first entry of each, then the number of entries
    syn: Synapses
    exact: np.ndarray | None  # scaled float64 weights, when the numerics keep them
    rounded_to_zero: list     # per projection: non-zero weights that quantise to 0

    def entries(self, j: int) -> slice:
        """The entries of projection number `j` (one of this set's)."""
        i = self.projections.index(j)
        return slice(self.start[i], self.start[i + 1])


def scaled_weights(prj, post, part: slice = slice(None)) -> np.ndarray:
    """|weight| x the post-synaptic model's factor (`weight_scale`) of connections `part`."""
    weight = np.asarray(prj.weight, float)[part]
    return np.abs(weight) * weight_scale(post.kind, prj.receptor, post.parameters,
                                         prj.post_index[part])


def synapse_set(projs: list, chosen: list, layout: Layout, keep_exact: bool) -> SynapseSet:
    """Columns of the projections numbered `chosen`."""
    sizes = [projs[j].pre_index.size for j in chosen]
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
    post = layout.pops[prj.post]
    shift = layout.shifts[prj.post, prj.receptor]
    n = prj.pre_index.size
    lost = 0
    for first in range(0, n, _CHUNK):
        part = slice(first, min(n, first + _CHUNK))
        out = slice(at + part.start, at + part.stop)
        post_atom = layout.atom_offset[prj.post] + prj.post_index[part]
        core = layout.atom_core[post_atom]
        syn.core[out] = core
        syn.index[out] = post_atom - layout.core_lo[core]
        stage, syn.ring_delay[out] = delay_stage(prj.delay_ticks[part], post.ring_buffer_depth)
        pre_index = prj.pre_index[part]
        key = layout.atom_offset[prj.pre] + pre_index
        if stage.size and stage.max() > 0:
            key = _delayed_keys(key, stage, pre_index, prj, layout)
        syn.key[out] = key
        scaled = scaled_weights(prj, post, part)
        w16 = quantise(scaled, shift)
        lost += int(np.count_nonzero((scaled > 0) & (w16 == 0)))
        syn.weight16[out] = w16
        if exact is not None:
            exact[out] = scaled
    syn.projection[at:at + n] = number
    syn.synapse_type[at:at + n] = prj.receptor
    return lost


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
