"""Decoders on spinnaker_sim, driven by SpikeSourceArrays of known times: values as computed by hand."""

import numpy as np
import pytest

from transfer_functions import make_spec
from transfer_functions.devices import DeviceHost

TIMES = [[2.0, 5.0, 25.0], [3.0], [], [10.0, 30.0, 31.0]]


def run_steps(sim, host, n, dt=20.0, every=None):
    values = []
    for k in range(n):
        host.before_step(k * dt, dt)
        sim.run(dt)
        host.after_step(k * dt, dt)
        if every:
            values.append({name: host.get(name) for name in every})
    return values


@pytest.fixture
def brain(sim):
    src = sim.Population(4, sim.SpikeSourceArray(spike_times=TIMES), label="src")
    return src, DeviceHost(sim, {"src": src})


def test_counts_recorder_and_winner_per_step(sim, brain):
    _, host = brain
    host.add(make_spec("counts", "spike_counts", "src"))
    host.add(make_spec("rows", "spike_recorder", "src", [3, 0]))
    host.add(make_spec("wta", "winner_take_all", "src", groups=2))
    host.add(make_spec("wta1", "winner_take_all", "src", [1, 2]))
    assert host.get("wta") == -1 and host.get("counts").tolist() == [0, 0, 0, 0]
    first, second, third = run_steps(sim, host, 3, every=["counts", "rows", "wta", "wta1"])
    assert first["counts"].tolist() == [2, 1, 0, 1]
    assert second["counts"].tolist() == [1, 0, 0, 2]
    assert third["counts"].tolist() == [0, 0, 0, 0]
    # rows are [index in the view, time]: the view is [3, 0], so neuron 3 is index 0
    assert first["rows"].tolist() == [[1.0, 2.0], [1.0, 5.0], [0.0, 10.0]]
    assert second["rows"].tolist() == [[1.0, 25.0], [0.0, 30.0], [0.0, 31.0]]
    assert (first["wta"], second["wta"], third["wta"]) == (0, 1, -1)  # groups {0,1} and {2,3}
    assert (first["wta1"], second["wta1"]) == (0, -1)


def test_reading_does_not_clear_the_recording(sim, brain):
    src, host = brain
    host.add(make_spec("counts", "spike_counts", "src"))
    run_steps(sim, host, 2)
    trains = src.get_data("spikes").segments[0].spiketrains
    assert sorted(t for st in trains for t in st.magnitude) == sorted(t for train in TIMES for t in train)


def alpha_psp(lag, w, cm, tau_m, tau_s):
    """Textbook membrane response to an alpha PSC of peak w (nA), lag >= 0."""
    a = 1 / tau_s - 1 / tau_m
    return (w * np.e / (tau_s * cm) * np.exp(-lag / tau_m)
            * (1 - np.exp(-a * lag) * (1 + a * lag)) / a ** 2)


def exp_psp(lag, w, cm, tau_m, tau_s):
    return w / cm * tau_m * tau_s / (tau_m - tau_s) * (np.exp(-lag / tau_m) - np.exp(-lag / tau_s))


@pytest.mark.parametrize("kind,psp,tau_m,tau_s", [
    ("leaky_integrator_alpha", alpha_psp, 10.0, 2.0),
    ("leaky_integrator_exp", exp_psp, 20.0, 0.5)])
def test_leaky_integrators_follow_the_analytic_psps(sim, brain, kind, psp, tau_m, tau_s):
    _, host = brain
    host.add(make_spec("li", kind, "src", [0, 1, 3]))  # NRP defaults: w 0.01 nA, cm 1 nF
    host.add(make_spec("inh", kind, "src", [0, 1, 3], receptor_type="inhibitory",
                       weight=[0.01, 0.02, 0.03], delay=2.0))
    values = run_steps(sim, host, 2, every=["li", "inh"])
    spikes = [(t, i) for i in (0, 1, 3) for t in TIMES[i]]
    for k, t_end in enumerate((20.0, 40.0)):
        expected = sum(psp(t_end - (t + 1.0), 0.01, 1.0, tau_m, tau_s)
                       for t, _ in spikes if t + 1.0 <= t_end)
        weight = {0: 0.01, 1: 0.02, 3: 0.03}
        expected_inh = sum(psp(t_end - (t + 2.0), -weight[i], 1.0, tau_m, tau_s)
                           for t, i in spikes if t + 2.0 <= t_end)
        assert values[k]["li"] == pytest.approx(expected, rel=1e-9)
        assert values[k]["inh"] == pytest.approx(expected_inh, rel=1e-9)
        assert values[k]["inh"] < 0 < values[k]["li"]


def test_population_rate_window_and_filter(sim):
    # neuron 0 fires at 50 Hz, neuron 1 at 100 Hz, neuron 2 never: 50 Hz per neuron on average
    times = [list(np.arange(0.0, 2000.0, 20.0)), list(np.arange(5.0, 2000.0, 10.0)), []]
    src = sim.Population(3, sim.SpikeSourceArray(spike_times=times), label="src")
    host = DeviceHost(sim, {"src": src})
    host.add(make_spec("window", "population_rate", "src", window=100.0))
    host.add(make_spec("total", "population_rate", "src", window=100.0, average=False))
    host.add(make_spec("nrp", "population_rate", "src"))  # tau_rise 10, tau_fall 20 ms
    values = run_steps(sim, host, 50, every=["window", "total", "nrp"])
    late = values[10:]
    assert all(v["window"] == pytest.approx(50.0) for v in late)
    assert all(v["total"] == pytest.approx(150.0) for v in late)
    # the unit-area filter of a steady train oscillates around the rate
    assert np.mean([v["nrp"] for v in late]) == pytest.approx(50.0, rel=0.05)
    assert values[0]["nrp"] < values[5]["nrp"]  # it rises from 0


def test_host_errors_name_the_problem(sim, brain):
    _, host = brain
    with pytest.raises(KeyError, match="population 'nope'.*\\['src'\\]"):
        host.add(make_spec("x", "spike_counts", "nope"))
    with pytest.raises(IndexError, match="outside a population of 4"):
        host.add(make_spec("x", "spike_counts", "src", [7]))
    host.add(make_spec("c", "spike_counts", "src"))
    host.add(make_spec("c", "spike_counts", "src"))  # the same spec again is fine
    with pytest.raises(ValueError, match="different device named 'c'"):
        host.add(make_spec("c", "spike_recorder", "src"))
    with pytest.raises(KeyError, match="no decoder device named 'd'"):
        host.get("d")
    with pytest.raises(KeyError, match="no encoder device named 'c'"):
        host.set("c", 1.0)
    with pytest.raises(ValueError, match="cannot split 4 neurons into 3"):
        host.add(make_spec("w", "winner_take_all", "src", groups=3))


def test_reset_starts_decoders_over(sim, brain):
    _, host = brain
    host.add(make_spec("li", "leaky_integrator_exp", "src"))
    host.add(make_spec("c", "spike_counts", "src"))
    first = run_steps(sim, host, 2, every=["li", "c"])
    sim.reset()
    host.reset()
    assert host.get("li") == 0.0
    again = run_steps(sim, host, 2, every=["li", "c"])
    assert again[1]["li"] == pytest.approx(first[1]["li"])
    assert again[1]["c"].tolist() == first[1]["c"].tolist()
