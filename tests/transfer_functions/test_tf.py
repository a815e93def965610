"""TF decorators bind the right proxies; TFs are plain functions testable without brain or env."""

import numpy as np
import pytest

from transfer_functions import (
    brain,
    neuron_to_robot,
    nrange,
    nrp,
    robot_subscriber,
    robot_to_neuron,
    spike_sink,
    spike_source,
    testing,
    variable,
)
from transfer_functions.tf import NEURON_TO_ROBOT, ROBOT_TO_NEURON


def make_eye():
    @nrp.MapSpikeSource("red_left", nrp.brain.sensors[0:2], nrp.poisson, weight=0.0015)
    @nrp.MapRobotSubscriber("camera", "observation")
    @nrp.Robot2Neuron()
    def eye_sensor(t, camera, red_left):
        red_left.rate = 2000.0 * camera.value["red"]
    return eye_sensor


def test_nrp_decorators_bind_devices_and_topics():
    eye = make_eye()
    assert eye.kind == ROBOT_TO_NEURON and eye.name == "eye_sensor"
    assert eye.env_topics() == ["observation"]
    [spec] = eye.device_specs()
    assert spec["name"] == "eye_sensor.red_left"
    assert (spec["type"], spec["population"], spec["indices"]) == ("poisson", "sensors", [0, 1])
    assert spec["params"]["weight"] == 0.0015 and spec["params"]["rate"] == 0.0


def test_a_tf_is_a_plain_function_in_unit_tests():
    eye = make_eye()
    red_left = testing.source("poisson")
    eye(0.0, camera=testing.robot({"red": 0.25}), red_left=red_left)
    assert red_left.rate == 500.0
    assert testing.run_tf(eye, env={"observation": {"red": 0.1}}).devices == {"red_left": 200.0}


def test_map_decorators_work_below_the_tf_decorator_too():
    @nrp.Neuron2Robot("action")
    @nrp.MapSpikeSink("left", nrp.brain.actors[0], nrp.leaky_integrator_alpha)
    @nrp.MapSpikeSink("right", nrp.brain.actors[1], nrp.population_rate, window=50.0)
    def wheels(t, left, right):
        return np.array([left.voltage, right.rate])
    assert wheels.kind == NEURON_TO_ROBOT and wheels.topic == "action"
    assert [s["indices"] for s in wheels.device_specs()] == [[0], [1]]  # parameter order
    out = testing.run_tf(wheels, brain={"left": 0.5, "right": 20.0})
    assert out.returned.tolist() == [0.5, 20.0]
    # before the brain has run, decoders read their initial values
    assert testing.run_tf(wheels).returned.tolist() == [0.0, 0.0]


def test_plain_function_forms():
    def steer(t, counts, obs, memory):
        memory.value += 1
        return counts.counts * obs.value + memory.value

    tf = neuron_to_robot(steer, topic="action", counts=spike_sink(brain.motors, "spike_counts"),
                         obs=robot_subscriber("observation"), memory=variable(10))
    result = testing.run_tf(tf, env={"observation": 2.0},
                            brain={"counts": np.array([1, 3])})
    assert result.returned.tolist() == [13.0, 17.0]

    @robot_to_neuron(current=spike_source(brain.sensors[nrange(0, 6, 2)], "dc_source"))
    def push(t, current):
        current.amplitude = [0.1, 0.2, 0.3]
    assert push.device_specs()[0]["indices"] == [0, 2, 4]
    assert testing.run_tf(push).devices == {"current": [0.1, 0.2, 0.3]}


def test_selectors():
    assert brain.pop[3].indices == [3]
    assert brain.pop[1:7:2].indices == [1, 3, 5]
    assert brain.pop[2:].indices == {"start": 2, "stop": None, "step": None}
    assert brain.pop.indices is None and brain["my pop"].population == "my pop"
    with pytest.raises(TypeError, match="already indexed"):
        brain.pop[0:2][0]


def test_proxies_refuse_typos_and_wrong_use():
    red = testing.source("poisson", name="red")
    with pytest.raises(AttributeError, match="no attribute 'rat'; set .rate"):
        red.rat = 3.0
    with pytest.raises(AttributeError, match="cannot inject spikes"):
        red.inject([0])
    volts = testing.sink("leaky_integrator_exp", 1.5)
    with pytest.raises(AttributeError, match="read .voltage"):
        _ = volts.rate
    rows = testing.sink("spike_recorder", np.array([[0.0, 3.0], [2.0, 4.0]]))
    assert rows.spiked and rows.ids.tolist() == [0, 2]
    injector = testing.source("spike_injector")
    injector.inject([1, 2])
    injector.inject(0, times=5.0)
    changed, value = injector.take()
    assert changed and value["indices"].tolist() == [1, 2, 0]
    assert np.isnan(value["times"][:2]).all() and value["times"][2] == 5.0


def test_mapping_mistakes_fail_at_decoration():
    with pytest.raises(ValueError, match="no parameter 'nope' to map"):
        nrp.MapRobotSubscriber("nope", "observation")(make_eye())
    with pytest.raises(ValueError, match=r"no parameter\(s\) \['wieght'\]"):
        nrp.MapSpikeSource("x", brain.a, nrp.poisson, wieght=1.0)
    with pytest.raises(ValueError, match="is a sink; map it with spike_sink/MapSpikeSink"):
        nrp.MapSpikeSource("x", brain.a, nrp.leaky_integrator_alpha)
    with pytest.raises(ValueError, match="unknown device type 'poison'"):
        nrp.MapSpikeSink("x", brain.a, "poison")
    with pytest.raises(ValueError, match="mapped twice"):
        nrp.MapRobotSubscriber("camera", "x")(make_eye())

    @nrp.Robot2Neuron()
    def half(t, camera, other):
        pass
    nrp.MapRobotSubscriber("camera", "observation")(half)
    with pytest.raises(ValueError, match=r"parameter\(s\) \['other'\] have no mapping"):
        testing.run_tf(half)
