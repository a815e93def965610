"""Ring-buffer weight scaling: one power-of-two left shift per synapse type of a population.

sPyNNaker (``abstract_population_vertex.py``, ``__get_ring_buffer_shifts``) sizes the shift so
that the largest sum of weights likely to land in one ring-buffer slot still fits 16 bits:
the expected upper bound of a Poisson sum of the incoming spikes (``spikes_per_second`` per
pre-synaptic neuron unless it is a Poisson source with a known rate, ``ring_buffer_sigma``
standard deviations), capped by the sum of all weights, and at least the biggest single weight.
"""

import math
from dataclasses import dataclass

import numpy as np

MAX_SHIFT = 15


@dataclass
class IncomingSynapses:
    """Statistics of one projection's weights onto one synapse type (already scaled, >= 0)."""

    n: int
    mean: float
    var: float
    max: float
    max_in_degree: int
    rate_hz: float


def left_shift_for(max_weight: float) -> int:
    """shift = ceil(log2(max)), +1 when max is an exact power of two, within [0, 15]."""
    if max_weight <= 0:
        return 0
    exponent = math.log2(max_weight)
    shift = math.ceil(exponent)
    if shift == exponent:
        shift += 1
    return int(min(MAX_SHIFT, max(0, shift)))


def expected_max_weight(incoming: list[IncomingSynapses], timestep_ms: float,
                        ring_buffer_sigma: float) -> float:
    """The largest sum of weights expected in one slot for one synapse type."""
    mean = 0.0
    variance = 0.0
    total = 0.0
    biggest = 0.0
    for syn in incoming:
        if syn.n == 0:
            continue
        spikes_per_tick = syn.max_in_degree * syn.rate_hz * timestep_ms / 1000.0
        mean += spikes_per_tick * syn.mean
        variance += spikes_per_tick * (syn.mean ** 2 + syn.var)
        total += syn.max_in_degree * syn.max * max(1.0, math.ceil(spikes_per_tick))
        biggest = max(biggest, syn.max)
    return max(min(mean + ring_buffer_sigma * math.sqrt(variance), total), biggest)


def quantise(weights: np.ndarray, shift: int) -> np.ndarray:
    """|w| x 2**(15 - shift), rounded, as the 16-bit weights stored in synaptic words."""
    stored = np.rint(np.abs(weights) * 2.0 ** (15 - shift))
    return np.minimum(stored, 0xFFFF).astype(np.uint32)
