"""Decoder devices: values computed on the brain host from the spikes each step produced.

Each gets the step's spikes of its neurons as (slot in the view, time in ms) and keeps what it
needs; ``value()`` is msgpack-able (float, int or numpy array).
"""

from __future__ import annotations

import numpy as np

from .readout import ALPHA, EXP, LIFReadout, psp_area


class SpikeDecoder:
    """Base: maps the parent population's spike indices to slots 0..size-1 of this view."""

    def __init__(self, spec: dict, indices: np.ndarray, parent_size: int, min_delay: float) -> None:
        self.name = spec["name"]
        self.params = spec["params"]
        self.size = len(indices)
        self._slot = np.full(parent_size, -1, dtype=np.int64)
        self._slot[indices] = np.arange(self.size)
        self._whole = np.array_equal(indices, np.arange(parent_size))  # slot = parent index
        delay = self.params.get("delay")
        self.delay = min_delay if delay is None else float(delay)
        self.reset()

    def update(self, parent_indices: np.ndarray, times: np.ndarray, t_end: float) -> None:
        """Take the spikes of one step of the whole population; keep this view's."""
        if self._whole or not len(parent_indices):
            self.consume(parent_indices, times, t_end)
            return
        slots = self._slot[parent_indices]
        mine = slots >= 0
        self.consume(slots[mine], times[mine], t_end)

    def consume(self, slots: np.ndarray, times: np.ndarray, t_end: float) -> None:
        raise NotImplementedError

    def value(self):
        raise NotImplementedError

    def reset(self) -> None:
        raise NotImplementedError


class SpikeCounts(SpikeDecoder):
    """Spikes per neuron during the last step."""

    def reset(self) -> None:
        self.counts = np.zeros(self.size, dtype=np.int64)

    def consume(self, slots, times, t_end) -> None:
        self.counts = np.bincount(slots, minlength=self.size).astype(np.int64)

    def value(self) -> np.ndarray:
        return self.counts


class SpikeRecorder(SpikeDecoder):
    """Spikes of the last step as rows [index in the view, time in ms]."""

    def reset(self) -> None:
        self.rows = np.zeros((0, 2))

    def consume(self, slots, times, t_end) -> None:
        self.rows = np.empty((len(slots), 2))
        self.rows[:, 0] = slots
        self.rows[:, 1] = times

    def value(self) -> np.ndarray:
        return self.rows


class _Window:
    """Spikes (slot, time) of the last `window` ms."""

    def __init__(self, window: float) -> None:
        if window <= 0:
            raise ValueError(f"window must be a positive number of ms, got {window}")
        self.window = window
        self.slots, self.times = np.zeros(0, dtype=np.int64), np.zeros(0)

    def add(self, slots, times, t_end: float) -> None:
        slots = np.concatenate([self.slots, slots])
        times = np.concatenate([self.times, times])
        keep = times >= t_end - self.window
        self.slots, self.times = slots[keep], times[keep]


class PopulationRate(SpikeDecoder):
    """Firing rate (Hz): spikes in a sliding window, or NRP's bi-exponential filter (unit area)."""

    def reset(self) -> None:
        p = self.params
        if p["window"] is not None:
            self.recent = _Window(float(p["window"]))
            self.readout = None
        else:
            rise, fall = sorted((float(p["tau_rise"]), float(p["tau_fall"])))
            self.readout = LIFReadout(cm=1.0, tau_m=fall, tau_syn=rise, synapse=EXP)
            self.weight = 1.0 / psp_area(1.0, fall, rise)  # each spike adds area 1 (mV ms)
        self.rate = 0.0

    def consume(self, slots, times, t_end) -> None:
        per = self.size if self.params["average"] else 1
        if self.readout is None:
            self.recent.add(slots, times, t_end)
            self.rate = len(self.recent.times) * 1000.0 / (self.recent.window * per)
        else:
            self.readout.add_events(times + self.delay, self.weight)
            self.rate = self.readout.advance(t_end) * 1000.0 / per

    def value(self) -> float:
        return float(self.rate)


class LeakyIntegrator(SpikeDecoder):
    """Membrane (mV) of NRP's non-spiking read-out neuron fed by every spike of the view."""

    synapse = EXP

    def reset(self) -> None:
        p = self.params
        inhibitory = p["receptor_type"] == "inhibitory"
        weight = np.asarray(p["weight"], dtype=float)
        if weight.ndim > 1 or weight.size not in (1, self.size):
            raise ValueError(f"device {self.name!r}: weight must be a scalar or {self.size} "
                             f"values (one per neuron), got shape {weight.shape}")
        self.weights = np.broadcast_to(-np.abs(weight) if inhibitory else weight,
                                       (self.size,)).copy()
        tau_syn = p["tau_syn_I"] if inhibitory else p["tau_syn_E"]
        self.readout = LIFReadout(p["cm"], p["tau_m"], tau_syn, p["v_rest"], p["i_offset"],
                                  self.synapse)

    def consume(self, slots, times, t_end) -> None:
        if len(slots):
            self.readout.add_events(times + self.delay, self.weights[slots])
        self.readout.advance(t_end)

    def value(self) -> float:
        return float(self.readout.v)


class LeakyIntegratorAlpha(LeakyIntegrator):
    synapse = ALPHA


class WinnerTakeAll(SpikeDecoder):
    """Index of the group of neurons with the most spikes in the last step (or `window` ms);
    ties go to the lowest index, -1 when all are silent."""

    def reset(self) -> None:
        groups = self.params["groups"]
        self.groups = self.size if groups is None else int(groups)
        if not 1 <= self.groups <= self.size or self.size % self.groups:
            raise ValueError(f"device {self.name!r}: cannot split {self.size} neurons into "
                             f"{groups} equal groups")
        window = self.params["window"]
        self.recent = None if window is None else _Window(float(window))
        self.winner = -1

    def consume(self, slots, times, t_end) -> None:
        if self.recent is not None:
            self.recent.add(slots, times, t_end)
            slots = self.recent.slots
        counts = np.bincount(slots * self.groups // self.size, minlength=self.groups)
        self.winner = int(np.argmax(counts)) if counts.max(initial=0) > 0 else -1

    def value(self) -> int:
        return self.winner


DECODERS = {
    "spike_counts": SpikeCounts,
    "spike_recorder": SpikeRecorder,
    "population_rate": PopulationRate,
    "leaky_integrator_exp": LeakyIntegrator,
    "leaky_integrator_alpha": LeakyIntegratorAlpha,
    "winner_take_all": WinnerTakeAll,
}
