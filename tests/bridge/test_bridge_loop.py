"""A brain + CartPole closed loop gives the same result, bit for bit, in-process and over ipc/tcp."""

from __future__ import annotations


import numpy as np
import pytest

from nrp_bridge import Orchestrator, start_engines

TRANSPORTS = ("inproc", "ipc", "tcp")
BACKENDS = [
    "spinnaker_sim",
    pytest.param("pyNN.nest", marks=pytest.mark.reference),
]


def cartpole_tfs(t, outputs):
    """Pole angle -> sensor rates; more spikes on the right half of the motors -> push right."""
    angle = float(outputs["env"]["observation"][2])
    rates = np.where(np.arange(10) < 5, 50.0 + 2000.0 * max(-angle, 0.0),
                     50.0 + 2000.0 * max(angle, 0.0))
    counts = outputs["brain"]["motors:spike_counts"]
    return {"brain": {"sensors:rate": rates},
            "env": {"action": int(counts[5:].sum() > counts[:5].sum())}}


def run_loop(backend: str, transport: str, mode: str, steps: int = 25):
    engines = start_engines({"brain": "brain", "env": "gym"}, transport=transport,
                            **({} if transport == "inproc" else {"timeout": 30.0}))
    configs = {"brain": {"backend": backend, "brain": "bridge_brains:poisson_relay", "seed": 3},
               "env": {"env": "CartPole-v1", "seed": 4, "auto_reset": True}}
    read = {"brain": ["motors:spike_counts", "motors:spikes"],
            "env": ["observation", "reward", "time"]}
    with Orchestrator(engines, mode=mode, exchange=cartpole_tfs, configs=configs,
                      read=read) as loop:
        loop.run(steps)
    return loop


@pytest.mark.parametrize("backend", BACKENDS)
def test_same_result_in_process_and_over_ipc_and_tcp(backend):
    runs = {transport: run_loop(backend, transport, "pipelined") for transport in TRANSPORTS}
    reference = runs["inproc"].recording
    assert reference.array("brain", "motors:spike_counts").sum() > 0  # the brain did work
    assert len(set(reference.series("env", "action", inputs=True))) == 2  # and it steered
    for transport, loop in runs.items():
        recording = loop.recording
        assert recording.times == reference.times
        for engine, name in [("brain", "motors:spike_counts"), ("env", "observation"),
                             ("env", "reward")]:
            assert recording.array(engine, name).tobytes() == \
                reference.array(engine, name).tobytes(), (transport, name)
        for got, want in zip(recording.series("brain", "motors:spikes"),
                             reference.series("brain", "motors:spikes")):
            assert got.tobytes() == want.tobytes()
        assert recording.series("env", "action", inputs=True) == \
            reference.series("env", "action", inputs=True)
        assert loop.recording.series("env", "time")[-1] == pytest.approx(0.5)


def test_the_env_acts_on_this_steps_spikes_in_sequential_mode_last_steps_in_pipelined():
    def decide(counts):
        return [int(c[5:].sum() > c[:5].sum()) for c in counts]

    sequential = run_loop("pyNN.nest", "ipc", "sequential", steps=10).recording
    counts = sequential.array("brain", "motors:spike_counts")
    assert sequential.series("env", "action", inputs=True) == decide(counts)

    pipelined = run_loop("pyNN.nest", "inproc", "pipelined", steps=10).recording
    counts = pipelined.array("brain", "motors:spike_counts")
    assert pipelined.series("env", "action", inputs=True) == decide(
        np.vstack([np.zeros((1, 10), int), counts[:-1]]))
