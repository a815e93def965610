"""Experiment: a brain, a gymnasium env and transfer functions in one notebook-friendly object.

    with Experiment(brain="examples/braitenberg/brain.py", env="nrp/BraitenbergRover-v0",
                    transfer_functions=[eye_sensor, wheels], seed=1) as exp:
        exp.run(30.0)
        exp.plot(); exp.save("out/")

The brain engine (PyNN on ``backend``) and the env engine run in their own processes over
ZeroMQ (``transport="ipc"``/``"tcp"``) or here (``"inproc"``), stepped by an Orchestrator whose
exchange hook runs the TFs. A TF that raises pauses the experiment: fix it with
``replace_transfer_function`` and ``resume()``; everything recorded is kept.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from transfer_functions import (
    TransferFunction,
    TransferFunctionError,
    TransferFunctionManager,
    make_spec,
)

from .engines.factory import start_engines
from .experiment_data import ExperimentData, build_data
from .orchestrator import Orchestrator
from .tf_exchange import EXTENSION, TFExchange

ENV_OUTPUTS = ("observation", "reward", "terminated", "truncated")
SPIKES = "__spikes__:"  # brain datapack prefix: a spike_recorder device per population


class Experiment:
    """A closed-loop brain + env experiment with NRP-style transfer functions.

    ``brain``: a PyNN script path or ``"module:function"`` (called as ``function(sim)``);
    ``env``: a gymnasium id or ``"module:callable"``; ``seed`` seeds both. ``mode="sequential"``
    lets the env act on this step's spikes (brain first), ``"pipelined"`` on the previous
    step's (both advance at once, as the NRP). ``timestep`` is the brain's, in ms.
    """

    def __init__(self, brain: str, env: str,
                 transfer_functions: Iterable[TransferFunction | str] = (),
                 dt_sync: float = 0.02, transport: str = "ipc", seed: int | None = None,
                 backend: str = "spinnaker_sim", mode: str = "pipelined",
                 env_kwargs: dict | None = None, timestep: float = 1.0,
                 brain_setup: dict | None = None, engine_options: dict | None = None) -> None:
        self.manager = TransferFunctionManager(transfer_functions)
        self.exchange = TFExchange(self.manager)
        self.dt_sync, self.transport, self.seed = float(dt_sync), transport, seed
        self.paused = False
        self.error: TransferFunctionError | None = None
        self._segments = [0]
        self._wall_s = 0.0
        brain_config = {"backend": backend, "brain": brain, "timestep": timestep, "seed": seed,
                        "setup": dict(brain_setup or {}), "record_spikes": False,
                        "extensions": [{"factory": EXTENSION, "dt_ms": self.dt_sync * 1000.0,
                                        "devices": self.manager.device_specs()}]}
        env_config = {"env": env, "env_kwargs": dict(env_kwargs or {}), "seed": seed}
        engines = start_engines({"brain": "brain", "env": "gym"}, transport=transport,
                                **dict(engine_options or {}))
        self.orchestrator = Orchestrator(
            engines, dt_sync=self.dt_sync, mode=mode, exchange=self.exchange,
            read=self._reads(), configs={"brain": brain_config, "env": env_config},
            order=["brain", "env"])
        info = self.orchestrator.engine_info["brain"]["populations"]
        self.populations = {label: int(p["size"]) for label, p in info.items()}
        # spikes come through incremental recorder devices: cheaper than Neo blocks every step
        self.exchange.add_devices([make_spec(SPIKES + label, "spike_recorder", label, None)
                                   for label in self.populations])
        self._update_reads()

    # ---- reads ---------------------------------------------------------------------------
    def _reads(self) -> dict[str, list[str]]:
        spikes = [SPIKES + label for label in getattr(self, "populations", {})]
        return {"brain": list(dict.fromkeys(self.manager.brain_reads() + spikes)),
                "env": sorted(set(self.manager.env_reads()) | set(ENV_OUTPUTS))}

    def _update_reads(self) -> None:
        self.orchestrator.read.update(self._reads())

    # ---- running -------------------------------------------------------------------------
    @property
    def time(self) -> float:
        """Simulated time (s) since the start or the last reset."""
        return self.orchestrator.time

    @property
    def done(self) -> bool:
        """Whether the env's episode has ended (terminated or truncated) in the last step."""
        outputs = self.orchestrator.outputs.get("env", {})
        return bool(outputs.get("terminated") or outputs.get("truncated"))

    def step(self) -> dict[str, dict]:
        """One sync step; returns the outputs read after it. Raises the TransferFunctionError of
        a TF that failed in it, after pausing (the step itself completed with held inputs)."""
        if self.paused:
            raise RuntimeError(self._paused_message())
        started = time.perf_counter()
        try:
            outputs = self.orchestrator.step()
        finally:
            self._wall_s += time.perf_counter() - started
        if self.exchange.error is not None:
            self.error, self.exchange.error = self.exchange.error, None
            self.paused = True
            raise self.error
        return outputs

    def run(self, seconds: float, progress: bool = True, stop_when_done: bool = True) -> bool:
        """Run up to ``seconds`` of simulated time; stop early when the episode ends (unless
        ``stop_when_done`` is False) or the experiment is paused. Returns whether it is done."""
        n = round(seconds / self.dt_sync)
        if n < 0 or abs(n * self.dt_sync - seconds) > 1e-6 * self.dt_sync:
            raise ValueError(f"run(seconds={seconds}) is not a whole, non-negative number of "
                             f"sync steps of {self.dt_sync} s; use a multiple of dt_sync")
        bar = None
        if progress:
            from tqdm.auto import tqdm
            bar = tqdm(total=n, unit="step", desc="experiment")
        try:
            for _ in range(n):
                if self.paused or (stop_when_done and self.done):
                    break
                self.step()
                if bar is not None:
                    bar.update()
        finally:
            if bar is not None:
                bar.close()
        return self.done

    def pause(self) -> None:
        """Stop a run() at the next step boundary (steps refuse until resume())."""
        self.paused = True

    def resume(self) -> None:
        """Continue after pause() or a TF error (replace the failing TF first)."""
        self.paused, self.error = False, None

    def reset(self) -> None:
        """Engines and TF variables back to time 0 (the same episode again); data is kept and a
        new segment starts."""
        self.orchestrator.reset()
        self.manager.reset()
        self.exchange.error = None
        self.paused, self.error = False, None
        if len(self.orchestrator.recording) > self._segments[-1]:
            self._segments.append(len(self.orchestrator.recording))

    def _paused_message(self) -> str:
        if self.error is not None:
            return (f"the experiment is paused because transfer function "
                    f"{self.error.tf_name!r} raised {self.error.error_type} at line "
                    f"{self.error.lineno}: {self.error.error_message}; fix it with "
                    "replace_transfer_function(...) and call resume()")
        return "the experiment is paused; call resume() to go on"

    # ---- transfer functions between steps ---------------------------------------------------
    def add_transfer_function(self, tf: TransferFunction | str) -> None:
        """Add a TF (object or source text); its new devices are built before the next step."""
        self.exchange.add_devices(self.manager.add(tf))
        self._update_reads()

    def replace_transfer_function(self, tf: TransferFunction | str) -> None:
        """Swap in a new version of the TF of the same name (keeps its recorders/variables)."""
        self.exchange.add_devices(self.manager.replace(tf))
        self._update_reads()

    def remove_transfer_function(self, tf: TransferFunction | str) -> None:
        """Remove a TF; its encoders are switched off at the next step."""
        self.manager.remove(tf)
        self._update_reads()

    @property
    def transfer_functions(self) -> list[TransferFunction]:
        """The TFs in the order they run."""
        return self.manager.transfer_functions

    # ---- results -----------------------------------------------------------------------------
    @property
    def data(self) -> ExperimentData:
        """Everything recorded so far (spikes as Neo, TF recordings, env trajectory)."""
        return build_data(self.orchestrator.recording, self._segments, self.populations, SPIKES,
                          {name: r.data for name, r in self.manager.recorders.items()})

    def summary(self) -> dict[str, Any]:
        """Steps, simulated and wall time, real-time factor (overall, and of the median step:
        the first steps also map the brain and load compiled code), spikes and how the episode
        ended."""
        data = self.data
        steps = len(data.times)
        simulated = steps * self.dt_sync
        ended = data.terminated | data.truncated
        end = int(ended.argmax()) if ended.any() else None
        median_ms = self.orchestrator.summary()["median_step_ms"]
        return {"steps": steps, "simulated_s": simulated, "wall_s": self._wall_s,
                "real_time_factor": simulated / self._wall_s if self._wall_s > 0 else float("nan"),
                "median_step_ms": median_ms,
                "median_step_real_time_factor": 1e3 * self.dt_sync / median_ms,
                "spikes": data.spike_count(), "terminated": bool(data.terminated.any()),
                "truncated": bool(data.truncated.any()),
                "end_time_s": None if end is None else float(data.times[end]),
                "return": float(data.rewards.sum()), "transport": self.transport}

    def plot(self, data: ExperimentData | None = None) -> Any:
        """A matplotlib Figure: spike raster, the env trajectory and the reward."""
        from .experiment_plot import plot_experiment

        return plot_experiment(self.data if data is None else data)

    def save(self, path: str | Path) -> Path:
        """Write everything recorded into folder ``path`` (npz, csv, summary.json)."""
        return self.data.save(path, summary=self.summary())

    # ---- shutting down -----------------------------------------------------------------------
    def close(self) -> None:
        """Shut the engines down; the data stays readable."""
        self.orchestrator.close()

    def __enter__(self) -> Experiment:  # noqa: PYI034 - Self needs Python 3.11
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.orchestrator.__exit__(*exc_info)
