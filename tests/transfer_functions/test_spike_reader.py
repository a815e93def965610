"""SpikeReader hands out each recorded spike once, step by step, without clearing recordings."""

import numpy as np

import spinnaker_sim as sim
from transfer_functions.devices.spikes import SpikeReader


def _network():
    sim.setup(timestep=1.0, rng_seed=3)
    sources = sim.Population(30, sim.SpikeSourcePoisson(rate=80.0), label="src")
    return sources


def _full_recording(population):
    trains = population.get_data("spikes", clear=False).segments[-1].spiketrains
    return sorted((int(st.annotations["source_index"]), float(t))
                  for st in trains for t in st.magnitude)


def test_steps_hand_out_every_watched_spike_once_in_time_order():
    sources = _network()
    reader = SpikeReader(sources)
    reader.watch(sources[5:25])
    handed = []
    for step in range(25):
        sim.run(20.0)
        indices, times = reader.read(step * 20.0)
        assert np.all(np.diff(times) >= 0)
        assert np.all((times >= step * 20.0) & (times < (step + 1) * 20.0))
        handed += list(zip(indices.tolist(), times.tolist()))
    everything = [(i, t) for i, t in _full_recording(sources) if 5 <= i < 25]
    sim.end()
    assert len(everything) > 500
    assert sorted(handed) == everything


def test_reads_go_on_after_someone_clears_the_recording():
    sources = _network()
    reader = SpikeReader(sources)
    reader.watch(sources)
    sim.run(100.0)
    reader.read(80.0)
    sources.get_data("spikes", clear=True)  # the experiment takes (and clears) its data
    sim.run(20.0)
    indices, times = reader.read(100.0)
    after_clear = _full_recording(sources)
    sim.end()
    assert len(times) > 0 and np.all(times >= 100.0)
    assert sorted(zip(indices.tolist(), times.tolist())) == after_clear
