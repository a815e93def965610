"""Closed-loop stepping benchmark: 100 IF_curr_exp neurons driven one-to-one by 100 Poisson
sources; each step changes the Poisson rates, runs 20 ms and reads the spike counts, as a
brain engine does once per NRP sync step.

    python bench/closed_loop.py                 # spinnaker_sim, NEST (500 steps), brian2 (few)
    python bench/closed_loop.py --skip-brian2 --steps 1000

Reports the per-step wall time (set rates + run(20) + count read); the first step, which
maps/compiles on some backends, is reported apart.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import import_backend, peak_rss_mb, run_worker

N_NEURONS = 100
STEP_MS = 20.0
WEIGHT_NA = 1.0
RATE_RANGE_HZ = (10.0, 100.0)


def step_loop(backend: str, steps: int, seed: int) -> dict:
    """Build the 100-neuron loop on one backend and time ``steps`` closed-loop steps."""
    sim = import_backend(backend)
    extra = {"rng_seed": seed} if backend == "spinnaker_sim" else {}
    t0 = time.perf_counter()
    sim.setup(timestep=1.0, min_delay=1.0, max_delay=1.0, **extra)
    sources = sim.Population(N_NEURONS, sim.SpikeSourcePoisson(rate=RATE_RANGE_HZ[0]),
                             label="sensors")
    neurons = sim.Population(N_NEURONS, sim.IF_curr_exp(), label="brain")
    sim.Projection(sources, neurons, sim.OneToOneConnector(),
                   sim.StaticSynapse(weight=WEIGHT_NA, delay=1.0), receptor_type="excitatory")
    neurons.record("spikes")
    t_build = time.perf_counter() - t0

    rates = np.random.default_rng(seed).uniform(*RATE_RANGE_HZ, size=(steps, N_NEURONS))
    step_s = []
    total = 0
    previous = np.zeros(N_NEURONS)
    for k in range(steps):
        t0 = time.perf_counter()
        sources.set(rate=rates[k])
        sim.run(STEP_MS)
        counts = neurons.get_spike_counts()
        step_s.append(time.perf_counter() - t0)
        current = np.array([counts[i] for i in neurons.all_cells], dtype=float)
        total += int((current - previous).sum())
        previous = current
    sim.end()
    later = step_s[1:] or step_s
    return {
        "backend": backend, "steps": steps, "build_s": t_build,
        "first_step_ms": step_s[0] * 1e3,
        "median_step_ms": statistics.median(later) * 1e3,
        "mean_step_ms": statistics.fmean(later) * 1e3,
        "p95_step_ms": float(np.percentile(later, 95)) * 1e3,
        "total_s": sum(step_s), "spikes": total,
        "mean_rate_hz": total / N_NEURONS / (steps * STEP_MS / 1000.0),
        "realtime_factor": steps * STEP_MS / 1000.0 / sum(step_s),
        "peak_rss_mb": peak_rss_mb(),
    }


def run_all(steps: int, brian2_steps: int, seed: int, skip_brian2: bool, log=print) -> list[dict]:
    """Each backend in its own process; adds per-step ratios against NEST."""
    plan = [("spinnaker_sim", steps), ("nest", steps)]
    if not skip_brian2:
        plan.append(("brian2", brian2_steps))
    results = []
    for backend, n_steps in plan:
        log(f"[closed_loop] {backend} {n_steps} steps ...")
        res = run_worker("closed_loop.py", ["--backend", backend, "--steps", str(n_steps),
                                            "--seed", str(seed)], timeout=1200)
        res.setdefault("backend", backend)
        log(f"[closed_loop]   {json.dumps(res)}")
        results.append(res)
    nest = next((r for r in results if r["backend"] == "nest" and "error" not in r), None)
    for res in results:
        if nest and "error" not in res:
            res["median_step_vs_nest"] = res["median_step_ms"] / nest["median_step_ms"]
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="spinnaker_sim")
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--brian2-steps", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-brian2", action="store_true")
    parser.add_argument("--json", type=Path, help="write the results list here")
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(step_loop(args.backend, args.steps, args.seed)))
        return
    results = run_all(args.steps, args.brian2_steps, args.seed, args.skip_brian2)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
