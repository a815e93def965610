"""Fixed point vs float64, seeded determinism, closed-loop rate changes, STDP direction."""

import numpy as np
import pytest

import spinnaker_sim as sim
from spinnaker_sim.engine.engine import LAST_TICK
from spinnaker_sim.engine.records import group_by_owner
from spinnaker_sim.engine.synapses import target_words
from spinnaker_sim.pynn import simulator, spike_records
from spinnaker_sim.pynn.recording import Recorder

#: stated tolerance of the fixed-point membrane trace against float64 (mV); measured 0.017 mV
#: at most (0.011 mV on average) over 500 ms of Poisson-driven subthreshold input
FIXED_VS_FLOAT_TOLERANCE_MV = 0.1


def poisson_driven(numerics, seed, rate=800.0, duration=500.0, v_thresh=-50.0):
    sim.setup(timestep=1.0, rng_seed=seed, numerics=numerics, report_folder=None)
    noise = sim.Population(20, sim.SpikeSourcePoisson(rate=rate), label="noise")
    cells = sim.Population(10, sim.IF_curr_exp(tau_syn_E=5.0, tau_syn_I=5.0, v_thresh=v_thresh),
                           label="cells")
    sim.Projection(noise, cells, sim.FixedProbabilityConnector(0.5, rng=sim.NumpyRNG(seed=7)),
                   sim.StaticSynapse(weight=0.3, delay=1.0))
    cells.record(["spikes", "v"])
    noise.record("spikes")
    sim.run(duration)
    seg = cells.get_data().segments[0]
    v = np.asarray(seg.filter(name="v")[0].magnitude)
    spikes = [np.asarray(st.magnitude) for st in seg.spiketrains]
    inputs = [np.asarray(st.magnitude) for st in noise.get_data().segments[0].spiketrains]
    sim.end()
    return v, spikes, inputs


def test_fixed_point_membrane_trace_agrees_with_float64():
    """Same input spikes (same seed) in both numerics, subthreshold (no spike resets to
    desynchronise the traces): 500 ms of membrane potential agree within the stated tolerance."""
    v_fixed, _, in_fixed = poisson_driven("fixed", 3, rate=300.0, v_thresh=100.0)
    v_float, _, in_float = poisson_driven("float64", 3, rate=300.0, v_thresh=100.0)
    assert all(np.array_equal(a, b) for a, b in zip(in_fixed, in_float))
    assert np.ptp(v_float) > 10.0  # the input really moves the membrane
    error = np.abs(v_fixed - v_float).max()
    assert error < FIXED_VS_FLOAT_TOLERANCE_MV, error
    assert error > 0  # the fixed-point path really is a different arithmetic


def test_same_seed_is_bit_identical_and_different_seed_differs():
    v1, s1, i1 = poisson_driven("fixed", 11)
    v2, s2, i2 = poisson_driven("fixed", 11)
    v3, s3, i3 = poisson_driven("fixed", 12)
    assert np.array_equal(v1, v2)
    assert all(np.array_equal(a, b) for a, b in zip(s1, s2))
    assert not all(np.array_equal(a, b) for a, b in zip(i1, i3))


def test_poisson_rate_and_changes_between_runs_take_effect_next_tick():
    sim.setup(timestep=1.0, rng_seed=5)
    sources = sim.Population(200, sim.SpikeSourcePoisson(rate=20.0), label="src")
    sources.record("spikes")
    counts = []
    for rate in (20.0, 0.0, 200.0):
        sources.set(rate=rate)
        before = sum(sources.get_spike_counts().values())
        sim.run(1000.0)
        counts.append((sum(sources.get_spike_counts().values()) - before) / 200.0)
    assert abs(counts[0] - 20.0) < 2.0
    assert counts[1] == 0
    assert abs(counts[2] - 200.0) < 6.0
    sim.end()


