"""Experiment: stepping, data (Neo, TF recordings, trajectory), save/plot, reset, runtime TF
edits and a failing TF that pauses the experiment until it is replaced."""

import inspect
import json

import neo
import numpy as np
import pytest
from helpers import braitenberg
from matplotlib.figure import Figure

from transfer_functions import TransferFunctionError, nrp

STEPS = 25


@pytest.fixture
def experiment():
    with braitenberg.make_experiment(seed=4, transport="inproc") as exp:
        yield exp


@nrp.MapSpikeSink("left_wheel_neuron", nrp.brain.actors[0], nrp.leaky_integrator_exp, weight=1.0)
@nrp.Neuron2Robot("action")
def wheel_twist(t, left_wheel_neuron):
    """A replacement: spin right whatever the brain says."""
    return np.array([0.3, -0.3])


@nrp.Neuron2Robot("action", name="wheel_twist")
def broken_twist(t):
    """A replacement with a bug."""
    speed = 1.0 / 0.0  # the failing line
    return np.array([speed, speed])


BROKEN_LINE = next(number for number, line in enumerate(inspect.getsource(
    inspect.getmodule(broken_twist.func)).splitlines(), start=1) if "# the failing line" in line)


def test_run_records_spikes_as_neo_tf_rows_and_the_trajectory(experiment, tmp_path):
    experiment.run(STEPS * 0.02, progress=False)
    data = experiment.data
    assert len(data.times) == STEPS and np.allclose(data.times, 0.02 * np.arange(1, STEPS + 1))
    assert data.actions.shape == (STEPS, 2) and data.rewards.shape == (STEPS,)
    assert data.observations["retina"].shape == (STEPS, 32, 3)
    assert isinstance(data.spikes, neo.Block) and len(data.spikes.segments) == 1
    trains = data.spikes.segments[0].spiketrains
    assert len(trains) == sum(experiment.populations.values()) == 8
    assert sum(len(t) for t in trains) == data.spike_count() > 0
    assert all(float(t.t_stop.rescale("ms")) >= STEPS * 20.0 - 1e-9 for t in trains)
    seen = data.tf_recordings["eye_sensor_transmit.seen"]
    assert seen.dtype.names == ("t", "red_left", "red_right", "go_on") and len(seen) == STEPS
    wheels = data.tf_recordings["wheel_twist.wheels"]
    # pipelined: the action applied in step k was computed from the outputs before it
    assert np.allclose(data.actions, np.column_stack((wheels["left"], wheels["right"])))

    summary = experiment.summary()
    assert summary["steps"] == STEPS and summary["spikes"] == data.spike_count()
    assert summary["real_time_factor"] > 0 and not summary["terminated"]
    walls = sorted(step.wall_s for step in experiment.orchestrator.log)
    assert summary["median_step_ms"] == pytest.approx(1e3 * walls[len(walls) // 2])
    assert summary["median_step_real_time_factor"] == pytest.approx(
        20.0 / summary["median_step_ms"])

    folder = experiment.save(tmp_path / "run")
    saved = np.load(folder / "trajectory.npz")
    assert np.array_equal(saved["actions"], data.actions)
    assert np.array_equal(saved["observation_pose"], data.observations["pose"])
    spikes = np.load(folder / "spikes.npz")
    assert sum(len(spikes[label]) for label in spikes.files) == data.spike_count()
    header = (folder / "eye_sensor_transmit.seen.csv").read_text().splitlines()
    assert header[0] == "t,red_left,red_right,go_on" and len(header) == STEPS + 1
    assert json.loads((folder / "summary.json").read_text())["steps"] == STEPS

    figure = experiment.plot()
    assert isinstance(figure, Figure) and len(figure.axes) == 3
    assert [a.get_title() for a in figure.axes] == ["brain spikes", "trajectory", "reward"]


def test_reset_replays_the_same_run_in_a_new_segment(experiment):
    experiment.run(STEPS * 0.02, progress=False)
    experiment.reset()
    assert experiment.time == 0.0
    experiment.run(STEPS * 0.02, progress=False)
    data = experiment.data
    assert np.array_equal(data.segment, np.repeat([0, 1], STEPS))
    assert np.array_equal(data.actions[:STEPS], data.actions[STEPS:])
    assert len(data.spikes.segments) == 2
    first, second = ([len(t) for t in s.spiketrains] for s in data.spikes.segments)
    assert first == second


def test_step_pause_and_resume(experiment):
    experiment.step()
    experiment.pause()
    experiment.run(1.0, progress=False)  # paused: nothing happens
    assert experiment.data.times.size == 1
    with pytest.raises(RuntimeError, match="paused; call resume"):
        experiment.step()
    experiment.resume()
    experiment.run(0.1, progress=False)
    assert experiment.data.times.size == 6


def test_replacing_a_tf_between_steps_changes_the_action(experiment):
    experiment.run(10 * 0.02, progress=False)
    experiment.replace_transfer_function(wheel_twist)
    experiment.run(10 * 0.02, progress=False)
    actions = experiment.data.actions
    assert not np.allclose(actions[:10], [0.3, -0.3])
    assert np.allclose(actions[10:], [0.3, -0.3])
    assert len(experiment.data.tf_recordings["wheel_twist.wheels"]) == 10  # the old TF's rows


def test_a_tf_that_raises_pauses_the_experiment_until_it_is_replaced(experiment):
    experiment.run(5 * 0.02, progress=False)
    experiment.replace_transfer_function(broken_twist)
    with pytest.raises(TransferFunctionError) as raised:
        experiment.run(1.0, progress=False)
    error = raised.value
    assert error.tf_name == "wheel_twist" and error.error_type == "ZeroDivisionError"
    assert error.lineno == BROKEN_LINE and "1.0 / 0.0" in error.traceback_text
    assert experiment.paused and experiment.error is error
    with pytest.raises(RuntimeError, match="'wheel_twist' raised ZeroDivisionError"):
        experiment.step()
    kept = experiment.data
    assert len(kept.times) == 6  # the failing step completed with the last action held
    assert np.array_equal(kept.actions[5], kept.actions[4])
    experiment.replace_transfer_function(wheel_twist)
    experiment.resume()
    experiment.run(4 * 0.02, progress=False)
    data = experiment.data
    assert len(data.times) == 10 and np.allclose(data.actions[6:], [0.3, -0.3])
    assert np.array_equal(data.actions[:6], kept.actions)


def test_adding_and_removing_a_tf_with_a_new_device(experiment):
    experiment.run(5 * 0.02, progress=False)

    @nrp.MapSpikeSource("push", nrp.brain.go_on, nrp.dc_source)
    @nrp.Robot2Neuron()
    def drive_go_on(t, push):
        push.amplitude = 5.0

    @nrp.MapSpikeSink("go", nrp.brain.go_on, nrp.spike_counts)
    @nrp.MapCSVRecorder("counts", headers=["t", "n"])
    @nrp.Neuron2Robot()
    def count_go_on(t, go, counts):
        counts.record_entry(t, int(go.counts.sum()))

    experiment.add_transfer_function(drive_go_on)
    experiment.add_transfer_function(count_go_on)
    experiment.run(5 * 0.02, progress=False)
    counts = experiment.data.tf_recordings["count_go_on.counts"]["n"]
    assert counts[-1] >= 5  # 5 nA drives go_on at its refractory limit
    experiment.remove_transfer_function("drive_go_on")
    experiment.run(10 * 0.02, progress=False)
    assert [tf.name for tf in experiment.transfer_functions] == [
        "eye_sensor_transmit", "wheel_twist", "count_go_on"]
    counts = experiment.data.tf_recordings["count_go_on.counts"]["n"]
    assert counts[-1] < 5  # the device was switched off


def test_run_needs_a_whole_number_of_sync_steps(experiment):
    with pytest.raises(ValueError, match=r"run\(seconds=0.015\) is not a whole, non-negative "
                                         r"number of sync steps of 0.02 s"):
        experiment.run(0.015, progress=False)
    assert experiment.data.times.size == 0
