"""Projections whose connections are drawn again whenever they are read (``pynn/connect.py``):
the same connections, spikes and RNG as projections that keep theirs, and no indices kept."""

import tracemalloc

import numpy as np
import pytest

import spinnaker_sim as sim
from spinnaker_sim.engine.synapses import target_words
from spinnaker_sim.mapping.connections import PART, GeneratedConnections, StoredConnections
from spinnaker_sim.pynn import connect, simulator


def uniform(rng):
    return sim.RandomDistribution("uniform", (0.5, 1.5), rng=rng)


# (name, projections of populations a (300), b (200) and views of them, drawing from rng);
# sizes above PART so that a projection is drawn again in several parts
CASES = {
    # 40 of 299 candidates per owner, 3000 owners: ~8 redrawn a owner, 120k draws
    "fixed number pre, no self, many redrawn": lambda a, b, big, rng: [
        sim.Projection(big, big, sim.FixedNumberPreConnector(
            40, allow_self_connections=False, rng=rng), sim.StaticSynapse(weight=0.1))],
    "fixed number post, with replacement and a drawn number": lambda a, b, big, rng: [
        sim.Projection(big, a, sim.FixedNumberPostConnector(30, with_replacement=True,
                                                            rng=rng)),
        sim.Projection(a, big, sim.FixedNumberPostConnector(
            sim.RandomDistribution("uniform_int", (100, 400), rng=rng), rng=rng),
            sim.StaticSynapse(weight=uniform(rng), delay=2.0))],
    "views": lambda a, b, big, rng: [
        sim.Projection(big[::3], a[50:290], sim.FixedNumberPreConnector(20, rng=rng)),
        sim.Projection(b[[7, 3, 150, 9]], b, sim.FixedNumberPostConnector(40, rng=rng))],
}


def build(case, generated: bool, monkeypatch):
    """The case's projections, generated or (with the RNG copy refused) kept; and what the
    RNG draws next."""
    if not generated:
        monkeypatch.setattr(connect, "_snapshot", lambda rng: None)
    sim.setup(timestep=1.0, rng_seed=3)
    a = sim.Population(300, sim.IF_curr_exp(), label="a")
    b = sim.Population(200, sim.IF_curr_exp(), label="b")
    big = sim.Population(3000, sim.IF_curr_exp(), label="big")
    rng = sim.NumpyRNG(seed=11)
    projections = CASES[case](a, b, big, rng)
    monkeypatch.undo()
    return projections, rng.next(4, "uniform", {"low": 0.0, "high": 1.0})


@pytest.mark.parametrize("case", CASES)
def test_generated_connections_are_the_kept_ones(case, monkeypatch):
    """Drawn again (twice), a generated projection's connections, weights and delays are
    those of the same projection keeping its indices, and the user's RNG draws the same
    numbers after it."""
    kept, kept_next = build(case, False, monkeypatch)
    kept_lists = [p.get(["weight", "delay"], format="list") for p in kept]
    kept_arrays = [tuple(np.asarray(x) for x in p._connections.arrays()) for p in kept]
    assert all(isinstance(p._connections, StoredConnections) for p in kept)
    sim.end()
    generated, generated_next = build(case, True, monkeypatch)
    assert all(isinstance(p._connections, GeneratedConnections) for p in generated)
    assert any(len(p) > PART for p in generated) or case == "views"
    np.testing.assert_array_equal(generated_next, kept_next)
    for prj, expected_list, expected in zip(generated, kept_lists, kept_arrays):
        for _ in range(2):
            pre, post = prj._connections.arrays()
            np.testing.assert_array_equal(pre, expected[0])
            np.testing.assert_array_equal(np.asarray(post), expected[1])
        assert prj.get(["weight", "delay"], format="list") == expected_list
        assert prj[5].presynaptic_index == expected[0][5]
    sim.end()


def test_all_to_all_is_generated_in_parts():
    sim.setup(timestep=1.0)
    a = sim.Population(300, sim.IF_curr_exp())
    prj = sim.Projection(a, a, sim.AllToAllConnector(allow_self_connections=False))
    assert isinstance(prj._connections, GeneratedConnections) and len(prj) == 300 * 299 > PART
    post, pre = np.divmod(np.arange(300 * 300), 300)
    pre, post = pre[pre != post], post[pre != post]
    got_pre, got_post = prj._connections.arrays()
    np.testing.assert_array_equal(got_pre, pre)
    np.testing.assert_array_equal(np.asarray(got_post), post)
    sim.end()


