"""New spikes of a population after each step, read through PyNN's recorder without clearing it.

Clearing (``get_data(clear=True)``) would steal the spikes the experiment records, and building
Neo blocks every 20 ms costs milliseconds, so this reads the backend's spike arrays
(``Recorder._get_spiketimes``, which every PyNN backend implements) and keeps a cursor. A
recorder with ``spikes_since(cursor)`` (spinnaker_sim's) hands out only the new spikes, so a
step's read does not grow with the length of the experiment.
"""

from __future__ import annotations

import numpy as np


class SpikeReader:
    """Spikes of the watched neurons of one population, handed out once each."""

    def __init__(self, population) -> None:
        self.population = population
        self._ids: np.ndarray = np.zeros(0, dtype=np.int64)
        self._all_ids = np.asarray(population.all_cells, dtype=np.int64)  # sorted, as PyNN makes them
        self._watched = np.zeros(population.size, dtype=bool)  # by index in the population
        self._seen = 0  # what has been handed out: spike records (spikes_since) or spikes

    def watch(self, view) -> None:
        """Record spikes of the neurons of `view` (a view of this population, or the population)."""
        view.record("spikes")
        self._ids = np.union1d(self._ids, np.asarray(view.all_cells, dtype=np.int64))
        self._watched[np.searchsorted(self._all_ids, self._ids)] = True

    def reset(self) -> None:
        """Forget the cursor (after sim.reset(), which clears recordings)."""
        self._seen = 0

    def read(self, t_start: float) -> tuple[np.ndarray, np.ndarray]:
        """(indices in the population, times in ms) of spikes not handed out before, by time.

        `t_start` is the start of the step just run; it bounds what is new if someone cleared
        the recording since the last read.
        """
        recorder = self.population.recorder
        if hasattr(recorder, "spikes_since"):
            indices, times, self._seen = recorder.spikes_since(self._seen)
            if len(self._ids) == len(self._all_ids) or not len(indices):
                return indices, times  # every neuron watched (or nothing new)
            watched = self._watched[indices]
            return indices[watched], times[watched]
        ids, times = self._all_spikes()
        order = np.argsort(times, kind="stable")
        ids, times = ids[order], times[order]
        if len(times) >= self._seen:
            new = slice(self._seen, None)
        else:  # the recording was cleared behind our back
            new = slice(int(np.searchsorted(times, t_start, side="left")), None)
        self._seen = len(times)
        ids, times = ids[new], times[new]
        if not len(ids):
            return np.zeros(0, dtype=np.int64), times
        return np.searchsorted(self._all_ids, ids).astype(np.int64), times

    def _all_spikes(self) -> tuple[np.ndarray, np.ndarray]:
        if not len(self._ids):
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        recorder = self.population.recorder
        if hasattr(recorder, "_get_spiketimes"):
            data = recorder._get_spiketimes(self._ids, clear=False)
            if isinstance(data, dict):
                ids = np.concatenate([np.full(len(v), k, dtype=np.int64) for k, v in data.items()]
                                     + [np.zeros(0, dtype=np.int64)])
                times = np.concatenate([np.asarray(v, dtype=float) for v in data.values()]
                                       + [np.zeros(0)])
                return ids, times
            ids, times = data
            return np.asarray(ids, dtype=np.int64), np.asarray(times, dtype=float)
        trains = self.population.get_data("spikes", clear=False).segments[-1].spiketrains
        ids = np.concatenate([np.full(len(st), st.annotations["source_id"], dtype=np.int64)
                              for st in trains] + [np.zeros(0, dtype=np.int64)])
        times = np.concatenate([st.magnitude for st in trains] + [np.zeros(0)])
        return ids, times
