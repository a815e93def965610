"""The mapper as the PyNN backend uses it: partitioning, delay extensions, reports, provenance."""

import numba
import numpy as np
import pytest

import spinnaker_sim as sim
from spinnaker_sim.engine.synapses import target_words
from spinnaker_sim.pynn import simulator


def cores_of(label):
    return simulator.state.built.population_cores[
        [p.label for p in simulator.state.populations].index(label)]


def test_partitioning_through_pynn(tmp_path):
    sim.setup(timestep=1.0, report_folder=str(tmp_path))
    sim.Population(1000, sim.IF_curr_exp(), label="a")
    sim.Population(1000, sim.SpikeSourcePoisson(rate=5.0), label="p")
    sim.run(1.0)
    assert len(cores_of("a")) == 4 and len(cores_of("p")) == 2
    sim.end()
    sim.setup(timestep=1.0, report_folder=str(tmp_path))
    sim.set_number_of_neurons_per_core(sim.IF_curr_exp, 100)
    sim.Population(1000, sim.IF_curr_exp(), label="a")
    sim.run(1.0)
    assert len(cores_of("a")) == 10
    sim.end()
    written = list(tmp_path.glob("*/mapping_summary.rpt"))
    assert len(written) == 2 and "IF_curr_exp" in written[-1].read_text()


@pytest.mark.parametrize("twins", [False, True])
def test_report_synaptic_words_equal_engine_storage(tmp_path, twins):
    """The mapping's synaptic words per core are the engine's: rows of two static projections
    with the same populations and synapse type (`twins`: told apart by a projection number
    per synapse in the build) and of projections of different synapse types (by their
    columns) each count."""
    sim.setup(timestep=1.0, rng_seed=2, report_folder=None)
    a = sim.Population(300, sim.SpikeSourcePoisson(rate=10.0), label="a")
    b = sim.Population(300, sim.IF_curr_exp(), label="b")
    c = sim.Population(50, sim.IF_cond_exp(), label="c")
    sim.Projection(a, b, sim.FixedProbabilityConnector(0.1, rng=sim.NumpyRNG(1)),
                   sim.StaticSynapse(weight=0.1, delay=sim.RandomDistribution(
                       "uniform_int", (1, 30), rng=sim.NumpyRNG(3))))
    sim.Projection(a, b, sim.FixedNumberPreConnector(10, rng=sim.NumpyRNG(4)),
                   sim.StaticSynapse(weight=-0.2, delay=2.0), receptor_type="inhibitory")
    if twins:
        sim.Projection(a, b, sim.FixedProbabilityConnector(0.1, rng=sim.NumpyRNG(5)),
                       sim.StaticSynapse(weight=0.3, delay=1.0))
    sim.Projection(b, c, sim.FixedNumberPreConnector(20, rng=sim.NumpyRNG(1)),
                   sim.STDPMechanism(
                       timing_dependence=sim.SpikePairRule(tau_plus=20.0, tau_minus=20.0,
                                                           A_plus=0.01, A_minus=0.012),
                       weight_dependence=sim.AdditiveWeightDependence(w_min=0.0, w_max=0.01),
                       weight=0.005, delay=1.0))
    sim.run(10.0)
    mapping = simulator.state.mapping
    built = simulator.state.built
    for label in ("b", "c"):
        assert np.array_equal(mapping.synaptic_words(label),
                              built.core_synaptic_words[cores_of(label)]), label
    sim.end()


def test_delay_extensions_guide_versus_spynnaker7(tmp_path):
    def build(rules):
        sim.setup(timestep=1.0, rules=rules, report_folder=None)
        src = sim.Population(300, sim.SpikeSourceArray(spike_times=[[5.0]] * 300), label="src")
        dst = sim.Population(256, sim.IF_curr_exp(), label="dst")
        sim.Projection(src, dst, sim.FixedProbabilityConnector(0.05, rng=sim.NumpyRNG(1)),
                       sim.StaticSynapse(weight=0.5, delay=20.0))
        dst.record("gsyn_exc")
        sim.run(40.0)
        report = sim.mapping_report()
        trace = dst.get_data().segments[0].filter(name="gsyn_exc")[0].magnitude
        first_input = int(np.flatnonzero(trace.max(axis=1) > 0)[0])
        sim.end()
        return report, first_input

    guide, arrival_guide = build("guide")
    spynnaker7, arrival_7 = build("spynnaker7")
    assert guide.delay_extensions[0].cores == 2  # one per slice of the 300-atom sender
    assert "delay" in str(guide).lower()
    assert len(spynnaker7.delay_extensions) == 0  # a 32-slot ring holds 20 ticks
    assert arrival_guide == arrival_7 == 5 + 20   # same spike timing either way


def test_provenance_after_run_counts_packets_and_spikes():
    sim.setup(timestep=1.0, report_folder=None)
    src = sim.Population(10, sim.SpikeSourceArray(spike_times=[[1.0, 2.0, 3.0]] * 10),
                         label="src")
    dst = sim.Population(5, sim.IF_curr_exp(), label="dst")
    sim.Projection(src, dst, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1))
    sim.run(10.0)
    data = sim.mapping_report().as_dict()
    rows = {row["label"]: row for row in data["provenance"]["populations"]}
    assert rows["src"]["spikes_sent"] == 30
    assert rows["dst"]["packets_received"] == 30
    assert rows["dst"]["max_spikes_per_tick"] == 10
    sim.end()


