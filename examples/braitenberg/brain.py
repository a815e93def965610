"""The NRP template experiment's 8-neuron Braitenberg brain, in PyNN (run with ``sim`` bound).

sensors[0:2] see red on the left, sensors[2:4] red on the right, sensors[4] "no red" (go on);
go_on[0] relays the search drive and is silenced by red; actors[0]/[1] drive the left/right
wheel. Red on the left excites the right wheel's actor (turn left), and vice versa, so the
rover turns towards the red target and drives straight at it once it is centred.
"""

try:
    sim  # noqa: B018 - bound by the brain engine
except NameError:  # run as a plain script
    import spinnaker_sim as sim

    sim.setup(timestep=1.0)

CELL = {"cm": 0.25, "tau_m": 10.0, "tau_refrac": 2.0, "tau_syn_E": 2.5, "tau_syn_I": 2.5,
        "v_rest": -60.0, "v_reset": -60.0, "v_thresh": -55.0}
SENSOR_TO_ACTOR = 0.6  # nA
RED_TO_GO_ON = -1.0  # nA (inhibitory: negative for current synapses)
GO_ON_SENSOR_TO_GO_ON = 0.6  # nA
DELAY = 1.0  # ms

# SpiNNaker sizes each core's input ring buffer for an expected input rate: the eyes fire fast
BUSY = ({"additional_parameters": {"spikes_per_second": 2000.0}}
        if sim.__name__ == "spinnaker_sim" else {})

sensors = sim.Population(5, sim.IF_curr_exp(**CELL), label="sensors", **BUSY)
go_on = sim.Population(1, sim.IF_curr_exp(**CELL), label="go_on", **BUSY)
actors = sim.Population(2, sim.IF_curr_exp(**CELL), label="actors", **BUSY)


def _connect(pre, post, weight, receptor="excitatory"):
    sim.Projection(pre, post, sim.AllToAllConnector(),
                   sim.StaticSynapse(weight=weight, delay=DELAY), receptor_type=receptor)


_connect(sensors[0:2], actors[1:2], SENSOR_TO_ACTOR)  # red left -> right wheel: turn left
_connect(sensors[2:4], actors[0:1], SENSOR_TO_ACTOR)  # red right -> left wheel: turn right
_connect(sensors[0:4], go_on, RED_TO_GO_ON, "inhibitory")  # red in sight: stop searching
_connect(sensors[4:5], go_on, GO_ON_SENSOR_TO_GO_ON)
