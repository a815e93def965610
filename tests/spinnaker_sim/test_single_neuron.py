"""Single neurons against analytic solutions (SpiNNaker numerics: 1 ms ticks, s16.15)."""

import math

import numpy as np
import pytest

import spinnaker_sim as sim
from spinnaker_sim.pynn import simulator

DT = 1.0


def spike_times(population):
    trains = population.get_data("spikes").segments[0].spiketrains
    return [np.asarray(st.magnitude) for st in trains]


def signal(population, name):
    seg = population.get_data(name).segments[0]
    return np.asarray(seg.filter(name=name)[0].magnitude)


def lif_time_to_threshold(i_amp, r, tau_m, gap):
    """Time for v to climb `gap` mV from rest under a constant current."""
    return -tau_m * math.log(1.0 - gap / (i_amp * r))


@pytest.mark.parametrize("celltype", [sim.IF_curr_exp, sim.IF_cond_exp])
def test_dc_source_first_spike_and_isi_within_one_tick(celltype):
    sim.setup(timestep=DT)
    cell = sim.Population(1, celltype(tau_m=20.0, cm=1.0, v_rest=-65.0, v_reset=-65.0,
                                      v_thresh=-50.0, tau_refrac=2.0))
    cell.record("spikes")
    sim.DCSource(amplitude=1.0, start=0.0, stop=1000.0).inject_into(cell)
    sim.run(300.0)
    times = spike_times(cell)[0]
    t_star = lif_time_to_threshold(1.0, 20.0, 20.0, 15.0)          # 27.7 ms
    assert abs(times[0] - t_star) <= DT
    isi = np.diff(times)
    assert np.all(np.abs(isi - (t_star + 2.0)) <= DT)
    sim.end()


def test_refractory_period_is_ceil_tau_refrac_ticks():
    isis = {}
    for tau_refrac in (0.1, 5.0, 7.5):
        sim.setup(timestep=DT)
        cell = sim.Population(1, sim.IF_curr_exp(i_offset=2.0, tau_refrac=tau_refrac))
        cell.record("spikes")
        sim.run(200.0)
        isis[tau_refrac] = np.diff(spike_times(cell)[0])
        sim.end()
        assert np.all(isis[tau_refrac] == isis[tau_refrac][0])
    assert isis[5.0][0] - isis[0.1][0] == math.ceil(5.0) - math.ceil(0.1)
    assert isis[7.5][0] - isis[0.1][0] == math.ceil(7.5) - math.ceil(0.1)


@pytest.mark.parametrize("delay, ring_rows", [(1.0, 1), (2.0, 2), (5.0, 8), (8.0, 8),
                                              (16.0, 16), (17.0, 16), (40.0, 16), (144.0, 16)])
def test_delays_are_exact_in_ticks(delay, ring_rows):
    """Input arrives in the ring slot t + d: visible in gsyn_exc at tick 10 + d. The engine's
    ring is as deep as the longest delay needs (a power of two, at most the core's 16 slots;
    longer delays go through extension cores), so a delay can fill it exactly."""
    sim.setup(timestep=DT)
    source = sim.Population(1, sim.SpikeSourceArray(spike_times=[10.0]))
    cell = sim.Population(1, sim.IF_curr_exp())
    sim.Projection(source, cell, sim.OneToOneConnector(),
                   sim.StaticSynapse(weight=0.5, delay=delay))
    cell.record("gsyn_exc")
    sim.run(200.0)
    trace = signal(cell, "gsyn_exc")[:, 0]
    assert np.flatnonzero(trace > 0)[0] == 10 + int(delay)
    assert simulator.state.engine.net.ring.shape[0] == ring_rows
    sim.end()


