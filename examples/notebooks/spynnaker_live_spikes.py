"""Live spike I/O written only against sPyNNaker's API (runs unmodified on SpiNNaker, or here via
``spinnaker-sim run spynnaker_live_spikes.py`` or the "sPyNNaker (emulated)" kernel).

A SpikeInjector starts a volley in each of five short chains of neurons; every chain neuron
fires once, and its spikes come back live to a Python callback while the simulation runs.
"""

import pyNN.spiNNaker as sim

N_NEURONS = 50
CHAIN_LENGTH = 10
RUN_TIME = 200

cell_params = {"cm": 0.25, "i_offset": 0.0, "tau_m": 20.0, "tau_refrac": 2.0,
               "tau_syn_E": 5.0, "tau_syn_I": 5.0, "v_reset": -70.0, "v_rest": -65.0,
               "v_thresh": -50.0}
received = []


def send_input(label, connection):
    """At the start, inject one spike at the head of each chain."""
    connection.send_spikes(label, list(range(0, N_NEURONS, CHAIN_LENGTH)))


def receive_spikes(label, time, neuron_ids):
    for neuron_id in neuron_ids:
        received.append((time, neuron_id))


connection = sim.external_devices.SpynnakerLiveSpikesConnection(
    receive_labels=["chain"], local_port=None, send_labels=["injector"])
connection.add_start_resume_callback("injector", send_input)
connection.add_receive_callback("chain", receive_spikes)

sim.setup(timestep=1.0, min_delay=1.0)
sim.set_number_of_neurons_per_core(sim.IF_curr_exp, 25)

injector = sim.Population(
    N_NEURONS, sim.external_devices.SpikeInjector(
        database_notify_port_num=connection.local_port), label="injector")
chain = sim.Population(N_NEURONS, sim.IF_curr_exp(**cell_params), label="chain")
sim.Projection(injector, chain, sim.OneToOneConnector(),
               sim.StaticSynapse(weight=2.0, delay=1.0))
links = [(i, i + 1) for i in range(N_NEURONS - 1) if (i + 1) % CHAIN_LENGTH]
sim.Projection(chain, chain, sim.FromListConnector(links),
               sim.StaticSynapse(weight=2.0, delay=3.0))
chain.record("spikes")
sim.external_devices.activate_live_output_for(
    chain, database_notify_port_num=connection.local_port)

sim.run(RUN_TIME)

trains = chain.get_data("spikes").segments[0].spiketrains
recorded = sorted((int(t), i) for i, train in enumerate(trains) for t in train.magnitude)
print(f"recorded {len(recorded)} spikes from {len({i for _, i in recorded})} neurons")
print(f"received live {len(received)} spikes from {len({i for _, i in received})} neurons")
print("live spikes match the recording:", sorted(received) == recorded)
sim.end()
