"""Synaptic-row statistics: exact counts, connector estimates, and their binomial bound."""

from fractions import Fraction
from math import comb

import numpy as np
import pytest
from pyNN import connectors as pc

from spinnaker_sim.mapping import RowStats
from spinnaker_sim.mapping.binomial import odd_probability, probable_maximum
from spinnaker_sim.mapping.row_stats import RowLaw
from spinnaker_sim.mapping.synaptic_rows import plastic_row_words, static_row_words


def exact_probable_maximum(n, p, rows, chance):
    """Smallest k with rows * P(X > k) <= chance, in exact integer arithmetic."""
    p = Fraction(p).limit_denominator(10 ** 6)
    a, b = p.numerator, p.denominator
    numerators = [comb(n, j) * a ** j * (b - a) ** (n - j) for j in range(n + 1)]  # / b**n
    chance = Fraction(chance)
    limit = chance.numerator * b ** n
    tail = 0
    for k in range(n, -1, -1):          # tail = sum of numerators above k
        if rows * tail * chance.denominator > limit:
            return k + 1
        tail += numerators[k]
    return 0


@pytest.mark.parametrize("n, p, rows", [(256, 0.01, 1000), (40, 0.5, 10), (100, 0.0004, 250_000),
                                        (20, 0.9, 3), (256, 0.1, 1)])
def test_probable_maximum_is_the_exact_binomial_quantile(n, p, rows):
    assert probable_maximum(n, p, rows, 0.01) == exact_probable_maximum(n, p, rows, 0.01)


def test_probable_maximum_edge_cases_and_normal_regime():
    assert probable_maximum(256, 0.0, 10) == 0
    assert probable_maximum(256, 1.0, 10) == 256
    assert probable_maximum(0, 0.5, 10) == 0
    # far beyond the table: mean + z * sd
    big = probable_maximum(10 ** 12, 0.5, 1)
    assert 5 * 10 ** 11 + 2.3 * 5 * 10 ** 5 < big < 5 * 10 ** 11 + 2.4 * 5 * 10 ** 5
    assert odd_probability(1, 0.3) == pytest.approx(0.3)
    assert odd_probability(2, 0.5) == pytest.approx(0.5)


@pytest.fixture
def small_exact():
    # pre 0 -> post 0, 1, 2 (delay 1); pre 1 -> post 1 (delay 20) and post 3 (delay 40);
    # pre 2 -> post 3 twice (delays 2, 3): a multapse in one row
    pre = [0, 0, 0, 1, 1, 2, 2]
    post = [0, 1, 2, 1, 3, 3, 3]
    delay = [1, 1, 1, 20, 40, 2, 3]
    return RowStats.from_connections(pre, post, delay, 3, 4)


def test_exact_rows_per_slice_and_delay_class(small_exact):
    s = small_exact.slices(2, 16)          # slices [0, 2) and [2, 4); ring of 16 slots
    np.testing.assert_array_equal(s.undelayed.synapses, [2, 3])
    np.testing.assert_array_equal(s.undelayed.rows, [1, 2])
    np.testing.assert_array_equal(s.undelayed.max_row, [2, 2])
    np.testing.assert_array_equal(s.undelayed.static_words, [3 + 2, (3 + 1) + (3 + 2)])
    # delay 20 -> stage 1, delay 40 -> stage 2: separate rows
    np.testing.assert_array_equal(s.delayed.synapses, [1, 1])
    np.testing.assert_array_equal(s.delayed.rows, [1, 1])
    np.testing.assert_array_equal(s.delayed.plastic_words, [plastic_row_words(1)] * 2)
    assert small_exact.max_delay_ticks == 40
    # a deeper ring buffer holds everything
    deep = small_exact.slices(2, 64)
    np.testing.assert_array_equal(deep.delayed.synapses, [0, 0])
    np.testing.assert_array_equal(deep.undelayed.synapses, [3, 4])


def test_exact_block_and_vertex_pairs(small_exact):
    block = small_exact.block(2, 4, 16)
    assert (block.synapses, block.max_row, block.delayed_synapses, block.max_delayed_row) == \
        (3, 2, 1, 1)
    assert small_exact.block(0, 4, 16, pre_lo=2).synapses == 2
    undelayed, delayed = small_exact.vertex_pairs(2, 2, 16)
    assert set(zip(undelayed.pre, undelayed.post)) == {(0, 0), (0, 1), (1, 1)}
    assert set(zip(delayed.pre, delayed.post)) == {(0, 0), (0, 1)}


