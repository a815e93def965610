"""Engines for the bridge tests, importable by engine processes as ``bridge_engines:Name``."""

from __future__ import annotations

import time

import numpy as np

from nrp_bridge.engines.clock import ClockEngine


class NoisyEngine(ClockEngine):
    """A clock whose ``noise`` output is a seeded random vector that depends on what was set."""

    def initialize(self, config: dict) -> dict:
        self._rng = np.random.default_rng(config.pop("seed", 0))
        info = super().initialize(config)
        self._values["noise"] = np.zeros(4)
        return info

    def step(self, dt: float) -> float:
        t = super().step(dt)
        drive = float(np.sum(self._values.get("drive", 0.0)))
        self._values["noise"] = self._rng.normal(drive, 1.0, size=4)
        return t


class SleepyEngine(ClockEngine):
    """A clock that sleeps ``sleep`` s in the step numbered ``sleep_at`` (1-based)."""

    def initialize(self, config: dict) -> dict:
        self._sleep = float(config.pop("sleep", 0.0))
        self._sleep_at = int(config.pop("sleep_at", 1))
        self._count = 0
        return super().initialize(config)

    def step(self, dt: float) -> float:
        self._count += 1
        if self._count == self._sleep_at:
            time.sleep(self._sleep)
        return super().step(dt)


class FailingEngine(ClockEngine):
    """A clock that raises in the step numbered ``fail_at``."""

    def initialize(self, config: dict) -> dict:
        self._fail_at = int(config.pop("fail_at", 1))
        self._count = 0
        return super().initialize(config)

    def step(self, dt: float) -> float:
        self._count += 1
        if self._count == self._fail_at:
            raise RuntimeError(f"motor driver overheated at step {self._count}")
        return super().step(dt)


class DriftingEngine(ClockEngine):
    """A broken engine whose clock runs 10% fast."""

    def step(self, dt: float) -> float:
        return super().step(dt) * 1.1


class OddEngine(ClockEngine):
    """A clock whose ``get`` returns a Python object that cannot travel."""

    def get(self, names: list[str]) -> dict:
        return {name: object() for name in names}
