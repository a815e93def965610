"""The device types: their role, parameters with defaults (PyNN units) and the attributes a TF uses.

Shared by both processes: the orchestrator builds msgpack-able device specs from it, the brain
process builds PyNN objects from those specs. Nothing here imports PyNN.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

INF = float("inf")

SOURCE = "source"  # encoder: the TF sets it, the brain process applies it before a step
SINK = "sink"  # decoder: the brain process computes it after a step, the TF reads it

_SYNAPSE = {"weight": 0.00015, "delay": None, "receptor_type": "excitatory"}  # delay None: min delay


@dataclass(frozen=True)
class DeviceType:
    """One kind of device: encoders take `attrs` from a TF, decoders give `attrs` to a TF."""

    name: str
    role: str
    defaults: dict[str, Any]
    attrs: tuple[str, ...]
    doc: str = ""


DEVICE_TYPES: dict[str, DeviceType] = {t.name: t for t in (
    DeviceType("poisson", SOURCE,
               {"rate": 0.0, "start": 0.0, "duration": INF, "connector": "all_to_all", **_SYNAPSE},
               ("rate",),
               "SpikeSourcePoisson onto the neurons; rate in Hz (scalar, or one per neuron with "
               "connector='one_to_one')"),
    DeviceType("dc_source", SOURCE, {"amplitude": 0.0, "start": 0.0, "stop": INF},
               ("amplitude",), "DC current in nA, one source per neuron (scalar or per neuron)"),
    DeviceType("ac_source", SOURCE,
               {"amplitude": 0.0, "offset": 0.0, "frequency": 10.0, "phase": 0.0, "start": 0.0,
                "stop": INF},
               ("amplitude", "offset", "frequency", "phase"),
               "sinusoidal current (nA, Hz, degrees) into all the neurons"),
    DeviceType("spike_injector", SOURCE, {"connector": "one_to_one", **_SYNAPSE}, (),
               "SpikeSourceArray; .inject(indices) spikes those sources in the next step"),
    DeviceType("receptive_field_rates", SOURCE,
               {"low": 0.0, "high": 1.0, "max_rate": 100.0, "baseline": 0.0, "width": None,
                "dims": 1, **_SYNAPSE},
               ("value",),
               "Gaussian tuning curves over [low, high]: a value (or a vector of `dims` values) "
               "-> one Poisson rate per neuron"),
    DeviceType("population_rate", SINK,
               {"tau_rise": 10.0, "tau_fall": 20.0, "window": None, "average": True,
                "delay": None},
               ("rate",),
               "firing rate in Hz: NRP's bi-exponential filter, or a sliding `window` in ms; "
               "mean per neuron if average else the view's total"),
    DeviceType("spike_counts", SINK, {}, ("counts",), "spikes per neuron in the last step"),
    DeviceType("leaky_integrator_alpha", SINK,
               {"cm": 1.0, "tau_m": 10.0, "tau_syn_E": 2.0, "tau_syn_I": 2.0, "v_rest": 0.0,
                "i_offset": 0.0, "weight": 0.01, "delay": None, "receptor_type": "excitatory"},
               ("voltage",),
               "membrane (mV) of NRP's non-spiking IF_curr_alpha read-out fed by every spike"),
    DeviceType("leaky_integrator_exp", SINK,
               {"cm": 1.0, "tau_m": 20.0, "tau_syn_E": 0.5, "tau_syn_I": 0.5, "v_rest": 0.0,
                "i_offset": 0.0, "weight": 0.01, "delay": None, "receptor_type": "excitatory"},
               ("voltage",),
               "membrane (mV) of NRP's non-spiking IF_curr_exp read-out fed by every spike"),
    DeviceType("winner_take_all", SINK, {"groups": None, "window": None}, ("winner",),
               "index of the group of neurons with most spikes (-1 when all are silent)"),
    DeviceType("spike_recorder", SINK, {}, ("times", "spiked", "ids"),
               "spikes of the last step as rows [index in view, time in ms]"),
)}

RECEPTOR_TYPES = ("excitatory", "inhibitory")
CONNECTORS = ("all_to_all", "one_to_one")


def device_type(name: str) -> DeviceType:
    """The DeviceType called `name`, or a ValueError listing the known ones."""
    try:
        return DEVICE_TYPES[name]
    except KeyError:
        raise ValueError(f"unknown device type {name!r}; known types: "
                         f"{', '.join(sorted(DEVICE_TYPES))}") from None


def _plain(value: Any) -> Any:
    """A msgpack-friendly copy of a parameter value (arrays become lists)."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, tuple):
        return list(value)
    return value


def make_spec(name: str, type_name: str, population: str, indices: Any = None,
              **params: Any) -> dict:
    """A device spec dict with every parameter filled in; unknown parameters are an error."""
    dtype = device_type(type_name)
    unknown = sorted(set(params) - set(dtype.defaults))
    if unknown:
        raise ValueError(f"device {name!r} ({type_name}) has no parameter(s) {unknown}; "
                         f"its parameters are {sorted(dtype.defaults) or 'none'}")
    full = {**dtype.defaults, **{k: _plain(v) for k, v in params.items()}}
    if full.get("receptor_type", "excitatory") not in RECEPTOR_TYPES:
        raise ValueError(f"device {name!r}: receptor_type must be one of {RECEPTOR_TYPES}, "
                         f"not {full['receptor_type']!r}")
    if full.get("connector", "all_to_all") not in CONNECTORS:
        raise ValueError(f"device {name!r}: connector must be one of {CONNECTORS}, "
                         f"not {full['connector']!r}")
    return {"name": name, "type": type_name, "population": population,
            "indices": _plain(indices), "params": full}


def initial_value(spec: dict, size: int | None = None) -> Any:
    """A decoder's value before the brain has run: resting voltage, zero rate, no spikes.

    `size` is the number of neurons when known (spike_counts gives one zero per neuron).
    """
    kind, params = spec["type"], spec["params"]
    if kind.startswith("leaky_integrator"):
        return float(params["v_rest"])
    if kind == "population_rate":
        return 0.0
    if kind == "winner_take_all":
        return -1
    if kind == "spike_counts":
        if size is None:
            size = len(spec["indices"]) if isinstance(spec["indices"], list) else 0
        return np.zeros(size, dtype=np.int64)
    if kind == "spike_recorder":
        return np.zeros((0, 2))
    raise ValueError(f"device type {kind!r} is not a decoder; only decoders have values to read")
