"""Spike sources of one tick: Poisson (per-core mars_kiss64 generator), arrays and injectors.

Each source core writes the atoms that fire to ``fired_ids[lo:lo + n]`` and how many spikes
each sends to ``fired_count`` (a Poisson atom may send several in one tick, as on SpiNNaker).
"""

import math

import numpy as np
from numba import njit

from .jit import KERNEL_OPTIONS, inlined_kernel, kernel

MASK32 = np.uint64(0xFFFFFFFF)
#: per-tick rate regimes of sPyNNaker's spike_source_poisson.c
SLOW_RATE_PER_TICK = 0.01
FAST_RATE_PER_TICK = 10.0


# The generator's helpers are kernels of their own, which LLVM inlines where they are called;
# numba's inlining copied and re-typed them at each of their call sites (~1 s of a cold start).
# `_poisson_count` is inlined by numba: LLVM leaves it a call, 50% slower per source and tick.
@kernel
def kiss64_next(state):
    """One draw of Marsaglia's KISS64 as SpiNNaker's ``mars_kiss64_seed`` (uint32 arithmetic):
    (value, next state). The state is a tuple of four uint64 words, so a core's draws keep it
    in registers."""
    x, y, z, c = state
    x = (np.uint64(314527869) * x + np.uint64(1234567)) & MASK32
    y ^= (y << np.uint64(5)) & MASK32
    y ^= y >> np.uint64(7)
    y ^= (y << np.uint64(22)) & MASK32
    t = np.uint64(4294584393) * z + c
    c = t >> np.uint64(32)
    z = t & MASK32
    return (x + y + z) & MASK32, (x, y, z, c)


@kernel
def uniform(state):
    """A uniform draw in (0, 1), and the next state."""
    value, state = kiss64_next(state)
    return (np.float64(value) + 0.5) / 4294967296.0, state


@kernel
def exponential(state, mean):
    u, state = uniform(state)
    return -math.log(u) * mean, state


@njit(inline="always", **KERNEL_OPTIONS)
def _poisson_count(state, rate, exp_minus_rate):
    """Spikes in one tick at `rate` spikes/tick: Knuth's method, or a Gaussian for fast rates.
    Returns (count, next state)."""
    if rate > FAST_RATE_PER_TICK:
        u1, state = uniform(state)
        u2, state = uniform(state)
        z = math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)
        return max(0, int(round(rate + math.sqrt(rate) * z))), state
    k = 0
    p, state = uniform(state)
    while p > exp_minus_rate:
        k += 1
        u, state = uniform(state)
        p *= u
    return k, state


@inlined_kernel
def poisson_core(lo, hi, tick, seed, rate_per_tick, exp_minus_rate, start_tick, end_tick,
                 ticks_to_next, fired_ids, fired_count):
    """One tick of a SpikeSourcePoisson core; returns how many atoms fired.

    Slow sources (< 0.01 spikes/tick) count down an exponential inter-spike interval;
    ``ticks_to_next`` < 0 marks an interval to draw afresh (at start, or after a rate change).
    `seed` (the core's generator state) is read once and written back at the end.
    """
    state = (seed[0], seed[1], seed[2], seed[3])
    n = 0
    for i in range(lo, hi):
        rate = rate_per_tick[i]
        if rate <= 0.0 or tick < start_tick[i] or tick >= end_tick[i]:
            continue
        if rate < SLOW_RATE_PER_TICK:
            if ticks_to_next[i] < 0.0:
                ticks_to_next[i], state = exponential(state, 1.0 / rate)
            count = 0
            while ticks_to_next[i] < 1.0:
                count += 1
                interval, state = exponential(state, 1.0 / rate)
                ticks_to_next[i] += interval
            ticks_to_next[i] -= 1.0
        else:
            count, state = _poisson_count(state, rate, exp_minus_rate[i])
        if count > 0:
            fired_ids[lo + n] = i
            fired_count[lo + n] = count
            n += 1
    seed[0], seed[1], seed[2], seed[3] = state
    return n


@inlined_kernel
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
