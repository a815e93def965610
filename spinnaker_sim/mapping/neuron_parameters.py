"""PyNN parameters (real units, per atom) -> the engine's parameter and state rows.

What sPyNNaker precomputes on the host: membrane decay exp(-dt/tau_m), R = tau_m / c_m,
synaptic decays exp(-dt/tau_syn) and init factors tau/dt (1 - exp(-dt/tau)) as u0.32,
refractory periods in whole ticks (ceil).
"""

import numpy as np

from ..engine import layout as L
from ..engine.fixed_point import encode, to_words

#: Izhikevich currents are in pA in the model's equation; PyNN gives nA
IZHIKEVICH_CURRENT_SCALE = 1000.0
#: sPyNNaker's Izhikevich has current-based exponential synapses with these time constants
IZHIKEVICH_TAU_SYN = 5.0


def _u032_columns(kind: int) -> tuple:
    if kind == L.LIF_CURR_ALPHA:
        return (L.DECAY_E, L.DECAY_I)
    return (L.DECAY_E, L.DECAY_I, L.INIT_E, L.INIT_I)


def _decay(dt, tau):
    return np.exp(-dt / tau)


def _init_factor(dt, tau):
    return tau / dt * (1.0 - np.exp(-dt / tau))


def real_parameters(kind: int, p: dict, dt: float) -> np.ndarray:
    """(n, N_PARAMS) float64 parameter rows in real units."""
    n = len(next(iter(p.values())))
    rows = np.zeros((n, L.N_PARAMS))
    if kind == L.IZHIKEVICH:
        rows[:, L.IZH_A] = p["a"]
        rows[:, L.IZH_B] = p["b"]
        rows[:, L.IZH_C] = p["c"]
        rows[:, L.IZH_D] = p["d"]
        rows[:, L.IZH_H] = dt
        rows[:, L.I_OFFSET] = np.asarray(p["i_offset"]) * IZHIKEVICH_CURRENT_SCALE
        tau_e = tau_i = np.full(n, IZHIKEVICH_TAU_SYN)
    else:
        rows[:, L.V_REST] = p["v_rest"]
        rows[:, L.V_RESET] = p["v_reset"]
        rows[:, L.V_THRESH] = p["v_thresh"]
        rows[:, L.R_MEMBRANE] = np.asarray(p["tau_m"]) / np.asarray(p["cm"])
        rows[:, L.EXP_TC] = _decay(dt, np.asarray(p["tau_m"]))
        rows[:, L.I_OFFSET] = p["i_offset"]
        tau_e = np.asarray(p.get("tau_syn_E", np.ones(n)), dtype=float)
        tau_i = np.asarray(p.get("tau_syn_I", np.ones(n)), dtype=float)
    if kind == L.LIF_CURR_DELTA:
        return rows  # delta synapses: zero decay, no init factor
    rows[:, L.DECAY_E] = _decay(dt, tau_e)
    rows[:, L.DECAY_I] = _decay(dt, tau_i)
    if kind == L.LIF_CURR_ALPHA:
        rows[:, L.ALPHA_DT_TAU_SQR_E] = dt / tau_e ** 2
        rows[:, L.ALPHA_DT_TAU_SQR_I] = dt / tau_i ** 2
    else:
        rows[:, L.INIT_E] = _init_factor(dt, tau_e)
        rows[:, L.INIT_I] = _init_factor(dt, tau_i)
    if kind == L.LIF_COND_EXP:
        rows[:, L.E_REV_E] = p["e_rev_E"]
        rows[:, L.E_REV_I] = p["e_rev_I"]
    return rows


def encode_parameters(kind: int, p: dict, dt: float, fixed: bool) -> np.ndarray:
    """Parameter rows in the numerics mode: 32-bit words of s16.15 and u0.32 values, or float64."""
    rows = real_parameters(kind, p, dt)
    if not fixed:
        return rows
    out = encode(rows, True, "accum")
    for column in _u032_columns(kind):
        out[:, column] = encode(rows[:, column], True, "u032")
    return to_words(out)


def refractory_ticks(p: dict, dt: float, n: int) -> np.ndarray:
    """ceil(tau_refrac / dt) per atom (0 for models without a refractory period)."""
    if "tau_refrac" not in p:
        return np.zeros(n, dtype=np.int32)
    return np.ceil(np.asarray(p["tau_refrac"]) / dt - 1e-9).astype(np.int32)


#: initial-value names -> (state column, scale)
STATE_VARIABLES = {
    "v": (L.V, 1.0),
    "isyn_exc": (L.SYN_E, 1.0),
    "isyn_inh": (L.SYN_I, 1.0),
    "gsyn_exc": (L.SYN_E, 2.0 ** L.CONDUCTANCE_SHIFT),
    "gsyn_inh": (L.SYN_I, 2.0 ** L.CONDUCTANCE_SHIFT),
    "u": (L.IZH_U, 1.0),
}


def encode_state(initial: dict, n: int, fixed: bool) -> np.ndarray:
    """(n, N_STATE) state rows from PyNN initial values (s16.15 words, or float64)."""
    rows = np.zeros((n, L.N_STATE))
    for name, values in initial.items():
        column, scale = STATE_VARIABLES[name]
        rows[:, column] = np.asarray(values, dtype=float) * scale
    return to_words(encode(rows, True)) if fixed else rows


def weight_scale(kind: int, receptor: int, post_parameters: dict, post_index: np.ndarray):
    """Factor applied to |weight| before quantisation, per synapse.

    Conductances are scaled up by 2**10 (``input_type_conductance.h``); Izhikevich currents
    are in pA; the alpha recurrence (``synapse_types_alpha_impl.h``) gives w t/tau**2 exp(-t/tau),
    so weights are scaled by e tau to make a weight PyNN's peak current.
    """
    if kind == L.LIF_COND_EXP:
        return 2.0 ** L.CONDUCTANCE_SHIFT
    if kind == L.IZHIKEVICH:
        return IZHIKEVICH_CURRENT_SCALE
    if kind == L.LIF_CURR_ALPHA:
        tau = np.asarray(post_parameters["tau_syn_E" if receptor == 0 else "tau_syn_I"], float)
        return np.e * tau[np.asarray(post_index)]
    return 1.0


def recorded_scale(kind: int, variable: str) -> float:
    """Factor from a recorded (real-valued) state column to PyNN units."""
    if variable == "v":
        return 1.0
    if kind == L.LIF_COND_EXP:
        return 2.0 ** -L.CONDUCTANCE_SHIFT
    if kind == L.IZHIKEVICH:
        return 1.0 / IZHIKEVICH_CURRENT_SCALE
    return 1.0
