"""CartPole's TFs: a PD error signal as DC currents into two populations; the busier one pushes."""

import numpy as np

from transfer_functions import nrp

SIZE = 10  # neurons per side, as in brain.py
GAINS = np.array([0.1, 0.5, 10.0, 2.0])  # cart x, cart velocity, pole angle, angular velocity
SCALE = 1.0  # nA of current difference per unit of error signal
BIAS = np.linspace(0.8, 1.6, SIZE)  # nA: recruits neurons one by one as the current grows
# rheobase of brain.CELL: cm * (v_thresh - v_rest) / tau_m = 0.25 nA


@nrp.MapRobotSubscriber("state", "observation")
@nrp.MapSpikeSource("left_drive", nrp.brain.push_left, nrp.dc_source)
@nrp.MapSpikeSource("right_drive", nrp.brain.push_right, nrp.dc_source)
@nrp.Robot2Neuron()
def pd_encoder(t, state, left_drive, right_drive):
    """Error signal u = GAINS . state; u > 0 (pole falling right) drives the push-right side."""
    error = float(GAINS @ np.asarray(state.value, dtype=float))
    left_drive.amplitude = np.clip(BIAS - SCALE * error, 0.0, None)
    right_drive.amplitude = np.clip(BIAS + SCALE * error, 0.0, None)


@nrp.MapSpikeSink("left", nrp.brain.push_left, nrp.spike_counts)
@nrp.MapSpikeSink("right", nrp.brain.push_right, nrp.spike_counts)
@nrp.MapCSVRecorder("votes", headers=["t", "left", "right"])
@nrp.Neuron2Robot("action")
def push(t, left, right, votes):
    """Push right (action 1) when the right population spiked more in this step."""
    n_left, n_right = int(left.counts.sum()), int(right.counts.sum())
    votes.record_entry(t, n_left, n_right)
    return int(n_right > n_left)
