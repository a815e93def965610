"""Vogels-Abbott CUBA benchmark (Brette et al. 2007, PyNN's VAbenchmarks parameters) on
spinnaker_sim, pyNN.nest and pyNN.brian2, the same PyNN script and seed for each.

    python bench/cuba.py                      # dt 1.0 and 0.1, all three backends
    python bench/cuba.py --skip-brian2 --dt 1.0
    python bench/cuba.py --brian2-size 4000   # full size on brian2 (its build takes ~6 min)

Each (backend, dt) runs in its own subprocess; peak memory is that process's ru_maxrss.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import import_backend, peak_rss_mb, run_worker

# PyNN examples/VAbenchmarks.py, CUBA variant.
AREA_CM2 = 20000e-8
CM_NF = 1.0 * AREA_CM2 * 1000        # 1 uF/cm2 -> 0.2 nF
CELL_PARAMS = {"tau_m": 20.0, "tau_syn_E": 5.0, "tau_syn_I": 10.0, "v_rest": -49.0,
               "v_reset": -60.0, "v_thresh": -50.0, "cm": CM_NF, "tau_refrac": 5.0}
V_MEAN, E_EXC, E_INH = -60.0, 0.0, -80.0
W_EXC = 1e-3 * 0.27 * (E_EXC - V_MEAN)   # nA
W_INH = 1e-3 * 4.5 * (E_INH - V_MEAN)    # nA (negative, inhibitory receptor)
P_CONNECT = 0.02
R_EI = 4.0
STIM_CELLS, STIM_RATE, STIM_DURATION, STIM_P, W_STIM = 20, 100.0, 50.0, 0.01, 0.1
FULL_SIZE = 4000
BRIAN2_DEFAULT_SIZE = 500   # pyNN.brian2 builds ~350 s at 4000 (one connect per post-neuron)


def build_and_run(backend: str, n: int, dt: float, tstop: float, seed: int,
                  nest_threads: int, numerics: str = "fixed") -> dict:
    """Build CUBA-n on one backend, run it, and return timings, spike count and rates.

    `numerics` ("fixed" or "float64") applies to spinnaker_sim: the float64 run measures what
    the fixed-point arithmetic costs (or saves)."""
    t0 = time.perf_counter()
    sim = import_backend(backend)
    t_import = time.perf_counter() - t0
    extra = {"threads": nest_threads} if backend == "nest" else {}
    if backend == "spinnaker_sim":
        extra["rng_seed"] = seed
        extra["numerics"] = numerics
    delay = max(0.2, dt)
    t0 = time.perf_counter()
    sim.setup(timestep=dt, min_delay=delay, max_delay=delay, **extra)
    rng = sim.NumpyRNG(seed=seed)
    n_exc = round(n * R_EI / (1 + R_EI))
    exc = sim.Population(n_exc, sim.IF_curr_exp(**CELL_PARAMS), label="exc")
    inh = sim.Population(n - n_exc, sim.IF_curr_exp(**CELL_PARAMS), label="inh")
    v_init = sim.RandomDistribution("uniform", (CELL_PARAMS["v_reset"],
                                                CELL_PARAMS["v_thresh"]), rng=rng)
    exc.initialize(v=v_init)
    inh.initialize(v=v_init)
    stim = sim.Population(STIM_CELLS, sim.SpikeSourcePoisson(rate=STIM_RATE,
                                                             duration=STIM_DURATION),
                          label="stim")
    connector = sim.FixedProbabilityConnector(P_CONNECT, rng=rng)
    exc_syn = sim.StaticSynapse(weight=W_EXC, delay=delay)
    inh_syn = sim.StaticSynapse(weight=W_INH, delay=delay)
    projections = [
        sim.Projection(exc, exc, connector, exc_syn, receptor_type="excitatory"),
        sim.Projection(exc, inh, connector, exc_syn, receptor_type="excitatory"),
        sim.Projection(inh, exc, connector, inh_syn, receptor_type="inhibitory"),
        sim.Projection(inh, inh, connector, inh_syn, receptor_type="inhibitory"),
    ]
    stim_conn = sim.FixedProbabilityConnector(STIM_P, rng=rng)
    stim_syn = sim.StaticSynapse(weight=W_STIM, delay=delay)
    projections += [sim.Projection(stim, pop, stim_conn, stim_syn, receptor_type="excitatory")
                    for pop in (exc, inh)]
    exc.record("spikes")
    inh.record("spikes")
    t_build = time.perf_counter() - t0

    t0 = time.perf_counter()
    sim.run(tstop)
    t_run = time.perf_counter() - t0

    fan_out = {"exc": 0, "inh": 0}
    for proj in projections[:4]:
        fan_out[proj.pre.label] += len(proj)
    spikes_1 = _spike_counts(exc, inh)
    # A second run of the same length, from where the first stopped, shows the steady state
    # without one-time costs (mapping, numba cache load, NEST's prepare).
    t0 = time.perf_counter()
    sim.run(tstop)
    t_run2 = time.perf_counter() - t0
    spikes_2 = _spike_counts(exc, inh) - spikes_1
    events_1 = float(spikes_1 @ [fan_out["exc"] / n_exc, fan_out["inh"] / (n - n_exc)])
    events_2 = float(spikes_2 @ [fan_out["exc"] / n_exc, fan_out["inh"] / (n - n_exc)])
    n_synapses = sum(len(p) for p in projections)
    sim.end()
    return {
        "backend": backend, "n": n, "dt": dt, "tstop_ms": tstop,
        "numerics": numerics if backend == "spinnaker_sim" else None,
        "import_s": t_import, "build_s": t_build, "run_s": t_run,
        "spikes": int(spikes_1.sum()), "mean_rate_hz": spikes_1.sum() / n / (tstop / 1000.0),
        "synapses": n_synapses, "synaptic_events": int(events_1),
        "events_per_s": events_1 / t_run, "realtime_factor": (tstop / 1000.0) / t_run,
        "run2_s": t_run2, "spikes2": int(spikes_2.sum()), "events2_per_s": events_2 / t_run2,
        "peak_rss_mb": peak_rss_mb(),
        "threads": nest_threads if backend == "nest" else None,
    }


def _spike_counts(exc, inh) -> np.ndarray:
    """Total spikes so far of the excitatory and the inhibitory population.

    Synaptic events = spikes x mean fan-out of their population (every spike reaches each
    of its neuron's targets).
    """
    return np.array([sum(pop.get_spike_counts().values()) for pop in (exc, inh)], dtype=float)


def run_all(dts: list[float], tstop: float, seed: int, skip_brian2: bool, brian2_size: int,
            nest_threads: int, log=print) -> list[dict]:
    """Every (backend, dt) pair in its own process; adds ratios against NEST at equal size."""
    plan = [("spinnaker_sim", FULL_SIZE, 900, "fixed"),
            ("spinnaker_sim", FULL_SIZE, 900, "float64"),
            ("nest", FULL_SIZE, 900, "fixed")]
    if not skip_brian2:
        plan.append(("brian2", brian2_size, 1800, "fixed"))
        if brian2_size != FULL_SIZE:
            log(f"[cuba] brian2 runs at n={brian2_size}, not {FULL_SIZE}: pyNN.brian2 takes "
                "~6 min to build the full network; pass --brian2-size 4000 for full size.")
    results = []
    for dt in dts:
        for backend, n, timeout, numerics in plan:
            args = ["--backend", backend, "--n", str(n), "--dt", str(dt), "--tstop", str(tstop),
                    "--seed", str(seed), "--nest-threads", str(nest_threads),
                    "--numerics", numerics]
            log(f"[cuba] {backend} ({numerics}) n={n} dt={dt} ...")
            res = run_worker("cuba.py", args, timeout)
            res.setdefault("backend", backend)
            res.setdefault("n", n)
            res.setdefault("dt", dt)
            log(f"[cuba]   {json.dumps(res)}")
            results.append(res)
    add_ratios_vs_nest(results, ("build_s", "run_s", "run2_s", "events_per_s", "peak_rss_mb"))
    return results


def add_ratios_vs_nest(results: list[dict], keys: tuple[str, ...]) -> None:
    """Add ``<key>_vs_nest`` to each result, against NEST's at the same n and dt."""
    nest = {(r["n"], r["dt"]): r for r in results if r["backend"] == "nest" and "error" not in r}
    for res in results:
        ref = nest.get((res["n"], res["dt"]))
        if ref is None or "error" in res:
            continue
        for key in keys:
            if ref.get(key):
                res[f"{key}_vs_nest"] = res[key] / ref[key]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="spinnaker_sim")
    parser.add_argument("--n", type=int, default=FULL_SIZE)
    parser.add_argument("--dt", type=float, nargs="+", default=[1.0, 0.1])
    parser.add_argument("--tstop", type=float, default=1000.0)
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--skip-brian2", action="store_true")
    parser.add_argument("--brian2-size", type=int, default=BRIAN2_DEFAULT_SIZE)
    parser.add_argument("--nest-threads", type=int, default=2)
    parser.add_argument("--numerics", default="fixed", choices=("fixed", "float64"))
    parser.add_argument("--json", type=Path, help="write the results list here")
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(build_and_run(args.backend, args.n, args.dt[0], args.tstop, args.seed,
                                       args.nest_threads, args.numerics)))
        return
    results = run_all(args.dt, args.tstop, args.seed, args.skip_brian2, args.brian2_size,
                      args.nest_threads)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
