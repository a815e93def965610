"""What an Experiment recorded, as arrays and Neo: built from the orchestrator's per-step Recording."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


@dataclass
class ExperimentData:
    """Everything recorded so far. One entry per complete sync step unless said otherwise.

    ``segment`` numbers the runs between resets; ``spikes`` is a ``neo.Block`` with one Segment
    per run and one SpikeTrain per neuron (annotated with its population and index).
    """

    times: np.ndarray  # end of each step, s since the segment's start
    segment: np.ndarray  # which run (reset count) each step belongs to
    observations: dict[str, np.ndarray] | np.ndarray
    actions: np.ndarray
    rewards: np.ndarray
    terminated: np.ndarray
    truncated: np.ndarray
    spikes: Any  # neo.Block
    spike_rows: dict[str, np.ndarray]  # population -> rows [segment, neuron, time ms]
    tf_recordings: dict[str, np.ndarray] = field(default_factory=dict)

    def spike_count(self) -> int:
        """Total number of brain spikes recorded."""
        return int(sum(len(rows) for rows in self.spike_rows.values()))

    def save(self, folder: str | Path, summary: dict | None = None) -> Path:
        """Write ``trajectory.npz``, ``spikes.npz`` (rows per population), ``spikes.nix`` (Neo, if
        NixIO works here), one CSV per TF recorder and ``summary.json``; returns the folder."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        observations = (self.observations if isinstance(self.observations, dict)
                        else {"observation": self.observations})
        np.savez(folder / "trajectory.npz", time=self.times, segment=self.segment,
                 actions=self.actions, rewards=self.rewards, terminated=self.terminated,
                 truncated=self.truncated,
                 **{f"observation_{k}": v for k, v in observations.items()})
        np.savez(folder / "spikes.npz", **self.spike_rows)
        _try_nix(self.spikes, folder / "spikes.nix")
        for name, table in self.tf_recordings.items():
            _write_table_csv(table, folder / f"{name}.csv")
        if summary is not None:
            (folder / "summary.json").write_text(json.dumps(summary, indent=2, default=float))
        return folder


def build_data(recording: Any, segments: list[int], populations: dict[str, int], prefix: str,
               tf_recordings: dict[str, np.ndarray]) -> ExperimentData:
    """ExperimentData from a ``Recording`` whose steps from ``segments[i]`` on belong to run i;
    ``populations`` gives the size of each population whose spikes were read as the brain
    datapack ``prefix + label`` (rows [neuron, time ms] per step)."""
    n = len(recording)
    segment = np.zeros(n, dtype=np.int64)
    for index, start in enumerate(segments):
        segment[start:] = index
    env_names = recording.names().get("env", [])
    observations = _observations(recording, n) if "observation" in env_names else {}
    rows = {label: _spike_rows(recording, prefix + label, segment) for label in populations}
    return ExperimentData(
        times=np.asarray(recording.times, dtype=float), segment=segment,
        observations=observations, actions=_held(_maybe(recording, "action", n, inputs=True)),
        rewards=_column(recording, "reward", env_names, n, float),
        terminated=_column(recording, "terminated", env_names, n, bool),
        truncated=_column(recording, "truncated", env_names, n, bool),
        spikes=_neo_block(rows, populations, recording.times, segment), spike_rows=rows,
        tf_recordings=tf_recordings)


def _maybe(recording: Any, name: str, n: int, inputs: bool) -> list:
    try:
        return recording.series("env", name, inputs=inputs)
    except KeyError:
        return [None] * n


def _held(series: list) -> np.ndarray:
    """Stack per-step values; a step without a new value holds the previous one (as the env
    does), NaN before the first."""
    first = next((np.asarray(v, dtype=float) for v in series if v is not None), None)
    if first is None:
        return np.zeros((len(series), 0))
    out, last = [], np.full(first.shape, np.nan)
    for value in series:
        last = last if value is None else np.asarray(value, dtype=float)
        out.append(last)
    return np.stack(out)


def _column(recording: Any, name: str, names: list[str], n: int, dtype: type) -> np.ndarray:
    if name not in names:
        return np.zeros(n, dtype=dtype)
    return np.asarray(recording.series("env", name), dtype=dtype)


def _observations(recording: Any, n: int) -> dict[str, np.ndarray] | np.ndarray:
    series = recording.series("env", "observation")
    if series and isinstance(series[0], dict):
        return {key: np.stack([np.asarray(o[key]) for o in series]) for key in series[0]}
    return np.stack([np.asarray(o) for o in series]) if n else np.zeros((0,))


def _spike_rows(recording: Any, name: str, segment: np.ndarray) -> np.ndarray:
    """[segment, neuron, time ms] of every recorded spike of one population."""
    try:
        series = recording.series("brain", name)
    except KeyError:
        return np.zeros((0, 3))
    chunks = [np.column_stack((np.full(len(s), segment[i]), np.asarray(s, dtype=float)))
              for i, s in enumerate(series) if s is not None and len(s)]
    return np.concatenate(chunks) if chunks else np.zeros((0, 3))


def _neo_block(rows: dict[str, np.ndarray], sizes: dict[str, int], times: list[float],
               segment: np.ndarray) -> Any:
    import neo
    import quantities as pq

    block = neo.Block(name="brain spikes")
    n_segments = int(segment.max()) + 1 if len(segment) else 0
    for index in range(n_segments):
        steps = np.flatnonzero(segment == index)
        t_stop = float(times[steps[-1]]) * 1000.0 if len(steps) else 0.0
        seg = neo.Segment(name=f"run {index}", index=index)
        for label, population in rows.items():
            mine = population[population[:, 0] == index]
            for neuron in range(sizes[label]):
                spike_times = np.sort(mine[mine[:, 1] == neuron, 2])
                last = float(spike_times[-1]) if len(spike_times) else 0.0
                seg.spiketrains.append(neo.SpikeTrain(
                    spike_times * pq.ms, t_stop=max(t_stop, last) * pq.ms,
                    name=f"{label}[{neuron}]", source_population=label, source_index=neuron))
        block.segments.append(seg)
    return block


def _try_nix(block: Any, path: Path) -> bool:
    """Neo's NixIO (pickle-free HDF5) when the ``nixio`` package is installed."""
    try:
        from neo.io import NixIO
    except ImportError:
        return False
    try:
        io = NixIO(str(path), mode="ow")
    except Exception:  # noqa: BLE001 - NixIO raises a plain Exception without nixio
        return False
    with io:
        io.write_block(block)
    return True


def _write_table_csv(table: np.ndarray, path: Path) -> None:
    names = table.dtype.names or ()
    with open(path, "w") as f:
        f.write(",".join(names) + "\n")
        f.writelines(",".join(str(row[n]) for n in names) + "\n" for row in table)
