"""Transfer functions in the lockstep loop, orchestrator side: the exchange hook.

:class:`TFExchange` runs a ``TransferFunctionManager`` as the exchange hook: env outputs ->
``robot_to_neuron`` -> brain device values; brain decoder values -> ``neuron_to_robot`` -> env
inputs. A TF that raises does not break the loop: the error is kept (``error``), the engines hold
their last inputs for that step, and the caller pauses.

The TFs' devices live in the brain engine, as the extension :data:`EXTENSION` (module
:mod:`nrp_bridge.device_extension`, which only the brain's process imports). Devices of TFs
added later reach it through the :data:`ADD_DEVICES` datapack.
"""

from __future__ import annotations

from transfer_functions import TransferFunctionError, TransferFunctionManager

EXTENSION = "nrp_bridge.device_extension:device_host"
ADD_DEVICES = "__tf_devices__"  # brain datapack: a list of device specs to build


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
