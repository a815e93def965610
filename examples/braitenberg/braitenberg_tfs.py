"""The Braitenberg experiment's TFs, NRP style: camera -> Poisson rates, leaky integrators -> wheels."""

import numpy as np

import envs
from transfer_functions import nrp

RED_RATE = 2000.0  # Hz at a fully red half image (the NRP template's gain)
GO_ON_RATE = 200.0  # Hz when no pixel is red
EYE_WEIGHT = 0.5  # nA per input spike
CRUISE, STEER, SEARCH = 0.6, 1.5, 0.4  # wheel commands
SEEN = 0.02  # mV of summed actor read-out that means "red in sight"


@nrp.MapRobotSubscriber("camera", "observation")
@nrp.MapSpikeSource("red_left_eye", nrp.brain.sensors[0:2], nrp.poisson, weight=EYE_WEIGHT)
@nrp.MapSpikeSource("red_right_eye", nrp.brain.sensors[2:4], nrp.poisson, weight=EYE_WEIGHT)
@nrp.MapSpikeSource("green_blue_eye", nrp.brain.sensors[4], nrp.poisson, weight=EYE_WEIGHT)
@nrp.MapCSVRecorder("seen", headers=["t", "red_left", "red_right", "go_on"])
@nrp.Robot2Neuron()
def eye_sensor_transmit(t, camera, red_left_eye, red_right_eye, green_blue_eye, seen):
    """The NRP's eye TF: red in each half of the image and the non-red rest as Poisson rates."""
    red = envs.detect_red(camera.value["retina"])
    red_left_eye.rate = RED_RATE * red.left
    red_right_eye.rate = RED_RATE * red.right
    green_blue_eye.rate = GO_ON_RATE * red.go_on
    seen.record_entry(t, red.left, red.right, red.go_on)


@nrp.MapSpikeSink("left_wheel_neuron", nrp.brain.actors[0], nrp.leaky_integrator_exp, weight=1.0)
@nrp.MapSpikeSink("right_wheel_neuron", nrp.brain.actors[1], nrp.leaky_integrator_exp,
                  weight=1.0)
@nrp.MapSpikeSink("go_on_neuron", nrp.brain.go_on[0], nrp.leaky_integrator_exp, weight=1.0)
@nrp.MapCSVRecorder("wheels", headers=["t", "left", "right"])
@nrp.Neuron2Robot("action")
def wheel_twist(t, left_wheel_neuron, right_wheel_neuron, go_on_neuron, wheels):
    """Steer by the balance of the two actors' read-outs; spin on the spot to search while the
    go-on neuron fires and no actor does."""
    left, right = left_wheel_neuron.voltage, right_wheel_neuron.voltage
    drive = left + right
    if drive > SEEN:
        turn = STEER * (right - left) / drive
        command = np.array([CRUISE - turn, CRUISE + turn])
    elif go_on_neuron.voltage > 0:
        command = np.array([-SEARCH, SEARCH])
    else:
        command = np.array([CRUISE, CRUISE])
    command = np.clip(command, -1.0, 1.0)
    wheels.record_entry(t, command[0], command[1])
    return command
