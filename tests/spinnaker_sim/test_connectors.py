"""Every connector of pyNN.connectors builds the connections it promises."""

import numpy as np
import pytest
from pyNN.core import IndexBasedExpression
from pyNN.space import Grid2D

import spinnaker_sim as sim

SYN = dict(weight=0.5, delay=2.0)


@pytest.fixture
def pops():
    sim.setup(timestep=1.0, rng_seed=1)
    a = sim.Population(16, sim.IF_curr_exp(), structure=Grid2D(), label="a")
    b = sim.Population(16, sim.IF_curr_exp(), structure=Grid2D(), label="b")
    yield a, b
    sim.end()


def pairs(prj):
    return [(int(c[0]), int(c[1])) for c in prj.get("weight", format="list")]


def test_all_to_all_and_one_to_one(pops):
    a, b = pops
    assert len(sim.Projection(a, b, sim.AllToAllConnector(), sim.StaticSynapse(**SYN))) == 256
    no_self = sim.Projection(a, a, sim.AllToAllConnector(allow_self_connections=False))
    assert len(no_self) == 240 and all(i != j for i, j in pairs(no_self))
    one = sim.Projection(a, b, sim.OneToOneConnector(), sim.StaticSynapse(**SYN))
    assert pairs(one) == [(i, i) for i in range(16)]


def test_fixed_number_pre_and_post_degrees(pops):
    a, b = pops
    pre = sim.Projection(a, b, sim.FixedNumberPreConnector(5, rng=sim.NumpyRNG(2)))
    assert np.all(np.bincount([j for _, j in pairs(pre)], minlength=16) == 5)
    post = sim.Projection(a, b, sim.FixedNumberPostConnector(3, rng=sim.NumpyRNG(2)))
    assert np.all(np.bincount([i for i, _ in pairs(post)], minlength=16) == 3)
    unique = sim.Projection(a, b, sim.FixedNumberPreConnector(16, rng=sim.NumpyRNG(2)))
    assert len(set(pairs(unique))) == 256  # without replacement: every pre once


def test_fixed_probability_and_total_number(pops):
    a, b = pops
    prob = sim.Projection(a, b, sim.FixedProbabilityConnector(0.25, rng=sim.NumpyRNG(3)))
    assert 30 < len(prob) < 100
    again = sim.Projection(a, b, sim.FixedProbabilityConnector(0.25, rng=sim.NumpyRNG(3)))
    assert pairs(prob) == pairs(again)
    total = sim.Projection(a, b, sim.FixedTotalNumberConnector(40, rng=sim.NumpyRNG(3)))
    assert len(total) == 40


def test_fixed_probability_draws_one_uniform_per_pair_post_by_post(pops, monkeypatch):
    """The connections are the pairs whose draw, in one column-major stream, is below p, also
    when the draws come a few columns at a time."""
    from spinnaker_sim.pynn import connect
    a, b = pops
    monkeypatch.setattr(connect, "_PAIRS_PER_DRAW", 40)  # two 16-pre columns per draw
    prob = sim.Projection(a, b, sim.FixedProbabilityConnector(0.3, rng=sim.NumpyRNG(7)))
    draws = sim.NumpyRNG(7).next(16 * 16, "uniform", {"low": 0.0, "high": 1.0})
    post, pre = np.divmod(np.flatnonzero(draws < 0.3), 16)
    assert pairs(prob) == list(zip(pre.tolist(), post.tolist()))


def test_distance_based_connectors(pops):
    a, b = pops
    near = sim.Projection(a, b, sim.DistanceDependentProbabilityConnector("d < 1.1"))
    assert len(near) == 16 + 2 * 2 * 12  # self + 4-neighbourhood on a 4x4 grid
    same = sim.Projection(a, b, sim.SmallWorldConnector(degree=1.1, rewiring=0.0))
    assert sorted(pairs(same)) == sorted(pairs(near))
    disp = sim.Projection(a, b, sim.DisplacementDependentProbabilityConnector(
        lambda d: (np.abs(d[0]) < 0.5) * 1.0))
    assert len(disp) == 16 * 4  # same column of the grid
    index = sim.Projection(a, b, sim.IndexBasedProbabilityConnector(_Diagonal()))
    assert pairs(index) == [(i, i) for i in range(16)]


class _Diagonal(IndexBasedExpression):
    def __call__(self, i, j):
        return (i == j) * 1.0


def test_list_file_array_and_clone(pops, tmp_path):
    a, b = pops
    listed = sim.Projection(a, b, sim.FromListConnector(
        [(0, 1, 0.3, 1.0), (2, 3, 0.4, 5.0)], column_names=["weight", "delay"]))
    assert listed.get(["weight", "delay"], format="list") == [(0, 1, 0.3, 1.0),
                                                              (2, 3, 0.4, 5.0)]
    path = tmp_path / "connections.txt"
    listed.save("all", str(path), format="list")
    loaded = sim.Projection(a, b, sim.FromFileConnector(str(path)))
    assert loaded.get(["weight", "delay"], format="list") == listed.get(["weight", "delay"],
                                                                        format="list")
    array = sim.Projection(a, b, sim.ArrayConnector(np.eye(16, dtype=bool)))
    assert pairs(array) == [(i, i) for i in range(16)]
    clone = sim.Projection(a, b, sim.CloneConnector(listed))
    assert pairs(clone) == pairs(listed)


