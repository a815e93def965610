"""Exact membrane of a non-spiking current-based LIF read-out neuron driven by weighted spikes.

This is NRP's leaky integrator (and population-rate) device computed in closed form on the host
from spike times, instead of as an extra simulated neuron: exact, backend independent, cheap.
Units: ms, nF, nA, mV (nA / nF = mV / ms).
"""

from __future__ import annotations

import math

import numpy as np

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
        self.cm, self.tau_m, self.tau_syn, self.synapse = cm, tau_m, tau_syn, synapse
        self.v_inf = v_rest + i_offset * tau_m / cm
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
            weights = np.broadcast_to(np.asarray(weights, dtype=float), times.shape)
            self._times = np.concatenate([self._times, times])
            self._weights = np.concatenate([self._weights, weights])

    def advance(self, t_to: float) -> float:
        """Integrate to `t_to` (ms) exactly, applying queued events up to it; returns v(t_to)."""
        u, current, y = self._propagate(self.u, self.current, self.y, t_to - self.t,
                                        math.exp, math.expm1)
        if self._times.size:
            due = self._times <= t_to
            lag = t_to - np.maximum(self._times[due], self.t)  # events in the past start now
            weights = self._weights[due]
            self._times, self._weights = self._times[~due], self._weights[~due]
            if self.synapse == EXP:
                du, dcur, dy = self._propagate(0.0, weights, 0.0, lag, np.exp, np.expm1)
            else:
                du, dcur, dy = self._propagate(0.0, 0.0, weights * (math.e / self.tau_syn), lag,
                                               np.exp, np.expm1)
            u, current, y = u + float(np.sum(du)), current + float(np.sum(dcur)), \
                y + float(np.sum(dy))
        self.t, self.u, self.current, self.y = t_to, u, current, y
        return self.v

    def _propagate(self, u, current, y, s, exp, expm1):
        """State (u = v - v_inf, I, y the alpha drive) after `s` ms with no new events; `exp` and
        `expm1` are math's for a scalar `s`, numpy's for an array."""
        decay_m = exp(-s / self.tau_m)
        decay_s = exp(-s / self.tau_syn)
        a = self._a
        if a == 0.0:  # tau_syn == tau_m
            k1, k2 = s * decay_m, 0.5 * s * s * decay_m
        else:
            k1 = decay_m * -expm1(-a * s) / a
            k2 = decay_m * _one_minus_exp_times_1_plus(a * s, exp) / (a * a)
        new_u = u * decay_m + (current * k1 + y * k2) / self.cm
        return new_u, (current + y * s) * decay_s, y * decay_s


def _one_minus_exp_times_1_plus(x, exp):
    """1 - e^-x (1 + x), with a series where the difference would cancel (|x| < 0.01)."""
    series = x * x * (0.5 - x * (1.0 / 3.0 - x * (0.125 - x / 30.0)))
    exact = 1.0 - exp(-x) * (1.0 + x)
    if isinstance(x, float):
        return series if abs(x) < 1e-2 else exact
    return np.where(np.abs(x) < 1e-2, series, exact)


def psp_area(cm: float, tau_m: float, tau_syn: float) -> float:
    """Area (mV ms) under the membrane response to a unit (1 nA) exp PSC: tau_m tau_syn / cm."""
    return tau_m * tau_syn / cm
