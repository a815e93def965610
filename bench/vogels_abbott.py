"""Vogels-Abbott CUBA and COBA benchmarks on spinnaker_sim, pyNN.nest and pyNN.brian2.

Brette et al. 2007 with PyNN's examples/VAbenchmarks.py parameters, the same PyNN script and
seed on every backend. One build function serves both models and the scaling benchmark (fixed
in-degree instead of fixed probability).

    python bench/vogels_abbott.py --model cuba coba      # dt 1.0 and 0.1, all three backends
    python bench/vogels_abbott.py --model coba --skip-brian2 --dt 1.0
    python bench/vogels_abbott.py --brian2-size 4000    # full-size brian2 (~6 min build)

Each (model, backend, dt) runs in its own subprocess; peak memory is that process's VmHWM.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import add_ratios_vs_nest, import_backend, peak_rss_mb, rss_mb, run_worker


@dataclass(frozen=True)
class Model:
    """One variant of the network: its cell type, resting potential and the two weights."""

    cell_type: str
    v_rest: float
    w_exc: float      # nA (current) or uS (conductance)
    w_inh: float      # nA, negative for the inhibitory current; uS, positive for a conductance
    extra_params: tuple = ()


AREA_CM2 = 20000e-8
BASE_PARAMS = {"tau_m": 20.0, "tau_syn_E": 5.0, "tau_syn_I": 10.0, "v_reset": -60.0,
               "v_thresh": -50.0, "cm": 1.0 * AREA_CM2 * 1000, "tau_refrac": 5.0}
V_MEAN, E_EXC, E_INH = -60.0, 0.0, -80.0
MODELS = {
    # CUBA: conductances 0.27 / 4.5 nS turned into currents at a mean membrane potential.
    "cuba": Model("IF_curr_exp", -49.0, 1e-3 * 0.27 * (E_EXC - V_MEAN),
                  1e-3 * 4.5 * (E_INH - V_MEAN)),
    "coba": Model("IF_cond_exp", -60.0, 4e-3, 51e-3, (("e_rev_E", E_EXC), ("e_rev_I", E_INH))),
}
P_CONNECT = 0.02
R_EI = 4.0
STIM_CELLS, STIM_RATE, STIM_DURATION, STIM_P, W_STIM = 20, 100.0, 50.0, 0.01, 0.1
FULL_SIZE = 4000
BRIAN2_DEFAULT_SIZE = 500   # pyNN.brian2 builds ~350 s at 4000 (one connect per post-neuron)
#: steady runs after the first, each as long; their median is the steady-state time (one run
#: alone swung by up to 2x with the VMs' speed, and one of three by 1.6x)
STEADY_RUNS = 5


def cell_params(model: Model) -> dict:
    """The PyNN cell parameters of a model."""
    return {**BASE_PARAMS, "v_rest": model.v_rest, **dict(model.extra_params)}


def build_network(sim, model: Model, n: int, delay: float, seed: int,
                  indegree: int | None = None, with_projections: bool = True) -> tuple:
    """Build the network on an already set-up backend; return (exc, inh, recurrent projections).

    `indegree` None connects with probability P_CONNECT; an integer gives every neuron exactly
    that many inputs, split 80/20 between the excitatory and inhibitory population (the
    in-degree of CUBA-4000 is 4000 x 0.02 = 80, so the same weights keep the same activity).
    `with_projections` False builds only the populations, unrecorded (the memory baseline:
    an unconnected CUBA neuron fires tonically, and recording those spikes would count)."""
    cell = getattr(sim, model.cell_type)
    rng = sim.NumpyRNG(seed=seed)
    n_exc = round(n * R_EI / (1 + R_EI))
    params = cell_params(model)
    exc = sim.Population(n_exc, cell(**params), label="exc")
    inh = sim.Population(n - n_exc, cell(**params), label="inh")
    v_init = sim.RandomDistribution("uniform", (params["v_reset"], params["v_thresh"]), rng=rng)
    exc.initialize(v=v_init)
    inh.initialize(v=v_init)
    if not with_projections:
        return exc, inh, []
    exc.record("spikes")
    inh.record("spikes")
    stim = sim.Population(STIM_CELLS, sim.SpikeSourcePoisson(rate=STIM_RATE,
                                                             duration=STIM_DURATION),
                          label="stim")
    if indegree is None:
        connectors = {"exc": sim.FixedProbabilityConnector(P_CONNECT, rng=rng),
                      "inh": sim.FixedProbabilityConnector(P_CONNECT, rng=rng)}
    else:
        n_from_exc = round(indegree * R_EI / (1 + R_EI))
        connectors = {"exc": sim.FixedNumberPreConnector(n_from_exc, rng=rng),
                      "inh": sim.FixedNumberPreConnector(indegree - n_from_exc, rng=rng)}
    exc_syn = sim.StaticSynapse(weight=model.w_exc, delay=delay)
    inh_syn = sim.StaticSynapse(weight=model.w_inh, delay=delay)
    projections = [
        sim.Projection(exc, post, connectors["exc"], exc_syn, receptor_type="excitatory")
        for post in (exc, inh)
    ] + [
        sim.Projection(inh, post, connectors["inh"], inh_syn, receptor_type="inhibitory")
        for post in (exc, inh)
    ]
    stim_conn = sim.FixedProbabilityConnector(STIM_P, rng=rng)
    stim_syn = sim.StaticSynapse(weight=W_STIM, delay=delay)
    for pop in (exc, inh):
        sim.Projection(stim, pop, stim_conn, stim_syn, receptor_type="excitatory")
    return exc, inh, projections


def build_and_run(model_name: str, backend: str, n: int, dt: float, tstop: float, seed: int,
                  nest_threads: int, numerics: str = "fixed", indegree: int | None = None,
                  with_projections: bool = True) -> dict:
    """Build one network on one backend, run it 1 + STEADY_RUNS times, and return timings,
    spikes, rates and memory.

    `numerics` ("fixed" or "float64") applies to spinnaker_sim: the float64 run measures what
    the fixed-point arithmetic costs (or saves). The runs after the first, each as long and
    continuing from where the last stopped, show the steady state without one-time costs
    (mapping, numba cache load, NEST's prepare): `run2_s` is their median; spikes, events and
    memory are those of the first two runs."""
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
    exc, inh, projections = build_network(sim, MODELS[model_name], n, delay, seed, indegree,
                                          with_projections)
    t_build = time.perf_counter() - t0

    t_run = _timed_run(sim, tstop)
    spikes_1 = _spike_counts(exc, inh, with_projections)
    steady_s = [_timed_run(sim, tstop)]
    spikes_2 = _spike_counts(exc, inh, with_projections) - spikes_1
    # memory after two runs, before the further steady runs record more spikes
    memory = synapse_memory() if backend == "spinnaker_sim" else {}
    peak_mb, held_mb = peak_rss_mb(), rss_mb()
    steady_s += [_timed_run(sim, tstop) for _ in range(STEADY_RUNS - 1)]
    t_run2 = float(np.median(steady_s))

    fan_out = np.zeros(2)
    for proj in projections:
        fan_out[0 if proj.pre is exc else 1] += len(proj)
    fan_out /= [exc.size, inh.size]
    events_1, events_2 = float(spikes_1 @ fan_out), float(spikes_2 @ fan_out)
    n_recurrent = sum(len(p) for p in projections)
    sim.end()
    return {
        "model": model_name, "backend": backend, "n": n, "dt": dt, "tstop_ms": tstop,
        "numerics": numerics if backend == "spinnaker_sim" else None, "indegree": indegree,
        "with_projections": with_projections,
        "import_s": t_import, "build_s": t_build, "run_s": t_run,
        "spikes": int(spikes_1.sum()), "mean_rate_hz": spikes_1.sum() / n / (tstop / 1000.0),
        "rate2_hz": spikes_2.sum() / n / (tstop / 1000.0),
        "synapses": n_recurrent, "synaptic_events": int(events_1),
        "events_per_s": events_1 / t_run, "realtime_factor": (tstop / 1000.0) / t_run,
        "run2_s": t_run2, "steady_runs_s": steady_s, "spikes2": int(spikes_2.sum()),
        "events2_per_s": events_2 / t_run2, "peak_rss_mb": peak_mb, "rss_after_run_mb": held_mb,
        "threads": nest_threads if backend == "nest" else None,
        **memory,
    }


def _timed_run(sim, tstop: float) -> float:
    """Wall-clock seconds of one more ``run(tstop)``, continuing the network."""
    t0 = time.perf_counter()
    sim.run(tstop)
    return time.perf_counter() - t0


def _spike_counts(exc, inh, recorded: bool) -> np.ndarray:
    """Total spikes so far of the excitatory and the inhibitory population (zeros unrecorded).

    Synaptic events = spikes x mean fan-out of their population (every spike reaches each
    of its neuron's recurrent targets; the 50 ms Poisson stimulus is left out)."""
    if not recorded:
        return np.zeros(2)
    return np.array([sum(pop.get_spike_counts().values()) for pop in (exc, inh)], dtype=float)


def synapse_memory() -> dict:
    """Bytes per synapse of spinnaker_sim's built network: the engine's synaptic arrays, and
    the frontend's per-connection copies (Projection pre/post where it keeps them, values, the
    builder's positions of plastic synapses).

    All projections (stimulus included) count, as every one has words in the engine."""
    from spinnaker_sim.pynn import simulator
    state = simulator.state
    net = state.engine.net
    engine_bytes = sum(getattr(net, name).nbytes for name in
                       ("static_ptr", "static_targets", "static_weights", "plastic_words",
                        "plastic_weights", "plastic_ptr", "row_core", "row_start", "row_rule"))
    frontend_bytes = sum(prj._connections.nbytes
                         + sum(_stored_bytes(v) for v in prj._values.values())
                         for prj in state.projections)
    frontend_bytes += sum(p.nbytes for p in state.built.synapse_position if p is not None)
    total = sum(len(prj) for prj in state.projections)
    return {"all_synapses": total, "engine_synapse_bytes": engine_bytes,
            "engine_bytes_per_synapse": engine_bytes / max(1, total),
            "frontend_bytes_per_synapse": frontend_bytes / max(1, total)}


def _stored_bytes(array) -> int:
    """Bytes an array holds: a value shared by broadcasting (stride 0) is stored once."""
    return array.itemsize * int(np.prod([n for n, stride in zip(array.shape, array.strides)
                                         if stride != 0]))


def worker_args(model: str, backend: str, n: int, dt: float, tstop: float, seed: int,
                nest_threads: int, numerics: str = "fixed", indegree: int | None = None,
                with_projections: bool = True) -> list[str]:
    """Command-line arguments that make a `--worker` process run :func:`build_and_run`."""
    args = ["--model", model, "--backend", backend, "--n", str(n), "--dt", str(dt),
            "--tstop", str(tstop), "--seed", str(seed), "--nest-threads", str(nest_threads),
            "--numerics", numerics]
    if indegree is not None:
        args += ["--indegree", str(indegree)]
    if not with_projections:
        args.append("--no-projections")
    return args


def run_all(model: str, dts: list[float], tstop: float, seed: int, skip_brian2: bool,
            brian2_size: int, nest_threads: int, n: int = FULL_SIZE, log=print) -> list[dict]:
    """Every (backend, dt) pair of one model in its own process, with ratios against NEST."""
    plan = [("spinnaker_sim", n, 900, "fixed"), ("spinnaker_sim", n, 900, "float64"),
            ("nest", n, 900, "fixed")]
    if not skip_brian2:
        plan.append(("brian2", brian2_size, 1800, "fixed"))
        if brian2_size != n:
            log(f"[{model}] brian2 runs at n={brian2_size}, not {n}: pyNN.brian2 takes "
                "~6 min to build the full network; pass --brian2-size 4000 for full size.")
    results = []
    for dt in dts:
        for backend, size, timeout, numerics in plan:
            log(f"[{model}] {backend} ({numerics}) n={size} dt={dt} ...")
            res = run_worker("vogels_abbott.py", worker_args(model, backend, size, dt, tstop,
                                                             seed, nest_threads, numerics),
                             timeout)
            for key, value in (("model", model), ("backend", backend), ("n", size), ("dt", dt),
                               ("numerics", numerics)):
                res.setdefault(key, value)
            log(f"[{model}]   {json.dumps(res)}")
            results.append(res)
    add_ratios_vs_nest(results, ("build_s", "run_s", "run2_s", "events_per_s", "peak_rss_mb"))
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--model", nargs="+", default=["cuba"], choices=sorted(MODELS))
    parser.add_argument("--backend", default="spinnaker_sim")
    parser.add_argument("--n", type=int, default=FULL_SIZE)
    parser.add_argument("--dt", type=float, nargs="+", default=[1.0, 0.1])
    parser.add_argument("--tstop", type=float, default=1000.0)
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--skip-brian2", action="store_true")
    parser.add_argument("--brian2-size", type=int, default=BRIAN2_DEFAULT_SIZE)
    parser.add_argument("--nest-threads", type=int, default=2)
    parser.add_argument("--numerics", default="fixed", choices=("fixed", "float64"))
    parser.add_argument("--indegree", type=int, help="fixed in-degree instead of p=0.02")
    parser.add_argument("--no-projections", action="store_true",
                        help="populations only (memory baseline)")
    parser.add_argument("--json", type=Path, help="write the results list here")
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(build_and_run(args.model[0], args.backend, args.n, args.dt[0],
                                       args.tstop, args.seed, args.nest_threads, args.numerics,
                                       args.indegree, not args.no_projections)))
        return
    results = [res for model in args.model
               for res in run_all(model, args.dt, args.tstop, args.seed, args.skip_brian2,
                                  args.brian2_size, args.nest_threads, args.n)]
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
