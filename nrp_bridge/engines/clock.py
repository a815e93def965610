"""The trivial engine: keeps time and echoes back what was set. For benchmarks and dry runs."""

from __future__ import annotations

from typing import Any

from .base import Engine


class ClockEngine(Engine):
    """Advances a clock by whole timesteps; ``get`` returns ``"time"`` and any value ``set``."""

    def __init__(self) -> None:
        self._timestep: float | None = None
        self._ticks = 0  # in units of the timestep, or whole steps when there is none
        self._elapsed = 0.0
        self._values: dict[str, Any] = {}

    def initialize(self, config: dict) -> dict:
        """Config: ``timestep`` (s, optional: steps must be whole multiples of it)."""
        timestep = config.get("timestep")
        if timestep is not None and not float(timestep) > 0:
            raise ValueError(f"timestep must be a positive number of seconds, got {timestep!r}")
        self._timestep = None if timestep is None else float(timestep)
        self.reset()
        return {"timestep": self._timestep, "time": 0.0}

    def step(self, dt: float) -> float:
        """Advance ``dt`` seconds (a whole number of timesteps)."""
        if self._timestep is None:
            self._elapsed += dt
            return self._elapsed
        ticks = round(dt / self._timestep)
        if ticks < 1 or abs(ticks * self._timestep - dt) > 1e-9 * dt:
            raise ValueError(f"step of {dt} s is not a whole number of {self._timestep} s "
                             "timesteps; choose a dt_sync that the timestep divides")
        self._ticks += ticks
        return self._ticks * self._timestep

    def get(self, names: list[str]) -> dict:
        """``"time"`` or any name previously set."""
        now = self._elapsed if self._timestep is None else self._ticks * self._timestep
        known = {"time": now, **self._values}
        missing = [n for n in names if n not in known]
        if missing:
            raise KeyError(f"clock engine has no {missing}; it has {sorted(known)}")
        return {n: known[n] for n in names}

    def set(self, values: dict) -> None:
        """Remember values; ``get`` returns them."""
        self._values.update(values)

    def reset(self) -> None:
        """Time back to 0; remembered values are forgotten."""
        self._ticks, self._elapsed, self._values = 0, 0.0, {}
