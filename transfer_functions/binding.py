"""One TF's live state: its proxies, variables and recorders, and one guarded call of it."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .catalog import SINK, initial_value
from .errors import TransferFunctionError
from .mappings import (
    GLOBAL,
    DeviceMapping,
    RecorderMapping,
    RobotPublisher,
    RobotSubscriber,
    Variable,
)
from .proxies import Publisher, RobotValue, SinkProxy, SourceProxy, VariableProxy
from .recorders import Recorder
from .tf import TransferFunction


@dataclass
class CallResult:
    """What one call of a TF produced: its return value, device values, published messages."""

    returned: Any = None
    devices: dict[str, Any] = field(default_factory=dict)
    messages: dict[str, Any] = field(default_factory=dict)


def wire_value(value: Any) -> Any:
    """A value the bridge's msgpack codec can carry (numpy scalars become Python scalars)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {k: wire_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [wire_value(v) for v in value]
    return value


class Binding:
    """Keeps a TF's source proxies, local variables and publishers between calls."""

    def __init__(self, tf: TransferFunction, global_variables: dict,
                 recorders: dict[str, Recorder], global_initial: dict | None = None) -> None:
        tf.check()
        self.tf = tf
        self.global_variables = global_variables
        self.local_variables: dict[str, Any] = {}
        self.sources: dict[str, SourceProxy] = {}
        self.publishers: dict[str, Publisher] = {}
        for param, mapping in tf.mappings.items():
            key = tf.device_name(param)
            if isinstance(mapping, DeviceMapping) and mapping.role != SINK:
                self.sources[param] = SourceProxy(key, mapping.device, mapping.params)
            elif isinstance(mapping, RobotPublisher):
                self.publishers[param] = Publisher(mapping.topic)
            elif isinstance(mapping, Variable) and mapping.scope != GLOBAL:
                self.local_variables[key] = copy.deepcopy(mapping.initial_value)
            elif isinstance(mapping, Variable) and param not in global_variables:
                # a GLOBAL variable starts at the value of the first TF that declares it
                global_variables[param] = copy.deepcopy(mapping.initial_value)
                if global_initial is not None:
                    global_initial[param] = copy.deepcopy(mapping.initial_value)
            elif isinstance(mapping, RecorderMapping):
                self._keep_recorder(recorders, key, mapping)
        self.recorders = recorders

    @staticmethod
    def _keep_recorder(recorders: dict[str, Recorder], key: str, mapping: RecorderMapping) -> None:
        """Create the recorder, or keep the existing one (a replaced TF goes on recording)."""
        if key not in recorders:
            recorders[key] = Recorder(key, mapping.headers, mapping.filename)
        elif recorders[key].headers != list(mapping.headers):
            raise ValueError(f"recorder {key!r} already has headers {recorders[key].headers}; "
                             f"the new TF asks for {list(mapping.headers)}: keep the headers or "
                             "give the recorder another name")

    def _variable_key(self, param: str, mapping: Variable) -> str:
        return param if mapping.scope == GLOBAL else self.tf.device_name(param)

    def reset_local_variables(self) -> None:
        """Put this TF's TRANSFER_FUNCTION_LOCAL variables back to their initial values."""
        for param, mapping in self.tf.mappings.items():
            if isinstance(mapping, Variable) and mapping.scope != GLOBAL:
                self.local_variables[self.tf.device_name(param)] = copy.deepcopy(
                    mapping.initial_value)

    def arguments(self, env: dict, brain: dict) -> dict[str, Any]:
        """The keyword arguments of one call: a proxy per mapped parameter."""
        args: dict[str, Any] = {}
        for param, mapping in self.tf.mappings.items():
            key = self.tf.device_name(param)
            if param in self.sources:
                args[param] = self.sources[param]
            elif isinstance(mapping, DeviceMapping):
                value = brain.get(key)
                if value is None:
                    value = initial_value(mapping.spec(key))
                args[param] = SinkProxy(key, mapping.device, value)
            elif isinstance(mapping, RobotSubscriber):
                args[param] = RobotValue(mapping.topic, env.get(mapping.topic))
            elif param in self.publishers:
                args[param] = self.publishers[param]
            elif isinstance(mapping, Variable):
                store = self.global_variables if mapping.scope == GLOBAL else self.local_variables
                args[param] = VariableProxy(store, self._variable_key(param, mapping))
            elif isinstance(mapping, RecorderMapping):
                args[param] = self.recorders[key]
            else:
                raise TypeError(f"parameter {param!r} of {self.tf.name!r} is mapped to "
                                f"{mapping!r}, which is not a mapping")
        return args

    def call(self, t: float, env: dict, brain: dict) -> CallResult:
        """Run the TF once; any exception becomes a TransferFunctionError naming TF and line."""
        try:
            returned = self.tf.func(t, **self.arguments(env, brain))
        except Exception as error:
            for proxy in self.sources.values():  # a failed call sets nothing
                proxy.take()
            for publisher in self.publishers.values():
                publisher.messages.clear()
            raise TransferFunctionError.from_exception(
                self.tf.name, getattr(self.tf.func, "__code__", None), error) from error
        result = CallResult(returned=wire_value(returned))
        for proxy in self.sources.values():
            changed, value = proxy.take()
            if changed:
                result.devices[proxy.name] = wire_value(value)
        for publisher in self.publishers.values():
            if publisher.messages:
                result.messages[publisher.topic] = wire_value(publisher.messages[-1])
                publisher.messages.clear()
        return result
