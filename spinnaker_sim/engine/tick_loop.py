"""The tick loop: each group of cores delivers the previous tick's spikes and updates; then
the tick's spikes are gathered.

One call runs many ticks inside compiled code, so ``run(20)`` from a closed loop costs
microseconds of overhead. A group of cores is one thread's: it takes the spikes of tick t - 1
into its cores' ring buffers, then updates them for tick t, so no two threads write the same
core's state. The parallel loop keeps its threads (workers) for the whole call, each with its
share of the groups; at a barrier, one serial step gathers the tick's spikes, in key order, and
lets the delay-extension cores re-send spikes of earlier ticks under their own keys (every
delay is at least one tick, so that is the only hand-over). A run ends by delivering its last
tick's spikes."""

import functools

import numpy as np
from numba import njit, prange

from .jit import KERNEL_OPTIONS, inlined_kernel, named_variant
from .layout import (
    DELAY_EXTENSION, IZHIKEVICH, LIF_COND_EXP, LIF_CURR_ALPHA, LIF_CURR_DELTA, LIF_CURR_EXP,
    MAX_PACKETS_PER_TICK, MAX_SPIKES_PER_TICK, N_NEURON_KINDS, PACKETS_BEFORE_TICK,
    PACKETS_RECEIVED, SPIKE_INJECTOR, SPIKE_SOURCE_ARRAY, SPIKE_SOURCE_POISSON, SPIKES_SENT,
)
from .neurons import update_neuron_core
from .sources import array_core, poisson_core
from .synapses import deliver_to_cores
from .workers import RESULT, arrive, join, release, reset, wait_for_release


@functools.cache
def tick_loop(parallel: bool, kinds: frozenset, plastic: bool, uniform_cores: bool,
              per_atom_cores: bool):
    """The tick loop for models with cores of `kinds` (and plastic synapses or not), serial or
    parallel; compiled at its first call, and cached on disk per variant (its closure's values
    are part of numba's cache key). `uniform_cores` and `per_atom_cores` say whether some
    neuron core has atoms that share their parameters, and some has atoms that do not: the
    neuron update is compiled for the cases the model has (see ``update_neuron_core``).

    The parallel variant shares the cores between numba's threads, which meet at a barrier
    once a tick (~0.25 us on the 2-core VM); small models run the serial one (compiling the
    parallel variant costs seconds, so it is compiled only for models that use it).
    """
    # True, or None for what the model lacks: numba prunes code behind `is not None` checks of
    # None-typed arguments before compiling it
    curr_exp, cond_exp, curr_alpha, curr_delta, izhikevich, poisson, arrays = (
        True if kinds & group else None for group in (
            {LIF_CURR_EXP}, {LIF_COND_EXP}, {LIF_CURR_ALPHA}, {LIF_CURR_DELTA}, {IZHIKEVICH},
            {SPIKE_SOURCE_POISSON}, {SPIKE_SOURCE_ARRAY, SPIKE_INJECTOR}))
    stdp = True if plastic else None
    extensions = True if DELAY_EXTENSION in kinds else None
    uniform, per_atom = (True if uniform_cores else None, True if per_atom_cores else None)

    def run_ticks(t0, n_ticks, cores, neurons, synapses, plasticity, sources, currents, recording,
                  spikes, sync, n_workers):
        """Run ticks t0 .. t0 + n_ticks - 1; return the first tick not run.

        Stops early (returning that tick) when the spike recording buffer could overflow in the
        next tick, so the caller can grow it and continue: nothing recorded is lost. The
        parallel variant runs `n_workers` threads for the whole call, sharing `sync` (see
        ``workers.py``).
        """
        n_groups = np.int64(cores[11].shape[0] - 1)
        if not parallel:
            return _run_groups(np.int64(0), n_groups, np.int64(0), np.int64(1), None, t0, n_ticks,
                               cores, neurons, synapses, plasticity, sources, currents,
                               recording, spikes, stdp, curr_exp, cond_exp, curr_alpha,
                               curr_delta, izhikevich, poisson, arrays, extensions, uniform,
                               per_atom)
        reset(sync)
        for _ in prange(n_workers):
            rank, participants = join(sync, n_workers)
            if rank >= 0:  # a worker's share of the groups (each group is one thread's)
                t_end = _run_groups(rank * n_groups // participants,
                                    (rank + 1) * n_groups // participants, rank, participants,
                                    sync, t0, n_ticks, cores, neurons, synapses, plasticity,
                                    sources, currents, recording, spikes, stdp, curr_exp,
                                    cond_exp, curr_alpha, curr_delta, izhikevich, poisson,
                                    arrays, extensions, uniform, per_atom)
                if rank == 0:
                    sync[RESULT] = t_end
        return sync[RESULT]

    # threads need no reference counting either: the kernels allocate nothing
    variant = "_".join(["parallel" if parallel else "serial", *map(str, sorted(kinds)),
                        "stdp" if plastic else "static",
                        *(["uniform"] if uniform_cores else []),
                        *(["per_atom"] if per_atom_cores else [])])
    return njit(**KERNEL_OPTIONS, parallel=parallel)(named_variant(run_ticks, variant))


