"""Shared fixtures of the spinnaker_sim tests."""

import pytest

import spinnaker_sim as sim


@pytest.fixture
def delay_network():
    """A builder of a recurrent network that exercises the static synapses: Poisson drive, a
    recurrent excitatory projection with delays to 40 ms (delay extensions) and an inhibitory
    one, all FixedNumberPre/Post; it sets up the simulator and returns the 400 cells,
    recording their spikes."""
    def build(numerics: str = "fixed"):
        sim.setup(timestep=1.0, rng_seed=5, numerics=numerics)
        cells = sim.Population(400, sim.IF_curr_exp(tau_refrac=2.0), label="cells")
        drive = sim.Population(40, sim.SpikeSourcePoisson(rate=40.0), label="drive")
        rng = sim.NumpyRNG(seed=8)
        sim.Projection(drive, cells, sim.FixedNumberPreConnector(8, rng=rng),
                       sim.StaticSynapse(weight=1.5, delay=1.0))
        sim.Projection(cells, cells, sim.FixedNumberPreConnector(20, rng=rng),
                       sim.StaticSynapse(weight=0.3, delay=sim.RandomDistribution(
                           "uniform_int", (1, 40), rng=rng)))
        sim.Projection(cells, cells, sim.FixedNumberPostConnector(10, rng=rng),
                       sim.StaticSynapse(weight=-0.8, delay=3.0), receptor_type="inhibitory")
        cells.record("spikes")
        return cells
    return build
