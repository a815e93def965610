"""The recorded cells of a population: a mask that reads as the set of IDs PyNN keeps."""

import numpy as np
import pytest
from pyNN.recording import Variable

import spinnaker_sim as sim

SPIKES = Variable("spikes", location=None, label=None)


def test_recorded_cells_read_as_the_set_of_ids_pynn_keeps():
    sim.setup(timestep=1.0, report_folder=None)
    sources = sim.Population(10, sim.SpikeSourcePoisson(rate=200.0))
    other = sim.Population(3, sim.SpikeSourcePoisson(rate=200.0))
    sources[2:5].record("spikes")
    sources[[7, 3]].record("spikes")  # views add to what is recorded
    recorded = sources.recorder.recorded[SPIKES]
    cells = [sources[i] for i in (2, 3, 4, 7)]
    assert set(recorded) == set(cells) and recorded == set(cells) and len(recorded) == 4
    assert all(a is b for a, b in zip(recorded, cells, strict=True))  # its own IDs, in order
    assert sources[3] in recorded and sources[0] not in recorded
    assert other[0] not in recorded and "spikes" not in recorded
    sim.run(100.0)
    trains = sources.get_data().segments[0].spiketrains
    assert [t.annotations["channel_id"] for t in trains] == [int(c) for c in cells]
    assert all(len(t) > 0 for t in trains)
    assert sorted(sources.get_spike_counts()) == cells
    sources.record(None)  # stops recording
    assert sources.get_spike_counts() == {}
    sources[0:2].record("spikes")
    assert list(sources.recorder.recorded[SPIKES]) == [sources[0], sources[1]]
    sim.end()


def test_recording_a_cell_of_another_population_is_refused():
    sim.setup(timestep=1.0, report_folder=None)
    cells = sim.Population(4, sim.IF_curr_exp())
    other = sim.Population(4, sim.IF_curr_exp())
    with pytest.raises(ValueError, match="not one of population"):
        cells.recorder.record("spikes", other.all_cells)
    assert not cells.recorder.recorded[SPIKES]  # nothing half-recorded
    cells.recorder.record(["spikes", "v"], iter(cells.all_cells[1:3]))  # an iterator, read once
    for variable in ("spikes", "v"):
        recorded = cells.recorder.recorded[Variable(variable, location=None, label=None)]
        assert np.array_equal(recorded.indices, [1, 2])
    sim.end()
