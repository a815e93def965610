"""Backend differences the brain engine must paper over, kept in one place.

- Seeding: ``setup(rng_seed=...)`` on spinnaker_sim and pyNN.nest; pyNN.brian2 has no such
  argument, so ``brian2.seed`` is called after setup.
- pyNN.brian2 0.13 ignores ``Population.set(rate=...)`` on a SpikeSourcePoisson once it exists:
  its PoissonGroup copies the rates into the Brian2 variable ``rates`` at creation, and pyNN's
  later ``set`` only rebinds a plain Python attribute (``firing_rate``) that nothing reads. We
  also write the ``rates`` variable, and read rates back from it.
- pyNN.nest counts spikes per neuron by scanning all events once per neuron (quadratic), and
  its ``get_data`` can leave out spikes it counts; we read the spike recorder's events directly.
- pyNN.nest keeps ``spike_precision`` from an earlier ``setup()`` in the same process (a script
  that asked for "on_grid" leaves it for the next model); we pass its default unless the brain's
  setup names it, so a brain runs as it would in a fresh process.
"""

from __future__ import annotations

import importlib
import itertools
from typing import Any

import numpy as np

BRIAN2 = "pyNN.brian2"
NEST = "pyNN.nest"
_SETUP_SEED_KEYWORD = {"spinnaker_sim": "rng_seed", NEST: "rng_seed"}


_SETUP_DEFAULTS = {NEST: {"spike_precision": "off_grid"}}


def setup_defaults(backend: str) -> dict:
    """``setup()`` keywords a backend would otherwise carry over from an earlier setup."""
    return dict(_SETUP_DEFAULTS.get(backend, {}))


def setup_seed_kwargs(backend: str, seed: int | None) -> dict:
    """Extra ``setup()`` keywords that seed this backend."""
    if seed is None or backend not in _SETUP_SEED_KEYWORD:
        return {}
    return {_SETUP_SEED_KEYWORD[backend]: int(seed)}


def seed_after_setup(backend: str, seed: int | None) -> None:
    """Seeding that must happen after ``setup()``."""
    if seed is not None and backend == BRIAN2:
        importlib.import_module("brian2").seed(int(seed))


def _brian2_poisson_group(sim: Any, population: Any) -> Any | None:
    if getattr(sim, "__name__", "") != BRIAN2:
        return None
    if not isinstance(population.celltype, sim.SpikeSourcePoisson):
        return None
    return population.brian2_group


def set_parameter(sim: Any, population: Any, name: str, value: Any) -> None:
    """``population.set(name=value)``, made effective on every backend."""
    population.set(**{name: value})
    group = _brian2_poisson_group(sim, population) if name == "rate" else None
    if group is not None:
        group.rates[:] = np.broadcast_to(np.asarray(value, dtype=float),
                                         (population.size,)) * importlib.import_module("brian2").Hz


def get_parameter(sim: Any, population: Any, name: str) -> np.ndarray:
    """The current value of a parameter for every neuron, as the simulator will use it."""
    group = _brian2_poisson_group(sim, population) if name == "rate" else None
    if group is not None:
        return np.asarray(group.rates[:] / importlib.import_module("brian2").Hz, dtype=float)
    value = population.get(name, gather=True, simplify=False)
    return np.asarray(value, dtype=float) if np.ndim(value) else \
        np.full(population.size, float(value))


def cumulative_spike_counts(sim: Any, population: Any) -> np.ndarray:
    """Spikes per neuron recorded so far in the current segment (since setup or reset)."""
    if getattr(sim, "__name__", "") == NEST:
        index, _ = _nest_events(population)
        return np.bincount(index, minlength=population.size).astype(np.int64)
    fast = getattr(population.recorder, "spike_counts_array", None)  # spinnaker_sim's
    if fast is not None:
        return fast()
    counts = population.get_spike_counts()
    return np.array([counts.get(cell, 0) for cell in population.all_cells], dtype=np.int64)


def spike_trains(sim: Any, population: Any) -> list[np.ndarray]:
    """Spike times (ms) per neuron, in population order, for the current segment; the same
    spikes :func:`cumulative_spike_counts` counts."""
    if getattr(sim, "__name__", "") == NEST:
        index, times = _nest_events(population)
        order = np.lexsort((times, index))
        bounds = np.searchsorted(index[order], np.arange(population.size + 1))
        return [times[order][a:b] for a, b in itertools.pairwise(bounds)]
    segment = population.get_data("spikes", clear=False).segments[-1]
    trains: list[np.ndarray] = [np.empty(0)] * population.size
    for position, train in enumerate(segment.spiketrains):
        index = int(train.annotations.get("source_index", position))
        trains[index] = np.sort(np.asarray(train.rescale("ms").magnitude, dtype=float))
    return trains


def _nest_events(population: Any) -> tuple[np.ndarray, np.ndarray]:
    """(neuron index, time ms) of every spike in the population's NEST spike recorder."""
    events = population.recorder._spike_detector.device.get("events")
    ids = np.asarray(population.all_cells, dtype=np.int64)  # ascending in pyNN.nest
    senders = np.asarray(events["senders"], dtype=np.int64)
    index = np.searchsorted(ids, senders)
    mine = (index < ids.size) & (ids[np.minimum(index, ids.size - 1)] == senders)
    return index[mine], np.asarray(events["times"], dtype=float)[mine]
