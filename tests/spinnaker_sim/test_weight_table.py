"""Static weights as a table numbered in the target words, where the words have room."""

import numpy as np
from test_numerics_and_seeds import poisson_driven

from spinnaker_sim.mapping import static_matrix


def test_weights_are_numbered_in_a_table_where_the_words_spare_bits_suffice():
    present = np.zeros(1 << 16, dtype=bool)
    present[[7, 300, 65535, 0, 12]] = True
    table, bits, number = static_matrix._numbering(present, 29, np.uint32)  # 5 weights: 3 bits
    assert bits == 3 and list(table) == [0, 7, 12, 300, 65535]
    assert np.array_equal(number[table], np.arange(5)) and number.dtype == np.uint32
    assert static_matrix._numbering(present, 30, np.uint32) == (None, 0, None)  # 30 + 3 bits
    table, bits, _ = static_matrix._numbering(present, 30, np.uint64)  # wider words have room
    assert bits == 3


def test_a_table_of_weights_runs_the_network_the_weights_per_synapse_do(monkeypatch):
    """Same spikes and membrane traces, bit for bit, with the engine's weights as a table and
    as a weight per synapse (forced by a table that never fits)."""
    chosen = []
    numbering = static_matrix._numbering

    def noted(present, word_bits, dtype):
        table, bits, number = numbering(present, word_bits, dtype)
        chosen.append(bits)
        return table, bits, number

    monkeypatch.setattr(static_matrix, "_numbering", noted)
    v_table, spikes_table, _ = poisson_driven("fixed", 17, duration=200.0)
    monkeypatch.setattr(static_matrix, "_numbering",
                        lambda present, word_bits, dtype: (None, 0, None))
    v_each, spikes_each, _ = poisson_driven("fixed", 17, duration=200.0)
    assert chosen[0] > 0  # the first run kept a table
    assert np.array_equal(v_table, v_each)
    assert sum(map(len, spikes_table)) > 0
    assert all(np.array_equal(a, b) for a, b in zip(spikes_table, spikes_each))
