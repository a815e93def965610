"""Encoder devices, built from PyNN objects in the brain process: they turn TF values into input.

Each takes (sim, view, spec) and has ``set(value)``; ``set(None)`` switches it off (rate or
amplitude 0), which is what removing a TF does since PyNN cannot delete devices.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from pyNN.parameters import Sequence

from .backends import set_poisson_rates
from .coding import gaussian_rates


def _delay(sim, params: dict) -> float:
    return sim.get_min_delay() if params.get("delay") is None else float(params["delay"])


def _source_population(sim, view, spec: dict, celltype, kind: str):
    """A device's spike sources and their projection onto `view`: one source onto all neurons,
    or one per neuron with ``connector="one_to_one"``. Returns (sources, projection)."""
    params = spec["params"]
    one_to_one = params["connector"] == "one_to_one"
    sources = sim.Population(view.size if one_to_one else 1, celltype,
                             label=f"{spec['name']} ({kind})")
    # one-to-one onto a single neuron is all-to-all; PyNN 0.13's OneToOne fails there on numpy 2
    connector = sim.OneToOneConnector() if one_to_one and view.size > 1 \
        else sim.AllToAllConnector()
    synapse = sim.StaticSynapse(weight=params["weight"], delay=_delay(sim, params))
    projection = sim.Projection(sources, view, connector, synapse,
                                receptor_type=params["receptor_type"])
    return sources, projection


def _per_neuron(name: str, value: Any, size: int, what: str) -> np.ndarray:
    """`value` (a scalar or one per neuron) as a new array of `size` finite floats.

    Called by every TF every step, so it uses ndarray methods and slice assignment rather than
    numpy's slower module-level functions, and checks a plain number as a number.
    """
    number = isinstance(value, (float, int)) and not isinstance(value, bool)
    values = value if number else np.asarray(value, dtype=float)
    if not number and (values.ndim > 1 or values.size not in (1, size)):
        raise ValueError(f"device {name!r}: {what} must be a scalar or {size} values (one per "
                         f"neuron), got shape {values.shape}")
    per_neuron = np.empty(size)
    per_neuron[:] = values
    if not (math.isfinite(value) if number else np.isfinite(per_neuron).all()):
        raise ValueError(f"device {name!r}: {what} must be finite, got {value!r}")
    return per_neuron


class PoissonDevice:
    """SpikeSourcePoisson: one source onto all neurons, or one per neuron with one_to_one."""

    def __init__(self, sim, view, spec: dict) -> None:
        params = spec["params"]
        self.name = spec["name"]
        self.sim = sim
        self.sources, self.projection = _source_population(
            sim, view, spec, sim.SpikeSourcePoisson(rate=0.0, start=params["start"],
                                                    duration=params["duration"]), "poisson")
        self.size = self.sources.size
        self.rates = np.zeros(self.size)
        self.set(params["rate"])

    def set(self, value: Any) -> None:
        rates = _per_neuron(self.name, 0.0 if value is None else value, self.size, "rate")
        if (rates < 0).any():
            raise ValueError(f"device {self.name!r}: rates must be >= 0 Hz, got {rates}")
        if not (rates == self.rates).all():
            set_poisson_rates(self.sim, self.sources, rates)
            self.rates = rates


class ReceptiveFieldDevice(PoissonDevice):
    """One Poisson source per neuron whose rate is a Gaussian tuning curve of the set value."""

    def __init__(self, sim, view, spec: dict) -> None:
        params = spec["params"]
        self.coding = {k: params[k] for k in ("low", "high", "max_rate", "baseline", "width",
                                              "dims")}
        poisson = {**params, "connector": "one_to_one", "rate": None, "start": 0.0,
                   "duration": float("inf")}
        super().__init__(sim, view, {**spec, "params": poisson})

    def set(self, value: Any) -> None:
        super().set(None if value is None else gaussian_rates(value, self.size, **self.coding))


class DCDevice:
    """A DCSource per neuron, so each neuron can get its own amplitude (nA)."""

    def __init__(self, sim, view, spec: dict) -> None:
        params = spec["params"]
        self.name = spec["name"]
        self.sources = []
        for i in range(view.size):
            source = sim.DCSource(amplitude=0.0, start=params["start"], stop=params["stop"])
            source.inject_into(view[[i]])
            self.sources.append(source)
        self.amplitudes = np.zeros(view.size)
        self.set(params["amplitude"])

    def set(self, value: Any) -> None:
        amplitudes = _per_neuron(self.name, 0.0 if value is None else value, len(self.sources),
                                 "amplitude")
        for source, old, new in zip(self.sources, self.amplitudes, amplitudes):
            if old != new:
                source.amplitude = float(new)
        self.amplitudes = amplitudes


class ACDevice:
    """One ACSource into all the neurons; set a scalar amplitude or a dict of its parameters."""

    PARAMETERS = ("amplitude", "offset", "frequency", "phase")

    def __init__(self, sim, view, spec: dict) -> None:
        params = spec["params"]
        self.name = spec["name"]
        self.source = sim.ACSource(**{k: params[k] for k in self.PARAMETERS},
                                   start=params["start"], stop=params["stop"])
        self.source.inject_into(view)

    def set(self, value: Any) -> None:
        if value is None:
            value = {"amplitude": 0.0, "offset": 0.0}
        elif not isinstance(value, dict):
            value = {"amplitude": value}
        unknown = set(value) - set(self.PARAMETERS)
        if unknown:
            raise ValueError(f"device {self.name!r}: ac_source has no parameter(s) "
                             f"{sorted(unknown)}; it takes {self.PARAMETERS}")
        for key, v in value.items():
            setattr(self.source, key, float(v))


class SpikeInjectorDevice:
    """A SpikeSourceArray; set({"indices", "times"}) fires those sources in the next step."""

    def __init__(self, sim, view, spec: dict) -> None:
        self.name = spec["name"]
        self.sim = sim
        self.sources, self.projection = _source_population(
            sim, view, spec, sim.SpikeSourceArray(spike_times=[]), "injector")
        self.size = self.sources.size
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []

    def set(self, value: Any) -> None:
        if value is None:
            self._pending.clear()
            return
        if not isinstance(value, dict):
            value = {"indices": value}
        indices = np.atleast_1d(np.asarray(value["indices"], dtype=np.int64))
        times = value.get("times")
        offsets = (np.full(indices.shape, np.nan) if times is None
                   else np.broadcast_to(np.asarray(times, dtype=float), indices.shape))
        bad = indices[(indices < 0) | (indices >= self.size)]
        if bad.size:
            raise IndexError(f"device {self.name!r}: cannot inject into sources {bad.tolist()}; "
                             f"it has {self.size}")
        self._pending.append((indices, offsets))

    def before_step(self, t_ms: float, dt_ms: float) -> None:
        """Turn queued injections into spike times inside the step starting at t_ms."""
        if not self._pending:
            return
        step = self.sim.get_time_step()
        indices = np.concatenate([i for i, _ in self._pending])
        offsets = np.concatenate([o for _, o in self._pending])
        self._pending.clear()
        # by default one tick past the min delay: pyNN.nest moves source spikes min_delay earlier
        # and NEST refuses spike times that are not in the future
        offsets = np.where(np.isnan(offsets), self.sim.get_min_delay() + step, offsets)
        if np.any((offsets < 0) | (offsets >= dt_ms)):
            raise ValueError(f"device {self.name!r}: injection times are offsets in ms within "
                             f"the step, 0 <= t < {dt_ms}; got {offsets.tolist()}")
        times = np.round((t_ms + offsets) / step) * step
        trains = [np.unique(times[indices == i]) for i in range(self.size)]
        self.sources.set(spike_times=[Sequence(t) for t in trains])
