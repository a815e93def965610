"""Static target words of at most 24 bits kept in three bytes each: the same words, spikes and
counters as 32-bit words."""

import numpy as np

import spinnaker_sim as sim
from spinnaker_sim.engine.synapses import target_words
from spinnaker_sim.mapping import static_matrix
from spinnaker_sim.pynn import simulator


def test_words_packed_in_place_read_back_unchanged():
    words = np.random.default_rng(1).integers(0, 1 << 24, 100_003).astype(np.uint32)
    expected = words.copy()
    packed = static_matrix._packed(words)
    assert packed.dtype == np.uint8 and packed.nbytes == 3 * expected.size + 1
    assert packed.base is words and words.nbytes == 4 * ((3 * expected.size + 4) // 4)
    np.testing.assert_array_equal(target_words(packed), expected)
    assert target_words(static_matrix._packed(np.zeros(0, np.uint32))).size == 0


def run_network(monkeypatch, delay_network, packed: bool):
    """Spikes, counters and the words of `delay_network` in fixed point (a weight table
    numbered in the words) and float64 (a weight per synapse)."""
    if not packed:
        monkeypatch.setattr(static_matrix, "PACKED_BITS", 0)
    results = []
    for numerics in ("fixed", "float64"):
        cells = delay_network(numerics)
        sim.run(200.0)
        net = simulator.state.engine.net
        trains = [np.asarray(t).tolist()
                  for t in cells.get_data("spikes").segments[0].spiketrains]
        results.append((trains, simulator.state.engine.counters[:, :6].tolist(),
                        net.static_targets.dtype, target_words(net.static_targets).tolist()))
        sim.end()
    monkeypatch.undo()
    return results


def test_packed_words_run_as_32_bit_words(monkeypatch, delay_network):
    packed = run_network(monkeypatch, delay_network, True)
    unpacked = run_network(monkeypatch, delay_network, False)
    for (trains, counters, dtype, words), (trains32, counters32, dtype32, words32) in zip(
            packed, unpacked):
        assert dtype == np.uint8 and dtype32 == np.uint32
        assert words == words32
        assert sum(map(len, trains)) > 300
        assert trains == trains32 and counters == counters32
