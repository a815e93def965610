"""The closed-form leaky-integrator read-out against a fine numerical integration of its ODE."""

import numpy as np
import pytest

from transfer_functions.devices.readout import ALPHA, EXP, LIFReadout, psp_area


def integrate(cm, tau_m, tau_syn, v_rest, i_offset, synapse, events, t_end, h=1e-3):
    """Euler with a tiny step: the reference the exact solution must match."""
    v, current, y = v_rest, 0.0, 0.0
    arrivals = sorted(events)
    k = 0
    for step in range(round(t_end / h)):
        t = step * h
        while k < len(arrivals) and arrivals[k][0] <= t + 1e-12:
            if synapse == EXP:
                current += arrivals[k][1]
            else:
                y += arrivals[k][1] * np.e / tau_syn
            k += 1
        dv = (v_rest - v) / tau_m + (current + i_offset) / cm
        dcur = -current / tau_syn + y
        dy = -y / tau_syn
        v, current, y = v + h * dv, current + h * dcur, y + h * dy
    return v


@pytest.mark.parametrize("synapse,tau_m,tau_syn", [
    (EXP, 20.0, 0.5), (ALPHA, 10.0, 2.0), (EXP, 10.0, 10.0), (ALPHA, 5.0, 5.0)])
def test_matches_numerical_integration(synapse, tau_m, tau_syn):
    events = [(1.0, 0.02), (3.5, -0.01), (7.25, 0.03), (12.0, 0.01)]
    readout = LIFReadout(cm=1.5, tau_m=tau_m, tau_syn=tau_syn, v_rest=-1.0, i_offset=0.05,
                         synapse=synapse)
    readout.add_events(np.array([t for t, _ in events]), np.array([w for _, w in events]))
    for t_end in (5.0, 15.0):
        expected = integrate(1.5, tau_m, tau_syn, -1.0, 0.05, synapse, events, t_end)
        assert readout.advance(t_end) == pytest.approx(expected, rel=2e-3, abs=1e-6)


def test_split_steps_equal_one_long_step():
    def run(boundaries):
        r = LIFReadout(1.0, 10.0, 2.0, synapse=ALPHA)
        r.add_events(np.array([0.5, 4.0, 4.0, 19.0]), 0.01)
        return [r.advance(b) for b in boundaries][-1]
    assert run([1.0, 2.0, 5.0, 20.0, 30.0]) == pytest.approx(run([30.0]), rel=1e-12)


def test_events_after_the_step_wait_for_the_next():
    r = LIFReadout(1.0, 10.0, 0.5, synapse=EXP)
    r.add_events(np.array([25.0]), 1.0)
    assert r.advance(20.0) == 0.0
    assert r.advance(26.0) > 0.0


def test_psp_area_is_the_integral_of_the_response():
    r = LIFReadout(2.0, 20.0, 10.0, synapse=EXP)
    r.add_events(np.array([0.0]), 1.0)
    grid = np.arange(0.0, 400.0, 0.05)
    values = [r.advance(t) for t in grid]
    assert np.trapezoid(values, grid) == pytest.approx(psp_area(2.0, 20.0, 10.0), rel=1e-3)


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="must be positive"):
        LIFReadout(cm=0.0, tau_m=10.0, tau_syn=2.0)
    with pytest.raises(ValueError, match="synapse must be"):
        LIFReadout(1.0, 10.0, 2.0, synapse="delta")
