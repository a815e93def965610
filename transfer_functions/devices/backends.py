"""Work-arounds for PyNN backends that ignore a documented operation."""

from __future__ import annotations

import numpy as np


def set_poisson_rates(sim, sources, rates: np.ndarray) -> None:
    """``sources.set(rate=rates)`` that also takes effect on pyNN.brian2.

    pyNN.brian2 0.13 stores the new rate on its PoissonGroup wrapper but never writes the brian2
    ``rates`` variable the group fires from, so the old rate keeps going; write it there too.
    """
    sources.set(rate=rates)
    if getattr(sim, "__name__", "") == "pyNN.brian2":
        from brian2 import Hz

        sources.brian2_group.rates[:] = np.asarray(rates, dtype=float) * Hz  # a whole Population
