"""One tick of a neuron core: ring-buffer slot -> synaptic state, neuron update, synaptic decay.

The order and arithmetic follow sPyNNaker (``neuron_impl_standard.h``, ``neuron_model_lif_impl.h``,
``synapse_types_exponential_impl.h``, ``synapse_types_alpha_impl.h``, ``input_type_conductance.h``,
``neuron_model_izh_impl.h``); see SPINNAKER_FACTS.md, "One tick on a neuron core".

``params`` and ``state`` are stored one row per column name (``params[V_REST, atom]``), so a
core's atoms are contiguous in every column. A tick is two loops over the core's atoms: the
synapses (this tick's inputs, then their decay), whose inputs to the membrane go to a scratch
array, then the membrane. Each loop keeps few arrays live, so its values stay in registers
(one loop doing both spilled them to the stack: 1.5x slower). The loops are compiled per kind
of synapse and of membrane, so their bodies have no branch on the kind. The arithmetic sits in
helpers that take and return scalars only.
"""

from numba import njit

from .fixed_point import (
    accum_div, accum_mul, accum_shift_right, constant, halve, ring_to_input, u032_mul,
)
from .jit import KERNEL_OPTIONS, kernel, named_variant
from .layout import (
    ALPHA_EXP_E, ALPHA_EXP_I, ALPHA_Q_E, ALPHA_Q_I, CONDUCTANCE_SHIFT, DECAY_E, DECAY_I, E_REV_E,
    E_REV_I, EXP_TC, I_OFFSET, INIT_E, INIT_I,
    IZH_A, IZH_B, IZH_C, IZH_D, IZH_H, IZH_U, IZHIKEVICH, LIF_COND_EXP, LIF_CURR_ALPHA,
    LIF_CURR_DELTA, LIF_CURR_EXP, R_MEMBRANE, RECORD_GSYN_EXC, RECORD_GSYN_INH, RECORD_V, SYN_E,
    SYN_I, V, V_REST, V_RESET, V_THRESH,
)


@kernel
def update_neuron_core(kind, lo, hi, params, state, refrac, refrac_ticks, ring_slot,
                       synaptic_input, shift_e, shift_i, cs_row, cs_column, rec_columns, rec_row,
                       rec_out, fired_ids, curr_exp, cond_exp, curr_alpha, curr_delta,
                       izhikevich):
    """Advance atoms [lo, hi) of one neuron core by one tick; return how many fired.

    `ring_slot` is this tick's row of the ring buffer: the core's excitatory inputs are at
    columns ``2 lo .. lo + hi``, its inhibitory ones at ``lo + hi .. 2 hi``.
    ``synaptic_input[:, lo:hi]`` is scratch for the tick's excitatory and inhibitory inputs.
    The atoms that fired go to ``fired_ids[lo:lo + n_fired]``, in order. ``cs_row[cs_column[i]]``
    is atom i's current-source input this tick. When `rec_row` >= 0 this is a sampling tick:
    v and the synaptic inputs from *before* the update go to
    ``rec_out[var, rec_row, rec_columns[var, i]]`` for the recorded atoms (column >= 0).
    The last five arguments say which kinds the model has: True, or None for a kind it lacks,
    whose code numba then leaves out before compiling.
    """
    ring_e, ring_i = ring_slot[2 * lo:lo + hi], ring_slot[lo + hi:2 * hi]
    exc, inh = synaptic_input[0, lo:hi], synaptic_input[1, lo:hi]
    one = constant(1.0, state[V, lo])
    synapse_args = (lo, hi, params, state, ring_e, ring_i, shift_e, shift_i, exc, inh, one)
    if curr_exp is not None and kind == LIF_CURR_EXP:
        _exponential_synapses(*synapse_args)
    if cond_exp is not None and kind == LIF_COND_EXP:
        _exponential_synapses(*synapse_args)
    if izhikevich is not None and kind == IZHIKEVICH:
        _exponential_synapses(*synapse_args)
    if curr_alpha is not None and kind == LIF_CURR_ALPHA:
        _alpha_synapses(*synapse_args)
    if curr_delta is not None and kind == LIF_CURR_DELTA:
        _delta_synapses(*synapse_args)
    if rec_row >= 0:
        _record(lo, hi, state, exc, inh, rec_columns, rec_row, rec_out)
    membrane_args = (lo, hi, params, state, refrac, refrac_ticks, exc, inh, cs_row, cs_column,
                     fired_ids, one)
    if curr_exp is not None and kind == LIF_CURR_EXP:
        return _lif_current_membrane(*membrane_args)
    if curr_alpha is not None and kind == LIF_CURR_ALPHA:
        return _lif_current_membrane(*membrane_args)
    if cond_exp is not None and kind == LIF_COND_EXP:
        return _lif_conductance_membrane(*membrane_args)
    if curr_delta is not None and kind == LIF_CURR_DELTA:
        return _lif_delta_membrane(*membrane_args)
    if izhikevich is not None and kind == IZHIKEVICH:
        return _izhikevich_membrane(*membrane_args)
    return 0


