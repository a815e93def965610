"""Recording: the engine returns spikes and samples per run; each population's recorder keeps
its own and hands them to PyNN's Recorder, which builds Neo blocks shaped as pyNN.nest's."""

import numpy as np
from pyNN import errors, recording

from ..engine import layout as L
from ..engine.engine import SPIKE_RECORD_DTYPE
from ..engine.fixed_point import decode
from ..mapping.neuron_parameters import recorded_scale
from . import simulator
from .recorded_cells import RecordedCells, cell_indices
from .spike_records import PackedSpikes

ANALOG = {name: i for i, name in enumerate(L.ANALOG_VARIABLES)}
SPIKES = recording.Variable("spikes", location=None, label=None)  # as PyNN's count() names it
NO_SPIKES = np.zeros((0, 3), dtype=SPIKE_RECORD_DTYPE)  # no (tick, atom[, count]) rows
NO_SPIKES.flags.writeable = False


class Recorder(recording.Recorder):
    _simulator = simulator

    def __init__(self, population, file=None):
        super().__init__(population, file)
        self._offset = 0
        self._spike_records = 0  # (tick, atom, count) rows stored so far, cleared ones included
        self.clear_engine_data()

    def record(self, variables, ids, sampling_interval=None, locations=None):
        """PyNN's ``record``, keeping each variable's recorded cells as a `RecordedCells` mask
        (a byte a cell, where PyNN's set of IDs takes ~40)."""
        self._check_sampling_interval(sampling_interval)
        indices = cell_indices(self.population, ids)
        for variable in self._localize_variables(variables, locations):
            if not self.population.can_record(variable.name, variable.location):
                raise errors.RecordingError(variable, self.population.celltype)
            before = self._cells(variable)
            self.recorded[variable] = after = before.union(indices)
            self._record(variable, after.without(before), sampling_interval)

    # ---- what PyNN's Recorder asks ------------------------------------------------------
    def _record(self, variable, new_ids, sampling_interval=None):
        if sampling_interval is not None:
            ticks = sampling_interval / self._simulator.state.dt
            if abs(ticks - round(ticks)) > 1e-9 or ticks < 1:
                raise ValueError(
                    f"sampling_interval {sampling_interval} ms is not a whole number of "
                    f"timesteps ({self._simulator.state.dt} ms); SpiNNaker samples once every "
                    "n ticks.")
            self.sampling_interval = sampling_interval
        self._simulator.state.update_recording()

    def _reset(self):
        self._simulator.state.update_recording()

    def _get_spiketimes(self, ids, clear=False):
        index = np.fromiter(ids, dtype=np.int64) - int(self.population.first_id)
        rows = self._spike_rows()
        atoms, times = self._one_per_spike(rows[np.isin(rows[:, 1], index)])
        if clear:  # spikes only: the analog signals are read (and cleared) after this
            self._drop_spikes()
        return self.population.all_cells[atoms].astype(int), times.astype(float)

    def spikes_since(self, cursor: int) -> tuple[np.ndarray, np.ndarray, int]:
        """(population indices, times in ms) of the spikes recorded after the first `cursor`
        spike records, one entry per spike in time order, and the cursor to pass next time.

        A closed loop reads each step's spikes this way in time proportional to the new ones
        (``_get_spiketimes`` filters everything recorded so far). Records cleared by
        ``get_data(clear=True)`` are gone, whatever the cursor.
        """
        new = self._spike_records - max(cursor, self._spike_records_dropped)
        parts = []
        for chunk in reversed(self._spikes):
            if new <= 0:
                break
            parts.append(chunk[-new:])
            new -= len(chunk)
        if len(parts) > 1:
            rows = np.concatenate(parts[::-1])
        else:  # a closed loop's step: one run's records, or none
            rows = parts[0] if parts else NO_SPIKES
        return *self._one_per_spike(rows), self._spike_records

    def _get_all_signals(self, variable, ids, clear=False):
        index = np.fromiter(ids, dtype=np.int64) - int(self.population.first_id)
        v = ANALOG[variable.name]
        blocks = []
        for atoms, values in self._samples[v]:
            column = {a: c for c, a in enumerate(atoms)}
            block = np.full((values.shape[0], len(index)), np.nan)
            for j, a in enumerate(index):
                if a in column:
                    block[:, j] = values[:, column[a]]
            blocks.append(block)
        if self._on_sampling_grid():
            blocks.append(self._current_values(variable.name, index)[None, :])
        if clear:
            self._samples = [[], [], []]
        signals = np.vstack(blocks) if blocks else np.zeros((0, len(index)))
        return signals, None

    def _local_count(self, variable, filter_ids=None):
        """{ID: spike count}, keyed by the population's own ID objects, as pyNN.nest's: new
        ints for the keys took 2 MB of a 51200-cell population's count, held by the heap after,
        and a list of the IDs (or a copy of them all) another 0.4 MB of its peak."""
        index = self._recorded(variable, filter_ids)
        if index.size == self.population.size:  # every cell
            index = slice(None)
        return dict(zip(self.population.all_cells[index], self._spike_counts[index].tolist()))

    def spike_counts_array(self) -> np.ndarray:
        """``get_spike_counts()`` as an array in population order (0 where not recorded),
        without the dict of IDs: a closed loop reads it after every step."""
        index = self._recorded(SPIKES)
        counts = np.zeros(self.population.size, dtype=np.int64)
        counts[index] = self._spike_counts[index]
        return counts

    def _recorded(self, variable, filter_ids=None) -> np.ndarray:
        """Population indices of the cells recording `variable` (among `filter_ids`),
        ascending."""
        index = self._cells(variable).indices
        if filter_ids is not None:
            index = np.intersect1d(index, cell_indices(self.population, filter_ids))
        return index

    def _cells(self, variable) -> RecordedCells:
        """The cells recording `variable` (PyNN's reset() leaves an empty set)."""
        cells = self.recorded.get(variable)
        return cells if isinstance(cells, RecordedCells) else RecordedCells.none(self.population)

    def _clear_simulator(self):
        self.clear_engine_data()

    # ---- what the simulation state asks --------------------------------------------------
    def clear_engine_data(self):
        self._drop_spikes()
        self._samples = [[], [], []]

    def sampling_ticks(self) -> int:
        return int(round(self.sampling_interval / self._simulator.state.dt))

    def records_analog(self) -> bool:
        return any(var.name in ANALOG and ids for var, ids in self.recorded.items())

    def configure_engine(self, offset, columns, spikes, next_column):
        """Mark this population's recorded atoms in the engine's recording arrays."""
        self._offset = offset
        self._columns = {}
        self._records_spikes = False
        for var, ids in self.recorded.items():
            if not ids:
                continue
            atoms = ids.indices
            if var.name == "spikes":
                spikes[offset + atoms] = 1
                self._records_spikes = True
            else:
                v = ANALOG[var.name]
                columns[v, offset + atoms] = next_column[v] + np.arange(len(atoms))
                self._columns[v] = (atoms, next_column[v])
                next_column[v] += len(atoms)

    def store_spikes(self, spikes):
        """Keep a copy of this population's spike rows from an engine run (atoms as indices in
        the population), in time order after the rows stored before.

        A neuron sends one spike a tick, so its rows keep (tick, atom) only: 8 bytes a spike
        instead of 12 (recorded spikes are what fills memory in a long run), and a part with
        many spikes a tick is packed to ~2 (see `spike_records`); a source's rows keep their
        count."""
        if self._records_spikes and len(spikes):
            neurons = self.population.celltype.injectable
            self._spikes.append(PackedSpikes.of(spikes[:, :2], self.population.size) if neurons
                                else spikes.copy())
            np.add.at(self._spike_counts, spikes[:, 1], 1 if neurons else spikes[:, 2])
            self._spike_records += len(spikes)

    def store_samples(self, samples, first_row, t0, n_ticks):
        """Keep this population's columns of one engine run's analog samples."""
        if not self._columns:
            return
        interval = self.sampling_ticks()
        n_rows = -(-(t0 + n_ticks) // interval) - (-(-t0 // interval))
        for v, (atoms, first_column) in self._columns.items():
            raw = samples[v, :n_rows, first_column:first_column + len(atoms)]
            values = decode(raw, self._simulator.state.fixed) * recorded_scale(
                self.population.celltype.engine_kind, L.ANALOG_VARIABLES[v])
            self._samples[v].append((atoms, values))

    # ---- helpers -------------------------------------------------------------------------
    def _spike_rows(self) -> np.ndarray:
        """Every (tick, atom) row (neurons) or (tick, atom, count) row (sources) so far."""
        if not self._spikes:
            return NO_SPIKES
        if any(isinstance(part, PackedSpikes) for part in self._spikes):
            return np.concatenate([part[:] for part in self._spikes])  # (they stay packed)
        if len(self._spikes) > 1:  # concatenate once, not at every read
            self._spikes = [np.concatenate(self._spikes)]
        return self._spikes[0]

    def _one_per_spike(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(atoms, times in ms) of spike rows, one entry per spike (a neuron's row is one
        spike: only sources send several in a tick)."""
        dt = self._simulator.state.dt
        if self.population.celltype.injectable:
            return rows[:, 1].astype(np.int64), rows[:, 0] * dt
        return (np.repeat(rows[:, 1], rows[:, 2]).astype(np.int64),
                np.repeat(rows[:, 0], rows[:, 2]) * dt)

    def _drop_spikes(self) -> None:
        """Forget the spikes recorded so far (``spikes_since`` cursors skip past them)."""
        self._spikes = []
        self._spike_records_dropped = self._spike_records
        self._spike_counts = np.zeros(self.population.size, dtype=np.int64)

    def _on_sampling_grid(self) -> bool:
        state = self._simulator.state
        return state.engine is not None and state.engine.tick % self.sampling_ticks() == 0

    def _current_values(self, name, index):
        """The variable now (the final sample of a run, as pyNN.nest returns it)."""
        state = self._simulator.state
        columns = state.engine.net.state[:, self._offset + index]
        kind = self.population.celltype.engine_kind
        if name == "v":
            raw = columns[L.V]
        elif kind == L.LIF_CURR_ALPHA:
            e, q = (L.SYN_E, L.ALPHA_EXP_E) if name == "gsyn_exc" else (L.SYN_I, L.ALPHA_EXP_I)
            return decode(columns[e], state.fixed) * decode(columns[q], state.fixed)
        else:
            raw = columns[L.SYN_E if name == "gsyn_exc" else L.SYN_I]
        return decode(raw, state.fixed) * recorded_scale(kind, name)
