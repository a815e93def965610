"""Build the engine's arrays from a partitioned model: atoms, cores, rings, rows, sources.

The frontend hands over plain descriptions (:class:`PopulationModel`, :class:`ProjectionModel`)
and the slices the partitioner chose; this module decides keys, ring-buffer layouts, weight
shifts and delay-extension cores, and packs the synaptic matrix.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np

from ..engine import layout as L
from ..engine.engine import NetworkArrays
from ..engine.synapses import N_STDP_PARAMS
from .connections import Connections
from .freed_memory import release_freed_memory
from .neuron_parameters import (
    encode_parameters,
    encode_state,
    refractory_ticks,
    weight_scale,
)
from .profiles import bits_for
from .static_matrix import static_synapses
from .synapse_columns import (
    Layout,
    SynapseSet,
    synapse_set,
    weight_statistics,
)
from .synaptic_matrix import index_dtype, plastic_rows, plastic_words_per_core, sort_into_rows
from .weight_scaling import IncomingSynapses, expected_max_weight, left_shift_for

POST_HISTORY_SPIKES = 16
NEVER = np.iinfo(np.int64).max // 4
_ATOM_PART = 4096  # atoms whose parameters are encoded at a time


@dataclass
class PopulationModel:
    """One population as the builder needs it (PyNN names and units)."""

    label: str
    kind: int
    size: int
    parameters: dict
    initial_values: dict
    slices: list
    ring_buffer_depth: int = 16
    spike_times: list | None = None     # per atom, ms (SpikeSourceArray / injector)
    spikes_per_second: float = 30.0
    ring_buffer_sigma: float = 5.0


@dataclass
class ProjectionModel:
    label: str
    pre: int
    post: int
    connections: Connections  # pre and post indices in the populations
    weight: np.ndarray
    delay_ticks: np.ndarray
    receptor: int
    stdp: tuple | None = None  # (tau_plus, tau_minus, A_plus, A_minus, w_min, w_max, dependence)


@dataclass
class BuiltNetwork:
    arrays: NetworkArrays
    atom_offset: np.ndarray             # first atom of each population
    population_cores: list              # core numbers of each population
    shifts: np.ndarray                  # (populations, 2)
    synapse_position: list              # per plastic projection: each connection's place in
                                        # the plastic matrix (None for a static projection)
    weight_to_real: list                # per projection: factor from stored units to PyNN
    core_synaptic_words: np.ndarray = field(default_factory=lambda: np.zeros(0))


def _source_rate(pre: PopulationModel, post: PopulationModel) -> float:
    """The rate assumed for a projection's sources: a Poisson source's own (highest) rate,
    otherwise the receiving population's ``spikes_per_second`` (as sPyNNaker)."""
    if pre.kind == L.SPIKE_SOURCE_POISSON:
        return float(np.max(pre.parameters["rate"])) if pre.size else 0.0
    return post.spikes_per_second


def _shifts(pops, projs, dt):
    """The ring-buffer left shift of every (population, synapse type)."""
    shifts = np.zeros((len(pops), 2), dtype=np.int64)
    for p, pop in enumerate(pops):
        for receptor in (0, 1):
            mine = [j for j, prj in enumerate(projs)
                    if prj.post == p and prj.receptor == receptor]
            incoming = [IncomingSynapses(*weight_statistics(projs[j], pop),
                                         projs[j].connections.max_in_degree(),
                                         _source_rate(pops[projs[j].pre], pop)) for j in mine]
            biggest = expected_max_weight(incoming, dt, pop.ring_buffer_sigma)
            for j in mine:  # a plastic weight may grow to w_max
                if projs[j].stdp is not None:
                    w_max = projs[j].stdp[5] * np.max(weight_scale(
                        pop.kind, receptor, pop.parameters, np.arange(pop.size)))
                    biggest = max(biggest, w_max)
            shifts[p, receptor] = left_shift_for(biggest)
    return shifts


