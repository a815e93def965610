"""NRP-style transfer functions: sensors -> spikes (encoders), spikes -> motors (decoders), recorders.

In the orchestrator: TFs (``nrp`` decorators or ``robot_to_neuron``/``neuron_to_robot``) run in a
``TransferFunctionManager``. In the brain process: ``devices.DeviceHost`` builds the devices
from the msgpack-able specs the manager hands out. See ``catalog`` for device types.
"""

from . import nrp, testing
from .catalog import DEVICE_TYPES, make_spec
from .errors import TransferFunctionError
from .loading import load_source
from .manager import TransferFunctionManager
from .mappings import (
    GLOBAL,
    TRANSFER_FUNCTION_LOCAL,
    recorder,
    robot_publisher,
    robot_subscriber,
    spike_sink,
    spike_source,
    variable,
)
from .recorders import Recorder, read_csv
from .selectors import BrainNamespace, NeuronSelection, nrange
from .tf import NEURON_TO_ROBOT, ROBOT_TO_NEURON, TransferFunction, neuron_to_robot, robot_to_neuron

brain = nrp.brain

__all__ = [
    "DEVICE_TYPES",
    "GLOBAL",
    "NEURON_TO_ROBOT",
    "ROBOT_TO_NEURON",
    "TRANSFER_FUNCTION_LOCAL",
    "BrainNamespace",
    "NeuronSelection",
    "Recorder",
    "TransferFunction",
    "TransferFunctionError",
    "TransferFunctionManager",
    "brain",
    "load_source",
    "make_spec",
    "neuron_to_robot",
    "nrange",
    "nrp",
    "read_csv",
    "recorder",
    "robot_publisher",
    "robot_subscriber",
    "robot_to_neuron",
    "spike_sink",
    "spike_source",
    "testing",
    "variable",
]
