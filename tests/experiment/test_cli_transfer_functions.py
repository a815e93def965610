"""Experiment files with NRP-style TFs: ``[transfer_functions] nrp = [...]`` wires the TFs'
devices into the brain and runs them as the exchange."""

import numpy as np
import pytest
from helpers import BRAITENBERG, braitenberg

from nrp_bridge.cli import build_exchange, run_experiment
from nrp_bridge.config import load_experiment
from nrp_bridge.tf_exchange import EXTENSION


@pytest.mark.timeout(120)
def test_experiment_file_with_nrp_tfs_runs_the_same_loop_as_the_experiment_api():
    spec = load_experiment(BRAITENBERG / "experiment.toml")
    spec.duration, spec.transport = 1.0, "inproc"
    orchestrator = run_experiment(spec)
    extension = spec.engines["brain"].config["extensions"][0]
    assert extension["factory"] == EXTENSION
    assert {d["name"] for d in extension["devices"]} >= {"eye_sensor_transmit.red_left_eye",
                                                          "wheel_twist.left_wheel_neuron"}
    actions = orchestrator.recording.array("env", "action", inputs=True)
    with braitenberg.make_experiment(seed=0, transport="inproc") as experiment:
        experiment.run(1.0, progress=False, stop_when_done=False)
        assert np.array_equal(actions, experiment.data.actions)


def test_nrp_tfs_need_a_brain_and_an_env_engine(tmp_path):
    (tmp_path / "exp.toml").write_text(
        '[experiment]\nduration = 1.0\n[engines.clock]\nengine = "clock"\n'
        '[transfer_functions]\nnrp = ["braitenberg_tfs:wheel_twist"]\n')
    spec = load_experiment(tmp_path / "exp.toml")
    with pytest.raises(ValueError, match=r"needs engines named 'brain' and 'env'; missing "
                                         r"\['brain', 'env'\]"):
        build_exchange(spec)