# _run_groups, _update_core and _deliver_groups are inlined by numba (one call site each in each
# loop variant): compiled as kernels of their own, their code was compiled and optimised once
# more at each level (~1 s each of a cold start), and each call copied the tick's ~40 arrays
# onto the stack (delivery's call: ~0.2 us a tick, a third of the tick of two tiny cores).
# _gather_spikes is inlined by LLVM (an inlined_kernel), not by numba: numba's inlining into the
# parallel loop's prange body gave wrong spikes under numba 0.68 (the test of workers against
# the serial loop fails). A trap of that kind, reproduced: in a function numba inlines there, a
# store through a name bound by unpacking a tuple argument (``ids, counts, n = spikes``) was lost
# in the parallel variant, while the same store through ``n = spikes[2]``, or one made in a
# kernel the array is passed to, took effect. So these functions index the argument tuples for
# the arrays they store into, and unpack only arrays they pass on.
@njit(**KERNEL_OPTIONS, inline="always")
def _run_groups(group_first, group_last, rank, participants, sync, t0, n_ticks, cores, neurons,
                synapses, plasticity, sources, currents, recording, spikes, stdp, curr_exp,
                cond_exp, curr_alpha, curr_delta, izhikevich, poisson, arrays, extensions,
                uniform, per_atom):
    """One worker's ticks: each tick, its groups take the previous tick's spikes into their
    rings and their cores update; at a barrier, the last worker to get there gathers the tick's
    spikes while the others wait (every delay is at least a tick, so this is the only
    hand-over; gathering before it lets the others go, it saves a second barrier). Returns the
    first tick not run (all workers see the same spike-buffer fill, so they stop together),
    with the last tick's spikes delivered. `sync` is None for the serial loop (one worker, no
    barrier). The last arguments say which kinds of core the model has, and which parameter
    layouts its neuron cores have, True or None (see :func:`tick_loop`)."""
    cs_values, cs_column = currents
    spike_buffer, spike_buffer_n = recording[4], recording[5]
    n_real = neurons[2].shape[0]  # atoms (active_from is per atom)
    group_ptr = cores[11]
    t = t0
    while True:
        if t > t0:
            _deliver_groups(group_first, group_last, t - 1, cores, neurons, synapses,
                            plasticity, spikes, stdp)
        if t == t0 + n_ticks or spike_buffer_n[0] + n_real > spike_buffer.shape[0]:
            return t
        for c in range(group_ptr[group_first], group_ptr[group_last]):
            _update_core(c, t, cores, neurons, sources, cs_values[t - t0], cs_column, recording,
                         spikes, curr_exp, cond_exp, curr_alpha, curr_delta, izhikevich, poisson,
                         arrays, uniform, per_atom)
        if sync is None:
            _gather_spikes(t, cores, plasticity, recording, spikes, extensions)
        else:
            generation = arrive(sync, participants)
            if generation < 0:  # the last worker to finish the tick gathers, the others wait
                _gather_spikes(t, cores, plasticity, recording, spikes, extensions)
                release(sync)
            else:
                wait_for_release(sync, generation)
        t += 1


