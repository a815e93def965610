"""One tick of a neuron core: ring-buffer slot -> synaptic state, neuron update, synaptic decay.

The order and arithmetic follow sPyNNaker (``neuron_impl_standard.h``, ``neuron_model_lif_impl.h``,
``synapse_types_exponential_impl.h``, ``synapse_types_alpha_impl.h``, ``input_type_conductance.h``,
``neuron_model_izh_impl.h``); see SPINNAKER_FACTS.md, "One tick on a neuron core".

``params`` and ``state`` are stored one row per column name (``params[V_REST, atom]``), so a
core's atoms are contiguous in every column. A tick is short loops over the core's atoms, each
written so that LLVM vectorises it: the excitatory synapses, the inhibitory ones (this tick's
inputs out to a scratch row, then their decay), the membrane (which marks the atoms that
fire), then a scan that lists them. A loop that writes few arrays and loads no element by an
index it computes is one LLVM can prove safe to run four atoms at a time; with the spike list's
conditional store and the current sources' indexed load in the loop, the update ran an atom at
a time (CUBA-4000 on the 2-core VM: ~24 us a tick for the neurons, now ~16). The synapse and
membrane loops ask for the CPU's widest vectors (``prefer_wide_vectors``: eight atoms at a time
with AVX-512).
The refractory period is kept as the tick an atom becomes active again, so the membrane loop
only reads it. The loops are compiled per kind of synapse and of membrane, so their bodies
have no branch on the kind. The arithmetic sits in helpers that take and return scalars only.
They are compiled twice more: for a core whose atoms share their parameters (the common case:
a population made with single values) each parameter is one value, not a row to load per atom.
"""

import numpy as np
from numba import njit, types
from numba.extending import overload

from .cpu import prefer_wide_vectors
from .fixed_point import (
    accum_div, accum_mul, accum_shift_right, accum_word, constant, halve, ring_to_input,
    u032_mul,
)
from .jit import KERNEL_OPTIONS, inlined_kernel, kernel, named_variant
from .layout import (
    ALPHA_EXP_E, ALPHA_EXP_I, ALPHA_Q_E, ALPHA_Q_I, CONDUCTANCE_SHIFT, DECAY_E, DECAY_I, E_REV_E,
    E_REV_I, EXP_TC, I_OFFSET, INIT_E, INIT_I,
    IZH_A, IZH_B, IZH_C, IZH_D, IZH_H, IZH_U, IZHIKEVICH, LIF_COND_EXP, LIF_CURR_ALPHA,
    LIF_CURR_DELTA, LIF_CURR_EXP, R_MEMBRANE, RECORD_GSYN_EXC, RECORD_GSYN_INH, RECORD_V, SYN_E,
    SYN_I, V, V_REST, V_RESET, V_THRESH,
)