def test_stdp_potentiates_pre_before_post_and_depresses_post_before_pre():
    weights = {}
    for name, pre_offset in (("causal", -5.0), ("anti", 5.0)):
        sim.setup(timestep=1.0)
        post_times = np.arange(20.0, 400.0, 20.0)
        pre = sim.Population(1, sim.SpikeSourceArray(spike_times=post_times + pre_offset))
        driver = sim.Population(1, sim.SpikeSourceArray(spike_times=post_times - 2.0))
        post = sim.Population(1, sim.IF_curr_exp(tau_refrac=2.0))
        sim.Projection(driver, post, sim.OneToOneConnector(), sim.StaticSynapse(weight=5.0))
        stdp = sim.STDPMechanism(
            timing_dependence=sim.SpikePairRule(tau_plus=20.0, tau_minus=20.0, A_plus=0.05,
                                                A_minus=0.05),
            weight_dependence=sim.AdditiveWeightDependence(w_min=0.0, w_max=1.0),
            weight=0.5, delay=1.0)
        prj = sim.Projection(pre, post, sim.OneToOneConnector(), stdp)
        sim.run(420.0)
        weights[name] = prj.get("weight", format="array")[0, 0]
        sim.end()
    assert weights["causal"] > 0.55
    assert weights["anti"] < 0.45


def test_one_stdp_mechanism_serves_several_projections_as_separate_ones_would():
    """PyNN scripts pass one synapse-type object to many projections (NEST runs them)."""
    def final_weights(shared: bool):
        sim.setup(timestep=1.0, rng_seed=2)
        pre = sim.Population(10, sim.SpikeSourcePoisson(rate=40.0))
        posts = [sim.Population(5, sim.IF_curr_exp()) for _ in range(2)]

        def mechanism():
            return sim.STDPMechanism(
                timing_dependence=sim.SpikePairRule(tau_plus=15.0, tau_minus=25.0,
                                                    A_plus=0.02, A_minus=0.01),
                weight_dependence=sim.AdditiveWeightDependence(w_min=0.0, w_max=2.0),
                weight=1.5, delay=1.0)
        one = mechanism()
        projections = [sim.Projection(pre, post, sim.AllToAllConnector(),
                                      one if shared else mechanism()) for post in posts]
        sim.run(300.0)
        weights = [prj.get("weight", format="array") for prj in projections]
        sim.end()
        return weights

    shared, separate = final_weights(True), final_weights(False)
    for a, b in zip(shared, separate):
        np.testing.assert_array_equal(a, b)
    assert not np.all(shared[0] == 1.5)  # the weights did change


def test_static_weights_read_back_are_the_16_bit_weights_the_engine_holds():
    """Fixed point: get("weight") after a run gives each connection's stored 16-bit weight in
    PyNN units (with its sign), within half a step of the weight that was set."""
    sim.setup(timestep=1.0, rng_seed=1)
    sources = sim.Population(30, sim.SpikeSourcePoisson(rate=20.0))
    cells = sim.Population(30, sim.IF_curr_exp())
    rng = np.random.default_rng(5)
    set_weights = {"excitatory": rng.uniform(0.1, 2.0, 30), "inhibitory": -rng.uniform(0.1, 0.9, 30)}
    projections = {receptor: sim.Projection(
        sources, cells, sim.FromListConnector([(i, i, w[i], 1.0) for i in range(30)]),
        receptor_type=receptor) for receptor, w in set_weights.items()}
    sim.run(10.0)
    state = simulator.state
    net = state.engine.net
    keys = state._atom_offset(sources) + np.arange(30)
    for j, (receptor, prj) in enumerate(projections.items()):
        read = np.array(prj.get("weight", format="list"))[:, 2]
        unit = state.built.weight_to_real[j]
        assert np.all(np.abs(read - set_weights[receptor]) <= unit / 2)
        assert np.all(np.sign(read) == np.sign(set_weights[receptor]))
        # one synapse per key and projection: the key's run holds both projections' synapses,
        # on the one core, in projection order
        words = target_words(net.static_targets)[net.static_ptr[keys, 0] + j]
        assert net.static_weight_bits > 0  # a table of the weights, numbered in the words
        stored = net.static_weights[words & ((1 << net.static_weight_bits) - 1)]
        np.testing.assert_array_equal(np.abs(read) / unit, stored)
    sim.end()


