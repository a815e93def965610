"""pyNN.brian2 0.13 ignores Population.set(rate=...) on a running SpikeSourcePoisson; our poisson
device must still change the rate there (measured, like the NEST reference: 20 / 0 / 200 Hz)."""

import numpy as np
import pytest

from transfer_functions import make_spec
from transfer_functions.devices import DeviceHost

pytestmark = pytest.mark.reference


def test_poisson_device_rate_changes_take_effect_on_brian2():
    sim = pytest.importorskip("pyNN.brian2")
    sim.setup(timestep=1.0)
    try:
        target = sim.Population(1, sim.IF_curr_exp(), label="t")
        host = DeviceHost(sim, {"t": target})
        host.add(make_spec("p", "poisson", "t", [0], connector="one_to_one", rate=20.0))
        sources = host._encoders["p"].sources
        sources.record("spikes")
        measured, before = [], 0
        for rate in (20.0, 0.0, 200.0):
            host.set("p", rate)
            sim.run(1000.0)
            total = sum(sources.get_spike_counts().values())
            measured.append(total - before)
            before = total
        assert measured[1] == 0
        for got, want in ((measured[0], 20.0), (measured[2], 200.0)):
            assert abs(got - want) <= 5 * np.sqrt(want)  # 1 s: counts are the rates
    finally:
        sim.end()