@inlined_kernel
def update_neuron_core(kind, t, lo, hi, params, state, active_from, refrac_ticks, ring_slot,
                       synaptic_input, shift_e, shift_i, cs_row, cs_column, injected, rec_columns,
                       rec_row, rec_out, spiked, fired_ids, curr_exp, cond_exp, curr_alpha,
                       curr_delta, izhikevich, uniform):
    """Advance atoms [lo, hi) of one neuron core by tick `t`; return how many fired.

    `ring_slot` is this tick's row of the ring buffer: the core's excitatory inputs are at
    columns ``2 lo .. lo + hi``, its inhibitory ones at ``lo + hi .. 2 hi``.
    ``synaptic_input[:, lo:hi]`` is scratch for the tick's excitatory and inhibitory inputs,
    ``spiked[lo:hi]`` for the atoms that fire. ``cs_row[cs_column[i]]`` is atom i's
    current-source input this tick (column 0 holds no current: a model without current sources
    has only that one, and its atoms take i_offset as it is; otherwise ``injected[lo:hi]`` is
    scratch for i_offset plus the sources). An atom is refractory until tick
    ``active_from[atom]``. The atoms that fired go to ``fired_ids[lo:lo + n_fired]``, in order.
    When `rec_row` >= 0 this is a sampling tick: v and the synaptic inputs from *before* the
    update go to ``rec_out[var, rec_row, rec_columns[var, i]]`` for the recorded atoms
    (column >= 0). The five arguments before the last say which kinds the model has: True, or
    None for a kind it lacks, whose code numba then leaves out before compiling. `uniform` is
    True where the core's atoms share every parameter but i_offset: the loops then take each
    parameter as one value instead of a row (see `_parameter`), ten loads an atom fewer, ~25%
    of a LIF core's tick; None compiles the row-per-parameter variant.
    """
    exc, inh = synaptic_input[0, lo:hi], synaptic_input[1, lo:hi]
    one = constant(1.0, state[V, lo])
    excitatory = (ring_slot[2 * lo:lo + hi], state[SYN_E, lo:hi],
                  _parameter(params, DECAY_E, lo, hi, uniform),
                  _parameter(params, INIT_E, lo, hi, uniform), state[ALPHA_EXP_E, lo:hi],
                  state[ALPHA_Q_E, lo:hi], exc, shift_e, one)
    inhibitory = (ring_slot[lo + hi:2 * hi], state[SYN_I, lo:hi],
                  _parameter(params, DECAY_I, lo, hi, uniform),
                  _parameter(params, INIT_I, lo, hi, uniform), state[ALPHA_EXP_I, lo:hi],
                  state[ALPHA_Q_I, lo:hi], inh, shift_i, one)
    if (curr_exp is not None and kind == LIF_CURR_EXP) or (
            cond_exp is not None and kind == LIF_COND_EXP) or (
            izhikevich is not None and kind == IZHIKEVICH):
        _exponential_synapses(*excitatory)
        _exponential_synapses(*inhibitory)
    if curr_alpha is not None and kind == LIF_CURR_ALPHA:
        _alpha_synapses(*excitatory)
        _alpha_synapses(*inhibitory)
    if curr_delta is not None and kind == LIF_CURR_DELTA:
        _delta_synapses(*excitatory)
        _delta_synapses(*inhibitory)
    ring_slot[2 * lo:2 * hi] = 0
    external = params[I_OFFSET, lo:hi]
    if cs_row.shape[0] > 1:
        external = injected[lo:hi]
        _inject_currents(params[I_OFFSET, lo:hi], cs_row, cs_column[lo:hi], external)
    if rec_row >= 0:
        _record(lo, hi, state, exc, inh, rec_columns, rec_row, rec_out)
    membrane_args = (t, lo, hi, params, uniform, state, active_from, exc, inh, external,
                     spiked[lo:hi], one)
    n_fired = 0
    if curr_exp is not None and kind == LIF_CURR_EXP:
        n_fired = _lif_current_membrane(*membrane_args)
    if curr_alpha is not None and kind == LIF_CURR_ALPHA:
        n_fired = _lif_current_membrane(*membrane_args)
    if cond_exp is not None and kind == LIF_COND_EXP:
        n_fired = _lif_conductance_membrane(*membrane_args)
    if curr_delta is not None and kind == LIF_CURR_DELTA:
        n_fired = _lif_delta_membrane(*membrane_args)
    if izhikevich is not None and kind == IZHIKEVICH:
        n_fired = _izhikevich_membrane(*membrane_args)
    if n_fired > 0:
        _list_fired(t, lo, n_fired, spiked, active_from, refrac_ticks, fired_ids)
    return n_fired


def _compile_synapses(kind: int):
    """One synapse type's part of a tick for `kind`'s synapse shape (exponential, delta or
    alpha): this tick's ring-buffer slot in, the inputs the membrane sees this tick out to
    `out`, then the decay (or the alpha function's advance). The caller clears the slot."""
    alpha = kind == LIF_CURR_ALPHA

    def synapses(ring, syn, decay, init, alpha_exp, alpha_q, out, shift, one):
        prefer_wide_vectors()
        # (an alpha synapse keeps its dt / tau**2 in the init columns: ALPHA_DT_TAU_SQR_*)
        for j in range(ring.shape[0]):
            value = ring_to_input(ring[j], shift)
            if alpha:
                line, exponential, last_input = _alpha_input(
                    syn[j], alpha_exp[j], alpha_q[j], value, _at(decay, j), _at(init, j), one)
                out[j] = accum_mul(line, exponential)
                syn[j] = line + accum_mul(last_input, _at(init, j))
                alpha_exp[j] = u032_mul(exponential, _at(decay, j))
                alpha_q[j] = last_input
            else:
                e = _exponential_input(kind, syn[j], value, _at(init, j))
                out[j] = e
                syn[j] = u032_mul(e, _at(decay, j))

    return inlined_kernel(named_variant(synapses, f"kind{kind}"))


_exponential_synapses = _compile_synapses(LIF_CURR_EXP)
_alpha_synapses = _compile_synapses(LIF_CURR_ALPHA)
_delta_synapses = _compile_synapses(LIF_CURR_DELTA)