def test_single_psp_peak_matches_analytic_within_2_percent():
    """Catches a missing synaptic init factor (which would be ~10% off at tau_syn 5 ms)."""
    tau_m, tau_s, cm, w = 20.0, 5.0, 1.0, 2.0
    sim.setup(timestep=DT)
    source = sim.Population(1, sim.SpikeSourceArray(spike_times=[10.0]))
    cell = sim.Population(1, sim.IF_curr_exp(tau_m=tau_m, cm=cm, tau_syn_E=tau_s,
                                             v_rest=-65.0, v_thresh=0.0))
    sim.Projection(source, cell, sim.OneToOneConnector(), sim.StaticSynapse(weight=w, delay=1.0))
    cell.record("v")
    sim.run(100.0)
    v = signal(cell, "v")[:, 0]
    t_peak = math.log(tau_m / tau_s) * tau_m * tau_s / (tau_m - tau_s)
    peak = w / cm * tau_m * tau_s / (tau_m - tau_s) * (math.exp(-t_peak / tau_m)
                                                        - math.exp(-t_peak / tau_s))
    measured = v.max() + 65.0
    assert abs(measured - peak) / peak < 0.02, (measured, peak)
    sim.end()


def test_alpha_synapse_follows_the_analytic_alpha_current():
    """SpiNNaker's alpha synapse is a step-wise recurrence; its current stays within 5% of
    the peak of PyNN's w (t / tau) exp(1 - t / tau) (stated tolerance)."""
    tau, w = 5.0, 1.0
    sim.setup(timestep=DT)
    source = sim.Population(1, sim.SpikeSourceArray(spike_times=[10.0]))
    cell = sim.Population(1, sim.IF_curr_alpha(tau_syn_E=tau, v_thresh=0.0))
    sim.Projection(source, cell, sim.OneToOneConnector(), sim.StaticSynapse(weight=w, delay=1.0))
    cell.record("gsyn_exc")
    sim.run(60.0)
    current = signal(cell, "gsyn_exc")[:, 0]
    arrival = 11
    t = np.arange(current.size) - arrival
    analytic = np.where(t >= 0, w * (t / tau) * np.exp(1 - t / tau), 0.0)
    assert np.max(np.abs(current - analytic)) < 0.05 * w, np.round(current[9:25], 3)
    sim.end()


def test_sampling_interval_takes_every_nth_sample():
    traces = {}
    for interval in (1.0, 5.0):
        sim.setup(timestep=DT, report_folder=None)
        cell = sim.Population(2, sim.IF_curr_exp(i_offset=0.5))
        cell.record("v", sampling_interval=interval)
        sim.run(50.0)
        sim.run(50.0)  # two runs: sampling continues across run() calls
        signal_ = cell.get_data().segments[0].filter(name="v")[0]
        assert float(signal_.sampling_period) == interval
        traces[interval] = np.asarray(signal_.magnitude)
        sim.end()
    assert traces[1.0].shape == (101, 2) and traces[5.0].shape == (21, 2)
    assert np.array_equal(traces[5.0], traces[1.0][::5])


def test_spike_count_array_is_get_spike_counts_in_population_order():
    """The array a closed loop reads every step counts what get_spike_counts() counts: recorded
    cells only, following record() changes and clears."""
    sim.setup(timestep=DT, report_folder=None)
    sources = sim.Population(10, sim.SpikeSourcePoisson(rate=100.0))

    def both():
        counts = sources.get_spike_counts()
        return sources.recorder.spike_counts_array(), [counts.get(c, 0) for c in sources.all_cells]

    sources[2:7].record("spikes")
    sim.run(200.0)
    array, expected = both()
    assert array.tolist() == expected and array[2:7].min() > 0 and not array[7:].any()
    # keyed by the population's own IDs (as pyNN.nest), in order, also through a view
    counts, view_counts = sources.get_spike_counts(), sources[4:9].get_spike_counts()
    assert all(key is cell for key, cell in zip(counts, sources.all_cells[2:7], strict=True))
    assert list(view_counts) == list(sources.all_cells[4:7])
    assert list(view_counts.values()) == array[4:7].tolist()
    sources.record(None)
    sources[0:3].record("spikes")
    sim.run(100.0)
    array, expected = both()
    assert array.tolist() == expected and not array[3:].any()
    sources.get_data(clear=True)
    assert not sources.recorder.spike_counts_array().any()
    sim.end()
