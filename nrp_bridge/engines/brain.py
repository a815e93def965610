"""The brain side: a PyNN network on any PyNN backend, stepped with ``run()`` in lockstep.

Datapacks are ``"<population label>:<variable>"``. Read: ``spike_counts`` (spikes per neuron in
the last step), ``spikes`` ((N, 2) array of [neuron index, time ms] in the last step, by time),
any recorded analog variable such as ``v`` (its last sample per neuron), or any parameter such
as ``rate`` (current value per neuron). Write: any parameter (scalar or one value per neuron),
applied before the next step. One brain per process: PyNN backends are global state.

Extensions (config ``extensions``: ``"module:factory"`` or ``{"factory": ..., **options}``)
add datapacks of their own, e.g. devices built from transfer-function specs: the factory is
called as ``factory(sim, populations, **options)`` and returns an object with ``owns(name)``,
``get(name)``, ``set(name, value)`` and optionally ``before_step()``, ``after_step()``,
``reset()``.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import numpy as np

from ..importing import resolve_reference
from . import pynn_compat
from .base import Engine

BACKENDS = ("spinnaker_sim", "pyNN.nest", "pyNN.brian2", "pyNN.spiNNaker")
CONFIG_KEYS = {"backend", "brain", "timestep", "seed", "setup", "record", "record_spikes",
               "extensions"}
SPIKE_DATAPACKS = ("spike_counts", "spikes")


class BrainEngine(Engine):
    """Runs a PyNN network built by a script or a build function; populations found by label."""

    def __init__(self) -> None:
        self.sim: Any = None
        self.populations: dict[str, Any] = {}
        self._extensions: list[Any] = []
        self._owners: dict[str, Any] = {}  # datapack name -> the extension that owns it
        self._counts_before: dict[str, np.ndarray] = {}  # cumulative, at the last step's start
        self._counts_after: dict[str, np.ndarray] = {}  # cumulative, now

    def initialize(self, config: dict) -> dict:
        """Config: ``backend`` (module, default "spinnaker_sim"), ``brain`` (a PyNN script path,
        run with ``sim`` bound to the backend, or ``"package.module:function"`` called as
        ``function(sim)``), ``timestep`` (ms, 1.0), ``seed``, ``setup`` (extra setup keywords),
        ``record`` ({label: [variables]} to record besides spikes), ``record_spikes`` (True:
        record spikes of every population), ``extensions``."""
        unknown = set(config) - CONFIG_KEYS
        if unknown:
            raise ValueError(f"unknown brain engine config keys {sorted(unknown)}; valid keys "
                             f"are {sorted(CONFIG_KEYS)}")
        backend = config.get("backend", "spinnaker_sim")
        self.sim = sim = _import_backend(backend)
        self._timestep_ms = float(config.get("timestep", 1.0))
        seed = config.get("seed")
        self._backend, self._seed = backend, seed
        sim.setup(timestep=self._timestep_ms, **pynn_compat.setup_seed_kwargs(backend, seed),
                  **{**pynn_compat.setup_defaults(backend), **dict(config.get("setup") or {})})
        pynn_compat.seed_after_setup(backend, seed)
        returned, namespace = _build(sim, config.get("brain"))
        self.populations = _discover(sim, returned, namespace)
        self._extensions = [_make_extension(spec, sim, self.populations)
                            for spec in config.get("extensions") or []]
        self._owners = {}
        self._set_up_recording(config.get("record") or {}, config.get("record_spikes", True))
        return {"timestep": self._timestep_ms / 1000.0, "time": 0.0, "backend": backend,
                "populations": {label: {"size": int(p.size), "celltype": type(p.celltype).__name__}
                                for label, p in self.populations.items()}}

    def _set_up_recording(self, record: dict, record_spikes: bool) -> None:
        for label, variables in record.items():
            self._population(label).record(list(variables))
        for label, population in self.populations.items():
            if record_spikes:
                population.record("spikes")
        self._baseline()

    def _baseline(self) -> None:
        """Spike counting restarts: recorders hold nothing after setup or reset (new segment)."""
        self._stepped = False
        self._counts_after = {label: np.zeros(p.size, dtype=np.int64)
                              for label, p in self.populations.items() if _records_spikes(p)}
        self._counts_before = dict(self._counts_after)

    # ---- stepping ---------------------------------------------------------------------------
    def step(self, dt: float) -> float:
        """Run the network for ``dt`` seconds (``dt * 1000`` ms)."""
        for extension in self._extensions:
            getattr(extension, "before_step", _nothing)()
        self.sim.run(dt * 1000.0)
        self._stepped = True
        self._counts_before = self._counts_after
        self._counts_after = {label: pynn_compat.cumulative_spike_counts(self.sim,
                                                                         self.populations[label])
                              for label in self._counts_before}
        for extension in self._extensions:
            getattr(extension, "after_step", _nothing)()
        return self.sim.get_current_time() / 1000.0

    def reset(self) -> None:
        """PyNN ``reset()``: time 0, initial values; recorded data starts a new segment."""
        self.sim.reset()
        pynn_compat.seed_after_setup(self._backend, self._seed)  # the same run again
        for extension in self._extensions:
            getattr(extension, "reset", _nothing)()
        self._baseline()

    def shutdown(self) -> None:
        """PyNN ``end()``."""
        if self.sim is not None:
            self.sim.end()
            self.sim = None

    # ---- data -------------------------------------------------------------------------------
    def get(self, names: list[str]) -> dict:
        """Read datapacks (see the module docstring)."""
        return {name: self._get(name) for name in names}

    def _get(self, name: str) -> Any:
        extension = self._extension_for(name)
        if extension is not None:
            return extension.get(name)
        label, variable = _split(name)
        population = self._population(label)
        if variable in SPIKE_DATAPACKS:
            if label not in self._counts_after:
                raise KeyError(f"population {label!r} does not record spikes; call "
                               f"{label}.record('spikes') in the brain or keep record_spikes on")
            before, after = self._counts_before[label], self._counts_after[label]
            if variable == "spike_counts":
                return after - before
            if not np.any(after > before):
                return np.empty((0, 2))
            return _spikes_between(pynn_compat.spike_trains(self.sim, population), before, after)
        if variable in _recorded_variables(population):
            return _last_sample(population, variable, self._stepped)
        try:
            return pynn_compat.get_parameter(self.sim, population, variable)
        except Exception as exc:  # noqa: BLE001 - backends raise many types for unknown names
            raise KeyError(f"{name!r}: population {label!r} has no variable or parameter "
                           f"{variable!r} ({exc}); read spike_counts, spikes, a recorded "
                           "variable or a parameter") from None

    def set(self, values: dict) -> None:
        """Set parameters (``"<pop>:<parameter>"``: scalar or one value per neuron)."""
        for name, value in values.items():
            extension = self._extension_for(name)
            if extension is not None:
                extension.set(name, value)
                continue
            label, parameter = _split(name)
            population = self._population(label)
            if not np.isscalar(value):
                value = np.asarray(value)
                if value.shape != (population.size,):
                    raise ValueError(f"{name!r} needs a scalar or {population.size} values (one "
                                     f"per neuron), got shape {value.shape}")
            pynn_compat.set_parameter(self.sim, population, parameter, value)

    def _extension_for(self, name: str) -> Any | None:
        extension = self._owners.get(name)
        if extension is None:  # (an extension may own a name later: devices can be added)
            extension = next((e for e in self._extensions if e.owns(name)), None)
            if extension is not None:
                self._owners[name] = extension
        return extension

    def _population(self, label: str) -> Any:
        try:
            return self.populations[label]
        except KeyError:
            raise KeyError(f"no population labelled {label!r}; the brain has "
                           f"{sorted(self.populations)}") from None


def _nothing() -> None:
    return None


def _import_backend(backend: str) -> Any:
    try:
        return importlib.import_module(backend)
    except ImportError as exc:
        raise ImportError(f"cannot import PyNN backend {backend!r} ({exc}); use one of "
                          f"{BACKENDS} that is installed") from exc


def _build(sim: Any, brain: Any) -> tuple[Any, dict]:
    """Run the brain script (with ``sim`` bound) or call the build function."""
    if not isinstance(brain, str) or not brain:
        raise ValueError("the brain engine needs config 'brain': a PyNN script path or a "
                         "'package.module:function' that builds the network")
    path = Path(brain)
    if brain.endswith(".py") or path.exists():
        if not path.is_file():
            raise FileNotFoundError(f"brain script {brain!r} does not exist")
        namespace = {"sim": sim, "__name__": "__nrp_brain__", "__file__": str(path)}
        sys.path.insert(0, str(path.resolve().parent))  # helpers next to the script import
        try:
            exec(compile(path.read_text(), str(path), "exec"), namespace)  # noqa: S102 - the
            # user's own brain script, run as `python brain.py` would run it
        finally:
            sys.path.remove(str(path.resolve().parent))
        return None, namespace
    return resolve_reference(brain, "brain build function")(sim), {}


def _discover(sim: Any, returned: Any, namespace: dict) -> dict[str, Any]:
    """Populations by label: returned, in the script's namespace, or known to the simulator."""
    found: list[Any] = []
    _collect(sim, returned, found, depth=2)
    _collect(sim, list(namespace.values()), found, depth=2)
    state = getattr(getattr(sim.Population, "_simulator", None), "state", None)
    for recorder in getattr(state, "recorders", ()):
        _collect(sim, getattr(recorder, "population", None), found, depth=0)
    populations: dict[str, Any] = {}
    for population in sorted(found, key=lambda p: str(p.label)):
        other = populations.setdefault(str(population.label), population)
        if other is not population:
            raise ValueError(f"two populations are labelled {population.label!r}; give every "
                             "population a unique label so datapacks can name it")
    if not populations:
        raise ValueError("the brain built no populations (or none could be found); create them "
                         "with sim.Population(..., label=...) in the script or function")
    return populations


