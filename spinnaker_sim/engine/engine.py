"""The engine: owns the flat arrays of a mapped network and steps them tick by tick.

It knows nothing of PyNN: the builder in ``mapping/`` fills a :class:`NetworkArrays`, the
frontend asks for ticks, spikes and samples by atom index.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numba
import numpy as np

from .layout import N_COUNTERS
from .tick_loop import tick_loop
from .workers import SYNC_SIZE

SPIKE_BUFFER_MIN = 4096
#: spike records are (tick, atom, count) rows of 32-bit ints: 12 bytes a record, where int64
#: rows took 24 (64k neurons at 5 Hz record 320k a second); ticks stop at LAST_TICK
SPIKE_RECORD_DTYPE = np.int32
LAST_TICK = np.iinfo(SPIKE_RECORD_DTYPE).max
#: below this many atoms a tick is too little work to share between threads: the workers meet
#: twice a tick and hand the tick's spikes over (CUBA on the 2-core VM, ms per second of model,
#: serial vs parallel: 250 neurons 1.9 vs 2.2 at dt 1.0 and 13 vs 32 at dt 0.1; 1,000 neurons
#: 6.9 vs 7.4 and 59 vs 47; 2,000 neurons 22 vs 18 and 116 vs 73)
PARALLEL_MIN_ATOMS = 2_000


@dataclass
class NetworkArrays:
    """Everything the tick loop reads and writes, as numpy arrays (see the kernels' docs)."""

    # per core (ordered by first atom)
    core_kind: np.ndarray
    core_lo: np.ndarray
    core_hi: np.ndarray
    core_depth: np.ndarray            # ring slots (neuron cores), ticks per stage (extensions)
    core_shift: np.ndarray            # (cores, 2) weight left shift per synapse type
    core_index_bits: np.ndarray
    core_type_bits: np.ndarray
    # per atom
    params: np.ndarray                # (N_PARAMS, atoms), int32 s16.15 / u0.32 words or float64
    state: np.ndarray                 # (N_STATE, atoms), the same
    refrac_ticks: np.ndarray
    ring: np.ndarray                  # (slots, 2 x atoms) uint16 (fixed) or float64
    atom_core: np.ndarray             # int32 core of each atom
    # delay-extension cores: first source atom and number of stages (0 for other cores)
    de_source_lo: np.ndarray
    de_stages: np.ndarray
    # core groups: one thread ticks cores group_ptr[g]:group_ptr[g + 1] (delivery and update)
    group_ptr: np.ndarray
    # 1 where a neuron core's atoms share every parameter but i_offset (kept by the builder's
    # write_neuron_parameters); its tick then reads each parameter once
    core_uniform: np.ndarray
    # static synapses of key s: static_ptr[s, 0]:static_ptr[s, -1], sorted by target core;
    # those onto core group g: static_ptr[s, g]:static_ptr[s, g + 1]
    static_ptr: np.ndarray
    # uint32/64 ((ring column << delay bits | delay) << 1 | first synapse on its core)
    # << static_weight_bits | index of its weight in static_weights
    static_targets: np.ndarray
    # uint16 (fixed) or float64: a table of the distinct weights (static_weight_bits > 0), or
    # a weight per synapse
    static_weights: np.ndarray
    # plastic rows of key s: plastic_ptr[s, 0]:plastic_ptr[s, -1], sorted by core; those onto
    # core group g: plastic_ptr[s, g]:plastic_ptr[s, g + 1] (no rows: an empty table)
    plastic_ptr: np.ndarray
    row_core: np.ndarray
    row_start: np.ndarray
    row_rule: np.ndarray              # STDP rule of each row
    plastic_words: np.ndarray         # uint32 SpiNNaker words (weights in plastic_weights)
    # plasticity
    stdp_rules: np.ndarray
    plastic_weights: np.ndarray       # float64, ring-buffer units in fixed point
    post_history: np.ndarray          # (atoms or 1, K) ticks of recent post spikes
    # sources
    seeds: np.ndarray                 # (cores, 4) uint64 mars_kiss64 state
    rate_per_tick: np.ndarray
    exp_minus_rate: np.ndarray        # e**-rate_per_tick, precomputed as sPyNNaker does
    start_tick: np.ndarray
    end_tick: np.ndarray
    times_ptr: np.ndarray
    times: np.ndarray
    # spike history depth (1 + the longest delay-extension reach)
    history_ticks: int = 1
    fixed: bool = True
    static_weight_bits: int = 0
    # how many neuron cores are uniform (see core_uniform) and how many are not: counted where
    # the flags are written, so a run picks its loop variant without counting
    uniform_cores: int = 0
    per_atom_cores: int = 0


class Engine:
    """Steps a :class:`NetworkArrays`; keeps the initial state for ``reset()``."""

    def __init__(self, net: NetworkArrays):
        self.net = net
        n_atoms = net.params.shape[1]
        n_cores = net.core_kind.shape[0]
        self.tick = 0
        self._initial_state = net.state.copy()
        self._initial_seeds = net.seeds.copy()
        self._initial_plastic_weights = net.plastic_weights.copy()
        self.counters = np.zeros((n_cores, N_COUNTERS), dtype=np.int64)
        self.active_from = np.zeros(n_atoms, dtype=np.int64)  # the end of a refractory period
        # scratch: each tick's excitatory and inhibitory inputs, injected currents, spikes
        self.synaptic_input = np.zeros((2, n_atoms), dtype=net.state.dtype)
        self.injected = np.zeros(n_atoms, dtype=net.state.dtype)
        # (whole 8-byte words, so the update can skip eight silent atoms at a time)
        self.spiked = np.zeros(-(-n_atoms // 8) * 8, dtype=np.uint8)
        # delivery's scratch per core group: where a spike's run reaches each next core
        self.core_starts = np.zeros((len(net.group_ptr) - 1, n_cores + 1), dtype=np.int64)
        self.ticks_to_next = -np.ones(n_atoms)
        self.next_index = net.times_ptr[:-1].copy()
        plastic = net.row_rule.size > 0
        # per-row STDP state (static networks keep one dummy entry)
        n_rows = max(1, len(net.row_core))
        self.last_pre_tick = -np.ones(n_rows, dtype=np.int64)
        self.pre_trace = np.zeros(n_rows)
        self.post_history_n = np.zeros(net.post_history.shape[0], dtype=np.int64)
        n_keys = len(net.static_ptr)
        self.fired_ids = np.zeros(n_atoms, dtype=np.int64)
        self.fired_count = np.zeros(n_atoms, dtype=np.int64)
        self.n_fired = np.zeros(n_cores, dtype=np.int64)
        self.hist_ids = np.zeros((net.history_ticks, n_keys), dtype=np.int64)
        self.hist_count = np.zeros((net.history_ticks, n_keys), dtype=np.int64)
        self.hist_n = np.zeros(net.history_ticks, dtype=np.int64)
        # recording set-up (filled by set_recording)
        self.rec_columns = -np.ones((3, n_atoms), dtype=np.int64)
        self.core_rec_interval = np.zeros(n_cores, dtype=np.int64)
        self._no_samples = None  # the empty sample buffers, while nothing analog is recorded
        self.spike_recorded = np.zeros(n_atoms, dtype=np.uint8)
        self.spike_buffer = np.zeros((max(SPIKE_BUFFER_MIN, 2 * n_atoms), 3),
                                     dtype=SPIKE_RECORD_DTYPE)
        self.spike_buffer_n = np.zeros(1, dtype=np.int64)
        self.cs_column = np.zeros(n_atoms, dtype=np.int32)  # (column 0: no current source)
        self._sync = np.zeros(SYNC_SIZE, dtype=np.int64)  # the parallel loop's workers meet here
        # which tick loop runs this network: parallel or not, its kinds of core, STDP or not
        self._loop_variant = (n_atoms >= PARALLEL_MIN_ATOMS,
                              frozenset(np.unique(net.core_kind).tolist()), plastic)

    @property
    def n_atoms(self) -> int:
        return self.net.params.shape[1]

    def set_recording(self, rec_columns: np.ndarray, core_interval: np.ndarray,
                      spike_recorded: np.ndarray) -> None:
        """Which atoms record which analog variable (column index or -1), per-core sampling
        interval in ticks (0: none), and which atoms record spikes."""
        self.rec_columns = rec_columns
        self.core_rec_interval = core_interval
        self.spike_recorded = spike_recorded
        self._no_samples = None

    def run(self, n_ticks: int, cs_values: np.ndarray | None = None,
            cs_column: np.ndarray | None = None,
            on_spikes: Callable[[np.ndarray], None] | None = None):
        """Run `n_ticks`; return (spikes, samples, first_rows).

        cs_values[k, column]: the current sources' input in tick t + k, one column per driven
        atom and column 0 all zero; cs_column[atom]: its column (0: no source). None: none.
        spikes: (k, 3) int32 array of (tick, atom, count); samples: (3, rows, columns) array of
        the analog variables sampled during these ticks (raw); first_rows: per core, the sample
        index of row 0 (``tick // interval``). The spike buffer keeps its size: whenever it
        fills, the loop stops, its records are copied out and the loop goes on. With
        `on_spikes`, each buffer's records go to ``on_spikes(rows)`` instead (a view, valid
        during the call) and the spikes returned are no rows: a long run then holds one
        buffer's worth of records at a time, not copies of all of them.
        """
        net = self.net
        t0 = self.tick
        if t0 + n_ticks > LAST_TICK:
            raise ValueError(f"cannot run to tick {t0 + n_ticks}: spike records hold ticks as "
                             f"32-bit integers, up to tick {LAST_TICK}; split the experiment "
                             "into several simulations (end(), then setup() again)")
        if cs_values is None:
            cs_values = np.zeros((n_ticks, 1), dtype=net.state.dtype)
            cs_column = self.cs_column
        samples, first_rows = self._sample_buffers(t0, n_ticks)
        cores, neurons, synapses, plasticity, sources, spikes = self._kernel_arrays(
            self.core_rec_interval)
        chunks = []
        t = t0
        run_ticks = tick_loop(*self._loop_variant, net.uniform_cores > 0,
                              net.per_atom_cores > 0)
        n_workers = numba.get_num_threads() if self._loop_variant[0] else 1  # (~1 us a call)
        recording = (self.rec_columns, samples, first_rows, self.spike_recorded,
                     self.spike_buffer, self.spike_buffer_n)
        while True:  # until the last tick; each stop before it is a full spike buffer
            self.spike_buffer_n[0] = 0
            t = run_ticks(t, t0 + n_ticks - t, cores, neurons, synapses, plasticity, sources,
                          (cs_values[t - t0:], cs_column), recording, spikes, self._sync,
                          n_workers)
            rows = self.spike_buffer[:self.spike_buffer_n[0]]
            if on_spikes is None:
                chunks.append(rows.copy())
            else:
                on_spikes(rows)
            if t == t0 + n_ticks:
                break
        self.tick = t
        if not chunks:
            return self.spike_buffer[:0], samples, first_rows
        return (chunks[0] if len(chunks) == 1 else np.concatenate(chunks)), samples, first_rows

    def _sample_buffers(self, t0: int, n_ticks: int):
        """The analog samples' buffer for ticks t0 .. t0 + n_ticks - 1 and, per core, the sample
        index of its row 0 (``tick // interval``)."""
        if self._no_samples is not None:  # nothing analog is recorded: nothing to allocate
            return self._no_samples
        intervals = self.core_rec_interval
        first_rows = np.zeros_like(intervals)
        active = intervals > 0
        if not active.any():
            self._no_samples = np.zeros((3, 0, 1), dtype=self.net.state.dtype), first_rows
            return self._no_samples
        first_rows[active] = -(-t0 // intervals[active])
        last_rows = -(-(t0 + n_ticks) // intervals[active])
        n_rows = int((last_rows - first_rows[active]).max())
        n_columns = int(self.rec_columns.max()) + 1
        return np.zeros((3, n_rows, max(1, n_columns)), dtype=self.net.state.dtype), first_rows

    def _kernel_arrays(self, intervals):
        """The tick loop's argument groups (see ``tick_loop.run_ticks``)."""
        net = self.net
        cores = (net.core_kind, net.core_lo, net.core_hi, net.core_depth, net.core_shift,
                 net.core_index_bits, net.core_type_bits, intervals, self.counters,
                 net.de_source_lo, net.de_stages, net.group_ptr, net.core_uniform)
        neurons = (net.params, net.state, self.active_from, net.refrac_ticks, net.ring,
                   self.synaptic_input, self.injected, self.spiked)
        synapses = (net.static_ptr, net.static_targets, net.static_weights,
                    net.static_weight_bits, net.atom_core,
                    net.plastic_ptr, net.row_core, net.row_start, net.row_rule,
                    net.plastic_words, self.core_starts)
        plasticity = (net.stdp_rules, net.plastic_weights, self.last_pre_tick, self.pre_trace,
                      net.post_history, self.post_history_n)
        sources = (net.seeds, net.rate_per_tick, net.exp_minus_rate, net.start_tick, net.end_tick,
                   self.ticks_to_next, net.times_ptr, net.times, self.next_index)
        spikes = (self.fired_ids, self.fired_count, self.n_fired, self.hist_ids, self.hist_count,
                  self.hist_n)
        return cores, neurons, synapses, plasticity, sources, spikes

    def reset(self) -> None:
        """Back to tick 0 with the initial state (parameters and recording set-up are kept)."""
        net = self.net
        self.tick = 0
        net.state[:] = self._initial_state
        net.seeds[:] = self._initial_seeds
        net.plastic_weights[:] = self._initial_plastic_weights
        net.ring[:] = 0
        self.active_from[:] = 0
        self.ticks_to_next[:] = -1
        self.next_index[:] = net.times_ptr[:-1]
        self.last_pre_tick[:] = -1
        self.pre_trace[:] = 0
        self.post_history_n[:] = 0
        self.hist_n[:] = 0
        self.counters[:] = 0

