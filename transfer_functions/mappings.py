"""What a TF parameter is bound to: a brain device, a robot datapack, a variable or a recorder.

Each mapping knows how to describe itself (device specs for the brain) and nothing about running.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .catalog import SINK, SOURCE, device_type, make_spec
from .selectors import NeuronSelection

GLOBAL = "global"
TRANSFER_FUNCTION_LOCAL = "local"


def _selection(neurons: NeuronSelection | str) -> NeuronSelection:
    if isinstance(neurons, str):
        return NeuronSelection(neurons)
    if not isinstance(neurons, NeuronSelection):
        raise TypeError(f"neurons must be brain.<population>[...] or a population label, "
                        f"not {neurons!r}")
    return neurons


@dataclass(frozen=True)
class DeviceMapping:
    """A brain device on some neurons: an encoder (role SOURCE) or a decoder (role SINK)."""

    neurons: NeuronSelection
    device: str
    params: dict = field(default_factory=dict)

    @property
    def role(self) -> str:
        return device_type(self.device).role

    def spec(self, name: str) -> dict:
        """The msgpack-able spec the brain process builds this device from."""
        return make_spec(name, self.device, self.neurons.population, self.neurons.indices,
                         **self.params)


def _device(neurons: NeuronSelection | str, device: str, params: dict, role: str) -> DeviceMapping:
    mapping = DeviceMapping(_selection(neurons), device, dict(params))
    if mapping.role != role:
        hint = "spike_source/MapSpikeSource" if role == SINK else "spike_sink/MapSpikeSink"
        raise ValueError(f"device type {device!r} is a {mapping.role}; map it with {hint}")
    mapping.spec("check")  # unknown or bad parameters fail here, at decoration time
    return mapping


def spike_source(neurons: NeuronSelection | str, device: str, **params: Any) -> DeviceMapping:
    """An encoder on `neurons` (e.g. ``spike_source(brain.sensors[0:2], "poisson", weight=1e-3)``)."""
    return _device(neurons, device, params, SOURCE)


def spike_sink(neurons: NeuronSelection | str, device: str, **params: Any) -> DeviceMapping:
    """A decoder on `neurons` (e.g. ``spike_sink(brain.actors[0], "leaky_integrator_alpha")``)."""
    return _device(neurons, device, params, SINK)


@dataclass(frozen=True)
class RobotSubscriber:
    """Reads the env engine's output `topic` (e.g. "observation", "reward") into ``.value``."""

    topic: str


@dataclass(frozen=True)
class RobotPublisher:
    """Sends ``.send_message(value)`` to the env engine's input `topic`."""

    topic: str


@dataclass(frozen=True)
class Variable:
    """State kept between calls: shared by all TFs (GLOBAL) or private to one TF."""

    initial_value: Any = None
    scope: str = GLOBAL

    def __post_init__(self) -> None:
        if self.scope not in (GLOBAL, TRANSFER_FUNCTION_LOCAL):
            raise ValueError(f"variable scope must be GLOBAL or TRANSFER_FUNCTION_LOCAL, "
                             f"not {self.scope!r}")


@dataclass(frozen=True)
class RecorderMapping:
    """A table recorder with these column headers (saved to `filename` on request)."""

    headers: tuple[str, ...]
    filename: str | None = None

    def __post_init__(self) -> None:
        if not self.headers:
            raise ValueError("a recorder needs column headers, e.g. headers=['t', 'rate']")


def robot_subscriber(topic: str) -> RobotSubscriber:
    """Bind a parameter to the env engine's output `topic`."""
    return RobotSubscriber(topic)


def robot_publisher(topic: str) -> RobotPublisher:
    """Bind a parameter to a publisher of the env engine's input `topic`."""
    return RobotPublisher(topic)


def variable(initial_value: Any = None, scope: str = GLOBAL) -> Variable:
    """Bind a parameter to a TF variable (``.value``), GLOBAL or TRANSFER_FUNCTION_LOCAL."""
    return Variable(initial_value, scope)


def recorder(headers: list[str] | tuple[str, ...], filename: str | None = None) -> RecorderMapping:
    """Bind a parameter to a table recorder (``.record_entry(*values)``)."""
    return RecorderMapping(tuple(headers), filename)
