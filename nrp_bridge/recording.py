"""What the orchestrator keeps per sync step: timing stats and, by default, the data itself."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class StepStats:
    """Timing of one complete sync step (wall seconds; ``rtf`` = simulated / wall time)."""

    step: int
    t: float  # simulated time at the end of the step, s
    wall_s: float
    exchange_s: float
    engine_s: dict[str, float]  # time each engine spent computing, as it reported it
    rtf: float


class Recording:
    """In-memory record of every complete step: the inputs applied and the outputs read.

    The orchestrator calls it as ``recording(t, inputs, outputs)`` only once a step is complete,
    so after a failure it holds exactly the steps that finished. Times restart after a reset.
    """

    def __init__(self) -> None:
        self.times: list[float] = []
        self._outputs: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        self._inputs: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))

    def __call__(self, t: float, inputs: dict[str, dict], outputs: dict[str, dict]) -> None:
        step = len(self.times)
        self.times.append(t)
        for store, data in ((self._inputs, inputs), (self._outputs, outputs)):
            for engine, values in data.items():
                for name, value in values.items():
                    series = store[engine][name]
                    series.extend([None] * (step - len(series)))  # steps it was absent
                    series.append(value)

    def __len__(self) -> int:
        return len(self.times)

    def names(self) -> dict[str, list[str]]:
        """Recorded output names per engine."""
        return {engine: sorted(values) for engine, values in self._outputs.items()}

    def series(self, engine: str, name: str, inputs: bool = False) -> list[Any]:
        """Per-step values of one output (or input, padded with None where not set)."""
        store = self._inputs if inputs else self._outputs
        if engine not in store or name not in store[engine]:
            kind = "input" if inputs else "output"
            raise KeyError(f"no recorded {kind} {name!r} of engine {engine!r}; recorded: "
                           f"{ {e: sorted(v) for e, v in store.items()} }")
        series = store[engine][name]
        return series + [None] * (len(self.times) - len(series))

    def array(self, engine: str, name: str, inputs: bool = False) -> np.ndarray:
        """One output (or input) stacked over steps into an array (first axis: step)."""
        return np.stack([np.asarray(v) for v in self.series(engine, name, inputs)])
