"""All mutable state of a simulation (PyNN's ``simulator.state``) and the run plumbing.

Populations and projections only record intent; the first ``run()`` maps the model, builds
the engine's arrays, and from then on each run hands ticks to the engine and the spikes and
samples it returns to the recorders.
"""

import itertools
import warnings

import numba
import numpy as np
from pyNN import common

from ..engine import layout as L
from ..engine.engine import Engine
from ..engine.fixed_point import encode
from ..engine.records import group_by_owner
from ..errors import NotSetUpError, SpinnakerSimError
from ..mapping.builder import (
    build_network, write_neuron_parameters, write_poisson_rates, write_population,
)
from ..mapping import default_max_atoms_per_core
from ..mapping.freed_memory import keep_large_arrays_mapped, release_freed_memory
from ..mapping.profiles import get_profile
from .machine_model import map_network, unique_labels

name = "spinnaker_sim"


class ID(int, common.IDMixin):
    def __init__(self, n):
        int.__init__(n)
        common.IDMixin.__init__(self)


class State(common.control.BaseState):
    """Simulation state: time, the model's objects, options, and once built, the engine."""

    def __init__(self):
        super().__init__()
        self.mpi_rank = 0
        self.num_processes = 1
        self.is_set_up = False
        self.dt = 1.0
        self.min_delay = 1.0
        self.max_delay = 144.0
        self.neurons_per_core = {}
        self.clear()

    # ---- set-up ------------------------------------------------------------------------------
    def configure(self, timestep, min_delay, max_delay, rng_seed, numerics, rules,
                  time_scale_factor, spikes_per_second, ring_buffer_sigma, machine, n_boards,
                  report_folder, real_time, database_socket_addresses):
        self.clear()
        keep_large_arrays_mapped()  # large models' freed arrays go back to the OS
        self.is_set_up = True
        self.dt = timestep
        self.min_delay = min_delay
        self.max_delay = max_delay
        self.rng_seed = rng_seed
        self.fixed = numerics == "fixed"
        self.profile = get_profile(rules)
        self.time_scale_factor = time_scale_factor
        self.spikes_per_second = spikes_per_second
        self.ring_buffer_sigma = ring_buffer_sigma
        self.machine = machine
        self.n_boards = n_boards
        self.report_folder = report_folder
        self.real_time = real_time
        self.database_socket_addresses = list(database_socket_addresses or [])

    def clear(self):
        self.populations = []
        self.projections = []
        self.recorders = set()
        self.current_sources = []
        self.current_sources_changed = False
        self.id_counter = 0
        self.segment_counter = -1
        self.engine = None
        self.built = None
        self.mapping = None
        self.rng_seed = 0
        self.write_on_end = []
        self.live = None  # external_devices.LiveIO once the model uses live I/O
        self.spike_recorded = None
        self.reset()

    def reset(self):
        """Back to t = 0: the engine's initial state, with current initial values."""
        self.running = False
        self.t = 0.0
        self.t_start = 0.0
        self.segment_counter += 1
        if self.engine is not None:
            self.engine.reset()
            for population in self.populations:
                self.write_population(population)
        for recorder in self.recorders:
            recorder.clear_engine_data()
        for source, _ in self.current_sources:
            source._reset()

    def require_setup(self, what: str):
        if not self.is_set_up:
            raise NotSetUpError(
                f"{what} was called before setup(). Call sim.setup(timestep=1.0) first, "
                "as on SpiNNaker.")

    # ---- model changes -------------------------------------------------------------------------
    def require_unbuilt(self, what: str):
        """As on SpiNNaker, structure and weights change only before the first run or after
        reset(); a built engine is then rebuilt at the next run."""
        if self.engine is None:
            return
        if self.t > 0:
            raise SpinnakerSimError(
                f"{what} after run() is not possible on SpiNNaker: call sim.reset() first, "
                "then make the change (the network is re-mapped at the next run).")
        self.engine = None
        self.built = None

    def add_current_source(self, source, cells):
        self.current_sources.append((source, cells))
        self.current_sources_changed = True

    def write_population(self, population):
        """Push a population's parameters (and initial values, when not running) to the engine."""
        if self.engine is None:
            return
        offset = self._atom_offset(population)
        write_population(self.engine.net, population.build_model(), offset, self.dt)
        self._restart_sources(offset, population.size)

    def write_parameters(self, population, names=None):
        """Push changed parameters (`names`, or all) to the engine (neuron state and time are
        kept). Changing only Poisson rates, as a closed loop does every step, rewrites just
        those."""
        if self.engine is None:
            return
        if population.celltype.injectable:
            write_neuron_parameters(self.engine.net, population.build_model(),
                                    self._atom_offset(population), self.dt)
        elif names is not None and set(names) == {"rate"} and \
                population.celltype.engine_kind == L.SPIKE_SOURCE_POISSON:
            offset = self._atom_offset(population)
            write_poisson_rates(self.engine.net, population._parameters["rate"], offset, self.dt)
            self._restart_sources(offset, population.size)
        else:  # sources: rates, schedules
            self.write_population(population)

    def _atom_offset(self, population) -> int:
        return int(self.built.atom_offset[self.populations.index(population)])

    def _restart_sources(self, offset: int, size: int):
        """Sources of atoms [offset, offset + size) draw a fresh Poisson interval and resume
        their spike schedule from now."""
        self.engine.ticks_to_next[offset:offset + size] = -1
        self.engine.next_index[offset:offset + size] = \
            self.engine.net.times_ptr[offset:offset + size]

    # ---- building --------------------------------------------------------------------------
    def atoms_per_core(self, celltype) -> int:
        """sPyNNaker's default atoms per core, or less if set_number_of_neurons_per_core says."""
        cls = type(celltype)
        default = default_max_atoms_per_core(cls.__name__, not celltype.injectable)
        return min(default, self.neurons_per_core.get(cls, default))

    def describe_model(self):
        """The populations and projections as the builder and the mapper see them."""
        pops = [p.build_model() for p in self.populations]
        projs = [prj.build_model(self.populations) for prj in self.projections]
        return pops, projs, unique_labels(self.populations)

    def map(self):
        """Map the model onto the virtual machine (no engine is built)."""
        pops, projs, labels = self.describe_model()
        self.mapping = map_network(self, self.populations, pops, projs, labels)
        return self.mapping

    def build(self):
        pops, projs, labels = self.describe_model()
        for prj in projs:  # generated connections drawn once for the mapping and the counts
            prj.connections.hold()
        try:
            self._build(pops, projs, labels)
        finally:
            for prj in projs:
                prj.connections.release()
        release_freed_memory()  # the build's temporaries
        self._population_of_atom = np.repeat(
            np.arange(len(pops), dtype=np.int32), [pop.size for pop in pops])
        self.engine = Engine(self.built.arrays)
        self.update_recording()
        self.current_sources_changed = True

    def _build(self, pops, projs, labels):
        """Map the model and build the engine's arrays."""
        self.mapping = map_network(self, self.populations, pops, projs, labels)
        for model, label, population in zip(pops, labels, self.populations):
            model.slices = list(self.mapping.slices[label])
            model.ring_buffer_depth = self.mapping.ring_buffer_depth.get(label, 1)
            model.spikes_per_second = population.weight_scaling.get(
                "spikes_per_second", self.spikes_per_second)
            model.ring_buffer_sigma = population.weight_scaling.get(
                "ring_buffer_sigma", self.ring_buffer_sigma)
        index = {label: k for k, label in enumerate(labels)}
        delay_extensions = [(index[group.source], group.delay_per_stage, group.n_stages)
                            for group in self.mapping.delay_extension_groups]
        self.built = build_network(pops, projs, delay_extensions, self.dt, self.fixed,
                                   self.rng_seed, numba.get_num_threads())

    def update_recording(self):
        if self.engine is None:
            return
        n = self.engine.n_atoms
        columns = -np.ones((3, n), dtype=np.int64)
        spikes = np.zeros(n, dtype=np.uint8)
        intervals = np.zeros(len(self.engine.net.core_kind), dtype=np.int64)
        next_column = [0, 0, 0]
        for p, population in enumerate(self.populations):
            offset = int(self.built.atom_offset[p])
            population.recorder.configure_engine(offset, columns, spikes, next_column)
            ticks = population.recorder.sampling_ticks()
            for c in self.built.population_cores[p]:
                intervals[c] = ticks if population.recorder.records_analog() else 0
        self.spike_recorded = spikes.copy()
        if self.live is not None:  # live output streams spikes whether recorded or not
            self.live.mark_output_atoms(self, spikes)
        self.engine.set_recording(columns, intervals, spikes)

    # ---- running -----------------------------------------------------------------------------
    def run_until(self, tstop):
        self.require_setup("run()")
        if self.engine is None:
            self.build()
        n_ticks = int(round((tstop - self.t) / self.dt))
        if n_ticks <= 0:
            self.running = True
            return
        if self.live is not None:  # external_devices: the run is cut into chunks for live I/O
            self.live.run(self, n_ticks)
        else:
            self.run_ticks(n_ticks)
        self.running = True

    def run_ticks(self, n_ticks: int) -> np.ndarray:
        """Run `n_ticks` on the engine and hand recordings to the recorders as they come; with
        live I/O on, returns every spike the engine reported, as (tick, atom, count) rows
        (live-output atoms included), else no rows."""
        cs_values, cs_column = self._current_schedule(n_ticks)
        t0 = self.engine.tick
        sent = [] if self.live is not None else None  # live output wants every spike back

        def store(rows: np.ndarray) -> None:  # one spike buffer's records, as they come
            if sent is not None:
                sent.append(rows.copy())
                rows = rows[self.spike_recorded[rows[:, 1]] > 0]
            for population, own in zip(self.populations, self._split_by_population(rows)):
                population.recorder.store_spikes(own)

        no_rows, samples, first_rows = self.engine.run(n_ticks, cs_values, cs_column,
                                                       on_spikes=store)
        for population, cores in zip(self.populations, self.built.population_cores):
            population.recorder.store_samples(samples, first_rows[cores[0]] if cores else 0, t0,
                                              n_ticks)
        self.t = self.engine.tick * self.dt
        self._warn_saturation()
        return np.concatenate(sent) if sent else no_rows

    def _split_by_population(self, spikes: np.ndarray) -> list[np.ndarray]:
        """A run's (tick, atom, count) rows, one part per population with its atoms as indices in
        the population, each part in time order."""
        if not len(spikes):
            return [spikes] * len(self.populations)
        grouped = np.empty_like(spikes)
        bounds = np.zeros(len(self.populations) + 1, dtype=np.int64)
        group_by_owner(spikes, self._population_of_atom, self.built.atom_offset, grouped, bounds)
        return [grouped[a:b] for a, b in itertools.pairwise(bounds)]

    def run(self, simtime):
        self.run_until(self.t + simtime)

    def _current_schedule(self, n_ticks):
        if not self.current_sources:
            return None, None
        n = self.engine.n_atoms
        column = np.zeros(n, dtype=np.int32)  # column 0 stays zero: the atoms without sources
        n_columns = 1
        for source, cells in self.current_sources:
            for cell in cells:
                atom = self.atom_of(cell)
                if column[atom] == 0:
                    column[atom] = n_columns
                    n_columns += 1
        times = (self.engine.tick + np.arange(n_ticks)) * self.dt
        currents = np.zeros((n_ticks, n_columns))
        for source, cells in self.current_sources:
            wave = source.current(times)
            source.log_current(times, wave)
            for cell in cells:
                currents[:, column[self.atom_of(cell)]] += wave
        return encode(currents, self.fixed).astype(self.engine.net.state.dtype), column

    def atom_of(self, cell) -> int:
        population = cell.parent
        p = self.populations.index(population)
        return int(self.built.atom_offset[p]) + population.id_to_index(cell)

    def attach_provenance(self):
        """Hand the engine's per-core counters so far to the mapping report."""
        if self.engine is None:
            return
        counters = self.engine.counters
        self.mapping.attach_provenance({
            "packets_received": counters[:, L.PACKETS_RECEIVED],
            "spikes_sent": counters[:, L.SPIKES_SENT],
            "ring_buffer_saturations": counters[:, L.SATURATIONS],
            "max_spikes_per_tick": counters[:, L.MAX_PACKETS_PER_TICK],
        }, n_ticks=self.engine.tick)

    def synaptic_events(self) -> int:
        """Synaptic events processed so far (for benchmarks)."""
        return int(self.engine.counters[:, L.SYNAPTIC_EVENTS].sum()) if self.engine else 0

    def _warn_saturation(self):
        saturated = self.engine.counters[:, L.SATURATIONS]
        if saturated.sum() > getattr(self, "_saturations_reported", 0):
            self._saturations_reported = int(saturated.sum())
            cores = np.flatnonzero(saturated)
            warnings.warn(
                f"Synaptic input saturated the 16-bit ring buffer {int(saturated.sum())} times "
                f"on {len(cores)} core(s): increase spikes_per_second and/or ring_buffer_sigma "
                "in setup() so larger input sums fit.")


state = State()