def _compile_membrane(kind: int):
    """The membrane's part of a tick for `kind`'s neuron model, given this tick's synaptic
    inputs `exc`, `inh`: marks the atoms that fire in `spiked`, returns their number. A
    refractory LIF atom selects values instead of branching."""

    def membrane(t, lo, hi, params, uniform, state, active_from, exc, inh, external, spiked,
                 one):
        prefer_wide_vectors()
        v, izh_u = state[V, lo:hi], state[IZH_U, lo:hi]
        v_rest = _parameter(params, V_REST, lo, hi, uniform)
        v_reset = _parameter(params, V_RESET, lo, hi, uniform)
        v_thresh = _parameter(params, V_THRESH, lo, hi, uniform)
        r_membrane = _parameter(params, R_MEMBRANE, lo, hi, uniform)
        exp_tc = _parameter(params, EXP_TC, lo, hi, uniform)
        e_rev_e = _parameter(params, E_REV_E, lo, hi, uniform)
        e_rev_i = _parameter(params, E_REV_I, lo, hi, uniform)
        izh_a = _parameter(params, IZH_A, lo, hi, uniform)
        izh_b = _parameter(params, IZH_B, lo, hi, uniform)
        izh_c = _parameter(params, IZH_C, lo, hi, uniform)
        izh_d = _parameter(params, IZH_D, lo, hi, uniform)
        izh_h = _parameter(params, IZH_H, lo, hi, uniform)
        active_tick = active_from[lo:hi]
        n_fired = 0
        for j in range(hi - lo):
            v_old = v[j]
            if kind == IZHIKEVICH:
                v_new, u = _izhikevich_vu(v_old, izh_u[j], exc[j] - inh[j] + external[j],
                                          _at(izh_a, j), _at(izh_b, j), _at(izh_h, j), one)
                spike = v_new >= 30 * one
                v[j] = _at(izh_c, j) if spike else v_new
                izh_u[j] = u + _at(izh_d, j) if spike else u
            else:
                v_new = _lif_v(kind, v_old, exc[j], inh[j], external[j], _at(r_membrane, j),
                               _at(v_rest, j), _at(exp_tc, j), _at(e_rev_e, j), _at(e_rev_i, j))
                active = active_tick[j] <= t
                spike = active & (v_new >= _at(v_thresh, j))
                v[j] = _at(v_reset, j) if spike else (v_new if active else v_old)
            spiked[j] = spike
            n_fired += spike
        return n_fired

    return inlined_kernel(named_variant(membrane, f"kind{kind}"))


_lif_current_membrane = _compile_membrane(LIF_CURR_EXP)
_lif_conductance_membrane = _compile_membrane(LIF_COND_EXP)
_lif_delta_membrane = _compile_membrane(LIF_CURR_DELTA)
_izhikevich_membrane = _compile_membrane(IZHIKEVICH)


def _parameter(params, column, lo, hi, uniform):
    """Parameter `column` of atoms [lo, hi): their row of ``params``, or, where the core is
    uniform (`uniform` True rather than None), the one value they share."""
    raise NotImplementedError


# (typed with NRT, as numba returns a view only from a function that has it; inlined into the
# kernels, which run without it)
@overload(_parameter, jit_options={"cache": True, "_nrt": True}, inline="always")
def _parameter_impl(params, column, lo, hi, uniform):
    if isinstance(uniform, types.NoneType):
        return lambda params, column, lo, hi, uniform: params[column, lo:hi]
    return lambda params, column, lo, hi, uniform: params[column, lo]


def _at(values, j):
    """Atom j's value of a parameter from `_parameter` (a row, or one value for all)."""
    raise NotImplementedError


@overload(_at, jit_options={"cache": True}, inline="always")
def _at_impl(values, j):
    if isinstance(values, types.Array):
        return lambda values, j: values[j]
    return lambda values, j: values


@inlined_kernel
def _inject_currents(i_offset, cs_row, cs_column, external):
    """Each atom's external current this tick: its i_offset plus its current sources' column
    (a loop of its own: the membrane's loop, given an element loaded by a computed index, runs
    an atom at a time)."""
    for j in range(i_offset.shape[0]):
        external[j] = accum_word(i_offset[j] + cs_row[cs_column[j]])


