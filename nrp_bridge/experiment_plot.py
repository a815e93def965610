"""One figure of an experiment: spike raster, env trajectory and cumulative reward."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .experiment_data import ExperimentData


def plot_experiment(data: ExperimentData) -> Figure:
    """Raster (every population stacked, all runs end to end), the rover's path when the
    observations have a ``pose`` (else each observation channel over time), and the reward."""
    figure = Figure(figsize=(12, 4), layout="constrained")
    raster, trajectory, reward = figure.subplots(1, 3)
    offsets = _run_offsets(data)
    base = 0
    for label, rows in data.spike_rows.items():
        times = (rows[:, 2] + offsets[rows[:, 0].astype(int)] * 1000.0) / 1000.0 \
            if len(rows) else np.zeros(0)
        raster.scatter(times, rows[:, 1] + base, s=2, label=label)
        base += int(rows[:, 1].max()) + 1 if len(rows) else 1
    raster.set(xlabel="time (s)", ylabel="neuron", title="brain spikes")
    if data.spike_rows:
        raster.legend(loc="upper right", fontsize="small", markerscale=3)
    elapsed = data.times + offsets[data.segment] if len(data.times) else data.times
    _plot_trajectory(trajectory, data, elapsed)
    reward.plot(elapsed, np.cumsum(data.rewards))
    reward.set(xlabel="time (s)", ylabel="cumulative reward", title="reward")
    return figure


def _run_offsets(data: ExperimentData) -> np.ndarray:
    """Start time (s) of each run when runs are laid end to end."""
    n = int(data.segment.max()) + 1 if len(data.segment) else 1
    ends = np.array([data.times[data.segment == i].max() if np.any(data.segment == i) else 0.0
                     for i in range(n)])
    return np.concatenate(([0.0], np.cumsum(ends)[:-1]))


def _plot_trajectory(axes, data: ExperimentData, elapsed: np.ndarray) -> None:
    observations = data.observations
    if isinstance(observations, dict) and "pose" in observations:
        pose = observations["pose"]
        for run in np.unique(data.segment):
            path = pose[data.segment == run]
            axes.plot(path[:, 0], path[:, 1], label=f"run {run}")
            axes.plot(path[0, 0], path[0, 1], "ko", markersize=4)
        axes.set(xlabel="x (m)", ylabel="y (m)", title="trajectory", aspect="equal")
        return
    values = np.asarray(observations) if not isinstance(observations, dict) else None
    if values is not None and values.ndim == 2:
        for channel in range(values.shape[1]):
            axes.plot(elapsed, values[:, channel], label=f"obs[{channel}]")
        axes.legend(loc="upper right", fontsize="small")
    axes.set(xlabel="time (s)", title="observation")