def _collect(sim: Any, obj: Any, found: list, depth: int) -> None:
    if isinstance(obj, sim.Population):
        if not any(obj is f for f in found):
            found.append(obj)
    elif depth > 0 and isinstance(obj, dict):
        for value in obj.values():
            _collect(sim, value, found, depth - 1)
    elif depth > 0 and isinstance(obj, (list, tuple)):
        for value in obj:
            _collect(sim, value, found, depth - 1)


def _make_extension(spec: Any, sim: Any, populations: dict) -> Any:
    options = dict(spec) if isinstance(spec, dict) else {"factory": spec}
    factory = resolve_reference(options.pop("factory"), "brain extension factory")
    return factory(sim, populations, **options)


def _split(name: str) -> tuple[str, str]:
    label, sep, variable = name.rpartition(":")
    if not sep or not label or not variable:
        raise KeyError(f"brain datapack {name!r} must be '<population label>:<variable>'")
    return label, variable


def _records_spikes(population: Any) -> bool:
    return "spikes" in _recorded_variables(population)


def _recorded_variables(population: Any) -> set[str]:
    recorded = getattr(population.recorder, "recorded", {})
    return {str(getattr(v, "name", v)) for v, ids in recorded.items() if ids}


def _spikes_between(trains: list[np.ndarray], before: np.ndarray,
                    after: np.ndarray) -> np.ndarray:
    """[neuron index, time ms] of each neuron's spikes number before..after, sorted by time."""
    chunks = [(i, train[a:b]) for i, (train, a, b) in enumerate(zip(trains, before, after))]
    rows = [np.column_stack((np.full(len(c), i, dtype=float), c)) for i, c in chunks if len(c)]
    if not rows:
        return np.empty((0, 2))
    spikes = np.concatenate(rows)
    return spikes[np.lexsort((spikes[:, 0], spikes[:, 1]))]


def _last_sample(population: Any, variable: str, stepped: bool) -> np.ndarray:
    """The latest recorded value per neuron (NaN where not recorded; initial value before run)."""
    out = np.full(population.size, np.nan)
    signal = None
    if stepped:
        segment = population.get_data(variable, clear=False).segments[-1]
        signal = next((s for s in segment.analogsignals if s.name == variable), None)
    if signal is None or len(signal) == 0:
        initial = population.initial_values.get(variable)
        return out if initial is None else np.asarray(initial.evaluate(simplify=False),
                                                     dtype=float)
    channels = signal.array_annotations.get("channel_index")
    index = np.arange(signal.shape[1]) if channels is None else np.asarray(channels, dtype=int)
    out[index] = np.asarray(signal.magnitude[-1], dtype=float)
    return out
