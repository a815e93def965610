"""TFs, DeviceHost and a tiny spinnaker_sim brain stepping the rover env in-process, with every
spec and value passed through msgpack as the bridge would (numpy arrays as lists here)."""

import gymnasium as gym
import msgpack
import numpy as np

import envs
import spinnaker_sim
from transfer_functions import TransferFunctionManager, nrp
from transfer_functions.devices import DeviceHost


def wire(value):
    return msgpack.unpackb(msgpack.packb(value, default=lambda a: a.tolist()))


@nrp.MapRobotSubscriber("camera", "observation")
@nrp.MapSpikeSource("eyes", nrp.brain.sensors, nrp.poisson, connector="one_to_one", weight=2.0)
@nrp.MapCSVRecorder("log", headers=["t", "left", "right"])
@nrp.Robot2Neuron()
def eye_sensor(t, camera, eyes, log):
    red = envs.detect_red(camera.value["retina"])
    eyes.rate = [50.0 + 400.0 * red.left, 50.0 + 400.0 * red.right]
    log.record_entry(t, red.left, red.right)


@nrp.MapSpikeSink("left", nrp.brain.sensors[0], nrp.leaky_integrator_alpha, weight=0.5)
@nrp.MapSpikeSink("right", nrp.brain.sensors[1], nrp.leaky_integrator_alpha, weight=0.5)
@nrp.Neuron2Robot("action")
def wheels(t, left, right):
    return np.clip(np.array([0.2 + right.voltage, 0.2 + left.voltage]), -1.0, 1.0)


def run_loop(steps=25, dt=20.0):
    manager = TransferFunctionManager([eye_sensor, wheels])
    spinnaker_sim.setup(timestep=1.0, rng_seed=7, report_folder=None)
    try:
        sensors = spinnaker_sim.Population(2, spinnaker_sim.IF_curr_exp(), label="sensors")
        host = DeviceHost(spinnaker_sim, {"sensors": sensors})
        for spec in wire(manager.device_specs()):
            host.add(spec)
        env = gym.make("nrp/BraitenbergRover-v0")
        obs, _ = env.reset(seed=3)
        actions = []
        for k in range(steps):
            t = k * dt
            for name, value in wire(manager.robot_to_neuron(t / 1000.0, {"observation": obs})).items():
                host.set(name, value)
            host.before_step(t, dt)
            spinnaker_sim.run(dt)
            host.after_step(t, dt)
            brain = wire(host.get_many(manager.brain_reads()))
            action = np.asarray(manager.neuron_to_robot((t + dt) / 1000.0, brain)["action"])
            obs, *_ = env.step(action.astype(np.float32))
            actions.append(action)
        env.close()
        return np.array(actions), manager.recorders["eye_sensor.log"].data
    finally:
        spinnaker_sim.end()


def test_closed_loop_runs_and_is_bit_reproducible():
    actions, log = run_loop()
    assert actions.shape == (25, 2) and np.all(np.isfinite(actions))
    assert len(np.unique(actions[:, 0])) > 5  # the spiking read-out moves the wheels
    assert np.all(actions > 0.2 - 1e-12)  # excitatory read-outs only add to the base speed
    assert len(log) == 25
    again, _ = run_loop()
    assert np.array_equal(actions, again)
