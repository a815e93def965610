"""Encoders on spinnaker_sim: rates and currents the TF values ask for, measured or read back."""

import numpy as np
import pytest

from transfer_functions import make_spec
from transfer_functions.devices import DeviceHost
from transfer_functions.devices.coding import gaussian_rates


def counts(population):
    return np.array([len(st) for st in population.get_data("spikes").segments[0].spiketrains])


def test_poisson_rates_per_neuron_are_the_set_values(sim):
    target = sim.Population(5, sim.IF_curr_exp(), label="t")
    host = DeviceHost(sim, {"t": target})
    host.add(make_spec("p", "poisson", "t", connector="one_to_one"))
    host.add(make_spec("one", "poisson", "t", [0, 1]))
    sources = host._encoders["p"].sources
    sources.record("spikes")
    assert host._encoders["one"].sources.size == 1  # NRP: one source onto all the neurons
    rates = np.array([0.0, 20.0, 50.0, 100.0, 200.0])
    host.set("p", rates)
    host.set("one", 30.0)
    sim.run(4000.0)
    measured = counts(sources) / 4.0
    assert measured[0] == 0
    # Poisson counts: within 5 standard deviations of rate * 4 s
    assert np.all(np.abs(measured - rates) * 4.0 <= 5 * np.sqrt(rates * 4.0) + 1e-9)
    assert host._encoders["one"].sources.get("rate") == pytest.approx(30.0)


def test_poisson_rate_changes_between_steps_and_switches_off(sim):
    target = sim.Population(1, sim.IF_curr_exp(), label="t")
    host = DeviceHost(sim, {"t": target})
    host.add(make_spec("p", "poisson", "t", connector="one_to_one"))
    sources = host._encoders["p"].sources
    sources.record("spikes")
    measured, before = [], 0
    for rate in (200.0, None, 50.0):
        host.set("p", rate)
        sim.run(2000.0)
        total = counts(sources)[0]
        measured.append((total - before) / 2.0)
        before = total
    assert measured[1] == 0
    assert abs(measured[0] - 200) < 5 * np.sqrt(400) / 2
    assert abs(measured[2] - 50) < 5 * np.sqrt(100) / 2


def test_bad_rates_are_refused(sim):
    target = sim.Population(3, sim.IF_curr_exp(), label="t")
    host = DeviceHost(sim, {"t": target})
    host.add(make_spec("p", "poisson", "t", connector="one_to_one"))
    with pytest.raises(ValueError, match="rates must be >= 0"):
        host.set("p", -1.0)
    with pytest.raises(ValueError, match="scalar or 3 values"):
        host.set("p", [1.0, 2.0])


def test_gaussian_tuning_curves():
    rates = gaussian_rates(0.5, 5, low=0.0, high=1.0, max_rate=100.0, baseline=2.0)
    assert rates.tolist()[2] == pytest.approx(102.0)  # the neuron whose centre is 0.5
    assert rates[1] == pytest.approx(2.0 + 100.0 * np.exp(-0.5))  # one width away
    two = gaussian_rates([0.0, 1.0], 6, low=0.0, high=1.0, max_rate=10.0, dims=2)
    assert np.argmax(two[:3]) == 0 and np.argmax(two[3:]) == 2
    with pytest.raises(ValueError, match="cannot be split into 4"):
        gaussian_rates([0, 0, 0, 0], 6, 0.0, 1.0, 10.0, dims=4)


def test_receptive_field_device_sets_the_tuning_rates(sim):
    target = sim.Population(6, sim.IF_curr_exp(), label="t")
    host = DeviceHost(sim, {"t": target})
    host.add(make_spec("rf", "receptive_field_rates", "t", low=-1.0, high=1.0, max_rate=80.0,
                       dims=2))
    host.set("rf", [-1.0, 0.3])
    expected = gaussian_rates([-1.0, 0.3], 6, -1.0, 1.0, 80.0, dims=2)
    assert host._encoders["rf"].sources.get("rate") == pytest.approx(expected)
    host.set("rf", None)
    assert np.all(host._encoders["rf"].sources.get("rate") == 0)


def test_dc_source_drives_each_neuron_to_its_steady_state(sim):
    cell = sim.IF_curr_exp(v_thresh=100.0, tau_m=20.0, cm=1.0, v_rest=-65.0, i_offset=0.0)
    target = sim.Population(3, cell, label="t")
    target.record("v")
    host = DeviceHost(sim, {"t": target})
    host.add(make_spec("dc", "dc_source", "t", [0, 2]))
    host.set("dc", [0.5, 0.25])
    sim.run(300.0)
    v = np.asarray(target.get_data("v").segments[0].filter(name="v")[0])[-1]
    # v_inf = v_rest + I tau_m / cm
    assert v == pytest.approx([-55.0, -65.0, -60.0], abs=0.05)


def test_ac_source_parameters_follow_the_tf(sim):
    target = sim.Population(2, sim.IF_curr_exp(), label="t")
    host = DeviceHost(sim, {"t": target})
    host.add(make_spec("ac", "ac_source", "t", frequency=5.0))
    source = host._encoders["ac"].source
    host.set("ac", 0.3)
    assert (source.amplitude, source.frequency) == (0.3, 5.0)
    host.set("ac", {"offset": 0.1, "phase": 90.0})
    assert (source.amplitude, source.offset, source.phase) == (0.3, 0.1, 90.0)
    host.set("ac", None)
    assert (source.amplitude, source.offset) == (0.0, 0.0)
    with pytest.raises(ValueError, match="no parameter"):
        host.set("ac", {"amplitud": 1.0})


def test_spike_injector_fires_in_the_next_step(sim):
    target = sim.Population(3, sim.IF_curr_exp(), label="t")
    host = DeviceHost(sim, {"t": target})
    host.add(make_spec("inj", "spike_injector", "t", weight=5.0))
    host.add(make_spec("seen", "spike_recorder", "t"))
    sources = host._encoders["inj"].sources
    sources.record("spikes")
    for k in range(3):
        if k == 1:
            host.set("inj", [0, 2])
            host.set("inj", {"indices": [1], "times": [7.0]})
        host.before_step(20.0 * k, 20.0)
        sim.run(20.0)
        host.after_step(20.0 * k, 20.0)
    trains = sources.get_data("spikes").segments[0].spiketrains
    # default: min delay (1 ms) + one tick into the step
    assert [st.magnitude.tolist() for st in trains] == [[22.0], [27.0], [22.0]]
    with pytest.raises(IndexError, match="cannot inject into sources \\[3\\]"):
        host.set("inj", [3])
    host.set("inj", {"indices": [0], "times": [25.0]})
    with pytest.raises(ValueError, match="offsets in ms within the step"):
        host.before_step(60.0, 20.0)
