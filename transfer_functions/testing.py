"""Helpers to unit-test a TF with no brain and no env: hand-made proxies, or one managed call.

    red_left = testing.source("poisson")
    eye_sensor(0.0, camera=testing.robot(obs), red_left=red_left)
    assert red_left.rate == ...
    result = testing.run_tf(wheels, brain={"left_wheel": 1.5})  # by parameter name
"""

from __future__ import annotations

from typing import Any

from .binding import Binding, CallResult
from .proxies import RobotValue, SinkProxy, SourceProxy
from .tf import TransferFunction


def source(type_name: str, name: str = "source", **params: Any) -> SourceProxy:
    """An encoder proxy of `type_name` (e.g. "poisson"); read back what the TF set on it."""
    return SourceProxy(name, type_name, params)


def sink(type_name: str, value: Any, name: str = "sink") -> SinkProxy:
    """A decoder proxy of `type_name` holding `value` (e.g. sink("leaky_integrator_alpha", 0.3))."""
    return SinkProxy(name, type_name, value)


def robot(value: Any, topic: str = "observation") -> RobotValue:
    """A robot datapack as a TF's MapRobotSubscriber parameter receives it."""
    return RobotValue(topic, value)


def run_tf(tf: TransferFunction, t: float = 0.0, env: dict | None = None,
           brain: dict | None = None, variables: dict | None = None) -> CallResult:
    """Call `tf` once as the manager would. `env` is keyed by topic, `brain` (decoder values) by
    parameter name; the result's ``devices`` (encoder values) are keyed by parameter name too.
    `variables` (GLOBAL ones) is updated in place."""
    binding = Binding(tf, {} if variables is None else variables, {})
    names = {tf.device_name(p): p for p in tf.mappings}
    brain_values = {tf.device_name(p): v for p, v in (brain or {}).items()}
    result = binding.call(t, env or {}, brain_values)
    result.devices = {names[k]: v for k, v in result.devices.items()}
    return result
