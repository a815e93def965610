"""Experiment files (TOML): which engines, their configs, what to read, how long, which transport.

    [experiment]
    duration = 2.0            # s of simulated time
    dt_sync = 0.02            # s
    mode = "pipelined"        # or "sequential"
    transport = "ipc"         # "inproc", "inproc-zmq", "ipc" or "tcp"
    timeout = 60.0            # s per request to an engine
    seed = 1                  # default seed of every engine that has none

    [brain]                   # shorthand for [engines.brain] with engine = "brain"
    backend = "pyNN.nest"
    brain = "brain.py"        # relative to this file
    read = ["motor:spike_counts"]

    [env]                     # shorthand for [engines.env] with engine = "gym"
    env = "CartPole-v1"
    read = ["observation", "reward"]

    [engines.other]           # any engine: a kind ("brain", "gym", "clock") or "module:Class"
    engine = "mypackage.engines:Arm"
    spin = 0.001              # s its process busy-polls for the next step (default: brains do)

    [transfer_functions]      # handed to the exchange builder (nrp_bridge.cli.build_exchange)
    functions = ["my_tfs:exchange"]

Every key of an engine table other than ``engine``, ``read`` and ``spin`` is that engine's config.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from .engines.factory import TRANSPORTS
from .orchestrator import MODES
from .transport import check_spin

_SHORTHANDS = {"brain": "brain", "env": "gym"}  # top-level table -> engine kind
_EXPERIMENT_KEYS = {"duration", "dt_sync", "mode", "transport", "timeout", "seed"}


@dataclass
class EngineSpec:
    """One engine of an experiment file."""

    kind: str
    config: dict
    read: list[str] = field(default_factory=list)
    spin: float | None = None  # None: the default (see nrp_bridge.launcher.default_spin)


@dataclass
class ExperimentSpec:
    """A parsed experiment file; ``raw`` keeps every table, for sections added later."""

    path: Path
    engines: dict[str, EngineSpec]
    duration: float
    dt_sync: float = 0.02
    mode: str = "pipelined"
    transport: str = "ipc"
    timeout: float = 60.0
    seed: int | None = None
    raw: dict = field(default_factory=dict)


def load_experiment(path: str | Path) -> ExperimentSpec:
    """Read and check an experiment file; relative brain script paths become absolute and the
    file's folder goes on ``sys.path`` (so "module:function" references next to it resolve)."""
    path = Path(path).resolve()
    try:
        raw = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise FileNotFoundError(f"experiment file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path} is not valid TOML: {exc}") from None
    folder = path.parent
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    experiment = dict(raw.get("experiment", {}))
    unknown = set(experiment) - _EXPERIMENT_KEYS
    if unknown:
        raise ValueError(f"{path}: unknown [experiment] keys {sorted(unknown)}; valid keys are "
                         f"{sorted(_EXPERIMENT_KEYS)}")
    if "duration" not in experiment:
        raise ValueError(f"{path}: [experiment] needs duration (s of simulated time)")
    engines = _engine_specs(raw, folder, experiment.get("seed"), path)
    spec = ExperimentSpec(path=path, engines=engines, raw=raw,
                          **{k: experiment[k] for k in _EXPERIMENT_KEYS if k in experiment})
    if spec.mode not in MODES:
        raise ValueError(f"{path}: mode must be one of {MODES}, got {spec.mode!r}")
    if spec.transport not in TRANSPORTS:
        raise ValueError(f"{path}: transport must be one of {TRANSPORTS}, got "
                         f"{spec.transport!r}")
    return spec


def _engine_specs(raw: dict, folder: Path, seed: Any, path: Path) -> dict[str, EngineSpec]:
    tables: dict[str, dict] = {}
    for name, kind in _SHORTHANDS.items():
        if name in raw:
            tables[name] = {"engine": kind, **raw[name]}
    for name, table in raw.get("engines", {}).items():
        if name in tables:
            raise ValueError(f"{path}: engine {name!r} is defined twice ([{name}] and "
                             f"[engines.{name}])")
        tables[name] = dict(table)
    if not tables:
        raise ValueError(f"{path}: no engines; add [brain] and [env] tables (or [engines.NAME])")
    specs = {}
    for name, table in tables.items():
        kind = table.pop("engine", name)
        read = list(table.pop("read", []))
        spin = table.pop("spin", None)
        if spin is not None:
            try:
                check_spin(spin)
            except ValueError as exc:
                raise ValueError(f"{path}: engine {name!r}: {exc}") from None
        if seed is not None and kind in ("brain", "gym"):
            table.setdefault("seed", seed)
        brain = table.get("brain")
        if kind == "brain" and isinstance(brain, str) and brain.endswith(".py"):
            table["brain"] = str((folder / brain).resolve())
        specs[name] = EngineSpec(kind=kind, config=table, read=read, spin=spin)
    return specs