def test_one_neuron_populations_connect_under_numpy_2():
    """pyNN 0.13's generic connect fails on 0-d masks for 1-neuron populations; we don't."""
    sim.setup(timestep=1.0)
    a = sim.Population(1, sim.SpikeSourceArray(spike_times=[5.0]))
    b = sim.Population(1, sim.IF_curr_exp())
    prj = sim.Projection(a, b, sim.DistanceDependentProbabilityConnector("d < 10"),
                         sim.StaticSynapse(weight=1.0, delay=1.0))
    assert len(prj) == 1
    prj2 = sim.Projection(a, b, sim.FixedProbabilityConnector(1.0),
                          sim.StaticSynapse(weight=1.0, delay=2.0))
    assert len(prj2) == 1
    sim.end()


def test_parallel_and_serial_tick_loops_are_bit_identical(monkeypatch):
    """Large models share ticks between threads; the result must not depend on it."""
    from spinnaker_sim.engine import engine
    serial = poisson_driven("fixed", 21)
    monkeypatch.setattr(engine, "PARALLEL_MIN_ATOMS", 1)
    parallel = poisson_driven("fixed", 21)
    assert np.array_equal(serial[0], parallel[0])
    assert all(np.array_equal(a, b) for a, b in zip(serial[1], parallel[1]))


def _spikes_after_setting(values_of_step):
    """Spike trains of 50 Poisson sources whose rates are set before each of 5 runs."""
    sim.setup(timestep=1.0, rng_seed=9)
    sources = sim.Population(50, sim.SpikeSourcePoisson(rate=10.0), label="src")
    sources.record("spikes")
    for step in range(5):
        sources.set(rate=values_of_step(step))
        sim.run(100.0)
    trains = [np.asarray(st) for st in sources.get_data().segments[0].spiketrains]
    sim.end()
    return trains


def test_numbers_arrays_and_pynn_parameter_values_set_rates_alike():
    """Population.set takes a short path for numbers and per-cell arrays; PyNN's full path
    (here a RandomDistribution-free lazy value, a function of the index) must agree."""
    rates = np.linspace(5.0, 150.0, 50)
    as_array = _spikes_after_setting(lambda step: rates * (step + 1) / 5)
    as_list = _spikes_after_setting(lambda step: list(rates * (step + 1) / 5))
    as_function = _spikes_after_setting(lambda step: (lambda i: rates[i] * (step + 1) / 5))
    as_number = _spikes_after_setting(lambda step: 20.0 * (step + 1))
    assert all(np.array_equal(a, b) for a, b in zip(as_array, as_list))
    assert all(np.array_equal(a, b) for a, b in zip(as_array, as_function))
    assert sum(len(t) for t in as_array) > 1000
    counts = np.array([len(t) for t in as_number])
    assert abs(counts.mean() - sum(20.0 * (s + 1) for s in range(5)) * 0.1) < 3.0


def test_changing_only_rates_matches_rewriting_the_whole_source():
    """Setting only `rate` rewrites just the rates; setting it with another parameter rewrites
    the whole Poisson population. Both must restart the sources alike, spike for spike."""
    rates = np.linspace(0.5, 150.0, 50)  # slow (interval-drawn) and fast sources
    rates_only = _spikes_after_setting(lambda step: rates * (step + 1) / 5)
    sim.setup(timestep=1.0, rng_seed=9)
    sources = sim.Population(50, sim.SpikeSourcePoisson(rate=10.0), label="src")
    sources.record("spikes")
    for step in range(5):
        sources.set(rate=rates * (step + 1) / 5, start=0.0)
        sim.run(100.0)
    whole = [np.asarray(st) for st in sources.get_data().segments[0].spiketrains]
    sim.end()
    assert all(np.array_equal(a, b) for a, b in zip(rates_only, whole))
    assert sum(len(t) for t in whole) > 1000