@inlined_kernel
def _list_fired(t, lo, n_fired, spiked, active_from, refrac_ticks, fired_ids):
    """The `n_fired` atoms marked in ``spiked[lo:]`` to ``fired_ids[lo:]``, in order, each
    refractory from the next tick for its ``refrac_ticks`` (a store per atom instead of a
    branch, stopping at the last one). An aligned word of eight unmarked atoms is passed over
    at once: a core's few spikes a tick are far apart (CUBA-4000 at dt 1.0: the scan, an atom
    at a time, was an eighth of the run)."""
    words = spiked.view(np.uint64)  # (spiked holds whole words)
    n = 0
    j = lo
    while n < n_fired:
        if j & 7 == 0 and words[j >> 3] == 0:
            j += 8
            continue
        fired_ids[lo + n] = j
        n += spiked[j]
        j += 1
    for k in range(lo, lo + n_fired):
        atom = fired_ids[k]
        active_from[atom] = t + 1 + refrac_ticks[atom]


@kernel
def _exponential_input(kind, synapse, value, init):
    """An exponential synapse's state with this tick's input (scaled by its init factor);
    a delta synapse takes the input as it is."""
    if kind == LIF_CURR_DELTA:
        return accum_word(synapse + value)
    return accum_word(synapse + u032_mul(value, init))


@kernel
def _alpha_input(line, exponential, last_input, value, decay, dt_over_tau_sqr, one):
    """sPyNNaker's ``add_input_alpha`` on one synapse: a positive input restarts the
    exponential and folds into the line. Returns (line, exponential, last input)."""
    if value <= 0:
        return line, exponential, last_input
    exponential = u032_mul(exponential, decay) + one
    exp_temp = one - accum_div(one, exponential)
    line = accum_mul(line + accum_mul(value, dt_over_tau_sqr), exp_temp)
    return line, exponential, value


@kernel
def _lif_v(kind, v, exc, inh, external, r_membrane, v_rest, exp_tc, e_rev_e, e_rev_i):
    """v after the closed-form LIF step of ``neuron_model_lif_impl.h`` (before threshold)."""
    if kind == LIF_COND_EXP:
        # conductances are stored scaled up by 2**CONDUCTANCE_SHIFT; v from the tick's start
        g_e = accum_shift_right(exc, CONDUCTANCE_SHIFT)
        g_i = accum_shift_right(inh, CONDUCTANCE_SHIFT)
        current = accum_word(accum_mul(g_e, accum_word(e_rev_e - v))
                             + accum_mul(g_i, accum_word(e_rev_i - v)) + external)
    elif kind == LIF_CURR_DELTA:
        v = v + exc - inh  # delta synapses: weights are voltage jumps in mV
        current = external
    else:
        current = accum_word(exc - inh + external)
    alpha = accum_mul(current, r_membrane) + v_rest
    return alpha - accum_mul(exp_tc, accum_word(alpha - v))


@kernel
def _izhikevich_vu(v, u, current, a, b, h, one):
    """sPyNNaker's midpoint (RK2) step of the Izhikevich model: (v, u) before threshold."""
    five = 5 * one
    c004 = constant(0.04, one)
    pre_alpha = 140 * one + current - u
    alpha = pre_alpha + accum_mul(five + accum_mul(c004, v), v)
    eta = v + halve(accum_mul(h, alpha))
    beta = halve(accum_mul(accum_mul(h, accum_mul(b, v) - u), a))
    v = v + accum_mul(h, pre_alpha - beta + accum_mul(five + accum_mul(c004, eta), eta))
    u = u + accum_mul(accum_mul(a, h), -u - beta + accum_mul(b, eta))
    return v, u


@inlined_kernel
def _record(lo, hi, state, exc, inh, rec_columns, rec_row, rec_out):
    """A sampling tick: v before the update and this tick's synaptic inputs, for the recorded
    atoms."""
    for i in range(lo, hi):
        _sample(rec_columns, rec_out, RECORD_V, rec_row, i, state[V, i])
        _sample(rec_columns, rec_out, RECORD_GSYN_EXC, rec_row, i, exc[i - lo])
        _sample(rec_columns, rec_out, RECORD_GSYN_INH, rec_row, i, inh[i - lo])


@njit(**KERNEL_OPTIONS, inline="always")  # (a kernel would compile once per variable)
def _sample(rec_columns, rec_out, var, row, atom, value):
    """One recorded variable of one atom into its column of the sample row (if recorded)."""
    column = rec_columns[var, atom]
    if column >= 0:
        rec_out[var, row, column] = value