def _ring_slots(projs: list, pops: list) -> int:
    """Rows of the engine's one ring (a row per delay slot, all cores' columns): the smallest
    power of two that holds every delay a ring takes. A core's SpiNNaker ring has its
    ``ring_buffer_depth`` slots (16 by the guide's rules), which the mapping counts; the
    emulator only needs the delays there are, and a shallow ring stays in cache (CUBA at
    dt 1.0: delay 1, one row instead of 16; a delay past its core's depth is re-sent by an
    extension core with at most that depth left)."""
    longest = 1
    for prj in projs:
        depth = pops[prj.post].ring_buffer_depth
        longest = max(longest, min(int(prj.delay_ticks.max(initial=1)), depth))
    return 1 << (longest - 1).bit_length()


def build_network(pops: list, projs: list, delay_extensions: list, dt: float, fixed: bool,
                  seed: int, n_groups: int) -> BuiltNetwork:
    """Lay out atoms, cores, rings and synaptic rows for the engine.

    `delay_extensions` lists the mapper's delay-extension groups as (sending population index,
    ticks per stage, stages), in the mapper's order: one core per slice of the sender.
    """
    sizes = np.array([p.size for p in pops], dtype=np.int64)
    atom_offset = np.zeros(len(pops), dtype=np.int64)
    np.cumsum(sizes[:-1], out=atom_offset[1:])
    n_atoms = int(sizes.sum())

    # cores of real atoms, in atom order
    core_pop, core_lo, core_hi = [], [], []
    for p, pop in enumerate(pops):
        for lo, hi in pop.slices:
            core_pop.append(p)
            core_lo.append(atom_offset[p] + lo)
            core_hi.append(atom_offset[p] + hi)
    population_cores = [[c for c, q in enumerate(core_pop) if q == p] for p in range(len(pops))]

    # delay-extension cores: one per slice of a sender whose delays exceed the ring
    de_first_key = {}
    n_keys = n_atoms
    de_cores = []
    for pre, depth, n_stages in delay_extensions:
        for lo, hi in pops[pre].slices:
            de_first_key[(pre, depth, lo)] = n_keys
            de_cores.append((n_keys, n_keys + (hi - lo) * n_stages, depth, atom_offset[pre] + lo,
                             n_stages))
            n_keys += (hi - lo) * n_stages
    n_cores = len(core_pop) + len(de_cores)

    kind = np.array([pops[p].kind for p in core_pop] + [L.DELAY_EXTENSION] * len(de_cores),
                    dtype=np.int64)
    lo = np.array(core_lo + [c[0] for c in de_cores], dtype=np.int64)
    hi = np.array(core_hi + [c[1] for c in de_cores], dtype=np.int64)
    depth = np.array([pops[p].ring_buffer_depth for p in core_pop] + [c[2] for c in de_cores],
                     dtype=np.int64)
    de_source_lo = np.zeros(n_cores, dtype=np.int64)
    de_stages = np.zeros(n_cores, dtype=np.int64)
    for i, c in enumerate(de_cores):
        de_source_lo[len(core_pop) + i] = c[3]
        de_stages[len(core_pop) + i] = c[4]
    is_neuron = kind < L.N_NEURON_KINDS
    group_ptr = _core_groups(is_neuron, hi - lo, n_groups)
    index_bits = np.array([bits_for(n) for n in hi - lo], dtype=np.int64)
    type_bits = np.ones(n_cores, dtype=np.int64)
    ring_depth = _ring_slots(projs, pops)

    shifts = _shifts(pops, projs, dt)
    core_shift = np.zeros((n_cores, 2), dtype=np.int64)
    for p, cores in enumerate(population_cores):
        core_shift[cores] = shifts[p]

    # synapses -> columns -> rows
    atom_core = np.repeat(np.arange(len(core_pop)), np.array(core_hi) - np.array(core_lo))
    layout = Layout(pops, atom_offset, atom_core, lo, de_first_key, shifts, n_keys, n_cores)
    plastic_projection = np.array([prj.stdp is not None for prj in projs], dtype=bool)
    weight_to_real = [2.0 ** (shifts[prj.post, prj.receptor] - 15) for prj in projs]
    rules = [_stdp_row(prj.stdp, weight_statistics(prj, pops[prj.post])[3], prj.weight,
                       weight_to_real[j], fixed)
             for j, prj in enumerate(projs) if plastic_projection[j]]
    projection_rule = np.cumsum(plastic_projection, dtype=np.int32) - 1
    projection_rule[~plastic_projection] = -1

    plastic_set = synapse_set(projs, np.flatnonzero(plastic_projection).tolist(), layout,
                              keep_exact=not fixed)
    rows = sort_into_rows(plastic_set.syn, n_keys, n_cores)
    plastic = plastic_rows(plastic_set.syn, rows, n_keys, index_bits, type_bits, depth,
                           group_ptr)
    core_words = plastic_words_per_core(rows, n_cores)
    del rows
    # plastic weights live in the ring buffer's units in fixed point
    plastic_weights = ((plastic.words >> np.uint32(16)).astype(float) if fixed
                       else plastic_set.exact[plastic.order])

    rounded_to_zero = dict(zip(plastic_set.projections, plastic_set.rounded_to_zero))
    plastic_set.syn = plastic_set.exact = None  # the columns go before the static synapses
    release_freed_memory()
    static = static_synapses(projs, np.flatnonzero(~plastic_projection).tolist(), layout, hi,
                             2 * n_atoms, ring_depth, group_ptr, fixed)
    core_words += static.core_words
    rounded_to_zero.update(static.rounded_to_zero)
    for j, prj in enumerate(projs):
        _warn_if_rounded_to_zero(prj, rounded_to_zero[j], shifts[prj.post, prj.receptor])
    synapse_position = _synapse_positions(len(projs), plastic_set, plastic.order)
    any_plastic = bool(rules)

    arrays = NetworkArrays(
        core_kind=kind, core_lo=lo, core_hi=hi, core_depth=depth,
        core_shift=core_shift, core_index_bits=index_bits, core_type_bits=type_bits,
        params=np.zeros((L.N_PARAMS, n_atoms), dtype=np.int32 if fixed else float),
        state=np.zeros((L.N_STATE, n_atoms), dtype=np.int32 if fixed else float),
        refrac_ticks=np.zeros(n_atoms, dtype=np.int32),
        ring=np.zeros((ring_depth, 2 * n_atoms), dtype=np.uint16 if fixed else float),
        atom_core=atom_core.astype(np.int32),
        de_source_lo=de_source_lo, de_stages=de_stages,
        group_ptr=group_ptr, core_uniform=np.zeros(n_cores, dtype=np.uint8),
        static_ptr=static.key_group_ptr, static_targets=static.targets,
        static_weights=static.weights, static_weight_bits=static.weight_bits,
        plastic_ptr=plastic.key_group_ptr, row_core=plastic.row_core,
        row_start=plastic.row_start,
        row_rule=projection_rule[plastic.row_projection],
        plastic_words=plastic.words,
        stdp_rules=np.array(rules, dtype=float).reshape(-1, N_STDP_PARAMS) if rules
        else np.zeros((1, N_STDP_PARAMS)),
        plastic_weights=plastic_weights if any_plastic else np.zeros(1),
        post_history=np.zeros((n_atoms if any_plastic else 1, POST_HISTORY_SPIKES),
                               dtype=np.int64),
        seeds=_core_seeds(seed, n_cores),
        rate_per_tick=np.zeros(n_atoms), exp_minus_rate=np.ones(n_atoms),
        start_tick=np.zeros(n_atoms, dtype=np.int64),
        end_tick=np.full(n_atoms, NEVER, dtype=np.int64),
        times_ptr=np.zeros(n_atoms + 1, dtype=np.int64), times=np.zeros(0, dtype=np.int64),
        history_ticks=1 + max([c[2] * c[4] for c in de_cores], default=0),
        fixed=fixed)
    for p, pop in enumerate(pops):
        write_population(arrays, pop, atom_offset[p], dt)
    return BuiltNetwork(arrays, atom_offset, population_cores, shifts, synapse_position,
                        weight_to_real, core_words)


