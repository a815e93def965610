"""The tick loop: every core's update in parallel, then spike delivery in parallel.

One call runs many ticks inside compiled code, so ``run(20)`` from a closed loop costs
microseconds of overhead. Within a phase no two threads write the same core's state: the update
phase is split by core, delivery by groups of target cores. Between the phases one serial step
gathers the tick's spikes, in key order, and lets the delay-extension cores re-send spikes
of earlier ticks under their own keys.

A loop is compiled per kind of model (see :func:`tick_loop`): the kernels of core kinds a model
lacks, and STDP when it has no plastic synapse, are left out, which keeps the first-run compile
of a model to the kernels it uses.
"""

import functools

from numba import njit, prange

from .jit import KERNEL_OPTIONS, kernel
from .layout import (
    DELAY_EXTENSION, IZHIKEVICH, LIF_COND_EXP, LIF_CURR_ALPHA, LIF_CURR_DELTA, LIF_CURR_EXP,
    N_NEURON_KINDS, SPIKE_INJECTOR, SPIKE_SOURCE_ARRAY, SPIKE_SOURCE_POISSON,
)
from .neurons import update_neuron_core
from .sources import array_core, poisson_core
from .synapses import deliver_to_cores

# columns of the per-core provenance counters
PACKETS_RECEIVED, SYNAPTIC_EVENTS, SATURATIONS, SPIKES_SENT, MAX_SPIKES_PER_TICK = 0, 1, 2, 3, 4
MAX_PACKETS_PER_TICK, PACKETS_BEFORE_TICK = 5, 6
N_COUNTERS = 7


@functools.cache
def tick_loop(parallel: bool, kinds: frozenset, plastic: bool):
    """The tick loop for models with cores of `kinds` (and plastic synapses or not), serial or
    parallel; compiled at its first call, and cached on disk per variant (its closure's values
    are part of numba's cache key).

    The parallel variant shares each phase between numba's threads; small models run the
    serial one, as a parallel region costs microseconds to open, twice per tick (and compiling
    the parallel variant costs seconds, so it is compiled only for models that use it).
    """
    # True, or None for what the model lacks: numba prunes code behind `is not None` checks of
    # None-typed arguments before compiling it
    core_kinds = tuple(True if kinds & group else None for group in (
        {LIF_CURR_EXP}, {LIF_COND_EXP}, {LIF_CURR_ALPHA}, {LIF_CURR_DELTA}, {IZHIKEVICH},
        {SPIKE_SOURCE_POISSON}, {SPIKE_SOURCE_ARRAY, SPIKE_INJECTOR}))
    stdp = True if plastic else None

    def run_ticks(t0, n_ticks, cores, neurons, synapses, plasticity, sources, currents, recording,
                  spikes):
        """Run ticks t0 .. t0 + n_ticks - 1; return the first tick not run.

        Stops early (returning that tick) when the spike recording buffer could overflow in the
        next tick, so the caller can grow it and continue: nothing recorded is lost.
        """
        kind, lo, hi, depth, counters = cores[0], cores[1], cores[2], cores[4], cores[9]
        de_source_lo, de_stages, group_ptr = cores[10], cores[11], cores[12]
        post_hist, post_hist_n = plasticity[4], plasticity[5]
        cs_values, cs_column = currents
        (rec_columns, rec_out, rec_first_row, spike_recorded, spike_buffer,
         spike_buffer_n) = recording
        fired_ids, fired_count, n_fired, hist_ids, hist_count, hist_n = spikes

        n_cores = kind.shape[0]
        n_real = neurons[2].shape[0]  # atoms (refractory counters are per atom)
        n_groups = group_ptr.shape[0] - 1
        history = hist_n.shape[0]
        track_post = post_hist.shape[0] == n_real
        for t in range(t0, t0 + n_ticks):
            if spike_buffer_n[0] + n_real > spike_buffer.shape[0]:
                return t
            cs_row = cs_values[t - t0]
            if parallel:
                for c in prange(n_cores):
                    _update_core(c, t, cores, neurons, sources, cs_row, cs_column, rec_columns,
                                 rec_out, rec_first_row, fired_ids, fired_count, n_fired,
                                 *core_kinds)
            else:
                for c in range(n_cores):
                    _update_core(c, t, cores, neurons, sources, cs_row, cs_column, rec_columns,
                                 rec_out, rec_first_row, fired_ids, fired_count, n_fired,
                                 *core_kinds)

            # gather this tick's spikes into the history, in key order
            h = t % history
            m = 0
            for c in range(n_cores):
                sent = 0
                if kind[c] == DELAY_EXTENSION:
                    m, sent = _resend_delayed(t, c, lo, hi, depth, de_source_lo, de_stages,
                                              hist_ids, hist_count, hist_n, h, m)
                else:
                    for j in range(lo[c], lo[c] + n_fired[c]):
                        i = fired_ids[j]
                        count = 1 if kind[c] < N_NEURON_KINDS else fired_count[j]
                        hist_ids[h, m] = i
                        hist_count[h, m] = count
                        m += 1
                        sent += count
                        if spike_recorded[i]:
                            b = spike_buffer_n[0]
                            spike_buffer[b, 0] = t
                            spike_buffer[b, 1] = i
                            spike_buffer[b, 2] = count
                            spike_buffer_n[0] = b + 1
                        if track_post and kind[c] < N_NEURON_KINDS:
                            post_hist[i, post_hist_n[i] % post_hist.shape[1]] = t
                            post_hist_n[i] += 1
                counters[c, SPIKES_SENT] += sent
                if sent > counters[c, MAX_SPIKES_PER_TICK]:
                    counters[c, MAX_SPIKES_PER_TICK] = sent
            hist_n[h] = m

            ids = hist_ids[h, :m]
            counts = hist_count[h, :m]
            if parallel:
                for g in prange(n_groups):
                    _deliver_group(group_ptr[g], group_ptr[g + 1], t, ids, counts, cores,
                                   neurons, synapses, plasticity, stdp)
            else:
                _deliver_group(0, n_cores, t, ids, counts, cores, neurons, synapses, plasticity,
                               stdp)
        return t0 + n_ticks

    # threads need no reference counting either: the kernels allocate nothing
    return njit(**KERNEL_OPTIONS, parallel=parallel)(run_ticks)