@njit(**KERNEL_OPTIONS, inline="always")
def _update_core(c, t, cores, neurons, sources, cs_row, cs_column, recording, spikes, curr_exp,
                 cond_exp, curr_alpha, curr_delta, izhikevich, poisson, arrays, uniform,
                 per_atom):
    """Core `c`'s update in tick `t`: neurons integrate, sources emit. A neuron core whose
    atoms share their parameters runs the update that reads each once (`uniform`), the others
    the one that reads them per atom (`per_atom`); each is compiled only for a model that has
    such cores (True, or None). The core's spike count is stored only when it changes: the
    gatherer reads the counts, and a store every tick (mostly of 0 at dt 0.1) moved their
    cache lines between the CPUs (~4% of a silent 4000-neuron model's tick at dt 0.1)."""
    kind, lo, hi, shift = cores[0], cores[1], cores[2], cores[4]
    rec_interval, core_uniform = cores[7], cores[12]
    params, state, active_from, refrac_ticks, ring, synaptic_input, injected, spiked = neurons
    (seeds, rate_per_tick, exp_minus_rate, start_tick, end_tick, ticks_to_next, times_ptr, times,
     next_index) = sources
    rec_columns, rec_out, rec_first_row = recording[0], recording[1], recording[2]
    fired_ids, fired_count, n_fired = spikes[0], spikes[1], spikes[2]
    k = kind[c]
    n = 0
    if k < N_NEURON_KINDS:
        row = -1
        if rec_interval[c] > 0 and t % rec_interval[c] == 0:
            row = t // rec_interval[c] - rec_first_row[c]
        args = (k, t, lo[c], hi[c], params, state, active_from, refrac_ticks,
                ring[t & (ring.shape[0] - 1)], synaptic_input, shift[c, 0], shift[c, 1], cs_row,
                cs_column, injected, rec_columns, row, rec_out, spiked, fired_ids, curr_exp,
                cond_exp, curr_alpha, curr_delta, izhikevich)
        if uniform is not None and (per_atom is None or core_uniform[c]):
            n = update_neuron_core(*args, True)
        elif per_atom is not None:
            n = update_neuron_core(*args, None)
    elif poisson is not None and k == SPIKE_SOURCE_POISSON:
        n = poisson_core(lo[c], hi[c], t, seeds[c], rate_per_tick, exp_minus_rate, start_tick,
                         end_tick, ticks_to_next, fired_ids, fired_count)
    elif arrays is not None and k != DELAY_EXTENSION:
        n = array_core(lo[c], hi[c], t, times_ptr, times, next_index, fired_ids, fired_count)
    if n_fired[c] != n:
        n_fired[c] = n


@inlined_kernel
def _gather_spikes(t, cores, plasticity, recording, spikes, extensions):
    """Tick `t`'s spikes into the history, in key order, with the delay-extension cores'
    re-sent ones (`extensions`: True, or None for a model without delay-extension cores);
    recorded ones into the spike buffer, post spikes into the STDP history. A core's
    counters are written only when it sent spikes (their lines stay with its worker's CPU)."""
    kind, lo, hi, depth, counters = cores[0], cores[1], cores[2], cores[3], cores[8]
    de_source_lo, de_stages = cores[9], cores[10]
    post_hist, post_hist_n = plasticity[4], plasticity[5]
    spike_recorded, spike_buffer, spike_buffer_n = recording[3], recording[4], recording[5]
    fired_ids, fired_count, n_fired, hist_ids, hist_count, hist_n = spikes
    track_post = post_hist.shape[0] == fired_ids.shape[0]
    h = t % hist_n.shape[0]
    m = np.int64(0)  # (a literal 0 would compile _resend_delayed once more, for its type)
    for c in range(kind.shape[0]):
        sent = 0
        if extensions is not None and kind[c] == DELAY_EXTENSION:
            m, sent = _resend_delayed(t, c, lo, hi, depth, de_source_lo, de_stages, hist_ids,
                                      hist_count, hist_n, h, m)
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
        if sent > 0:
            counters[c, SPIKES_SENT] += sent
            if sent > counters[c, MAX_SPIKES_PER_TICK]:
                counters[c, MAX_SPIKES_PER_TICK] = sent
    hist_n[h] = m


@njit(**KERNEL_OPTIONS, inline="always")
def _deliver_groups(group_first, group_last, t, cores, neurons, synapses, plasticity, spikes,
                    stdp):
    """Tick `t`'s spikes (from the history) into the rings of core groups [group_first,
    group_last) (`stdp`: True, or None for a model without plastic synapses)."""
    lo, hi, depth = cores[1:4]
    index_bits, type_bits, counters, group_ptr = cores[5], cores[6], cores[8], cores[11]
    core_first, core_last = group_ptr[group_first], group_ptr[group_last]
    ring = neurons[4]
    stdp_rules, plastic_weights, last_pre_tick, pre_trace, post_hist, post_hist_n = plasticity
    hist_ids, hist_count, hist_n = spikes[3], spikes[4], spikes[5]
    h = t % hist_n.shape[0]
    for c in range(core_first, core_last):
        counters[c, PACKETS_BEFORE_TICK] = counters[c, PACKETS_RECEIVED]
    deliver_to_cores(group_first, group_last, t, hist_ids[h, :hist_n[h]],
                     hist_count[h, :hist_n[h]], lo, hi, depth, index_bits, type_bits, *synapses,
                     ring, stdp_rules, plastic_weights, last_pre_tick, pre_trace, post_hist,
                     post_hist_n, counters, stdp)
    for c in range(core_first, core_last):
        received = counters[c, PACKETS_RECEIVED] - counters[c, PACKETS_BEFORE_TICK]
        if received > counters[c, MAX_PACKETS_PER_TICK]:
            counters[c, MAX_PACKETS_PER_TICK] = received


@inlined_kernel
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
