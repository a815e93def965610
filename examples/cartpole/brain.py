"""A spiking push-left / push-right pair of populations for CartPole (run with ``sim`` bound).

Each population gets a DC current per neuron from the TFs (a spread of biases plus or minus
the PD error signal); the side that spikes more within a sync step pushes the cart.
"""

try:
    sim  # noqa: B018 - bound by the brain engine
except NameError:  # run as a plain script
    import spinnaker_sim as sim

    sim.setup(timestep=1.0)

SIZE = 10  # neurons per side
CELL = {"cm": 0.25, "tau_m": 10.0, "tau_refrac": 2.0, "v_rest": -65.0, "v_reset": -65.0,
        "v_thresh": -55.0}

push_left = sim.Population(SIZE, sim.IF_curr_exp(**CELL), label="push_left")
push_right = sim.Population(SIZE, sim.IF_curr_exp(**CELL), label="push_right")
