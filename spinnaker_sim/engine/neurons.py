"""One tick of a neuron core: ring-buffer slot -> synaptic state, neuron update, synaptic decay.

The order and arithmetic follow sPyNNaker (``neuron_impl_standard.h``, ``neuron_model_lif_impl.h``,
``synapse_types_exponential_impl.h``, ``synapse_types_alpha_impl.h``, ``input_type_conductance.h``,
``neuron_model_izh_impl.h``); see SPINNAKER_FACTS.md, "One tick on a neuron core".

``params`` and ``state`` are stored one row per column name (``params[V_REST, atom]``), so a
core's atoms are contiguous in every column. A tick is one loop over the core's atoms (input,
membrane, synaptic shaping), compiled once per neuron kind so the body has no branch on the
kind. The arithmetic sits in helpers that take and return scalars only: a helper taking arrays
would cost reference-count updates per atom.
"""

from .fixed_point import (
    accum_div, accum_mul, accum_shift_right, constant, halve, ring_to_input, u032_mul,
)
from .jit import kernel
from .layout import (
    ALPHA_DT_TAU_SQR_E, ALPHA_DT_TAU_SQR_I, ALPHA_EXP_E, ALPHA_EXP_I, ALPHA_Q_E, ALPHA_Q_I,
    CONDUCTANCE_SHIFT, DECAY_E, DECAY_I, E_REV_E, E_REV_I, EXP_TC, I_OFFSET, INIT_E, INIT_I,
    IZH_A, IZH_B, IZH_C, IZH_D, IZH_H, IZH_U, IZHIKEVICH, LIF_COND_EXP, LIF_CURR_ALPHA,
    LIF_CURR_DELTA, LIF_CURR_EXP, R_MEMBRANE, RECORD_GSYN_EXC, RECORD_GSYN_INH, RECORD_V, SYN_E,
    SYN_I, V, V_REST, V_RESET, V_THRESH,
)


@kernel
def update_neuron_core(kind, lo, hi, params, state, refrac, refrac_ticks, ring, ring_off, depth,
                       shift_e, shift_i, tick, cs_row, cs_column, rec_columns, rec_row, rec_out,
                       fired_ids, curr_exp, cond_exp, curr_alpha, curr_delta, izhikevich):
    """Advance atoms [lo, hi) of one neuron core by one tick; return how many fired.

    The atoms that fired go to ``fired_ids[lo:lo + n_fired]``, in order. ``cs_row[cs_column[i]]``
    is atom i's current-source input this tick. When `rec_row` >= 0 this is a sampling tick:
    v and the synaptic inputs from *before* the update go to
    ``rec_out[var, rec_row, rec_columns[var, i]]`` for the recorded atoms (column >= 0).
    The last five arguments say which kinds the model has: True, or None for a kind it lacks,
    whose code numba then leaves out before compiling.
    """
    n = hi - lo
    exc_ring = ring_off + (tick & (depth - 1)) * 2 * n - lo  # ring[exc_ring + i]: atom i's slot
    inh_ring = exc_ring + n
    one = constant(1.0, state[V, lo])
    if rec_row >= 0:
        _record(kind, lo, hi, params, state, ring, exc_ring, inh_ring, shift_e, shift_i, one,
                rec_columns, rec_row, rec_out)
    args = (lo, hi, params, state, refrac, refrac_ticks, ring, exc_ring, inh_ring, shift_e,
            shift_i, cs_row, cs_column, fired_ids, one)
    if curr_exp is not None and kind == LIF_CURR_EXP:
        _tick_lif_curr_exp(*args)
    elif cond_exp is not None and kind == LIF_COND_EXP:
        _tick_lif_cond_exp(*args)
    elif curr_alpha is not None and kind == LIF_CURR_ALPHA:
        _tick_lif_curr_alpha(*args)
    elif curr_delta is not None and kind == LIF_CURR_DELTA:
        _tick_lif_curr_delta(*args)
    elif izhikevich is not None and kind == IZHIKEVICH:
        _tick_izhikevich(*args)
    return _compact_spikes(lo, hi, fired_ids)