def _synapse_positions(n_projections: int, plastic: SynapseSet, order: np.ndarray) -> list:
    """Per projection: where each of its connections sits in the plastic matrix, whose entry k
    holds entry order[k] of the `plastic` set; None for the static projections, whose weights
    do not change in a run (they are read back as the frontend's, quantised: 4 bytes per
    synapse less to keep)."""
    positions = [None] * n_projections
    position = np.empty(order.size, dtype=index_dtype(order.size))
    position[order] = np.arange(order.size, dtype=position.dtype)
    for j in plastic.projections:
        positions[j] = position[plastic.entries(j)]
    return positions


def write_population(arrays: NetworkArrays, pop: PopulationModel, offset: int, dt: float):
    """(Re)write one population's parameters, initial state and source schedules."""
    if pop.kind < L.N_NEURON_KINDS:
        write_neuron_parameters(arrays, pop, offset, dt)
        for lo, hi, initial in _atom_parts(pop.initial_values, pop.size):
            arrays.state[:, offset + lo:offset + hi] = encode_state(initial, hi - lo,
                                                                    arrays.fixed).T
    elif pop.kind == L.SPIKE_SOURCE_POISSON:
        write_poisson(arrays, pop, offset, dt)
    else:
        write_spike_times(arrays, offset, pop.size, pop.spike_times or [], dt)


