"""SortedIndex: a non-decreasing index array kept as its runs' starts reads as the array."""

import numpy as np
import pytest

from spinnaker_sim.mapping.sorted_index import SortedIndex


@pytest.fixture
def runs():
    """Post indices of a projection made post by post: neuron 1 and the last get nothing."""
    index = np.repeat(np.arange(6, dtype=np.uint16), [3, 0, 2, 5, 1, 0])
    return index, SortedIndex.of(index, 6)


def test_a_non_decreasing_index_keeps_its_runs_and_reads_as_the_array(runs):
    index, kept = runs
    assert isinstance(kept, SortedIndex)
    assert kept.starts.tolist() == [0, 3, 3, 5, 10, 11, 11]
    assert len(kept) == kept.size == 11 and kept.shape == (11,) and kept.dtype == np.uint16
    assert np.array_equal(np.asarray(kept), index) and np.asarray(kept).dtype == np.uint16
    assert kept.tolist() == index.tolist()
    assert np.array_equal(kept.astype(np.int64), index) and (kept.min(), kept.max()) == (0, 4)


def test_elements_and_slices_come_from_the_starts(runs):
    index, kept = runs
    for i in range(-11, 11):
        assert kept[i] == index[i] and type(kept[i]) is np.uint16
    for lo in range(12):
        for hi in range(12):
            assert np.array_equal(kept[lo:hi], index[lo:hi])
    assert np.array_equal(kept[::2], index[::2])
    assert np.array_equal(kept[[0, 10, 4]], index[[0, 10, 4]])
    with pytest.raises(IndexError):
        kept[11]


def test_an_index_that_decreases_somewhere_stays_an_array():
    index = np.array([0, 2, 1, 3], dtype=np.uint16)
    assert SortedIndex.of(index, 4) is index


def test_an_empty_index_is_kept_too():
    kept = SortedIndex.of(np.zeros(0, dtype=np.uint16), 3)
    assert isinstance(kept, SortedIndex) and kept.size == 0 and np.asarray(kept).size == 0
    assert kept[0:5].size == 0


def test_a_projection_made_post_by_post_keeps_8_bytes_a_post_neuron_and_reads_the_same(
        monkeypatch):
    import spinnaker_sim as sim
    from spinnaker_sim.pynn import connect

    monkeypatch.setattr(connect, "_snapshot", lambda rng: None)  # kept, not drawn again
    sim.setup(timestep=1.0)
    pre = sim.Population(400, sim.IF_curr_exp(), label="pre")
    post = sim.Population(300, sim.IF_curr_exp(), label="post")
    prj = sim.Projection(pre, post, sim.FixedNumberPreConnector(40, rng=sim.NumpyRNG(seed=3)),
                         sim.StaticSynapse(weight=0.1, delay=1.0))
    kept = prj._connections.post
    assert isinstance(kept, SortedIndex) and kept.nbytes == 8 * 301
    rows = np.array(prj.get("weight", format="list"))
    assert np.array_equal(rows[:, 1], np.repeat(np.arange(300), 40))
    assert [prj[k].postsynaptic_index for k in (0, 39, 40, 11_999)] == [0, 0, 1, 299]
    assert np.all(np.isfinite(prj.get("weight", format="array")).sum(axis=0) == 40)
    sim.end()
