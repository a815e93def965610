"""DeviceHost: the brain-process side of the devices, built from specs and driven around each step."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..catalog import SINK, device_type, make_spec
from ..selectors import resolve_indices
from .decoders import DECODERS, SpikeDecoder
from .encoders import ACDevice, DCDevice, PoissonDevice, ReceptiveFieldDevice, SpikeInjectorDevice
from .spikes import SpikeReader

ENCODERS = {
    "poisson": PoissonDevice,
    "receptive_field_rates": ReceptiveFieldDevice,
    "dc_source": DCDevice,
    "ac_source": ACDevice,
    "spike_injector": SpikeInjectorDevice,
}


class DeviceHost:
    """Builds devices on the brain's populations and moves values in and out of them.

    ``sim`` is the PyNN module (spinnaker_sim, pyNN.nest, pyNN.brian2...); ``populations`` maps
    labels to Populations. Call ``add`` before the first ``sim.run``; around each step call
    ``before_step(t, dt)``, run dt, then ``after_step(t, dt)``, with t the step's start (ms).
    """

    def __init__(self, sim, populations: dict[str, Any]) -> None:
        self.sim = sim
        self.populations = dict(populations)
        self.specs: dict[str, dict] = {}
        self._encoders: dict[str, Any] = {}
        self._decoders: dict[str, SpikeDecoder] = {}
        self._readers: dict[str, tuple[SpikeReader, list[SpikeDecoder]]] = {}

    @property
    def names(self) -> list[str]:
        """Names of every device, in the order added."""
        return list(self.specs)

    def add(self, spec: dict) -> None:
        """Build the device a spec describes (see ``transfer_functions.catalog.make_spec``)."""
        name = spec["name"]
        if name in self.specs:
            if self.specs[name] == spec:
                return
            raise ValueError(f"a different device named {name!r} exists already")
        spec = make_spec(name, spec["type"], spec["population"], spec.get("indices"),
                         **spec.get("params", {}))
        population = self._population(spec["population"], name)
        indices = resolve_indices(spec["indices"], population.size)
        view = population if indices is None else population[indices]
        if device_type(spec["type"]).role == SINK:
            decoder = DECODERS[spec["type"]](
                spec, np.arange(population.size) if indices is None else np.asarray(indices),
                population.size, self.sim.get_min_delay())
            reader, decoders = self._readers.setdefault(
                spec["population"], (SpikeReader(population), []))
            reader.watch(view)
            decoders.append(decoder)
            self._decoders[name] = decoder
        else:
            self._encoders[name] = ENCODERS[spec["type"]](self.sim, view, spec)
        self.specs[name] = spec

    def set(self, name: str, value: Any) -> None:
        """Give an encoder its new value (rate, amplitude, injected spikes; None = off)."""
        try:
            encoder = self._encoders[name]
        except KeyError:
            raise KeyError(self._missing(name, "encoder", self._encoders)) from None
        encoder.set(value)

    def set_many(self, values: dict[str, Any]) -> None:
        """``set`` for each item of a robot_to_neuron result."""
        for name, value in values.items():
            self.set(name, value)

    def get(self, name: str) -> Any:
        """A decoder's latest value (voltage, rate, counts, winner, spike rows)."""
        try:
            return self._decoders[name].value()
        except KeyError:
            raise KeyError(self._missing(name, "decoder", self._decoders)) from None

    def get_many(self, names: list[str]) -> dict[str, Any]:
        """``get`` for each name (what the bridge sends to neuron_to_robot)."""
        return {name: self.get(name) for name in names}

    def before_step(self, t_ms: float, dt_ms: float) -> None:
        """Schedule what must happen inside the coming step (injected spikes)."""
        for encoder in self._encoders.values():
            if hasattr(encoder, "before_step"):
                encoder.before_step(t_ms, dt_ms)

    def after_step(self, t_ms: float, dt_ms: float) -> None:
        """Read the step's spikes once per population and update every decoder."""
        for reader, decoders in self._readers.values():
            indices, times = reader.read(t_ms)
            for decoder in decoders:
                decoder.update(indices, times, t_ms + dt_ms)

    def reset(self) -> None:
        """After ``sim.reset()``: decoders back to their initial state, queued injections
        dropped; encoders keep their values until the TFs set new ones."""
        for reader, decoders in self._readers.values():
            reader.reset()
            for decoder in decoders:
                decoder.reset()
        for encoder in self._encoders.values():
            if isinstance(encoder, SpikeInjectorDevice):
                encoder.set(None)

    def _population(self, label: str, device: str):
        try:
            return self.populations[label]
        except KeyError:
            raise KeyError(f"device {device!r} is on population {label!r}, which the brain does "
                           f"not have; its populations are {sorted(self.populations)}") from None

    @staticmethod
    def _missing(name: str, role: str, known: dict) -> str:
        return f"no {role} device named {name!r}; the {role}s are {sorted(known)}"