def test_parameters_are_32_bit_words_and_u032_factors_keep_their_bit_patterns():
    """As on SpiNNaker, s16.15 values and u0.32 factors are 32-bit words; a decay above 0.5
    is a negative int32 whose multiply must still be by the unsigned factor."""
    from numba import njit

    from spinnaker_sim.engine import layout as L
    from spinnaker_sim.engine.fixed_point import u032_mul

    sim.setup(timestep=1.0)
    cells = sim.Population(3, sim.IF_curr_exp(tau_syn_E=5.0, v_rest=-65.0))
    sim.run(1.0)
    params = sim.pynn.simulator.state.engine.net.params
    sim.end()
    assert params.dtype == np.int32
    decay = int(params[L.DECAY_E, 0])
    assert decay < 0  # exp(-1/5) = 0.82 as u0.32 has its top bit set
    assert abs((decay & 0xFFFFFFFF) / 2**32 - np.exp(-1.0 / 5.0)) < 2**-31
    assert params[L.V_REST, 0] == -65 * 2**15
    # (u032_mul multiplies by the factor as a signed word, then adds x back when its top bit is
    # set: check that against the unsigned product on both sides of 0.5 and at the extremes)
    multiply = njit(lambda x, d: u032_mul(x, d))
    for d in (decay, 0x5E2D58D8, 1, -1):  # 0.82, 0.37, the smallest and the largest factor
        for x in (-(2**31), -12345, -1, 0, 1, 2**31 - 1):
            assert multiply(np.int32(x), np.int32(d)) == (x * (d & 0xFFFFFFFF)) >> 32


def test_every_compiled_variant_has_a_name_of_its_own():
    """numba names compiled code by qualified name, a per-process counter and argument types,
    and a cached object's functions are weak symbols: two variants of one closure compiled in
    different processes could share a name, and loaded together from the cache one ran the
    other's code (an alpha-synapse model then took its inputs as exponential synapses and went
    silent). Each variant must carry its own name."""
    from spinnaker_sim.engine import layout as L
    from spinnaker_sim.engine import neurons
    from spinnaker_sim.engine.tick_loop import tick_loop

    closures = [neurons._exponential_synapses, neurons._alpha_synapses, neurons._delta_synapses,
                neurons._lif_current_membrane, neurons._lif_conductance_membrane,
                neurons._lif_delta_membrane, neurons._izhikevich_membrane]
    loops = [tick_loop(parallel, frozenset(kinds), plastic, *layouts)
             for parallel in (False, True) for plastic in (False, True)
             for kinds in ({L.LIF_CURR_EXP}, {L.LIF_CURR_ALPHA}, {L.LIF_CURR_EXP, L.IZHIKEVICH})
             for layouts in ((True, False), (False, True), (True, True))]
    names = [dispatcher.py_func.__qualname__ for dispatcher in closures + loops]
    assert len(set(names)) == len(names), names


def test_a_kernel_that_prefers_wide_vectors_carries_the_attribute_and_computes_the_same(
        monkeypatch):
    """The neuron loops ask LLVM for its widest vectors (``prefer_wide_vectors``: on AVX-512
    CPUs ~4% of CUBA-4000 at dt 0.1); the request must reach the compiled function (llvmlite
    knows no string attributes, so the intrinsic adds it by hand), only that one, not on a CPU
    whose clock wide vectors lower, and change no result."""
    import re

    from numba import njit

    from spinnaker_sim.engine import cpu
    from spinnaker_sim.engine.cpu import prefer_wide_vectors

    def compiled(wide: bool):
        def products(x, d):
            if wide:
                prefer_wide_vectors()
            out = np.empty_like(x)
            for j in range(x.shape[0]):
                out[j] = (np.int64(x[j]) * np.int64(d[j])) >> 32
            return out
        return njit(products)

    def attributes(kernel) -> str:
        """The attributes of the kernel's own function (not its Python or C wrappers)."""
        llvm = next(iter(kernel.inspect_llvm().values()))
        group = re.search(r"^define .* @_ZN\d+\S*products[^#]*(?:#(\d+) )?\{$", llvm,
                          re.MULTILINE)[1]
        if group is None:
            return ""
        return re.search(rf"^attributes #{group} = (.*)$", llvm, re.MULTILINE)[1]

    rng = np.random.default_rng(3)
    x, d = (rng.integers(-2**31, 2**31, 1000).astype(np.int32) for _ in range(2))
    monkeypatch.setattr(cpu, "CLOCKED_DOWN_BY_WIDE_VECTORS", frozenset())
    wide, plain = compiled(True), compiled(False)
    assert np.array_equal(wide(x, d), plain(x, d))
    assert np.array_equal(wide(x, d), (x.astype(np.int64) * d) >> 32)
    assert '"prefer-vector-width"="512"' in attributes(wide)
    assert "prefer-vector-width" not in attributes(plain)
    monkeypatch.setattr(cpu, "CLOCKED_DOWN_BY_WIDE_VECTORS", frozenset({cpu._target_cpu()}))
    not_asked = compiled(True)
    assert np.array_equal(not_asked(x, d), plain(x, d))
    assert "prefer-vector-width" not in attributes(not_asked)


