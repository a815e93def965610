"""Neuron cores whose atoms share their parameters read each parameter once a tick; the
result must be the one the per-atom update gives, bit for bit."""

import numpy as np
import pytest

import spinnaker_sim as sim
from spinnaker_sim.pynn import simulator

N = 60  # atoms driven alike in both populations

CELLS = {  # cell type, its parameters, a different tau (or a) for the odd atom, weight scale
    "IF_curr_exp": (sim.IF_curr_exp, {"tau_m": 15.0, "i_offset": 0.2}, "tau_m", 1.0),
    "IF_cond_exp": (sim.IF_cond_exp, {"tau_m": 15.0, "i_offset": 0.2}, "tau_m", 0.02),
    "IF_curr_alpha": (sim.IF_curr_alpha, {"tau_m": 15.0, "i_offset": 0.2}, "tau_m", 1.0),
    "IF_curr_delta": (sim.IF_curr_delta, {"tau_m": 15.0, "i_offset": 0.2}, "tau_m", 1.0),
    "Izhikevich": (sim.Izhikevich, {"a": 0.03, "i_offset": 0.002}, "a", 0.01),
}


def _twin_populations(cell: str, numerics: str = "fixed"):
    """v, gsyn and spikes of N atoms on a uniform core and of the same N atoms on a core whose
    one extra atom has another parameter value, given the same inputs; and the two cores'
    uniform flags."""
    celltype, params, odd_name, scale = CELLS[cell]
    sim.setup(timestep=1.0, rng_seed=5, numerics=numerics, report_folder=None)
    sim.set_number_of_neurons_per_core(celltype, 256)  # (a cap outlives setup(): one core each)
    rng = np.random.default_rng(11)
    times = [sorted(rng.choice(np.arange(1.0, 200.0), 12, replace=False)) for _ in range(N)]
    source = sim.Population(N, sim.SpikeSourceArray(spike_times=times), label="in")
    odd = dict(params, **{odd_name: [params[odd_name]] * N + [2 * params[odd_name]]})
    uniform = sim.Population(N, celltype(**params), label="uniform")
    mixed = sim.Population(N + 1, celltype(**odd), label="mixed")
    v_init = rng.uniform(-66.0, -60.0, N)
    uniform.initialize(v=v_init)
    mixed.initialize(v=np.append(v_init, -65.0))
    for post in (uniform, mixed[:N]):
        for receptor, weight in (("excitatory", 2.0), ("inhibitory", 0.7)):
            weight = weight * scale if cell == "IF_cond_exp" or receptor == "excitatory" \
                else -weight * scale
            sim.Projection(source, post, sim.OneToOneConnector(),
                           sim.StaticSynapse(weight=weight, delay=1.0 + (receptor == "excitatory")),
                           receptor_type=receptor)
    sim.DCSource(amplitude=0.3 * scale, start=50.0, stop=120.0).inject_into(uniform)
    sim.DCSource(amplitude=0.3 * scale, start=50.0, stop=120.0).inject_into(mixed[:N])
    variables = ["spikes", "v"] + (["gsyn_exc", "gsyn_inh"] if cell == "IF_cond_exp" else [])
    uniform.record(variables)
    mixed.record(variables)
    sim.run(200.0)
    flags = [int(simulator.state.engine.net.core_uniform[core])
             for pop in (uniform, mixed) for core in _cores(pop)]
    traces = [_traces(pop, variables, N) for pop in (uniform, mixed)]
    sim.end()
    return traces, flags


def _cores(pop):
    state = simulator.state
    return state.built.population_cores[state.populations.index(pop)]


def _traces(pop, variables, n):
    """Each recorded variable of the first `n` atoms, and their spike trains."""
    segment = pop.get_data().segments[0]
    analog = [np.asarray(segment.filter(name=name)[0].magnitude)[:, :n]
              for name in variables if name != "spikes"]
    return analog, [np.asarray(st.magnitude) for st in segment.spiketrains[:n]]


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_a_uniform_core_updates_its_atoms_as_the_per_atom_update_does(cell):
    (uniform, mixed), flags = _twin_populations(cell)
    assert flags == [1, 0]  # the two cores really take the two paths
    for a, b in zip(uniform[0], mixed[0]):
        assert np.array_equal(a, b)
    assert np.ptp(uniform[0][0]) > 5.0  # the inputs move the membrane
    assert all(np.array_equal(a, b) for a, b in zip(uniform[1], mixed[1]))


def test_float64_uniform_and_per_atom_updates_agree_too():
    (uniform, mixed), flags = _twin_populations("IF_curr_exp", "float64")
    assert flags == [1, 0]
    assert np.array_equal(uniform[0][0], mixed[0][0])
    assert sum(map(len, uniform[1])) > 0
    assert all(np.array_equal(a, b) for a, b in zip(uniform[1], mixed[1]))


def test_setting_parameters_between_runs_keeps_the_uniform_flags():
    """A core is uniform while its atoms share every parameter but i_offset; setting values
    between runs flips the flag both ways, and the run continues with the other update."""
    sim.setup(timestep=1.0, rng_seed=1, report_folder=None)
    sim.set_number_of_neurons_per_core(sim.IF_curr_exp, 256)
    cells = sim.Population(300, sim.IF_curr_exp(i_offset=1.0), label="cells")  # two cores
    cells.record("spikes")
    net = None
    flags = []
    for values in ({}, {"i_offset": np.linspace(0.5, 1.5, 300)},
                   {"tau_m": np.linspace(10.0, 30.0, 300)}, {"tau_m": 20.0},
                   {"v_thresh": np.r_[np.full(256, -50.0), np.full(44, -52.0)]}):
        cells.set(**values)
        sim.run(50.0)
        net = simulator.state.engine.net
        flags.append((net.core_uniform[_cores(cells)].tolist(), net.uniform_cores,
                      net.per_atom_cores))
    assert flags == [([1, 1], 2, 0), ([1, 1], 2, 0), ([0, 0], 0, 2), ([1, 1], 2, 0),
                     ([1, 1], 2, 0)]
    assert sum(len(st) for st in cells.get_data().segments[0].spiketrains) > 0
    sim.end()


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_a_population_larger_than_an_encoding_part_gets_the_rows_encoded_at_once(cell):
    """Parameters and initial state are encoded a part of atoms at a time (the build's peak
    memory): a population of several parts, each atom with its own value, gets the rows that
    encoding it all at once gives."""
    from spinnaker_sim.mapping import builder
    from spinnaker_sim.mapping.neuron_parameters import encode_parameters, encode_state

    celltype, params, odd_name, _ = CELLS[cell]
    n = 2 * builder._ATOM_PART + 123
    sim.setup(timestep=0.5, rng_seed=5, report_folder=None)
    values = np.random.default_rng(3).uniform(1.0, 2.0, n) * params[odd_name]
    population = sim.Population(n, celltype(**dict(params, **{odd_name: values})), label="big")
    population.initialize(v=np.linspace(-70.0, -60.0, n))
    sim.run(0.5)
    model, net = population.build_model(), simulator.state.engine.net
    offset = simulator.state.built.atom_offset[0]
    expected = encode_parameters(model.kind, model.parameters, 0.5, True).T
    assert np.array_equal(net.params[:, offset:offset + n], expected)
    assert np.array_equal(simulator.state.engine._initial_state[:, offset:offset + n],
                          encode_state(model.initial_values, n, True).T)
    sim.end()