def test_a_spike_is_one_packet_per_core_whatever_the_projections():
    """The router delivers a spike to each core once: projections from the sender onto the same
    core share the packet, while each of their synapses is an event."""
    sim.setup(timestep=1.0, report_folder=None)
    sim.set_number_of_neurons_per_core(sim.IF_curr_exp, 3)
    src = sim.Population(10, sim.SpikeSourceArray(spike_times=[[1.0, 2.0, 3.0]] * 10),
                         label="src")
    dst = sim.Population(5, sim.IF_curr_exp(), label="dst")  # two cores: 3 + 2 atoms
    sim.Projection(src, dst, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1))
    sim.Projection(src, dst, sim.AllToAllConnector(), sim.StaticSynapse(weight=-0.1),
                   receptor_type="inhibitory")
    sim.run(10.0)
    rows = {row["label"]: row
            for row in sim.mapping_report().as_dict()["provenance"]["populations"]}
    assert rows["dst"]["packets_received"] == 30 * 2
    assert rows["dst"]["max_spikes_per_tick"] == 10
    assert simulator.state.synaptic_events() == 30 * 5 * 2
    sim.end()


def test_a_spike_is_one_packet_per_core_with_plastic_rows_too():
    """A core whose static and plastic rows (two plastic projections) all take a spike still
    receives one packet; every synapse is an event."""
    sim.setup(timestep=1.0, report_folder=None)
    sim.set_number_of_neurons_per_core(sim.IF_curr_exp, 256)  # the cap outlives setup()
    src = sim.Population(10, sim.SpikeSourceArray(spike_times=[[1.0, 2.0, 3.0]] * 10),
                         label="src")
    dst = sim.Population(5, sim.IF_curr_exp(), label="dst")  # one core
    sim.Projection(src, dst, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1))
    for _ in range(2):
        stdp = sim.STDPMechanism(
            timing_dependence=sim.SpikePairRule(tau_plus=20.0, tau_minus=20.0, A_plus=0.01,
                                                A_minus=0.01),
            weight_dependence=sim.AdditiveWeightDependence(w_min=0.0, w_max=0.5),
            weight=0.1, delay=1.0)
        sim.Projection(src, dst, sim.AllToAllConnector(), stdp)
    sim.run(10.0)
    rows = {row["label"]: row
            for row in sim.mapping_report().as_dict()["provenance"]["populations"]}
    assert rows["dst"]["packets_received"] == 30
    assert simulator.state.synaptic_events() == 30 * 5 * 3
    sim.end()


def test_each_keys_synapses_are_split_where_they_enter_each_group_of_cores():
    """A thread delivers the part of a spike's synapses onto its group of cores: the builder's
    pointers must cut each key's static run and plastic rows exactly at the groups'
    boundaries."""
    sim.setup(timestep=1.0, report_folder=None)
    sim.set_number_of_neurons_per_core(sim.IF_curr_exp, 10)
    src = sim.Population(30, sim.SpikeSourcePoisson(rate=10.0))
    dst = sim.Population(100, sim.IF_curr_exp())  # ten cores
    feed = sim.Projection(src, dst, sim.FixedProbabilityConnector(0.3, rng=sim.NumpyRNG(seed=1)),
                          sim.StaticSynapse(weight=0.1, delay=2.0))
    recurrent = sim.Projection(dst, dst,
                               sim.FixedProbabilityConnector(0.1, rng=sim.NumpyRNG(seed=2)),
                               sim.StaticSynapse(weight=-0.1, delay=1.0),
                               receptor_type="inhibitory")
    stdp = sim.STDPMechanism(
        timing_dependence=sim.SpikePairRule(tau_plus=20.0, tau_minus=20.0, A_plus=0.01,
                                            A_minus=0.01),
        weight_dependence=sim.AdditiveWeightDependence(w_min=0.0, w_max=0.5),
        weight=0.1, delay=1.0)
    sim.Projection(src, dst, sim.FixedProbabilityConnector(0.2, rng=sim.NumpyRNG(seed=3)), stdp)
    sim.run(1.0)
    net = simulator.state.engine.net
    groups, ptr = net.group_ptr, net.static_ptr
    # a group of cores per thread (two on CI's two cores, so the split is exercised there)
    assert len(groups) - 1 == numba.get_num_threads() and ptr.shape == (130, len(groups))
    # below the column: delay, first flag, weight number
    column_shift = int(np.log2(net.ring.shape[0])) + 1 + net.static_weight_bits
    words = target_words(net.static_targets)
    assert net.static_targets.dtype == np.uint8  # 24 bits hold these words: three bytes each
    target_core = net.atom_core[(words.astype(np.int64) >> column_shift) >> 1]
    # every synapse is in exactly one key's run, every plastic row in one key's rows
    assert ptr[0, 0] == 0 and ptr[-1, -1] == len(words) == len(feed) + len(recurrent)
    rows = net.plastic_ptr
    assert rows.shape == ptr.shape and rows[0, 0] == 0 and rows[-1, -1] == len(net.row_core) > 0
    for table, core_of in ((ptr, target_core), (rows, net.row_core)):
        assert np.all(np.diff(table, axis=1) >= 0) and np.array_equal(table[1:, 0], table[:-1, -1])
        for key in range(table.shape[0]):
            for g in range(len(groups) - 1):
                cores = core_of[table[key, g]:table[key, g + 1]]
                assert np.all((groups[g] <= cores) & (cores < groups[g + 1]))
    sim.end()


def test_model_too_big_for_one_board():
    sim.setup(timestep=1.0, machine="spinn5", report_folder=None)
    sim.Population(48 * 17 * 256 + 1, sim.IF_curr_exp(), label="huge")
    with pytest.raises(sim.MappingError, match="huge"):
        sim.map()
    sim.end()
