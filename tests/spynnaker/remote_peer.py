"""A separate process for the live I/O tests: a "robot" with a live spikes connection and a
Poisson control connection, answering the simulation's output and writing what it saw.

    python remote_peer.py SPIKES_PORT POISSON_PORT RESULT_FILE
"""

import json
import sys
import threading

from spinnaker_sim.external_devices import (
    SpynnakerLiveSpikesConnection,
    SpynnakerPoissonControlConnection,
)

spikes_port, poisson_port, result_file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
seen = {"out": [], "noise": [], "init": []}
done = threading.Event()

spikes = SpynnakerLiveSpikesConnection(receive_labels=["out", "noise"], send_labels=["inj"],
                                       local_port=spikes_port)
control = SpynnakerPoissonControlConnection(poisson_labels=["noise"], local_port=poisson_port)


def on_init(label, n_neurons, run_time_ms, timestep_ms):
    seen["init"].append([label, n_neurons, run_time_ms, timestep_ms])


def on_start(label, connection):
    connection.send_spikes(label, [1, 3])           # fire at tick 0


def on_out(label, time, neuron_ids):
    seen["out"].append([time, sorted(neuron_ids)])
    if time < 40:                                   # answer each volley on the next neuron
        spikes.send_spike("inj", (max(neuron_ids) + 1) % 5)


def on_noise(label, time, neuron_ids):
    seen["noise"].append([time, sorted(neuron_ids)])
    if time == 20:                                  # silence the Poisson sources from tick 21
        control.set_rates("noise", [(i, 0.0) for i in range(4)])


def on_start_noise(label, connection):
    connection.set_rates(label, [(0, 800.0), (2, 800.0)])


def on_stop(label, connection):
    done.set()


spikes.add_init_callback("inj", on_init)
spikes.add_start_resume_callback("inj", on_start)
spikes.add_receive_callback("out", on_out)
spikes.add_receive_callback("noise", on_noise)
spikes.add_pause_stop_callback("inj", on_stop)
control.add_start_resume_callback("noise", on_start_noise)
print("ready", flush=True)
done.wait(timeout=60)
with open(result_file, "w") as f:
    json.dump(seen, f)
spikes.close()
control.close()