def _recurrent_run(pieces, numerics):
    """Spikes and v of a recurrent, refractory, DC-driven network run in `pieces` (ms)."""
    sim.setup(timestep=1.0, rng_seed=13, numerics=numerics)
    noise = sim.Population(30, sim.SpikeSourcePoisson(rate=300.0), label="noise")
    cells = sim.Population(60, sim.IF_curr_exp(tau_refrac=4.0, tau_syn_I=8.0), label="cells")
    sim.Projection(noise, cells, sim.FixedProbabilityConnector(0.3, rng=sim.NumpyRNG(seed=2)),
                   sim.StaticSynapse(weight=1.2, delay=2.0))
    sim.Projection(cells, cells, sim.FixedProbabilityConnector(0.2, rng=sim.NumpyRNG(seed=3)),
                   sim.StaticSynapse(weight=-0.8, delay=3.0), receptor_type="inhibitory")
    sim.DCSource(amplitude=1.5, start=37.0, stop=111.0).inject_into(cells[0:20])
    cells.record(["spikes", "v"])
    for piece in pieces:
        sim.run(piece)
    segment = cells.get_data().segments[0]
    trains = [np.asarray(st) for st in segment.spiketrains]
    v = np.asarray(segment.filter(name="v")[0].magnitude)
    sim.end()
    return trains, v


def test_a_run_cut_into_pieces_continues_exactly():
    """Everything an atom carries from one run() to the next (the tick its refractory period
    ends, synaptic state, the ring's pending input, the current sources' schedule) continues:
    runs of 7, 1, 29, 13 and 150 ms give the spikes and v of one 200 ms run, bit for bit."""
    for numerics in ("fixed", "float64"):
        whole_trains, whole_v = _recurrent_run([200.0], numerics)
        cut_trains, cut_v = _recurrent_run([7.0, 1.0, 29.0, 13.0, 150.0], numerics)
        assert sum(len(t) for t in whole_trains) > 300
        assert all(np.array_equal(a, b) for a, b in zip(whole_trains, cut_trains))
        assert np.array_equal(whole_v, cut_v)


def _busy_run(pieces):
    """Spike trains of fast-firing neurons and of Poisson sources that send ~20 spikes a tick,
    run in `pieces` (ms)."""
    sim.setup(timestep=1.0, rng_seed=21)
    sources = sim.Population(20, sim.SpikeSourcePoisson(rate=20_000.0), label="fast sources")
    cells = sim.Population(50, sim.IF_curr_exp(i_offset=np.linspace(2.0, 6.0, 50),
                                               tau_refrac=0.0), label="cells")
    sources.record("spikes")
    cells.record("spikes")
    for piece in pieces:
        sim.run(piece)
    trains = [[np.asarray(st) for st in population.get_data().segments[0].spiketrains]
              for population in (sources, cells)]
    counts = [sum(population.get_spike_counts().values()) for population in (sources, cells)]
    records = sum(len(population.recorder._spike_rows()) for population in (sources, cells))
    buffer_rows = len(simulator.state.engine.spike_buffer)
    sim.end()
    return trains, counts, records, buffer_rows


