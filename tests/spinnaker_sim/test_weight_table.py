"""Static weights as a table numbered in the target words, where the words have room."""

import numpy as np
from test_numerics_and_seeds import poisson_driven

from spinnaker_sim.mapping import static_matrix


def test_words_number_their_weights_in_the_table_where_the_spare_bits_suffice():
    rng = np.random.default_rng(2)
    original = rng.integers(0, 2 ** 29, 1000).astype(np.uint32)
    weights = rng.choice(np.array([7, 300, 65535, 0, 12], dtype=np.uint16), 1000)
    words = original.copy()
    table, bits = static_matrix._weight_table(words, weights, 29)  # 5 weights: 3 bits
    assert bits == 3 and list(table) == [0, 7, 12, 300, 65535]
    assert np.array_equal(words >> 3, original)
    assert np.array_equal(table[words & 7], weights)
    words = original.copy()
    table, bits = static_matrix._weight_table(words, weights, 30)  # 30 + 3 bits: no room
    assert bits == 0 and table is weights and np.array_equal(words, original)


def test_a_table_of_weights_runs_the_network_the_weights_per_synapse_do(monkeypatch):
    """Same spikes and membrane traces, bit for bit, with the engine's weights as a table and
    as a weight per synapse (forced by a table that never fits)."""
    chosen = []
    numbered = static_matrix._weight_table

    def noted(targets, weights, word_bits):
        table, bits = numbered(targets, weights, word_bits)
        chosen.append(bits)
        return table, bits

    monkeypatch.setattr(static_matrix, "_weight_table", noted)
    v_table, spikes_table, _ = poisson_driven("fixed", 17, duration=200.0)
    monkeypatch.setattr(static_matrix, "_weight_table",
                        lambda targets, weights, word_bits: (weights, 0))
    v_each, spikes_each, _ = poisson_driven("fixed", 17, duration=200.0)
    assert chosen[0] > 0  # the first run kept a table
    assert np.array_equal(v_table, v_each)
    assert sum(map(len, spikes_table)) > 0
    assert all(np.array_equal(a, b) for a, b in zip(spikes_table, spikes_each))
