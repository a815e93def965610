"""The ring-buffer shifts' weight statistics, taken a chunk of connections at a time."""

from types import SimpleNamespace

import numpy as np
import pytest

from spinnaker_sim.engine import layout as L
from spinnaker_sim.mapping.connections import stored
from spinnaker_sim.mapping.synapse_columns import weight_statistics


@pytest.mark.parametrize("n", [0, 1, 1000, 3 * 2**18 + 12345])
def test_chunked_statistics_are_numpys_over_the_whole_projection(n):
    """Count, mean, variance and maximum of |weight| x the alpha synapse's per-atom factor
    (e tau_syn) match numpy over all connections, also across several chunks (whose partial
    means and squared deviations must be merged, not averaged)."""
    rng = np.random.default_rng(n)
    post_index = rng.integers(0, 50, n)
    weight = rng.normal(0.0, 1.0, n) + np.where(np.arange(n) < n // 2, 5.0, 0.0)  # drifts
    tau = rng.uniform(1.0, 10.0, 50)
    prj = SimpleNamespace(connections=stored(np.zeros(n, dtype=np.int32), post_index, 1, 50),
                          weight=weight, receptor=0)
    post = SimpleNamespace(kind=L.LIF_CURR_ALPHA, parameters={"tau_syn_E": tau})
    count, mean, var, biggest = weight_statistics(prj, post)
    scaled = np.abs(weight) * (np.e * tau[post_index])
    assert count == n
    if n == 0:
        assert (mean, var, biggest) == (0.0, 0.0, 0.0)
        return
    assert mean == pytest.approx(scaled.mean(), rel=1e-12)
    assert var == pytest.approx(scaled.var(), rel=1e-12)
    assert biggest == scaled.max()
    if n <= 2**18:  # one chunk: numpy's own numbers, exactly
        assert (mean, var) == (float(scaled.mean()), float(scaled.var()))