def test_reading_weights_or_a_bad_index_does_not_draw_the_connections_again():
    """A generated projection is drawn again only for what needs its indices: a list of
    weights, and an index out of range, do not (each drawing is a draw per connection)."""
    sim.setup(timestep=1.0)
    a = sim.Population(300, sim.IF_curr_exp())
    prj = sim.Projection(a, a, sim.FixedNumberPreConnector(20, rng=sim.NumpyRNG(seed=3)),
                         sim.StaticSynapse(weight=0.5))
    connections = prj._connections
    drawings = []
    generate = connections.generate
    connections.generate = lambda: (drawings.append(1), generate())[1]
    assert prj.get("weight", format="list", with_address=False) == [0.5] * len(prj)
    with pytest.raises(IndexError):
        prj[len(prj)]
    assert drawings == []
    pre, post, weight = prj.get("weight", format="list")[0]  # with the addresses
    assert drawings == [1]
    assert (prj[0].presynaptic_index, prj[0].postsynaptic_index, weight) == (pre, post, 0.5)
    sim.end()


def spikes_of(generated: bool, monkeypatch, delay_network) -> list:
    """Spike times of `delay_network`, its projections generated or kept."""
    if not generated:
        monkeypatch.setattr(connect, "_snapshot", lambda rng: None)
    cells = delay_network()
    monkeypatch.undo()
    sim.run(300.0)
    trains = [np.asarray(t).tolist() for t in cells.get_data("spikes").segments[0].spiketrains]
    kinds = [type(p._connections) for p in simulator.state.projections]
    sim.end()
    return trains, kinds


def test_a_network_of_generated_projections_spikes_as_one_that_keeps_them(monkeypatch,
                                                                          delay_network):
    kept, kept_kinds = spikes_of(False, monkeypatch, delay_network)
    generated, generated_kinds = spikes_of(True, monkeypatch, delay_network)
    assert set(kept_kinds) == {StoredConnections}
    assert set(generated_kinds) == {GeneratedConnections}
    assert sum(map(len, kept)) > 500
    assert generated == kept


def held_bytes_per_connection(generated: bool, monkeypatch) -> float:
    """Bytes a 1M-connection projection keeps once made (tracemalloc: numpy's arrays)."""
    if not generated:
        monkeypatch.setattr(connect, "_snapshot", lambda rng: None)
    sim.setup(timestep=1.0)
    a = sim.Population(20_000, sim.IF_curr_exp())
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    prj = sim.Projection(a, a, sim.FixedNumberPreConnector(50, rng=sim.NumpyRNG(seed=1)),
                         sim.StaticSynapse(weight=0.01))
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    monkeypatch.undo()
    assert len(prj) == 1_000_000
    sim.end()
    return held / len(prj)


def test_a_generated_projection_keeps_no_indices(monkeypatch):
    assert held_bytes_per_connection(False, monkeypatch) >= 2.0  # uint16 pre indices
    assert held_bytes_per_connection(True, monkeypatch) < 0.05


def test_a_build_lets_go_of_the_connections_it_held():
    """The build draws generated connections once for the mapping and its counts, and lets
    them go before it allocates the engine's synapses (after the run nothing is held)."""
    sim.setup(timestep=1.0)
    a = sim.Population(500, sim.IF_curr_exp())
    prj = sim.Projection(a, a, sim.FixedNumberPreConnector(30, rng=sim.NumpyRNG(seed=1)),
                         sim.StaticSynapse(weight=0.1))
    drawn = []
    generate = prj._connections.generate
    prj._connections.generate = lambda: (drawn.append(1), generate())[1]
    sim.run(5.0)
    assert len(drawn) == 2  # held for the mapping and the counts, then the engine's words
    assert prj._connections.held is None
    assert len(target_words(simulator.state.engine.net.static_targets)) == 500 * 30
    sim.end()
