"""Exact membrane of a non-spiking current-based LIF read-out neuron driven by weighted spikes.

This is NRP's leaky integrator (and population-rate) device computed in closed form on the host
from spike times, instead of as an extra simulated neuron: exact, backend independent, cheap.
Units: ms, nF, nA, mV (nA / nF = mV / ms).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

EXP, ALPHA = "exp", "alpha"


class LIFReadout:
    """dv/dt = (v_rest - v)/tau_m + (I + i_offset)/cm, I an exp or alpha PSC of each event's weight.

    An alpha event of weight w gives I(s) = w (s/tau_syn) e^(1 - s/tau_syn) (peak w at tau_syn),
    an exp event I(s) = w e^(-s/tau_syn), as PyNN's IF_curr_alpha / IF_curr_exp.
    """

    def __init__(self, cm: float, tau_m: float, tau_syn: float, v_rest: float = 0.0,
                 i_offset: float = 0.0, synapse: str = EXP) -> None:
        if min(cm, tau_m, tau_syn) <= 0:
            raise ValueError(f"cm, tau_m and tau_syn must be positive (got {cm}, {tau_m}, "
                             f"{tau_syn})")
        if synapse not in (EXP, ALPHA):
            raise ValueError(f"synapse must be {EXP!r} or {ALPHA!r}")
        self.cm, self.tau_m, self.tau_syn = float(cm), float(tau_m), float(tau_syn)
        self.synapse = synapse
        self.v_inf = float(v_rest + i_offset * tau_m / cm)
        self._a = 1.0 / tau_syn - 1.0 / tau_m
        self._u0 = v_rest - self.v_inf
        self.reset()

    def reset(self) -> None:
        """Back to v = v_rest, no synaptic current, no queued events, time 0."""
        self.t = 0.0
        self.u, self.current, self.y = self._u0, 0.0, 0.0
        self._times = np.zeros(0)
        self._weights = np.zeros(0)

    @property
    def v(self) -> float:
        """The membrane potential (mV) at time ``self.t``."""
        return self.u + self.v_inf

    def add_events(self, times: np.ndarray, weights) -> None:
        """Queue PSCs arriving at `times` (ms, already including the synaptic delay)."""
        times = np.asarray(times, dtype=float)
        if times.size:
            queued = np.empty(times.shape)
            queued[:] = weights
            self._times = np.concatenate([self._times, times])
            self._weights = np.concatenate([self._weights, queued])

    def advance(self, t_to: float) -> float:
        """Integrate to `t_to` (ms) exactly, applying queued events up to it; returns v(t_to)."""
        self.u, self.current, self.y, kept = _integrate(
            self.u, self.current, self.y, self.t, float(t_to), self._times, self._weights,
            self.synapse == ALPHA, self.tau_m, self.tau_syn, self._a, self.cm)
        self._times, self._weights = self._times[:kept], self._weights[:kept]
        self.t = t_to
        return self.v


@njit(cache=True, nogil=True)
def _integrate(u, current, y, t_from, t_to, times, weights, alpha, tau_m, tau_syn, a, cm):
    """The state (u, I, y) at `t_to` from the state at `t_from` plus the queued events due by
    then (an event from before `t_from` starts at `t_from`); the events not yet due are moved
    to the front of `times` and `weights`. Returns (u, I, y, number of events still queued)."""
    u, current, y = _propagate(u, current, y, t_to - t_from, tau_m, tau_syn, a, cm)
    du = dcurrent = dy = 0.0
    kept = 0
    for k in range(times.shape[0]):
        if times[k] > t_to:
            times[kept], weights[kept] = times[k], weights[k]
            kept += 1
            continue
        lag = t_to - max(times[k], t_from)
        if alpha:
            event = _propagate(0.0, 0.0, weights[k] * (math.e / tau_syn), lag, tau_m, tau_syn,
                               a, cm)
        else:
            event = _propagate(0.0, weights[k], 0.0, lag, tau_m, tau_syn, a, cm)
        du, dcurrent, dy = du + event[0], dcurrent + event[1], dy + event[2]
    return u + du, current + dcurrent, y + dy, kept


@njit(cache=True, nogil=True)
def _propagate(u, current, y, s, tau_m, tau_syn, a, cm):
    """State (u = v - v_inf, I, y the alpha drive) after `s` ms with no new events;
    `a` = 1/tau_syn - 1/tau_m."""
    decay_m = math.exp(-s / tau_m)
    decay_s = math.exp(-s / tau_syn)
    if a == 0.0:  # tau_syn == tau_m
        k1, k2 = s * decay_m, 0.5 * s * s * decay_m
    else:
        k1 = decay_m * -math.expm1(-a * s) / a
        k2 = decay_m * _one_minus_exp_times_1_plus(a * s) / (a * a)
    new_u = u * decay_m + (current * k1 + y * k2) / cm
    return new_u, (current + y * s) * decay_s, y * decay_s


@njit(cache=True, nogil=True)
def _one_minus_exp_times_1_plus(x):
    """1 - e^-x (1 + x), with a series where the difference would cancel (|x| < 0.01)."""
    if abs(x) < 1e-2:
        return x * x * (0.5 - x * (1.0 / 3.0 - x * (0.125 - x / 30.0)))
    return 1.0 - math.exp(-x) * (1.0 + x)


def psp_area(cm: float, tau_m: float, tau_syn: float) -> float:
    """Area (mV ms) under the membrane response to a unit (1 nA) exp PSC: tau_m tau_syn / cm."""
    return tau_m * tau_syn / cm
