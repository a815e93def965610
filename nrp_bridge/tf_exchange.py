"""Transfer functions in the lockstep loop: the orchestrator's exchange hook and the brain extension.

Orchestrator side, :class:`TFExchange` runs a ``TransferFunctionManager`` as the exchange hook:
env outputs -> ``robot_to_neuron`` -> brain device values; brain decoder values ->
``neuron_to_robot`` -> env inputs. A TF that raises does not break the loop: the error is kept
(``error``), the engines hold their last inputs for that step, and the caller pauses.

Brain side, :func:`device_host` is a brain-engine extension (``"nrp_bridge.tf_exchange:device_host"``)
that builds the TFs' devices with ``transfer_functions.devices.DeviceHost`` and drives them
around each step. Devices of TFs added later arrive through the :data:`ADD_DEVICES` datapack.
"""

from __future__ import annotations

from typing import Any

from transfer_functions import TransferFunctionError, TransferFunctionManager
from transfer_functions.devices import DeviceHost

EXTENSION = "nrp_bridge.tf_exchange:device_host"
ADD_DEVICES = "__tf_devices__"  # brain datapack: a list of device specs to build


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


class TFExchange:
    """The orchestrator's ``exchange(t, outputs, targets)`` hook for a brain and an env engine.

    ``t`` is the step's start (s). In a pipelined stage holding both engines it runs both
    directions; in sequential mode the brain's stage gets ``robot_to_neuron`` and the env's
    stage ``neuron_to_robot`` on this very step's brain outputs. Device specs of TFs added
    since the last step travel to the brain with the first values.
    """

    def __init__(self, manager: TransferFunctionManager, brain: str = "brain",
                 env: str = "env") -> None:
        self.manager = manager
        self.brain, self.env = brain, env
        self.error: TransferFunctionError | None = None
        self._new_devices: list[dict] = []

    def add_devices(self, specs: list[dict]) -> None:
        """Queue specs of devices the brain must build before the next step."""
        self._new_devices.extend(specs)

    def __call__(self, t: float, outputs: dict, targets: tuple) -> dict:
        inputs: dict[str, dict] = {}
        try:
            if self.brain in targets:
                values = self.manager.robot_to_neuron(t, outputs.get(self.env, {}))
                if self._new_devices:
                    values = {ADD_DEVICES: self._new_devices, **values}
                    self._new_devices = []
                inputs[self.brain] = values
            if self.env in targets:
                inputs[self.env] = self.manager.neuron_to_robot(t, outputs.get(self.brain, {}))
        except TransferFunctionError as error:
            self.error = error
            if self.brain in inputs:  # keep the devices the healthy TFs set, and new specs
                return {self.brain: inputs[self.brain]}
            return {}
        return inputs