def test_exact_rows_reject_bad_input():
    with pytest.raises(ValueError, match="at least 1 tick"):
        RowStats.from_connections([0], [0], [0], 1, 1)
    with pytest.raises(ValueError, match="pre indices must lie in 0..1"):
        RowStats.from_connections([2], [0], [1], 2, 1)


@pytest.mark.parametrize("connector, build", [
    (pc.FixedProbabilityConnector(0.05),
     lambda rng, n_pre, n_post: np.nonzero(rng.random((n_pre, n_post)) < 0.05)),
    (pc.FixedNumberPreConnector(30),
     lambda rng, n_pre, n_post: (np.concatenate([rng.choice(n_pre, 30, replace=False)
                                                 for _ in range(n_post)]),
                                 np.repeat(np.arange(n_post), 30))),
    (pc.FixedNumberPostConnector(40),
     lambda rng, n_pre, n_post: (np.repeat(np.arange(n_pre), 40),
                                 np.concatenate([rng.choice(n_post, 40, replace=False)
                                                 for _ in range(n_pre)]))),
    (pc.FixedTotalNumberConnector(20_000, with_replacement=True),
     lambda rng, n_pre, n_post: (rng.integers(0, n_pre, 20_000),
                                 rng.integers(0, n_post, 20_000))),
])
def test_estimates_bound_built_connectivity_tightly(connector, build):
    n_pre, n_post, apc = 900, 700, 256
    estimate = RowStats.from_connector(connector, n_pre, n_post, 1).slices(apc, 16).undelayed
    for seed in range(3):
        pre, post = build(np.random.default_rng(seed), n_pre, n_post)
        built = RowStats.from_connections(pre, post, 1, n_pre, n_post).slices(apc, 16).undelayed
        for field in ("synapses", "rows", "max_row", "static_words", "plastic_words"):
            real, bound = getattr(built, field), getattr(estimate, field)
            assert np.all(real <= bound), (field, real, bound)
        # totals are tight: within 10% of what gets built
        assert np.all(estimate.static_words <= 1.1 * built.static_words)


def test_plastic_estimate_matches_row_formula():
    law = RowLaw(trials_per_post=1, p_fixed=1.0)           # all-to-all: every row has m synapses
    stats = RowStats.from_connector(pc.AllToAllConnector(), 10, 5, 1).slices(5, 16)
    assert stats.undelayed.plastic_words[0] == 10 * plastic_row_words(5)
    assert stats.undelayed.static_words[0] == 10 * static_row_words(5)
    assert law.distribution(7) == (7, 1.0, 7)


def test_connector_laws():
    one = RowStats.from_connector(pc.OneToOneConnector(), 1000, 1000, 1)
    s = one.slices(256, 16).undelayed
    np.testing.assert_array_equal(s.synapses, [256, 256, 256, 232])
    np.testing.assert_array_equal(s.max_row, [1, 1, 1, 1])
    undelayed, delayed = one.vertex_pairs(100, 256, 16)
    assert list(zip(undelayed.pre, undelayed.post))[:4] == [(0, 0), (1, 0), (2, 0), (2, 1)]
    assert delayed.empty
    everything = RowStats.from_connector(pc.FixedNumberPreConnector(10_000), 10_000, 256, 1)
    assert everything.slices(256, 16).undelayed.synapses[0] == 2_560_000
    listed = RowStats.from_connector(pc.FromListConnector([(0, 1), (0, 2), (3, 1)]), 4, 3, 5)
    assert listed.exact and listed.slices(3, 16).undelayed.max_row[0] == 2
    guess = RowStats.from_connector(
        pc.DistanceDependentProbabilityConnector("exp(-d)"), 50, 60, 1)
    assert "bounded as all-to-all" in guess.description
    assert guess.slices(60, 16).undelayed.synapses[0] == 50 * 60


def test_delay_range_of_an_estimate():
    constant = RowStats.from_connector(pc.AllToAllConnector(), 10, 10, 20)
    s = constant.slices(10, 16)
    assert s.undelayed.synapses[0] == 0 and s.delayed.synapses[0] == 100
    ranged = RowStats.from_connector(pc.AllToAllConnector(), 10, 10, 20, delay_ticks_min=5)
    s = ranged.slices(10, 16)
    assert s.undelayed.synapses[0] == 100 and s.delayed.synapses[0] == 100
    with pytest.raises(ValueError, match="must lie in 1..20"):
        RowStats.from_connector(pc.AllToAllConnector(), 10, 10, 20, delay_ticks_min=30)
