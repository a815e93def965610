"""Population coding of values as rates: Gaussian tuning curves (receptive fields) per neuron."""

from __future__ import annotations

import numpy as np


def gaussian_rates(value, n_neurons: int, low: float, high: float, max_rate: float,
                   baseline: float = 0.0, width: float | None = None, dims: int = 1) -> np.ndarray:
    """Rates (Hz) of `n_neurons` split into `dims` equal groups, group d tuning to value[d].

    Each group's preferred values are evenly spaced over [low, high]; a neuron fires
    baseline + max_rate * exp(-(x - centre)^2 / (2 width^2)); width defaults to the spacing.
    """
    values = np.atleast_1d(np.asarray(value, dtype=float))
    if values.shape != (dims,):
        raise ValueError(f"receptive_field_rates codes {dims} value(s), got shape {values.shape}")
    if n_neurons % dims:
        raise ValueError(f"{n_neurons} neurons cannot be split into {dims} equal groups; use a "
                         "population view whose size is a multiple of dims")
    per_group = n_neurons // dims
    centres = np.linspace(low, high, per_group)
    if width is None:
        width = (high - low) / max(per_group - 1, 1)
    if width <= 0:
        raise ValueError(f"receptive field width must be positive, got {width}")
    rates = baseline + max_rate * np.exp(-((values[:, None] - centres[None, :]) ** 2)
                                         / (2.0 * width * width))
    return rates.reshape(-1)
