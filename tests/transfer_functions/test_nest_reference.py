"""The same devices on pyNN.nest (the brain engine takes any PyNN backend): same decoder values as
spinnaker_sim for the same input spikes, and encoders accepted by NEST.

NEST runs in a child process: nest.ResetKernel() segfaults in a process where spinnaker_sim's
numba kernels have already run (seen with NEST 3.10).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import spinnaker_sim
from transfer_functions import make_spec
from transfer_functions.devices import DeviceHost

pytestmark = pytest.mark.reference
TIMES = [[2.0, 5.0, 25.0], [3.0], [], [10.0, 30.0, 31.0]]
DECODERS = [("counts", "spike_counts", {}), ("rows", "spike_recorder", {}),
            ("li", "leaky_integrator_alpha", {"delay": 1.0}),
            ("rate", "population_rate", {"delay": 1.0})]


def decode_on(sim, **setup):
    sim.setup(timestep=1.0, **setup)
    try:
        src = sim.Population(4, sim.SpikeSourceArray(spike_times=TIMES), label="src")
        target = sim.Population(2, sim.IF_curr_exp(), label="t")
        host = DeviceHost(sim, {"src": src, "t": target})
        for name, kind, params in DECODERS:
            host.add(make_spec(name, kind, "src", **params))
        for name, kind in (("p", "poisson"), ("inj", "spike_injector"), ("dc", "dc_source"),
                           ("ac", "ac_source")):
            host.add(make_spec(name, kind, "t"))
        host.set("p", 100.0)
        host.set("inj", [0, 1])
        host.set("dc", 0.1)
        host.set("ac", {"amplitude": 0.2, "frequency": 5.0})
        values = []
        for k in range(2):
            host.before_step(20.0 * k, 20.0)
            sim.run(20.0)
            host.after_step(20.0 * k, 20.0)
            values.append({name: host.get(name) for name, _, _ in DECODERS})
        return values
    finally:
        sim.end()


NEST_CHILD = """
import json, sys
import numpy as np
import pyNN.nest as nest
sys.path.insert(0, {here!r})
from test_nest_reference import decode_on
values = decode_on(nest, min_delay=1.0)
print(json.dumps([{{k: np.asarray(v).tolist() for k, v in step.items()}} for step in values]))
"""


def test_nest_and_spinnaker_sim_decode_the_same_spikes_alike():
    pytest.importorskip("nest")
    child = subprocess.run(
        [sys.executable, "-c", NEST_CHILD.format(here=str(Path(__file__).parent))],
        capture_output=True, text=True, timeout=300, cwd=Path(__file__).parents[2], check=False)
    assert child.returncode == 0, child.stderr[-2000:]
    theirs = json.loads(child.stdout.strip().splitlines()[-1])
    ours = decode_on(spinnaker_sim, report_folder=None)
    for a, b in zip(ours, theirs):
        assert a["counts"].tolist() == b["counts"]
        assert a["rows"].tolist() == b["rows"]
        assert a["li"] == pytest.approx(b["li"], rel=1e-12)
        assert a["rate"] == pytest.approx(b["rate"], rel=1e-12)
