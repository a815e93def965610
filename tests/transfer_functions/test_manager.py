"""TransferFunctionManager: the per-step glue, runtime add/replace/remove, errors, recorders."""


import msgpack
import numpy as np
import pytest

from transfer_functions import TransferFunctionError, TransferFunctionManager, nrp


def make_tfs(gain=1000.0):
    @nrp.MapSpikeSource("eye", nrp.brain.sensors[0:2], nrp.poisson)
    @nrp.MapRobotSubscriber("camera", "observation")
    @nrp.MapCSVRecorder("log", headers=["t", "red"])
    @nrp.Robot2Neuron()
    def see(t, camera, eye, log):
        eye.rate = gain * camera.value
        log.record_entry(t, camera.value)

    @nrp.MapSpikeSink("left", nrp.brain.actors[0], nrp.leaky_integrator_alpha)
    @nrp.MapSpikeSink("right", nrp.brain.actors[1], nrp.leaky_integrator_alpha)
    @nrp.MapVariable("steps", initial_value=0)
    @nrp.Neuron2Robot("action")
    def drive(t, left, right, steps):
        steps.value += 1
        return np.array([left.voltage, right.voltage])
    return see, drive


def test_one_step_of_glue():
    see, drive = make_tfs()
    manager = TransferFunctionManager([see, drive])
    specs = manager.device_specs()
    assert [s["name"] for s in specs] == ["see.eye", "drive.left", "drive.right"]
    assert msgpack.unpackb(msgpack.packb(specs)) == specs  # they cross the wire as they are
    assert manager.brain_reads() == ["drive.left", "drive.right"]
    assert manager.env_reads() == ["observation"]
    assert manager.robot_to_neuron(0.0, {"observation": 0.25}) == {"see.eye": 250.0}
    action = manager.neuron_to_robot(0.0, {"drive.left": 1.0, "drive.right": 2.0})
    assert list(action) == ["action"] and action["action"].tolist() == [1.0, 2.0]
    assert manager.variables == {"steps": 1}
    # pipelined start: no brain values yet -> decoders' initial values
    assert manager.neuron_to_robot(0.02, {})["action"].tolist() == [0.0, 0.0]


def test_a_failing_tf_names_itself_and_its_line_and_keeps_the_data():
    see, drive = make_tfs()
    manager = TransferFunctionManager([see, drive])
    manager.robot_to_neuron(0.0, {"observation": 0.5})

    @nrp.MapRobotSubscriber("camera", "observation")
    @nrp.MapCSVRecorder("log", headers=["t", "red"])
    @nrp.Robot2Neuron(name="see")
    def broken(t, camera, log):
        log.record_entry(t, camera.value)
        return 1 / 0
    line = broken.func.__code__.co_firstlineno + 5  # 3 decorators, def, log, return

    assert manager.replace(broken) == []  # no new device for the brain
    with pytest.raises(TransferFunctionError) as caught:
        manager.robot_to_neuron(0.02, {"observation": 0.6})
    error = caught.value
    assert (error.tf_name, error.lineno, error.error_type) == ("see", line, "ZeroDivisionError")
    assert error.filename == __file__ and "return 1 / 0" in error.traceback_text
    assert f"'see' raised ZeroDivisionError at line {line}" in str(error)
    assert error.to_dict()["lineno"] == line
    # the rows recorded before and during the failing call are kept; fix and resume
    assert manager.recorders["see.log"].data["red"].tolist() == [0.5, 0.6]
    manager.replace(make_tfs(gain=10.0)[0])
    assert manager.robot_to_neuron(0.04, {"observation": 0.7}) == {"see.eye": 7.0}
    assert len(manager.recorders["see.log"]) == 3


def test_runtime_add_replace_remove():
    see, drive = make_tfs()
    manager = TransferFunctionManager([drive])
    assert manager.device_specs()[0]["name"] == "drive.left"
    new = manager.add(see)
    assert [s["name"] for s in new] == ["see.eye"]  # the brain must build this one
    assert [tf.name for tf in manager.transfer_functions] == ["drive", "see"]
    with pytest.raises(ValueError, match="named 'see' exists"):
        manager.add(see)
    manager.robot_to_neuron(0.0, {"observation": 0.1})
    manager.remove("see")
    assert manager.env_reads() == []
    # its encoder is switched off at the next step (PyNN cannot delete devices)
    assert manager.robot_to_neuron(0.02, {"observation": 0.1}) == {"see.eye": None}
    assert manager.robot_to_neuron(0.04, {}) == {}
    assert manager.add(see) == []  # the brain still has its device
    with pytest.raises(KeyError, match="no transfer function named 'ghost'"):
        manager.remove("ghost")
    with pytest.raises(KeyError, match="no transfer function named 'ghost'"):
        manager.replace(nrp.Robot2Neuron(name="ghost")(lambda t: None))


def test_two_tfs_cannot_return_the_same_env_input():
    _, drive = make_tfs()
    other = nrp.Neuron2Robot("action", name="other")(lambda t: 1)
    with pytest.raises(ValueError, match="both return the env input 'action'"):
        TransferFunctionManager([drive, other])


def test_publishers_and_variables_across_tfs_and_reset():
    @nrp.MapRobotPublisher("beep", "sound")
    @nrp.MapVariable("count", initial_value=0)
    @nrp.MapVariable("mine", initial_value=[], scope=nrp.TRANSFER_FUNCTION_LOCAL)
    @nrp.Robot2Neuron()
    def a(t, beep, count, mine):
        count.value += 1
        mine.value.append(t)
        beep.send_message(count.value)

    @nrp.MapVariable("count")
    @nrp.Neuron2Robot()
    def b(t, count):
        count.value *= 10

    manager = TransferFunctionManager([a, b])
    manager.robot_to_neuron(0.0, {})
    assert manager.neuron_to_robot(0.0, {}) == {"sound": 1}  # published then, sent with the action
    manager.robot_to_neuron(0.02, {})
    assert manager.neuron_to_robot(0.02, {}) == {"sound": 11}
    assert manager.variables == {"count": 110}
    manager.reset()
    assert manager.variables == {"count": 0}


def test_tfs_from_source_text_report_their_lines():
    source = (
        "@nrp.MapRobotSubscriber('camera', 'observation')\n"
        "@nrp.Neuron2Robot('action')\n"
        "def steer(t, camera):\n"
        "    x = camera.value\n"
        "    return x['missing']\n")
    manager = TransferFunctionManager([source])
    assert manager["steer"].source == source
    with pytest.raises(TransferFunctionError) as caught:
        manager.neuron_to_robot(0.0, {})
    assert caught.value.lineno == 5 and caught.value.error_type == "TypeError"
    assert "return x['missing']" in caught.value.traceback_text
    manager.replace(source.replace("x['missing']", "[x, x]"))
    manager.robot_to_neuron(0.0, {"observation": 3})
    assert manager.neuron_to_robot(0.0, {}) == {"action": [3, 3]}
    with pytest.raises(TransferFunctionError, match="SyntaxError at line 1"):
        manager.add("def (:\n")
