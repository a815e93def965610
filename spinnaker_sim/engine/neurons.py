"""One tick of a neuron core: ring-buffer slot -> synaptic state, neuron update, synaptic decay.

The order and arithmetic follow sPyNNaker (``neuron_impl_standard.h``, ``neuron_model_lif_impl.h``,
``synapse_types_exponential_impl.h``, ``synapse_types_alpha_impl.h``, ``input_type_conductance.h``,
``neuron_model_izh_impl.h``); see SPINNAKER_FACTS.md, "One tick on a neuron core".
"""

from numba import njit

from .fixed_point import (
    accum_div, accum_mul, accum_shift_right, constant, halve, ring_to_input, u032_mul,
)
from .layout import (
    ALPHA_DT_TAU_SQR_E, ALPHA_DT_TAU_SQR_I, ALPHA_EXP_E, ALPHA_EXP_I, ALPHA_Q_E, ALPHA_Q_I,
    CONDUCTANCE_SHIFT, DECAY_E, DECAY_I, E_REV_E, E_REV_I, EXP_TC, I_OFFSET, INIT_E, INIT_I,
    IZH_A, IZH_B, IZH_C, IZH_D, IZH_H, IZH_U, IZHIKEVICH, LIF_COND_EXP, LIF_CURR_ALPHA,
    LIF_CURR_DELTA, R_MEMBRANE, RECORD_GSYN_EXC, RECORD_GSYN_INH, RECORD_V, SYN_E, SYN_I, V,
    V_REST, V_RESET, V_THRESH,
)


@njit(cache=True)
def update_neuron_core(kind, lo, hi, params, state, refrac, refrac_ticks, ring, ring_off, depth,
                       shift_e, shift_i, tick, cs_row, cs_column, rec_columns, rec_row, rec_out,
                       fired_ids):
    """Advance atoms [lo, hi) of one neuron core by one tick; return how many fired.

    The atoms that fired go to ``fired_ids[lo:lo + n_fired]``, in order. ``cs_row[cs_column[i]]``
    is atom i's current-source input this tick (column -1: none). When `rec_row` >= 0 this is a
    sampling tick: v and the
    synaptic inputs from *before* the update go to ``rec_out[var, rec_row, rec_columns[var, i]]``
    for the recorded atoms (column >= 0).
    """
    n = hi - lo
    exc_base = ring_off + (tick & (depth - 1)) * 2 * n
    inh_base = exc_base + n
    one = constant(1.0, state[lo, V])
    n_fired = 0
    for i in range(lo, hi):
        a = i - lo
        exc_in = ring_to_input(ring[exc_base + a], shift_e)
        inh_in = ring_to_input(ring[inh_base + a], shift_i)
        ring[exc_base + a] = 0
        ring[inh_base + a] = 0

        # 1. this tick's slot into the synaptic state
        if kind == LIF_CURR_ALPHA:
            if exc_in > 0:
                _add_alpha_input(state, i, SYN_E, ALPHA_EXP_E, ALPHA_Q_E, exc_in,
                                 params[i, DECAY_E], params[i, ALPHA_DT_TAU_SQR_E], one)
            if inh_in > 0:
                _add_alpha_input(state, i, SYN_I, ALPHA_EXP_I, ALPHA_Q_I, inh_in,
                                 params[i, DECAY_I], params[i, ALPHA_DT_TAU_SQR_I], one)
            exc = accum_mul(state[i, SYN_E], state[i, ALPHA_EXP_E])
            inh = accum_mul(state[i, SYN_I], state[i, ALPHA_EXP_I])
        else:
            if kind == LIF_CURR_DELTA:
                state[i, SYN_E] += exc_in
                state[i, SYN_I] += inh_in
            else:
                state[i, SYN_E] += u032_mul(exc_in, params[i, INIT_E])
                state[i, SYN_I] += u032_mul(inh_in, params[i, INIT_I])
            exc = state[i, SYN_E]
            inh = state[i, SYN_I]

        # 2. record the values from before the update
        if rec_row >= 0:
            _record(rec_columns, rec_row, rec_out, i, state[i, V], exc, inh)

        # 3. the neuron
        external = params[i, I_OFFSET]
        if cs_column[i] >= 0:
            external += cs_row[cs_column[i]]
        if kind == IZHIKEVICH:
            fired = _izhikevich_step(params, state, i, exc - inh + external, one)
        elif refrac[i] > 0:
            refrac[i] -= 1
            fired = False
        else:
            fired = _lif_step(kind, params, state, i, exc, inh, external)
            if fired:
                refrac[i] = refrac_ticks[i]
        if fired:
            fired_ids[lo + n_fired] = i
            n_fired += 1

        # 4. shape (decay) the synaptic state
        if kind == LIF_CURR_ALPHA:
            state[i, SYN_E] += accum_mul(state[i, ALPHA_Q_E], params[i, ALPHA_DT_TAU_SQR_E])
            state[i, SYN_I] += accum_mul(state[i, ALPHA_Q_I], params[i, ALPHA_DT_TAU_SQR_I])
            state[i, ALPHA_EXP_E] = u032_mul(state[i, ALPHA_EXP_E], params[i, DECAY_E])
            state[i, ALPHA_EXP_I] = u032_mul(state[i, ALPHA_EXP_I], params[i, DECAY_I])
        else:
            state[i, SYN_E] = u032_mul(state[i, SYN_E], params[i, DECAY_E])
            state[i, SYN_I] = u032_mul(state[i, SYN_I], params[i, DECAY_I])
    return n_fired