def _compile_synapses(kind: int):
    """The synapses' part of a tick for `kind`'s synapse shape (exponential, delta or alpha):
    this tick's ring-buffer slot in (clearing it), the inputs the membrane sees this tick out
    to `exc`, `inh`, then the decay (or the alpha function's advance)."""
    alpha = kind == LIF_CURR_ALPHA

    def synapses(lo, hi, params, state, ring_e, ring_i, shift_e, shift_i, exc, inh, one):
        syn_e, syn_i = state[SYN_E, lo:hi], state[SYN_I, lo:hi]
        exp_e, exp_i, q_e, q_i = (state[ALPHA_EXP_E, lo:hi], state[ALPHA_EXP_I, lo:hi],
                                  state[ALPHA_Q_E, lo:hi], state[ALPHA_Q_I, lo:hi])
        # (an alpha synapse keeps its dt / tau**2 in the init columns: ALPHA_DT_TAU_SQR_*)
        decay_e, decay_i, init_e, init_i = (params[DECAY_E, lo:hi], params[DECAY_I, lo:hi],
                                            params[INIT_E, lo:hi], params[INIT_I, lo:hi])
        for j in range(hi - lo):
            exc_in = ring_to_input(ring_e[j], shift_e)
            inh_in = ring_to_input(ring_i[j], shift_i)
            ring_e[j] = 0
            ring_i[j] = 0
            if alpha:
                lin_e, new_exp_e, new_q_e = _alpha_input(syn_e[j], exp_e[j], q_e[j], exc_in,
                                                         decay_e[j], init_e[j], one)
                lin_i, new_exp_i, new_q_i = _alpha_input(syn_i[j], exp_i[j], q_i[j], inh_in,
                                                         decay_i[j], init_i[j], one)
                exc[j] = accum_mul(lin_e, new_exp_e)
                inh[j] = accum_mul(lin_i, new_exp_i)
                syn_e[j] = lin_e + accum_mul(new_q_e, init_e[j])
                syn_i[j] = lin_i + accum_mul(new_q_i, init_i[j])
                exp_e[j] = u032_mul(new_exp_e, decay_e[j])
                exp_i[j] = u032_mul(new_exp_i, decay_i[j])
                q_e[j] = new_q_e
                q_i[j] = new_q_i
            else:
                e = _exponential_input(kind, syn_e[j], exc_in, init_e[j])
                i = _exponential_input(kind, syn_i[j], inh_in, init_i[j])
                exc[j] = e
                inh[j] = i
                syn_e[j] = u032_mul(e, decay_e[j])
                syn_i[j] = u032_mul(i, decay_i[j])

    return kernel(named_variant(synapses, f"kind{kind}"))


_exponential_synapses = _compile_synapses(LIF_CURR_EXP)
_alpha_synapses = _compile_synapses(LIF_CURR_ALPHA)
_delta_synapses = _compile_synapses(LIF_CURR_DELTA)


def _compile_membrane(kind: int):
    """The membrane's part of a tick for `kind`'s neuron model, given this tick's synaptic
    inputs `exc`, `inh`: the atoms that fire go to ``fired_ids[lo:]``, in order; returns their
    number. A refractory LIF atom selects values instead of branching."""

    def membrane(lo, hi, params, state, refrac, refrac_ticks, exc, inh, cs_row, cs_column,
                 fired_ids, one):
        v, izh_u = state[V, lo:hi], state[IZH_U, lo:hi]
        v_rest, v_reset, v_thresh = (params[V_REST, lo:hi], params[V_RESET, lo:hi],
                                     params[V_THRESH, lo:hi])
        r_membrane, exp_tc, i_offset = (params[R_MEMBRANE, lo:hi], params[EXP_TC, lo:hi],
                                        params[I_OFFSET, lo:hi])
        e_rev_e, e_rev_i = params[E_REV_E, lo:hi], params[E_REV_I, lo:hi]
        izh_a, izh_b, izh_c, izh_d, izh_h = (params[IZH_A, lo:hi], params[IZH_B, lo:hi],
                                             params[IZH_C, lo:hi], params[IZH_D, lo:hi],
                                             params[IZH_H, lo:hi])
        countdown, countdown_start = refrac[lo:hi], refrac_ticks[lo:hi]
        current_column = cs_column[lo:hi]
        n_fired = 0
        for j in range(hi - lo):
            external = i_offset[j]
            column = current_column[j]
            if column >= 0:
                external += cs_row[column]
            if kind == IZHIKEVICH:
                v_new, u = _izhikevich_vu(v[j], izh_u[j], exc[j] - inh[j] + external, izh_a[j],
                                          izh_b[j], izh_h[j], one)
                spike = v_new >= 30 * one
                v[j] = izh_c[j] if spike else v_new
                izh_u[j] = u + izh_d[j] if spike else u
            else:
                v_new = _lif_v(kind, v[j], exc[j], inh[j], external, r_membrane[j], v_rest[j],
                               exp_tc[j], e_rev_e[j], e_rev_i[j])
                ticks = countdown[j]
                active = ticks <= 0
                spike = active and v_new >= v_thresh[j]
                v_new = v_new if active else v[j]
                v[j] = v_reset[j] if spike else v_new
                ticks = ticks if active else ticks - 1
                countdown[j] = countdown_start[j] if spike else ticks
            if spike:
                fired_ids[lo + n_fired] = lo + j
                n_fired += 1
        return n_fired

    return kernel(named_variant(membrane, f"kind{kind}"))


_lif_current_membrane = _compile_membrane(LIF_CURR_EXP)
_lif_conductance_membrane = _compile_membrane(LIF_COND_EXP)
_lif_delta_membrane = _compile_membrane(LIF_CURR_DELTA)
_izhikevich_membrane = _compile_membrane(IZHIKEVICH)


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
