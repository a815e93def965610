"""The Engine interface every simulator in the loop implements (NRP-Core's engine, in Python).

Times are seconds. ``initialize`` returns a dict of facts about the engine; the orchestrator
reads ``"timestep"`` (s, or None for "any step") from it to check that it divides ``dt_sync``.
"""

from __future__ import annotations

import abc
import time
from typing import Any


class Engine(abc.ABC):
    """One simulator: the brain, the robot, or anything else stepped in lockstep."""

    @abc.abstractmethod
    def initialize(self, config: dict) -> dict:
        """Build the simulation from ``config``; returns facts such as ``timestep`` (s)."""

    @abc.abstractmethod
    def step(self, dt: float) -> float:
        """Advance by ``dt`` seconds; returns the engine's time (s) after the step."""

    @abc.abstractmethod
    def get(self, names: list[str]) -> dict:
        """Read datapacks by name (values are numbers, strings, lists, dicts or numpy arrays)."""

    @abc.abstractmethod
    def set(self, values: dict) -> None:
        """Write inputs by name; they take effect at the next step."""

    @abc.abstractmethod
    def reset(self) -> None:
        """Back to time 0 with the initial state (same seed, same run)."""

    def shutdown(self) -> None:
        """Release resources; the engine is not used afterwards."""

    def advance(self, values: dict, dt: float, names: list[str]) -> tuple[float, dict]:
        """One sync step in one call: set inputs, step, read outputs (one round trip remotely)."""
        return advance(self, values, dt, names)


def advance(engine: Any, values: dict, dt: float, names: list[str]) -> tuple[float, dict]:
    """``set`` / ``step`` / ``get`` on any object with the Engine methods (duck-typed)."""
    if values:
        engine.set(values)
    t = engine.step(dt)
    return t, (engine.get(names) if names else {})


class Completed:
    """A result computed already, with the same ``result()`` as a pending remote reply."""

    def __init__(self, value: Any, elapsed: float) -> None:
        self._value, self._elapsed = value, elapsed

    def result(self) -> tuple[Any, float]:
        """(value, seconds it took)."""
        return self._value, self._elapsed


def call_now(engine: Any, op: str, *args: Any) -> Completed:
    """Run ``op`` on an in-process engine and wrap the outcome like a remote reply."""
    started = time.perf_counter()
    if op == "advance" and not hasattr(engine, "advance"):
        value = advance(engine, *args)
    else:
        value = getattr(engine, op)(*args)
    return Completed(value, time.perf_counter() - started)
