"""TransferFunction: a plain Python function of `t` plus the mappings that bind its other parameters.

``robot_to_neuron`` / ``neuron_to_robot`` make one, as decorators or as plain calls; NRP-style
``@nrp.Map...`` decorators add mappings above or below them (see ``transfer_functions.nrp``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from .catalog import SINK, SOURCE
from .mappings import DeviceMapping, RobotSubscriber

ROBOT_TO_NEURON = "robot_to_neuron"
NEURON_TO_ROBOT = "neuron_to_robot"
_PENDING = "__tf_mappings__"  # mappings put on a plain function before it becomes a TF


class TransferFunction:
    """A TF: `func(t, **bound)` run by the manager every sync step; call it directly in unit tests.

    `kind` is ROBOT_TO_NEURON or NEURON_TO_ROBOT; a neuron_to_robot TF's return value is sent to
    the env engine's input `topic` (e.g. "action") unless it returns None or has no topic.
    """

    def __init__(self, func: Callable, kind: str, *, name: str | None = None,
                 topic: str | None = None, mappings: dict[str, Any] | None = None,
                 source: str | None = None) -> None:
        if not callable(func):
            raise TypeError(f"a transfer function wraps a function, not {func!r}")
        if kind not in (ROBOT_TO_NEURON, NEURON_TO_ROBOT):
            raise ValueError(f"kind must be {ROBOT_TO_NEURON!r} or {NEURON_TO_ROBOT!r}")
        params = list(inspect.signature(func).parameters)
        if not params:
            raise TypeError(f"transfer function {func.__name__!r} must take the time `t` "
                            "(seconds) as its first parameter")
        self.func = func
        self.kind = kind
        self.name = name or func.__name__
        self.topic = topic
        self.parameters = params[1:]
        self.mappings: dict[str, Any] = {}
        self._source = source
        for param, mapping in {**getattr(func, _PENDING, {}), **(mappings or {})}.items():
            self.map(param, mapping)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<TransferFunction {self.name!r} ({self.kind})>"

    def map(self, param: str, mapping: Any) -> TransferFunction:
        """Bind `param` to `mapping` (a device, robot topic, variable or recorder)."""
        if param not in self.parameters:
            raise ValueError(f"transfer function {self.name!r} has no parameter {param!r} to "
                             f"map; its parameters after t are {self.parameters}")
        if param in self.mappings:
            raise ValueError(f"parameter {param!r} of transfer function {self.name!r} is "
                             "mapped twice")
        self.mappings = {p: ({**self.mappings, param: mapping})[p] for p in self.parameters
                         if p in self.mappings or p == param}  # kept in parameter order
        return self

    def check(self) -> None:
        """Raise if a parameter after `t` has no mapping (the manager could not call the TF)."""
        missing = [p for p in self.parameters if p not in self.mappings]
        if missing:
            raise ValueError(f"transfer function {self.name!r}: parameter(s) {missing} have no "
                             "mapping; bind each with e.g. nrp.MapRobotSubscriber, "
                             "nrp.MapSpikeSource/Sink, nrp.MapVariable or nrp.MapCSVRecorder")

    def device_name(self, param: str) -> str:
        """The brain-wide name of the device bound to `param`: ``"<tf name>.<param>"``."""
        return f"{self.name}.{param}"

    def device_specs(self) -> list[dict]:
        """Specs of the brain devices this TF uses, for DeviceHost.add."""
        return [m.spec(self.device_name(p)) for p, m in self.mappings.items()
                if isinstance(m, DeviceMapping)]

    def device_names(self, role: str) -> list[str]:
        """Names of this TF's encoders (SOURCE) or decoders (SINK)."""
        assert role in (SOURCE, SINK)
        return [self.device_name(p) for p, m in self.mappings.items()
                if isinstance(m, DeviceMapping) and m.role == role]

    def env_topics(self) -> list[str]:
        """Env outputs this TF reads."""
        return [m.topic for m in self.mappings.values() if isinstance(m, RobotSubscriber)]

    @property
    def source(self) -> str | None:
        """The TF's source text, when known."""
        if self._source is None:
            try:
                self._source = inspect.getsource(self.func)
            except (OSError, TypeError):
                return None
        return self._source


def add_mapping(target: Any, param: str, mapping: Any) -> Any:
    """Attach a mapping to a TF, or to a plain function that will become one."""
    if isinstance(target, TransferFunction):
        return target.map(param, mapping)
    if not callable(target):
        raise TypeError(f"mapping decorators apply to functions, not {target!r}")
    pending = dict(getattr(target, _PENDING, {}))
    if param in pending:
        raise ValueError(f"parameter {param!r} of {target.__name__!r} is mapped twice")
    pending[param] = mapping
    setattr(target, _PENDING, pending)
    return target


def robot_to_neuron(func: Callable | None = None, *, name: str | None = None,
                    **mappings: Any) -> Any:
    """Make a sensor -> brain TF; a decorator (with or without arguments) or a plain call.

    ``robot_to_neuron(f, camera=robot_subscriber("observation"), eye=spike_source(...))``
    """
    def make(f: Callable) -> TransferFunction:
        return TransferFunction(f, ROBOT_TO_NEURON, name=name, mappings=mappings)
    return make if func is None else make(func)


def neuron_to_robot(func: Callable | None = None, *, topic: str | None = None,
                    name: str | None = None, **mappings: Any) -> Any:
    """Make a brain -> robot TF whose return value goes to the env input `topic` (e.g. "action")."""
    def make(f: Callable) -> TransferFunction:
        return TransferFunction(f, NEURON_TO_ROBOT, name=name, topic=topic, mappings=mappings)
    return make if func is None else make(func)
