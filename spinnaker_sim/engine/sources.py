"""Spike sources of one tick: Poisson (per-core mars_kiss64 generator), arrays and injectors.

Each source core writes the atoms that fire to ``fired_ids[lo:lo + n]`` and how many spikes
each sends to ``fired_count`` (a Poisson atom may send several in one tick, as on SpiNNaker).
"""

import math

import numpy as np
from numba import njit

from .jit import KERNEL_OPTIONS, kernel

MASK32 = np.uint64(0xFFFFFFFF)
#: per-tick rate regimes of sPyNNaker's spike_source_poisson.c
SLOW_RATE_PER_TICK = 0.01
FAST_RATE_PER_TICK = 10.0


@njit(inline="always", **KERNEL_OPTIONS)
def kiss64_next(seed):
    """One draw of Marsaglia's KISS64 as SpiNNaker's ``mars_kiss64_seed`` (uint32 arithmetic)."""
    seed[0] = (np.uint64(314527869) * seed[0] + np.uint64(1234567)) & MASK32
    y = seed[1]
    y ^= (y << np.uint64(5)) & MASK32
    y ^= y >> np.uint64(7)
    y ^= (y << np.uint64(22)) & MASK32
    seed[1] = y
    t = np.uint64(4294584393) * seed[2] + seed[3]
    seed[3] = t >> np.uint64(32)
    seed[2] = t & MASK32
    return (seed[0] + seed[1] + seed[2]) & MASK32


@njit(inline="always", **KERNEL_OPTIONS)
def uniform(seed):
    """A uniform draw in (0, 1)."""
    return (np.float64(kiss64_next(seed)) + 0.5) / 4294967296.0


@njit(inline="always", **KERNEL_OPTIONS)
def exponential(seed, mean):
    return -math.log(uniform(seed)) * mean


@njit(inline="always", **KERNEL_OPTIONS)
def _poisson_count(seed, rate, exp_minus_rate):
    """Spikes in one tick at `rate` spikes/tick: Knuth's method, or a Gaussian for fast rates."""
    if rate > FAST_RATE_PER_TICK:
        z = math.sqrt(-2.0 * math.log(uniform(seed))) * math.cos(2.0 * math.pi * uniform(seed))
        return max(0, int(round(rate + math.sqrt(rate) * z)))
    k = 0
    p = uniform(seed)
    while p > exp_minus_rate:
        k += 1
        p *= uniform(seed)
    return k


@kernel
def poisson_core(lo, hi, tick, seed, rate_per_tick, exp_minus_rate, start_tick, end_tick,
                 ticks_to_next, fired_ids, fired_count):
    """One tick of a SpikeSourcePoisson core; returns how many atoms fired.

    Slow sources (< 0.01 spikes/tick) count down an exponential inter-spike interval;
    ``ticks_to_next`` < 0 marks an interval to draw afresh (at start, or after a rate change).
    """
    n = 0
    for i in range(lo, hi):
        rate = rate_per_tick[i]
        if rate <= 0.0 or tick < start_tick[i] or tick >= end_tick[i]:
            continue
        if rate < SLOW_RATE_PER_TICK:
            if ticks_to_next[i] < 0.0:
                ticks_to_next[i] = exponential(seed, 1.0 / rate)
            count = 0
            while ticks_to_next[i] < 1.0:
                count += 1
                ticks_to_next[i] += exponential(seed, 1.0 / rate)
            ticks_to_next[i] -= 1.0
        else:
            count = _poisson_count(seed, rate, exp_minus_rate[i])
        if count > 0:
            fired_ids[lo + n] = i
            fired_count[lo + n] = count
            n += 1
    return n


@kernel
def array_core(lo, hi, tick, times_ptr, times, next_index, fired_ids, fired_count):
    """One tick of a SpikeSourceArray (or injector) core: send the spikes scheduled for `tick`.

    Atom i's spike ticks are ``times[times_ptr[i]:times_ptr[i + 1]]``, sorted; ``next_index[i]``
    is the first not yet sent. Ticks already in the past are skipped.
    """
    n = 0
    for i in range(lo, hi):
        k = next_index[i]
        end = times_ptr[i + 1]
        while k < end and times[k] < tick:
            k += 1
        count = 0
        while k < end and times[k] == tick:
            count += 1
            k += 1
        next_index[i] = k
        if count > 0:
            fired_ids[lo + n] = i
            fired_count[lo + n] = count
            n += 1
    return n
