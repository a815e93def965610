"""The TFs' devices as a brain-engine extension (:data:`nrp_bridge.tf_exchange.EXTENSION`).

:func:`device_host` builds the devices with ``transfer_functions.devices.DeviceHost`` and drives
them around each step of the brain. It lives apart from the orchestrator's side of the exchange
so that only the brain's process imports the devices (PyNN, and numba for the read-outs).
"""

from __future__ import annotations

from typing import Any

from transfer_functions.devices import DeviceHost

from .tf_exchange import ADD_DEVICES


class DeviceHostExtension:
    """A ``DeviceHost`` as a brain-engine extension: owns the device names, steps them with the
    brain (the step's start time is the simulator's time before ``run``)."""

    def __init__(self, sim: Any, populations: dict[str, Any], devices: list[dict],
                 dt_ms: float) -> None:
        self.sim = sim
        self.host = DeviceHost(sim, populations)
        self.dt_ms = float(dt_ms)
        self._t_ms = 0.0
        for spec in devices:
            self.host.add(spec)

    def owns(self, name: str) -> bool:
        """True for this host's devices and the add-devices datapack."""
        return name == ADD_DEVICES or name in self.host.specs

    def get(self, name: str) -> Any:
        """A decoder's latest value."""
        return self.host.get(name)

    def set(self, name: str, value: Any) -> None:
        """An encoder's new value, or (``ADD_DEVICES``) new devices to build."""
        if name == ADD_DEVICES:
            for spec in value:
                self.host.add(spec)
        else:
            self.host.set(name, value)

    def before_step(self) -> None:
        """Schedule the coming step's injected spikes."""
        self._t_ms = float(self.sim.get_current_time())
        self.host.before_step(self._t_ms, self.dt_ms)

    def after_step(self) -> None:
        """Feed the step's spikes to the decoders."""
        self.host.after_step(self._t_ms, float(self.sim.get_current_time()) - self._t_ms)

    def reset(self) -> None:
        """Decoders back to their initial state after ``sim.reset()``."""
        self._t_ms = 0.0
        self.host.reset()


def device_host(sim: Any, populations: dict[str, Any], devices: list[dict] | None = None,
                dt_ms: float = 20.0) -> DeviceHostExtension:
    """Brain-engine extension factory: ``{"factory": EXTENSION, "devices": specs, "dt_ms": ...}``."""
    return DeviceHostExtension(sim, populations, list(devices or []), dt_ms)