def test_a_run_that_fills_the_spike_buffer_many_times_loses_no_spike():
    """The spike buffer keeps its size: whenever a run fills it, its records are copied out
    and the run goes on. One 1 s run that fills it several times records what ten 100 ms runs
    that never fill it record, spike for spike."""
    whole, whole_counts, records, buffer_rows = _busy_run([1000.0])
    pieces, piece_counts, _, _ = _busy_run([100.0] * 10)
    assert records > 5 * buffer_rows  # (tick, atom, count) records: the buffer filled often
    assert whole_counts == piece_counts
    assert whole_counts[0] > 350_000  # ~20 spikes a tick from each source
    for whole_trains, piece_trains, count in zip(whole, pieces, whole_counts):
        assert sum(len(train) for train in whole_trains) == count
        assert all(np.array_equal(a, b) for a, b in zip(whole_trains, piece_trains))


def test_a_long_run_hands_its_spikes_to_the_recorders_one_buffer_at_a_time(monkeypatch):
    """The recorders take each full spike buffer's records as the run goes, so a long run
    holds copies of one buffer, not of all its spikes (a 10 s run at 64k neurons peaked ~75 MB
    higher when the run's records were gathered first)."""
    sizes = []
    store_spikes = Recorder.store_spikes

    def spy(recorder, spikes):
        sizes.append(len(spikes))
        store_spikes(recorder, spikes)

    monkeypatch.setattr(Recorder, "store_spikes", spy)
    _, _, records, buffer_rows = _busy_run([1000.0])
    assert records > 5 * buffer_rows
    assert len(sizes) > 2 * 5  # two populations, a part of each buffer for each
    assert max(sizes) <= buffer_rows
    assert sum(sizes) == records


def _dense_run(monkeypatch, pack: bool):
    """Spike trains of 5000 neurons that fire every few ticks (run in two pieces), the
    recorder's parts, and the spikes_since reads of the second piece."""
    if not pack:
        monkeypatch.setattr(spike_records, "PACK_MIN_SPIKES", 2 ** 62)
    sim.setup(timestep=1.0, rng_seed=4)
    cells = sim.Population(5000, sim.IF_curr_exp(i_offset=np.linspace(1.5, 4.0, 5000),
                                                 tau_refrac=0.5), label="cells")
    cells.record("spikes")
    sim.run(60.0)
    cursor = cells.recorder._spike_records
    sim.run(90.0)
    since = cells.recorder.spikes_since(cursor)[:2]
    since_middle = cells.recorder.spikes_since(cursor + 1234)[:2]
    trains = [np.asarray(st) for st in cells.get_data().segments[0].spiketrains]
    parts = list(cells.recorder._spikes)
    sim.end()
    return trains, parts, since, since_middle


def test_dense_spike_records_are_packed_and_read_back_as_rows(monkeypatch):
    """A buffer's part of many spikes a tick keeps its atoms and where each tick starts (~2
    bytes a spike instead of 8); get_data and spikes_since read the same spikes as from rows."""
    packed, parts, since, since_middle = _dense_run(monkeypatch, pack=True)
    rows, row_parts, since_rows, since_middle_rows = _dense_run(monkeypatch, pack=False)
    assert all(isinstance(part, np.ndarray) for part in row_parts)
    packed_parts = [part for part in parts if isinstance(part, spike_records.PackedSpikes)]
    n_spikes = sum(len(part) for part in packed_parts)
    assert len(packed_parts) >= 3 and n_spikes > 50_000
    assert sum(part.nbytes for part in packed_parts) < 2.2 * n_spikes
    assert sum(map(len, rows)) == sum(len(part) for part in parts)
    assert all(np.array_equal(a, b) for a, b in zip(packed, rows))
    for got, expected in ((since, since_rows), (since_middle, since_middle_rows)):
        assert all(np.array_equal(a, b) for a, b in zip(got, expected))
    assert len(since_middle[0]) == len(since[0]) - 1234 > 0