def write_neuron_parameters(arrays: NetworkArrays, pop: PopulationModel, offset: int,
                            dt: float):
    """(Re)write one neuron population's parameters, leaving its state as it is."""
    sl = slice(offset, offset + pop.size)
    for lo, hi, parameters in _atom_parts(pop.parameters, pop.size):
        arrays.params[:, offset + lo:offset + hi] = encode_parameters(pop.kind, parameters, dt,
                                                                      arrays.fixed).T
    arrays.refrac_ticks[sl] = refractory_ticks(pop.parameters, dt, pop.size)
    mark_uniform_cores(arrays, offset, offset + pop.size)


def _atom_parts(values: dict, n: int):
    """(lo, hi, values of atoms lo..hi - 1) for parts of `_ATOM_PART` atoms: encoding a part at
    a time keeps the float64 rows and their encodings to a few MB whatever the population's
    size (at 64k neurons they set the build's peak, ~300 bytes a neuron)."""
    for lo in range(0, n, _ATOM_PART):
        hi = min(n, lo + _ATOM_PART)
        yield lo, hi, {name: np.asarray(v)[lo:hi] if np.ndim(v) and len(v) == n else v
                       for name, v in values.items()}


def mark_uniform_cores(arrays: NetworkArrays, first_atom: int, end_atom: int):
    """Flag the neuron cores among atoms [first_atom, end_atom) whose atoms share every
    parameter but i_offset (each atom's current is read per atom anyway), and recount the
    uniform and the other neuron cores: the tick loop compiles the cases a model has."""
    shared = np.arange(L.N_PARAMS) != L.I_OFFSET
    neuron_core = arrays.core_kind < L.N_NEURON_KINDS
    for c in np.flatnonzero(neuron_core & (arrays.core_lo < end_atom)
                            & (arrays.core_hi > first_atom)):
        params = arrays.params[shared, arrays.core_lo[c]:arrays.core_hi[c]]
        arrays.core_uniform[c] = (params == params[:, :1]).all()
    arrays.uniform_cores = int(np.count_nonzero(arrays.core_uniform[neuron_core]))
    arrays.per_atom_cores = int(np.count_nonzero(neuron_core)) - arrays.uniform_cores


