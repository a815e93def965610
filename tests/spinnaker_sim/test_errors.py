"""Bad input gets a clear error naming the problem."""

import numpy as np
import pytest
from pyNN import errors

import spinnaker_sim as sim
from spinnaker_sim.pynn import simulator
from spinnaker_sim.pynn.projections import delays_in_ticks


@pytest.fixture
def fresh():
    sim.setup(timestep=1.0)
    yield
    sim.end()


def test_run_before_setup_is_a_clear_error():
    sim.end()
    with pytest.raises(sim.NotSetUpError, match="setup"):
        sim.run(10.0)


def test_unknown_parameter_name(fresh):
    with pytest.raises(errors.NonExistentParameterError, match="tau_mem"):
        sim.IF_curr_exp(tau_mem=10.0)


@pytest.mark.parametrize("name,value", [("tau_m", 0.0), ("tau_m", -1.0), ("cm", -0.5),
                                        ("tau_syn_E", 0.0), ("tau_refrac", -1.0)])
def test_non_positive_time_constants(fresh, name, value):
    with pytest.raises(errors.InvalidParameterValueError, match=name):
        sim.Population(2, sim.IF_curr_exp(**{name: value}))


def test_non_positive_time_constant_set_later(fresh):
    pop = sim.Population(2, sim.IF_curr_exp())
    with pytest.raises(errors.InvalidParameterValueError, match="tau_m"):
        pop.set(tau_m=-5.0)


@pytest.mark.parametrize("timestep", [0.0, -1.0])
def test_bad_timestep(timestep):
    with pytest.raises(ValueError, match="timestep"):
        sim.setup(timestep=timestep)


def test_negative_run_time(fresh):
    with pytest.raises(ValueError, match="run"):
        sim.run(-1.0)


def test_projection_across_separate_setups():
    sim.setup(timestep=1.0)
    old = sim.Population(2, sim.IF_curr_exp())
    sim.setup(timestep=1.0)
    new = sim.Population(2, sim.IF_curr_exp())
    with pytest.raises(errors.ConnectionError, match="earlier setup"):
        sim.Projection(old, new, sim.AllToAllConnector())
    sim.end()


@pytest.mark.parametrize("receptor,weight", [("excitatory", -0.5), ("inhibitory", 0.5)])
def test_weight_sign_must_match_receptor_for_current_synapses(fresh, receptor, weight):
    a = sim.Population(2, sim.IF_curr_exp())
    b = sim.Population(2, sim.IF_curr_exp())
    with pytest.raises(errors.ConnectionError, match="Weights must be"):
        sim.Projection(a, b, sim.AllToAllConnector(), sim.StaticSynapse(weight=weight),
                       receptor_type=receptor)


def test_negative_conductance_weight(fresh):
    a = sim.Population(2, sim.IF_cond_exp())
    with pytest.raises(errors.ConnectionError, match="positive"):
        sim.Projection(a, a, sim.AllToAllConnector(), sim.StaticSynapse(weight=-0.01),
                       receptor_type="inhibitory")


def test_delay_beyond_nine_ring_buffers(fresh):
    a = sim.Population(2, sim.SpikeSourceArray(spike_times=[1.0]))
    b = sim.Population(2, sim.IF_curr_exp())
    sim.Projection(a, b, sim.OneToOneConnector(), sim.StaticSynapse(weight=1.0, delay=145.0))
    with pytest.raises(sim.DelayTooLongError, match="144 ticks"):
        sim.run(10.0)


def test_changing_weights_after_run_needs_reset(fresh):
    a = sim.Population(2, sim.SpikeSourceArray(spike_times=[1.0]))
    b = sim.Population(2, sim.IF_curr_exp())
    prj = sim.Projection(a, b, sim.OneToOneConnector(), sim.StaticSynapse(weight=1.0))
    sim.run(10.0)
    with pytest.raises(sim.SpinnakerSimError, match="reset"):
        prj.set(weight=2.0)
    sim.reset()
    prj.set(weight=2.0)
    sim.run(10.0)
    assert simulator.state.t == 10.0


def test_sub_tick_delays_are_rounded_with_a_warning(fresh):
    a = sim.Population(1, sim.SpikeSourceArray(spike_times=[1.0]))
    b = sim.Population(1, sim.IF_curr_exp())
    sim.Projection(a, b, sim.OneToOneConnector(), sim.StaticSynapse(weight=1.0, delay=2.4))
    with pytest.warns(UserWarning, match="rounded to whole 1 ms ticks"):
        sim.run(5.0)


def test_a_shared_delay_is_rounded_once_and_stays_one_value():
    # a delay every connection shares is kept once (a broadcast view), not once per connection
    with pytest.warns(UserWarning, match="2.4 ms -> 2 ms"):
        ticks = delays_in_ticks(np.broadcast_to(2.4, (100_000,)), 1.0, "shared")
    assert ticks.shape == (100_000,) and ticks.strides == (0,) and ticks[0] == 2
    with pytest.warns(UserWarning, match="0.2 ms -> 1 ms"):
        assert list(delays_in_ticks(np.array([0.2, 1.6, 3.0]), 1.0, "own")) == [1, 2, 3]


def test_negative_rate_set_as_array_is_refused_and_nothing_changes(fresh):
    sources = sim.Population(3, sim.SpikeSourcePoisson(rate=5.0))
    with pytest.raises(errors.InvalidParameterValueError, match="rate"):
        sources.set(rate=np.array([1.0, -2.0, 3.0]))
    assert list(sources.get("rate", simplify=False)) == [5.0, 5.0, 5.0]


def test_set_with_the_wrong_number_of_values_is_pynns_error(fresh):
    pop = sim.Population(3, sim.IF_curr_exp())
    with pytest.raises(ValueError):
        pop.set(tau_m=[10.0, 20.0])