def test_a_neuron_s_recorded_spike_keeps_eight_bytes_and_a_source_s_its_count():
    """A neuron sends one spike a tick, so its records keep (tick, atom) only; a Poisson source
    may send several and keeps a count. Both read back spike for spike."""
    sim.setup(timestep=1.0, rng_seed=5)
    sources = sim.Population(4, sim.SpikeSourcePoisson(rate=5_000.0), label="sources")
    cells = sim.Population(10, sim.IF_curr_exp(i_offset=3.0), label="cells")
    sources.record("spikes")
    cells.record("spikes")
    for _ in range(3):
        sim.run(50.0)
    cell_rows, source_rows = cells.recorder._spike_rows(), sources.recorder._spike_rows()
    n_cell_spikes = sum(cells.get_spike_counts().values())
    assert n_cell_spikes > 30 and cell_rows.nbytes == 8 * n_cell_spikes
    assert source_rows.shape[1] == 3 and source_rows[:, 2].max() > 1  # several in a tick
    for population in (cells, sources):
        trains = population.get_data().segments[0].spiketrains
        assert [len(t) for t in trains] == list(population.get_spike_counts().values())
        assert all(np.all(np.diff(np.asarray(t)) >= 0) for t in trains)
    sim.end()


def test_a_run_beyond_the_last_tick_a_spike_record_holds_is_refused():
    sim.setup(timestep=1.0)
    cells = sim.Population(3, sim.IF_curr_exp(i_offset=5.0), label="cells")
    cells.record("spikes")
    sim.run(50.0)
    engine = simulator.state.engine
    engine.tick = LAST_TICK - 5
    with pytest.raises(ValueError, match="32-bit"):
        engine.run(10)
    assert engine.tick == LAST_TICK - 5  # refused before running anything
    assert sum(cells.get_spike_counts().values()) > 0  # what was recorded is still there
    sim.end()


def test_records_grouped_by_owner_keep_their_order_as_a_stable_sort_would():
    rng = np.random.default_rng(5)
    first_atom = np.array([0, 4, 4, 10, 13])  # owner 1 is empty, owner 4 sends nothing below
    owner_of_atom = np.repeat(np.arange(5, dtype=np.int32), np.diff(first_atom, append=20))
    records = np.column_stack([np.sort(rng.integers(0, 50, 300)), rng.integers(0, 13, 300),
                               rng.integers(1, 4, 300)]).astype(np.int32)
    grouped, bounds = np.empty_like(records), np.zeros(6, dtype=np.int64)
    group_by_owner(records, owner_of_atom, first_atom, grouped, bounds)
    owner = owner_of_atom[records[:, 1]]
    expected = records[np.argsort(owner, kind="stable")]
    expected[:, 1] -= first_atom[np.sort(owner)]
    assert np.array_equal(grouped, expected)
    assert np.array_equal(bounds, np.searchsorted(np.sort(owner), np.arange(6)))


def test_the_spikes_since_a_cursor_are_each_runs_new_spikes_of_every_population():
    """What a closed loop reads after each run (neurons, and sources that send several spikes
    in a tick) adds up to the recorded trains, with a silent population between them."""
    sim.setup(timestep=1.0, rng_seed=3)
    sources = sim.Population(6, sim.SpikeSourcePoisson(rate=1500.0), label="sources")
    quiet = sim.Population(3, sim.IF_curr_exp(), label="quiet")
    cells = sim.Population(8, sim.IF_curr_exp(i_offset=np.linspace(0.5, 2.0, 8)), label="cells")
    sim.Projection(sources, cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1))
    for population in (sources, quiet, cells):
        population.record("spikes")
    read = {population: ([], [], 0) for population in (sources, cells)}
    for _ in range(15):
        sim.run(20.0)
        for population, (indices, times, cursor) in read.items():
            new_indices, new_times, cursor = population.recorder.spikes_since(cursor)
            read[population] = (indices + [new_indices], times + [new_times], cursor)
    for population, (indices, times, _) in read.items():
        indices, times = np.concatenate(indices), np.concatenate(times)
        assert indices.dtype == np.int64 and np.all(np.diff(times) >= 0)
        trains = population.get_data().segments[0].spiketrains
        assert len(times) == sum(len(train) for train in trains) > 100
        for i, train in enumerate(trains):
            assert np.array_equal(times[indices == i], np.asarray(train.magnitude))
    assert [len(a) for a in quiet.recorder.spikes_since(0)[:2]] == [0, 0]
    sim.end()