def test_weights_as_arrays_and_random_distributions(pops):
    a, b = pops
    prj = sim.Projection(a, b, sim.AllToAllConnector(), sim.StaticSynapse(
        weight=sim.RandomDistribution("uniform", (0.1, 0.2), rng=sim.NumpyRNG(5)), delay=1.0))
    w = prj.get("weight", format="array")
    assert w.shape == (16, 16) and np.all((w >= 0.1) & (w <= 0.2))
    prj.set(weight=0.7)
    assert np.all(prj.get("weight", format="array") == 0.7)
    values = np.arange(256, dtype=float).reshape(16, 16) / 1000.0
    prj.set(weight=values)
    assert np.allclose(prj.get("weight", format="array"), values)


@pytest.mark.parametrize("n_pre_per_post", [20, 250])  # drawn all at once / permutation per post
def test_fixed_number_pre_draws_distinct_inputs_without_self_and_repeats_by_seed(n_pre_per_post):
    def connections(seed):
        sim.setup(timestep=1.0)
        pop = sim.Population(300, sim.IF_curr_exp())
        prj = sim.Projection(pop, pop, sim.FixedNumberPreConnector(
            n_pre_per_post, allow_self_connections=False, rng=sim.NumpyRNG(seed=seed)))
        pre, post = (np.asarray(x, dtype=np.int64) for x in prj._connections.arrays())
        sim.end()
        return pre, post

    pre, post = connections(5)
    assert np.all(np.bincount(post, minlength=300) == n_pre_per_post)
    assert len(np.unique(post * 300 + pre)) == len(pre)
    assert not np.any(pre == post)
    again, _ = connections(5)
    other, _ = connections(6)
    assert np.array_equal(pre, again) and not np.array_equal(pre, other)
    # every source is about equally likely: no source far off the mean out-degree
    out_degree = np.bincount(pre, minlength=300)
    assert out_degree.std() < 3 * np.sqrt(n_pre_per_post)


def test_repeated_draws_are_each_owners_later_duplicates():
    """Draws are redrawn where an earlier draw of the same owner took the same candidate: the
    one-pass table marks what a stable sort of (owner, draw) keys marks."""
    from spinnaker_sim.pynn.connect import _repeats
    rng = np.random.default_rng(7)
    numbers = rng.integers(0, 12, size=300)
    numbers[[0, 5, 299]] = 0  # owners without draws
    chosen = rng.integers(0, 10, size=int(numbers.sum()))  # few candidates: many repeats
    owner = np.repeat(np.arange(numbers.size), numbers)
    key = owner * 10 + chosen
    order = np.argsort(key, kind="stable")
    expected = np.zeros(chosen.size, dtype=bool)
    expected[order[1:]] = key[order[1:]] == key[order[:-1]]
    assert expected.sum() > 100
    assert np.array_equal(_repeats(chosen, numbers, 10), expected)


def test_a_weight_shared_by_all_connections_is_stored_once(pops):
    a, b = pops
    prj = sim.Projection(a, b, sim.FixedNumberPreConnector(5, rng=sim.NumpyRNG(2)),
                         sim.StaticSynapse(weight=0.5, delay=2.0))
    for name, value in (("weight", 0.5), ("delay", 2.0)):
        stored = prj._values[name]
        assert stored.shape == (80,) and stored.strides == (0,) and np.all(stored == value)
    assert np.count_nonzero(prj.get("weight", format="array") == 0.5) == 80


def test_indices_past_16_bits_connect_and_deliver():
    """Indices are stored in 16 bits while the population allows and in 32 past 2**16 atoms;
    a projection from such a population onto a small one (both widths at once) connects and
    delivers to the right atoms."""
    sim.setup(timestep=1.0, rng_seed=1)
    big = sim.Population(70_000, sim.SpikeSourceArray(spike_times=[]))
    big[[69_999, 65_536, 3]].set(spike_times=[5.0])
    cells = sim.Population(4, sim.IF_curr_exp(tau_refrac=0.1))
    listed = [(69_999, 0), (65_536, 1), (3, 2), (65_535, 3)]
    prj = sim.Projection(big, cells, sim.FromListConnector(listed),
                         sim.StaticSynapse(weight=5.0, delay=1.0))
    cells.record("spikes")
    sim.run(20.0)
    assert pairs(prj) == listed
    fired = [len(st) for st in cells.get_data().segments[0].spiketrains]
    assert fired == [1, 1, 1, 0]  # atom 65,535 sent no spike
    sim.end()