def write_poisson_rates(arrays: NetworkArrays, rate, offset: int, dt: float):
    """(Re)write Poisson atoms' rates (Hz) from atom `offset` on, and e**-rate per tick."""
    sl = slice(offset, offset + len(rate))
    np.multiply(np.asarray(rate, float), dt / 1000.0, out=arrays.rate_per_tick[sl])
    np.exp(-arrays.rate_per_tick[sl], out=arrays.exp_minus_rate[sl])


def write_poisson(arrays: NetworkArrays, pop: PopulationModel, offset: int, dt: float):
    sl = slice(offset, offset + pop.size)
    write_poisson_rates(arrays, pop.parameters["rate"], offset, dt)
    start = np.rint(np.asarray(pop.parameters["start"], float) / dt)
    duration = np.asarray(pop.parameters["duration"], float) / dt
    arrays.start_tick[sl] = start.astype(np.int64)
    end = np.where(np.isfinite(duration), start + np.rint(np.minimum(duration, NEVER / 2)), NEVER)
    arrays.end_tick[sl] = end.astype(np.int64)


def write_spike_times(arrays: NetworkArrays, offset: int, size: int, spike_times: list,
                      dt: float):
    """Replace atoms [offset, offset + size)'s spike schedules (times in ms -> ticks)."""
    counts = np.diff(arrays.times_ptr)
    old = [arrays.times[arrays.times_ptr[i]:arrays.times_ptr[i + 1]]
           for i in range(len(counts))]
    for a in range(size):
        times = np.asarray(spike_times[a] if a < len(spike_times) else [], float)
        old[offset + a] = np.sort(np.rint(times / dt).astype(np.int64))
    counts = np.array([len(t) for t in old], dtype=np.int64)
    arrays.times_ptr[0] = 0
    np.cumsum(counts, out=arrays.times_ptr[1:])
    arrays.times = np.concatenate(old) if old else np.zeros(0, np.int64)


def _stdp_row(stdp, biggest_scaled, weight, unit, fixed):
    """An STDP rule row in the units of the stored weights (`biggest_scaled`: the largest of
    the projection's `scaled_weights`)."""
    tau_plus, tau_minus, a_plus, a_minus, w_min, w_max, dependence = stdp
    scale = (biggest_scaled / np.abs(weight).max()) if np.abs(weight).max() > 0 else 1.0
    to_stored = scale / unit if fixed else scale
    return [tau_plus, tau_minus, a_plus, a_minus, w_min * to_stored, w_max * to_stored,
            dependence]


def _warn_if_rounded_to_zero(prj, lost: int, shift: int):
    if lost:
        warnings.warn(
            f"Projection {prj.label!r}: {lost} non-zero weights round to 0 in 16-bit "
            f"storage with ring-buffer left shift {shift} (smallest representable weight "
            f"{2.0 ** (shift - 15):.3g}); larger weights onto the same population set the "
            "shift — split the projections or scale the weights.")


def _core_groups(is_neuron: np.ndarray, atoms: np.ndarray, n_groups: int) -> np.ndarray:
    """Split the cores into up to `n_groups` contiguous groups of similar atom counts."""
    n_cores = len(is_neuron)
    weight = np.where(is_neuron, atoms, 0).astype(float)
    total = weight.sum()
    if total == 0 or n_groups <= 1:
        return np.array([0, n_cores], dtype=np.int64)
    cuts = np.searchsorted(np.cumsum(weight), total * np.arange(1, n_groups) / n_groups)
    return np.unique(np.concatenate([[0], cuts + 1, [n_cores]])).clip(0, n_cores).astype(np.int64)


def _core_seeds(seed: int, n_cores: int) -> np.ndarray:
    """Four non-zero 32-bit KISS64 seed words per core, from the simulation seed."""
    words = np.random.SeedSequence(seed).generate_state(4 * max(1, n_cores), dtype=np.uint32)
    words = words.reshape(-1, 4).astype(np.uint64)
    words[words == 0] = 1
    return words[:n_cores].copy() if n_cores else np.zeros((0, 4), dtype=np.uint64)
