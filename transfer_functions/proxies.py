"""The plain objects a TF receives: device proxies, robot values, publishers, variables.

They hold values only, so a TF can be called in a unit test with proxies built by hand
(see ``transfer_functions.testing``), with no brain and no env.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .catalog import device_type


class SourceProxy:
    """An encoder as a TF sees it: set ``.rate`` / ``.amplitude`` / ``.value`` or call ``.inject``.

    What was set since the last ``take()`` is what the brain's device receives before its step.
    """

    def __init__(self, name: str, type_name: str, params: dict | None = None) -> None:
        dtype = device_type(type_name)
        params = {**dtype.defaults, **(params or {})}
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "type", type_name)
        object.__setattr__(self, "_attrs", dtype.attrs)
        object.__setattr__(self, "_current", {a: params.get(a) for a in dtype.attrs})
        object.__setattr__(self, "_pending", {})
        object.__setattr__(self, "_spikes", [])

    def __getattr__(self, attr: str) -> Any:
        current = object.__getattribute__(self, "_current")
        if attr in current:
            return current[attr]
        raise AttributeError(self._unknown(attr))

    def __setattr__(self, attr: str, value: Any) -> None:
        if attr not in self._attrs:
            raise AttributeError(self._unknown(attr))
        self._current[attr] = value
        self._pending[attr] = value

    def _unknown(self, attr: str) -> str:
        what = (f"set {', '.join('.' + a for a in self._attrs)}" if self._attrs
                else "call .inject(indices)")
        return f"{self.type} device {self.name!r} has no attribute {attr!r}; {what}"

    def inject(self, indices: Any, times: Any = None) -> None:
        """Spike the sources at `indices` in the next step, `times` ms after it starts (default:
        min delay + one timestep, safe on every backend). Only for spike_injector devices."""
        if self.type != "spike_injector":
            raise AttributeError(f"{self.type} device {self.name!r} cannot inject spikes; "
                                 "use a spike_injector device")
        indices = np.atleast_1d(np.asarray(indices, dtype=np.int64))
        offsets = (np.full(indices.shape, np.nan) if times is None
                   else np.broadcast_to(np.asarray(times, dtype=float), indices.shape))
        self._spikes.append((indices, offsets))

    def take(self) -> tuple[bool, Any]:
        """(changed, value): what was set since the last take, in the form the device accepts."""
        if self._spikes:
            indices = np.concatenate([i for i, _ in self._spikes])
            offsets = np.concatenate([o for _, o in self._spikes])
            self._spikes.clear()
            return True, {"indices": indices, "times": offsets}
        if not self._pending:
            return False, None
        pending = dict(self._pending)
        self._pending.clear()
        if len(self._attrs) == 1:
            return True, pending[self._attrs[0]]
        return True, pending

    def __repr__(self) -> str:
        return f"SourceProxy({self.name!r}, {self.type!r}, {self._current})"


class SinkProxy:
    """A decoder as a TF sees it: ``.voltage``, ``.rate``, ``.counts``, ``.winner``, ``.times``..."""

    def __init__(self, name: str, type_name: str, value: Any) -> None:
        self.name = name
        self.type = type_name
        self.value = value

    def __getattr__(self, attr: str) -> Any:
        attrs = device_type(self.__dict__["type"]).attrs
        if attr not in attrs:
            raise AttributeError(f"{self.type} device {self.name!r} has no attribute {attr!r}; "
                                 f"read {', '.join('.' + a for a in attrs)}")
        if attr == "spiked":
            return len(self.value) > 0
        if attr == "ids":
            return np.asarray(self.value)[:, 0].astype(np.int64)
        return self.value

    def __repr__(self) -> str:
        return f"SinkProxy({self.name!r}, {self.type!r}, {self.value!r})"


class RobotValue:
    """A robot datapack (``.value``), e.g. the env's observation; None before the env has run."""

    def __init__(self, topic: str, value: Any = None) -> None:
        self.topic = topic
        self.value = value

    def __repr__(self) -> str:
        return f"RobotValue({self.topic!r}, {self.value!r})"


class Publisher:
    """Collects ``send_message(value)`` for an env input topic (the last message in a step wins)."""

    def __init__(self, topic: str) -> None:
        self.topic = topic
        self.messages: list[Any] = []

    def send_message(self, value: Any) -> None:
        self.messages.append(value)


class VariableProxy:
    """A TF variable: read and write ``.value``; it lives in a store the manager keeps."""

    def __init__(self, store: dict, key: str) -> None:
        self._store = store
        self._key = key

    @property
    def value(self) -> Any:
        return self._store[self._key]

    @value.setter
    def value(self, new: Any) -> None:
        self._store[self._key] = new
