"""Names of brain neurons as the orchestrator knows them: ``brain.sensors[0:2]`` -> a label and indices.

The orchestrator never holds PyNN populations, so a selection is a population label plus indices
(a list, None for all, or an open slice as {"start", "stop", "step"}) that the brain resolves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NeuronSelection:
    """Neurons of one population, by label; `indices` as in a device spec."""

    population: str
    indices: Any = None

    def __getitem__(self, key: Any) -> NeuronSelection:
        if self.indices is not None:
            raise TypeError(f"brain.{self.population} is already indexed; index the population "
                            "once, e.g. brain.pop[0:4] or brain.pop[[0, 2, 5]]")
        return NeuronSelection(self.population, _indices(key))


def _indices(key: Any) -> Any:
    if isinstance(key, slice):
        start, stop, step = key.start or 0, key.stop, key.step or 1
        if stop is not None and start >= 0 and stop >= 0:
            return list(range(start, stop, step))
        return {"start": key.start, "stop": key.stop, "step": key.step}
    if isinstance(key, (int,)) or hasattr(key, "__index__"):
        return [int(key)]
    try:
        return [int(i) for i in key]
    except TypeError:
        raise TypeError(f"cannot select neurons with {key!r}; use an int, a slice, a list of "
                        "ints or nrange(start, stop, step)") from None


class BrainNamespace:
    """``brain.<population label>`` gives a NeuronSelection of that population."""

    def __getattr__(self, label: str) -> NeuronSelection:
        if label.startswith("__"):
            raise AttributeError(label)
        return NeuronSelection(label)

    def __getitem__(self, label: str) -> NeuronSelection:
        return NeuronSelection(label)


def nrange(start: int, stop: int, step: int = 1) -> list[int]:
    """NRP's neuron range: the indices start, start+step, ... below stop."""
    return list(range(start, stop, step))


def resolve_indices(indices: Any, size: int) -> list[int] | None:
    """Spec indices -> a list of ints within a population of `size` neurons (None = all)."""
    if indices is None:
        return None
    if isinstance(indices, dict):
        indices = range(size)[slice(indices.get("start"), indices.get("stop"),
                                    indices.get("step"))]
    out = [int(i) for i in indices]
    bad = [i for i in out if not -size <= i < size]
    if bad:
        raise IndexError(f"neuron indices {bad} are outside a population of {size} neurons")
    return [i % size for i in out]
