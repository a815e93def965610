"""Which atoms of a core fired: the list the update makes from its per-atom marks, which it
reads eight atoms at a time where none fired, must name exactly the atoms that crossed."""

import numpy as np

import spinnaker_sim as sim


def test_each_atom_fires_at_its_own_ticks_across_words_and_unaligned_cores():
    """Atoms 0..36 of a population placed after a 3-atom one (its first atom is not at a
    multiple of eight, and its core ends inside a word), on cores of 16 atoms: each listed
    atom gets a spike big enough to fire it alone, several in one word and one tick, and in
    neighbouring words; every other atom stays silent."""
    sim.setup(timestep=1.0, min_delay=1.0)
    sim.set_number_of_neurons_per_core(sim.IF_curr_delta, 16)  # (outlives setup(): put back)
    cell = sim.IF_curr_delta(tau_refrac=0.0, v_thresh=-50.0, v_rest=-65.0, v_reset=-65.0)
    sim.Population(3, cell, label="before")
    cells = sim.Population(37, cell, label="cells")
    schedule = {0: [10.0], 7: [10.0, 30.0], 8: [10.0], 15: [20.0], 16: [20.0, 30.0],
                23: [30.0], 31: [40.0], 32: [40.0], 36: [10.0, 40.0]}
    times = [schedule.get(i, []) for i in range(cells.size)]
    source = sim.Population(cells.size, sim.SpikeSourceArray(spike_times=times))
    sim.Projection(source, cells, sim.OneToOneConnector(),
                   sim.StaticSynapse(weight=20.0, delay=1.0))
    cells.record("spikes")
    sim.run(60.0)
    trains = cells.get_data("spikes").segments[0].spiketrains
    fired = {i: list(np.asarray(st.magnitude)) for i, st in enumerate(trains) if len(st)}
    # the input arrives a tick after its spike; the delta synapse fires the atom in that tick
    sim.set_number_of_neurons_per_core(sim.IF_curr_delta, 256)
    sim.end()
    assert fired == {i: [t + 1.0 for t in ts] for i, ts in schedule.items()}