@kernel
def _update_core(c, t, cores, neurons, sources, cs_row, cs_column, rec_columns, rec_out,
                 rec_first_row, fired_ids, fired_count, n_fired, curr_exp, cond_exp, curr_alpha,
                 curr_delta, izhikevich, poisson, arrays):
    """Phase one of a tick on core `c`: neurons integrate, sources emit (the last arguments:
    which kinds of core the model has, True or None; see :func:`tick_loop`)."""
    kind, lo, hi, ring_off, depth, shift = cores[:6]
    rec_interval, counters = cores[8], cores[9]
    params, state, refrac, refrac_ticks, ring = neurons
    (seeds, rate_per_tick, exp_minus_rate, start_tick, end_tick, ticks_to_next, times_ptr, times,
     next_index) = sources
    k = kind[c]
    counters[c, PACKETS_BEFORE_TICK] = counters[c, PACKETS_RECEIVED]
    if k < N_NEURON_KINDS:
        row = -1
        if rec_interval[c] > 0 and t % rec_interval[c] == 0:
            row = t // rec_interval[c] - rec_first_row[c]
        n_fired[c] = update_neuron_core(
            k, lo[c], hi[c], params, state, refrac, refrac_ticks, ring, ring_off[c], depth[c],
            shift[c, 0], shift[c, 1], t, cs_row, cs_column, rec_columns, row, rec_out, fired_ids,
            curr_exp, cond_exp, curr_alpha, curr_delta, izhikevich)
    elif poisson is not None and k == SPIKE_SOURCE_POISSON:
        n_fired[c] = poisson_core(lo[c], hi[c], t, seeds[c], rate_per_tick, exp_minus_rate,
                                  start_tick, end_tick, ticks_to_next, fired_ids, fired_count)
    elif arrays is not None and k != DELAY_EXTENSION:
        n_fired[c] = array_core(lo[c], hi[c], t, times_ptr, times, next_index, fired_ids,
                                fired_count)


@kernel
def _deliver_group(core_first, core_last, t, ids, counts, cores, neurons, synapses,
                   plasticity, stdp):
    """Phase two of a tick for target cores [core_first, core_last): spikes into their ring
    buffers (`stdp`: True, or None for a model without plastic synapses)."""
    lo, hi, ring_off, depth = cores[1:5]
    index_bits, type_bits, counters = cores[6], cores[7], cores[9]
    ring = neurons[4]
    src_row_ptr, row_core, row_start, row_rule, words, float_weights = synapses
    stdp_rules, plastic_weights, last_pre_tick, pre_trace, post_hist, post_hist_n = plasticity
    deliver_to_cores(core_first, core_last, t, ids, counts, lo, hi, ring_off, depth,
                     index_bits, type_bits, src_row_ptr, row_core, row_start, row_rule, words,
                     float_weights, ring, stdp_rules, plastic_weights, last_pre_tick, pre_trace,
                     post_hist, post_hist_n, counters, stdp)
    for c in range(core_first, core_last):
        received = counters[c, PACKETS_RECEIVED] - counters[c, PACKETS_BEFORE_TICK]
        if received > counters[c, MAX_PACKETS_PER_TICK]:
            counters[c, MAX_PACKETS_PER_TICK] = received


@kernel
def _resend_delayed(t, c, lo, hi, depth, de_source_lo, de_stages, hist_ids, hist_count, hist_n,
                    h, m):
    """A delay-extension core re-sends, at stage k, the spikes its source slice sent k x depth
    ticks ago, under keys ``lo[c] + (k - 1) * n + (atom - source_lo)``."""
    n = (hi[c] - lo[c]) // de_stages[c]
    source_lo = de_source_lo[c]
    history = hist_n.shape[0]
    sent = 0
    for stage in range(1, de_stages[c] + 1):
        source_tick = t - stage * depth[c]
        if source_tick < 0:
            break
        old = source_tick % history
        for j in range(hist_n[old]):
            s = hist_ids[old, j]
            if source_lo <= s < source_lo + n:
                hist_ids[h, m] = lo[c] + (stage - 1) * n + s - source_lo
                hist_count[h, m] = hist_count[old, j]
                sent += hist_count[old, j]
                m += 1
    return m, sent
