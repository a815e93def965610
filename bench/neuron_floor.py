"""How close the engine's neuron update is to the cost of its arithmetic alone.

A minimal loop does what a tick does to every LIF (current, exponential synapses) atom in
SpiNNaker's fixed point: both synapses' ring input and u0.32 decay, the closed-form membrane
step, the refractory select and the threshold, 256 atoms a core, nothing else (no spike list,
no delivery, no recording, no barrier between the threads), its per-core loops inlined as
the engine's are. It runs CUBA-4000's neurons for
1 s at dt 0.1 (10,000 ticks) on one thread and, split in two halves with arrays of their own,
on two; the engine runs the same 4000 neurons unconnected (the populations-only CUBA script,
whose neurons fire tonically) on one and two workers. Each is the median of five runs in a
process of its own; the four take turns three times and each row gives the median turn.

    python bench/neuron_floor.py [--out bench/results/x.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
from numba import njit, prange

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import import_backend, machine_description, run_worker

N_ATOMS, CORE, TICKS, REPEATS, ROUNDS = 4000, 256, 10_000, 5, 3
# CUBA's cell at dt 0.1 in raw s16.15 / u0.32 words (v_rest above threshold: tonic firing)
V_REST, V_RESET, V_THRESH = -49 << 15, -60 << 15, -50 << 15
R_MEMBRANE, EXP_TC = 100 << 15, 32604  # 100 MOhm; exp(-0.1 / 20) in s16.15
DECAY_E, DECAY_I = np.int32(-85_000_000), np.int32(-150_000_000)  # u0.32 words
INIT_E, INIT_I = np.int32(-1_500_000_000), np.int32(-1_300_000_000)


@njit(cache=True, inline="always")
def _u032_mul(x, d):
    return ((np.int64(x) * np.int64(d)) >> 32) + (np.int64(x) if d < 0 else np.int64(0))


@njit(cache=True, forceinline=True)
def _synapses(ring, syn, decay, init, out):
    for j in range(syn.shape[0]):
        e = np.int32(syn[j] + _u032_mul(np.int32(np.int64(ring[j]) << 3), init))
        out[j] = e
        syn[j] = _u032_mul(e, decay)


@njit(cache=True, forceinline=True)
def _membrane(t, v, exc, inh, active_from, spiked):
    fired = 0
    for j in range(v.shape[0]):
        v_old = v[j]
        alpha = ((np.int64(np.int32(exc[j] - inh[j])) * R_MEMBRANE) >> 15) + V_REST
        v_new = alpha - ((np.int64(EXP_TC) * np.int64(np.int32(alpha - v_old))) >> 15)
        active = active_from[j] <= t
        spike = active & (v_new >= V_THRESH)
        v[j] = V_RESET if spike else (v_new if active else v_old)
        spiked[j] = spike
        fired += spike
    return fired


@njit(cache=True)
def _ticks(n_ticks, ring, v, syn_e, syn_i, exc, inh, active_from, spiked):
    fired = 0
    n = v.shape[0]
    for t in range(n_ticks):
        for lo in range(0, n, CORE):
            hi = min(n, lo + CORE)
            _synapses(ring[2 * lo:lo + hi], syn_e[lo:hi], DECAY_E, INIT_E, exc[lo:hi])
            _synapses(ring[lo + hi:2 * hi], syn_i[lo:hi], DECAY_I, INIT_I, inh[lo:hi])
            ring[2 * lo:2 * hi] = 0
            fired += _membrane(t, v[lo:hi], exc[lo:hi], inh[lo:hi], active_from[lo:hi],
                               spiked[lo:hi])
    return fired


@njit(cache=True, parallel=True)
def _ticks_on_threads(n_ticks, ring, v, syn_e, syn_i, exc, inh, active_from, spiked):
    """`_ticks` on each part (the arguments are tuples of one array per thread)."""
    fired = 0
    for w in prange(len(v)):
        fired += _ticks(n_ticks, ring[w], v[w], syn_e[w], syn_i[w], exc[w], inh[w],
                        active_from[w], spiked[w])
    return fired


def _arrays(n: int) -> tuple:
    return (np.zeros(2 * n, np.uint16), np.full(n, V_RESET, np.int32), np.zeros(n, np.int32),
            np.zeros(n, np.int32), np.zeros(n, np.int32), np.zeros(n, np.int32),
            np.zeros(n, np.int32), np.zeros(n, np.bool_))


def arithmetic_alone(threads: int) -> float:
    """Median seconds of 10,000 ticks of the minimal loop over N_ATOMS, on `threads`."""
    parts = [_arrays(N_ATOMS // threads) for _ in range(threads)]
    if threads == 1:
        def run():
            return _ticks(TICKS, *parts[0])
    else:
        by_array = tuple(tuple(arrays) for arrays in zip(*parts, strict=True))

        def run():
            return _ticks_on_threads(TICKS, *by_array)
    run()
    return _median_seconds(run)


def engine(threads: int) -> float:
    """Median seconds of 1 s at dt 0.1 of CUBA-4000's neurons, unconnected, on the engine."""
    import vogels_abbott as va
    sim = import_backend("spinnaker_sim")
    sim.setup(timestep=0.1, min_delay=0.2, max_delay=0.2, rng_seed=1)
    va.build_network(sim, va.MODELS["cuba"], N_ATOMS, 0.2, 1, with_projections=False)
    sim.run(1000.0)
    return _median_seconds(lambda: sim.run(1000.0))


def _median_seconds(run) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return float(np.median(times))


def measure(rounds: int = ROUNDS, log=print) -> list[dict]:
    """Every (what, threads) row, each run in a fresh process with that many numba threads,
    the rows taken in turn `rounds` times (this VM's speed drifts within minutes); a row's
    `seconds` is the median of its rounds."""
    plan = [(what, threads) for what in ("arithmetic alone", "engine") for threads in (1, 2)]
    rounds_s = {key: [] for key in plan}
    for _ in range(rounds):
        for what, threads in plan:
            env = {**os.environ, "NUMBA_NUM_THREADS": str(threads)}
            res = run_worker("neuron_floor.py", ["--what", what], 600, env=env)
            if "error" in res:
                raise RuntimeError(f"{what} on {threads} thread(s): {res['error']}")
            rounds_s[what, threads].append(res["seconds"])
            log(f"[neuron_floor] {what}, {threads} thread(s): {res['seconds']:.4f} s")
    return [{"what": what, "threads": threads, "seconds": float(np.median(times)),
             "rounds_s": times} for (what, threads), times in rounds_s.items()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="write the rows and the machine here (JSON)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--what", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        threads = int(os.environ.get("NUMBA_NUM_THREADS", "1"))
        seconds = (arithmetic_alone if args.what == "arithmetic alone" else engine)(threads)
        print(json.dumps({"seconds": seconds}))
        return
    rows = measure()
    print("| what | threads | ms per 1 s of model at dt 0.1 |\n|---|---|---|")
    for row in rows:
        print(f"| {row['what']} | {row['threads']} | {1e3 * row['seconds']:.1f} |")
    if args.out:
        Path(args.out).write_text(json.dumps({"machine": machine_description(), "rows": rows},
                                             indent=1))


if __name__ == "__main__":
    main()