def _compile_core_tick(kind: int):
    """The tick of a core of `kind` atoms: this tick's ring-buffer slot into the synapses
    (clearing it), the membrane, then the synaptic decay (or the alpha function's advance).
    Spikes are flagged in ``spiked[i]`` (1 or 0). A spike or a refractory atom selects values,
    it does not branch."""
    alpha = kind == LIF_CURR_ALPHA

    def tick_atoms(lo, hi, params, state, refrac, refrac_ticks, ring, exc_ring, inh_ring,
                   shift_e, shift_i, cs_row, cs_column, spiked, one):
        for i in range(lo, hi):
            exc_in = ring_to_input(ring[exc_ring + i], shift_e)
            inh_in = ring_to_input(ring[inh_ring + i], shift_i)
            ring[exc_ring + i] = 0
            ring[inh_ring + i] = 0
            if alpha:
                lin_e, exp_e, q_e = _alpha_input(
                    state[SYN_E, i], state[ALPHA_EXP_E, i], state[ALPHA_Q_E, i], exc_in,
                    params[DECAY_E, i], params[ALPHA_DT_TAU_SQR_E, i], one)
                lin_i, exp_i, q_i = _alpha_input(
                    state[SYN_I, i], state[ALPHA_EXP_I, i], state[ALPHA_Q_I, i], inh_in,
                    params[DECAY_I, i], params[ALPHA_DT_TAU_SQR_I, i], one)
                exc = accum_mul(lin_e, exp_e)
                inh = accum_mul(lin_i, exp_i)
            else:
                exc = _exponential_input(kind, state[SYN_E, i], exc_in, params[INIT_E, i])
                inh = _exponential_input(kind, state[SYN_I, i], inh_in, params[INIT_I, i])
            external = params[I_OFFSET, i]
            column = cs_column[i]
            if column >= 0:
                external += cs_row[column]
            v = state[V, i]
            if kind == IZHIKEVICH:
                v_new, u = _izhikevich_vu(v, state[IZH_U, i], exc - inh + external,
                                          params[IZH_A, i], params[IZH_B, i], params[IZH_H, i],
                                          one)
                spike = v_new >= 30 * one
                state[V, i] = params[IZH_C, i] if spike else v_new
                state[IZH_U, i] = u + params[IZH_D, i] if spike else u
            else:
                v_new = _lif_v(kind, v, exc, inh, external, params[R_MEMBRANE, i],
                               params[V_REST, i], params[EXP_TC, i], params[E_REV_E, i],
                               params[E_REV_I, i])
                countdown = refrac[i]
                active = countdown <= 0
                spike = active & (v_new >= params[V_THRESH, i])
                state[V, i] = params[V_RESET, i] if spike else (v_new if active else v)
                refrac[i] = refrac_ticks[i] if spike else (countdown if active else countdown - 1)
            spiked[i] = 1 if spike else 0
            if alpha:
                state[SYN_E, i] = lin_e + accum_mul(q_e, params[ALPHA_DT_TAU_SQR_E, i])
                state[SYN_I, i] = lin_i + accum_mul(q_i, params[ALPHA_DT_TAU_SQR_I, i])
                state[ALPHA_EXP_E, i] = u032_mul(exp_e, params[DECAY_E, i])
                state[ALPHA_EXP_I, i] = u032_mul(exp_i, params[DECAY_I, i])
                state[ALPHA_Q_E, i] = q_e
                state[ALPHA_Q_I, i] = q_i
            else:
                state[SYN_E, i] = u032_mul(exc, params[DECAY_E, i])
                state[SYN_I, i] = u032_mul(inh, params[DECAY_I, i])

    return kernel(tick_atoms)


_tick_lif_curr_exp = _compile_core_tick(LIF_CURR_EXP)
_tick_lif_cond_exp = _compile_core_tick(LIF_COND_EXP)
_tick_lif_curr_alpha = _compile_core_tick(LIF_CURR_ALPHA)
_tick_lif_curr_delta = _compile_core_tick(LIF_CURR_DELTA)
_tick_izhikevich = _compile_core_tick(IZHIKEVICH)


@kernel
def _exponential_input(kind, synapse, value, init):
    """An exponential synapse's state with this tick's input (scaled by its init factor);
    a delta synapse takes the input as it is."""
    if kind == LIF_CURR_DELTA:
        return synapse + value
    return synapse + u032_mul(value, init)


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
        current = accum_mul(g_e, e_rev_e - v) + accum_mul(g_i, e_rev_i - v) + external
    elif kind == LIF_CURR_DELTA:
        v = v + exc - inh  # delta synapses: weights are voltage jumps in mV
        current = external
    else:
        current = exc - inh + external
    alpha = accum_mul(current, r_membrane) + v_rest
    return alpha - accum_mul(exp_tc, alpha - v)


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


@kernel
def _record(kind, lo, hi, params, state, ring, exc_ring, inh_ring, shift_e, shift_i, one,
            rec_columns, rec_row, rec_out):
    """A sampling tick: v and this tick's synaptic inputs (the slot read, not taken) before
    the update, for the recorded atoms."""
    for i in range(lo, hi):
        exc_in = ring_to_input(ring[exc_ring + i], shift_e)
        inh_in = ring_to_input(ring[inh_ring + i], shift_i)
        if kind == LIF_CURR_ALPHA:
            line_e, exp_e, _ = _alpha_input(state[SYN_E, i], state[ALPHA_EXP_E, i], 0, exc_in,
                                            params[DECAY_E, i], params[ALPHA_DT_TAU_SQR_E, i],
                                            one)
            line_i, exp_i, _ = _alpha_input(state[SYN_I, i], state[ALPHA_EXP_I, i], 0, inh_in,
                                            params[DECAY_I, i], params[ALPHA_DT_TAU_SQR_I, i],
                                            one)
            exc = accum_mul(line_e, exp_e)
            inh = accum_mul(line_i, exp_i)
        else:
            exc = _exponential_input(kind, state[SYN_E, i], exc_in, params[INIT_E, i])
            inh = _exponential_input(kind, state[SYN_I, i], inh_in, params[INIT_I, i])
        for var, value in ((RECORD_V, state[V, i]), (RECORD_GSYN_EXC, exc),
                           (RECORD_GSYN_INH, inh)):
            column = rec_columns[var, i]
            if column >= 0:
                rec_out[var, rec_row, column] = value


@kernel
def _compact_spikes(lo, hi, fired_ids):
    """Spike flags in fired_ids[lo:hi] -> the spiking atoms' ids at fired_ids[lo:], in order."""
    n_fired = 0
    for i in range(lo, hi):
        if fired_ids[i]:
            fired_ids[lo + n_fired] = i
            n_fired += 1
    return n_fired
