"""A sPyNNaker-style PyNN script on the emulator: a synfire chain of populations passing a volley.

Run: ``python examples/pynn_spinnaker_demo.py`` (prints spike counts per population).
"""

import spinnaker_sim as sim

N_POPULATIONS = 10
SIZE = 100

sim.setup(timestep=1.0, rng_seed=1)
sim.set_number_of_neurons_per_core(sim.IF_curr_exp, 100)
stimulus = sim.Population(1, sim.SpikeSourceArray(spike_times=[0.0]), label="stimulus")
chain = [sim.Population(SIZE, sim.IF_curr_exp(), label=f"pop_{i}") for i in range(N_POPULATIONS)]
sim.Projection(stimulus, chain[0], sim.AllToAllConnector(),
               sim.StaticSynapse(weight=5.0, delay=1.0))
for i, pop in enumerate(chain):
    pop.record("spikes")
    sim.Projection(pop, chain[(i + 1) % N_POPULATIONS], sim.FixedNumberPreConnector(10),
                   sim.StaticSynapse(weight=0.8, delay=5.0), receptor_type="excitatory")
sim.run(200.0)
for pop in chain:
    spikes = pop.get_data("spikes").segments[0].spiketrains
    first = min((float(st[0]) for st in spikes if len(st)), default=float("nan"))
    print(f"{pop.label}: {sum(len(st) for st in spikes)} spikes, first at {first:.0f} ms")
sim.end()