@njit(cache=True, inline="always")
def _record(rec_columns, rec_row, rec_out, i, v, exc, inh):
    c = rec_columns[RECORD_V, i]
    if c >= 0:
        rec_out[RECORD_V, rec_row, c] = v
    c = rec_columns[RECORD_GSYN_EXC, i]
    if c >= 0:
        rec_out[RECORD_GSYN_EXC, rec_row, c] = exc
    c = rec_columns[RECORD_GSYN_INH, i]
    if c >= 0:
        rec_out[RECORD_GSYN_INH, rec_row, c] = inh


@njit(cache=True, inline="always")
def _lif_step(kind, params, state, i, exc, inh, external):
    """The closed-form LIF update of ``neuron_model_lif_impl.h``; True on a spike."""
    v = state[i, V]
    if kind == LIF_COND_EXP:
        # conductances are stored scaled up by 2**CONDUCTANCE_SHIFT; v from the tick's start
        g_e = accum_shift_right(exc, CONDUCTANCE_SHIFT)
        g_i = accum_shift_right(inh, CONDUCTANCE_SHIFT)
        current = (accum_mul(g_e, params[i, E_REV_E] - v)
                   + accum_mul(g_i, params[i, E_REV_I] - v) + external)
    elif kind == LIF_CURR_DELTA:
        v = v + exc - inh  # delta synapses: weights are voltage jumps in mV
        current = external
    else:
        current = exc - inh + external
    alpha = accum_mul(current, params[i, R_MEMBRANE]) + params[i, V_REST]
    v = alpha - accum_mul(params[i, EXP_TC], alpha - v)
    if v >= params[i, V_THRESH]:
        state[i, V] = params[i, V_RESET]
        return True
    state[i, V] = v
    return False


@njit(cache=True, inline="always")
def _add_alpha_input(state, i, lin, exp_col, q_col, value, decay, dt_over_tau_sqr, one):
    """sPyNNaker's ``add_input_alpha``: restart the exponential, fold the input into the line."""
    state[i, q_col] = value
    state[i, exp_col] = u032_mul(state[i, exp_col], decay) + one
    exp_temp = one - accum_div(one, state[i, exp_col])
    state[i, lin] = accum_mul(state[i, lin] + accum_mul(value, dt_over_tau_sqr), exp_temp)


@njit(cache=True, inline="always")
def _izhikevich_step(params, state, i, current, one):
    """sPyNNaker's midpoint (RK2) step of the Izhikevich model; True on a spike."""
    v = state[i, V]
    u = state[i, IZH_U]
    a = params[i, IZH_A]
    b = params[i, IZH_B]
    h = params[i, IZH_H]
    five = 5 * one
    c004 = constant(0.04, v)
    pre_alpha = 140 * one + current - u
    alpha = pre_alpha + accum_mul(five + accum_mul(c004, v), v)
    eta = v + halve(accum_mul(h, alpha))
    beta = halve(accum_mul(accum_mul(h, accum_mul(b, v) - u), a))
    v = v + accum_mul(h, pre_alpha - beta + accum_mul(five + accum_mul(c004, eta), eta))
    u = u + accum_mul(accum_mul(a, h), -u - beta + accum_mul(b, eta))
    fired = v >= 30 * one
    if fired:
        v = params[i, IZH_C]
        u = u + params[i, IZH_D]
    state[i, V] = v
    state[i, IZH_U] = u
    return fired
