"""NRP classic names: ``from transfer_functions import nrp`` then ``@nrp.Robot2Neuron()``,
``@nrp.MapSpikeSource("x", nrp.brain.sensors[0:2], nrp.poisson, weight=...)`` and so on.

Map decorators may sit above or below Robot2Neuron/Neuron2Robot. Device aliases are the
device type names of ``transfer_functions.catalog``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
from .selectors import BrainNamespace, NeuronSelection, nrange
from .tf import add_mapping, neuron_to_robot, robot_to_neuron

__all__ = [
    "GLOBAL",
    "TRANSFER_FUNCTION_LOCAL",
    "MapCSVRecorder",
    "MapRecorder",
    "MapRobotPublisher",
    "MapRobotSubscriber",
    "MapSpikeSink",
    "MapSpikeSource",
    "MapVariable",
    "Neuron2Robot",
    "Robot2Neuron",
    "Topic",
    "ac_source",
    "brain",
    "dc_source",
    "leaky_integrator_alpha",
    "leaky_integrator_exp",
    "nrange",
    "poisson",
    "population_rate",
    "receptive_field_rates",
    "spike_counts",
    "spike_injector",
    "spike_recorder",
    "winner_take_all",
]

brain = BrainNamespace()

poisson = "poisson"
dc_source = "dc_source"
ac_source = "ac_source"
spike_injector = "spike_injector"
receptive_field_rates = "receptive_field_rates"
population_rate = "population_rate"
spike_counts = "spike_counts"
leaky_integrator_alpha = "leaky_integrator_alpha"
leaky_integrator_exp = "leaky_integrator_exp"
winner_take_all = "winner_take_all"
spike_recorder = "spike_recorder"


def Topic(name: str, message_type: Any = None) -> str:
    """NRP's ROS topic: here just the env engine's datapack name (the type is ignored)."""
    return name


def Robot2Neuron(name: str | None = None) -> Callable:
    """Decorator: a sensor -> brain transfer function."""
    return robot_to_neuron(name=name)


def Neuron2Robot(topic: str | None = None, name: str | None = None) -> Callable:
    """Decorator: a brain -> robot TF; its return value goes to the env input `topic`."""
    return neuron_to_robot(topic=topic, name=name)


def _mapper(param: str, mapping: Any) -> Callable:
    return lambda target: add_mapping(target, param, mapping)


def MapSpikeSource(name: str, neurons: NeuronSelection | str, device: str,
                   **params: Any) -> Callable:
    """Bind parameter `name` to an encoder device on `neurons`."""
    return _mapper(name, spike_source(neurons, device, **params))


def MapSpikeSink(name: str, neurons: NeuronSelection | str, device: str,
                 **params: Any) -> Callable:
    """Bind parameter `name` to a decoder device on `neurons`."""
    return _mapper(name, spike_sink(neurons, device, **params))


def MapRobotSubscriber(name: str, topic: str) -> Callable:
    """Bind parameter `name` to the env output `topic` (read ``.value``)."""
    return _mapper(name, robot_subscriber(topic))


def MapRobotPublisher(name: str, topic: str) -> Callable:
    """Bind parameter `name` to a publisher of the env input `topic` (``.send_message(v)``)."""
    return _mapper(name, robot_publisher(topic))


def MapVariable(name: str, initial_value: Any = None, scope: str = GLOBAL) -> Callable:
    """Bind parameter `name` to a variable kept between calls (``.value``)."""
    return _mapper(name, variable(initial_value, scope))


def MapCSVRecorder(name: str, filename: str | None = None,
                   headers: list[str] | tuple[str, ...] = ()) -> Callable:
    """Bind parameter `name` to a recorder (``.record_entry(*values)``)."""
    return _mapper(name, recorder(headers, filename))


MapRecorder = MapCSVRecorder
