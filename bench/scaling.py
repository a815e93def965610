"""Scaling benchmark: CUBA with a fixed in-degree at 1k to 64k neurons.

The CUBA network with a fixed in-degree of 80 (64 excitatory + 16 inhibitory inputs per
neuron) at 1k/4k/16k/64k neurons, dt 1.0, 1 s, on spinnaker_sim and NEST (brian2 only at the
smallest size). Synaptic events grow linearly with n, so events/s should
stay flat; the target is events/s at 64k >= 0.5 x events/s at 1k.

    python bench/scaling.py                          # 1k..64k, spinnaker_sim and NEST
    python bench/scaling.py --sizes 1000 4000 --skip-brian2

Memory: each size also runs with the populations only; (peak RSS - that baseline) / recurrent
synapses is the all-in bytes per synapse (target <= 6 for static synapses), and the same with
the RSS held after the runs (build temporaries freed). Both scripts first run for a tick in a
process of their own, so neither measured process compiles. For spinnaker_sim the engine's
synaptic arrays and the frontend's per-connection copies are also summed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import vogels_abbott as va
from _common import add_ratios_vs_nest, run_worker

SIZES = (1000, 4000, 16000, 64000)
INDEGREE = 80
MODEL = "cuba"   # in-degree 80 is CUBA-4000's mean in-degree, so its weights carry over
DT = 1.0
TIMEOUT_S = 1800  # NEST built 64k x 80 synapses in 573 s on 2 cores (pyNN FixedNumberPre)


def measure(backend: str, n: int, tstop: float, seed: int, nest_threads: int,
            log=print) -> dict:
    """One size on one backend (full network, then populations only for the RSS baseline)."""
    common = {"model": MODEL, "backend": backend, "n": n, "dt": DT, "tstop": tstop,
              "seed": seed, "nest_threads": nest_threads, "indegree": INDEGREE}
    log(f"[scaling] {backend} n={n} ...")
    if backend == "spinnaker_sim":
        _warm_numba_cache(common)
    res = run_worker("vogels_abbott.py", va.worker_args(**common), TIMEOUT_S)
    res.setdefault("backend", backend)
    res.setdefault("n", n)
    res.setdefault("dt", DT)
    if "error" not in res:
        base = run_worker("vogels_abbott.py", va.worker_args(**common, with_projections=False),
                          TIMEOUT_S)
        if "error" in base:
            res["baseline_error"] = base["error"]
        else:
            for key in ("peak_rss_mb", "rss_after_run_mb"):
                res[f"baseline_{key}"] = base[key]
            res["all_in_bytes_per_synapse"] = _per_synapse(res, base, "peak_rss_mb")
            res["held_bytes_per_synapse"] = _per_synapse(res, base, "rss_after_run_mb")
    log(f"[scaling]   {json.dumps(res)}")
    return res


def _warm_numba_cache(common: dict) -> None:
    """Run both measured scripts of this size for a tick first, so numba's code is on disk:
    a process that compiles holds LLVM's memory, which would count as the model's (a cold
    cache for the baseline's variant once made the all-in figure negative)."""
    for with_projections in (True, False):
        run_worker("vogels_abbott.py", va.worker_args(**{**common, "tstop": 1.0},
                                                      with_projections=with_projections),
                   TIMEOUT_S)


def _per_synapse(res: dict, base: dict, key: str) -> float:
    """Bytes per recurrent synapse of memory `key` above the no-projection baseline."""
    return (res[key] - base[key]) * 2 ** 20 / max(1, res["synapses"])


def _by_backend(results: list[dict]) -> list[list[dict]]:
    """The successful rows of each backend, smallest n first."""
    return [sorted((r for r in results if r["backend"] == backend and "error" not in r),
                   key=lambda r: r["n"]) for backend in sorted({r["backend"] for r in results})]


def add_linearity(results: list[dict]) -> None:
    """Events/s (first and steady run) of each size relative to the same backend's smallest."""
    for rows in _by_backend(results):
        for row in rows:
            for key in ("events_per_s", "events2_per_s"):
                row[f"{key}_vs_smallest"] = row[key] / rows[0][key] if rows[0][key] else None


def add_marginal_memory(results: list[dict]) -> None:
    """Peak RSS growth per added synapse from the next smaller size: the per-synapse cost
    without the fixed overhead (code, imports) that dominates the all-in figure at small n."""
    for rows in _by_backend(results):
        for smaller, row in itertools.pairwise(rows):
            added = row["synapses"] - smaller["synapses"]
            if added > 0:
                row["marginal_bytes_per_synapse"] = ((row["peak_rss_mb"]
                                                      - smaller["peak_rss_mb"]) * 2 ** 20 / added)


def run_all(sizes: list[int], tstop: float, seed: int, skip_brian2: bool, nest_threads: int,
            log=print) -> list[dict]:
    """Every size on spinnaker_sim and NEST (brian2 at the smallest size only)."""
    plan = [(backend, n) for n in sizes for backend in ("spinnaker_sim", "nest")]
    if not skip_brian2:
        plan.append(("brian2", min(sizes)))
    results = [measure(backend, n, tstop, seed, nest_threads, log) for backend, n in plan]
    add_linearity(results)
    add_marginal_memory(results)
    add_ratios_vs_nest(results, ("build_s", "run_s", "run2_s", "events2_per_s",
                                 "peak_rss_mb"))
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--tstop", type=float, default=1000.0)
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--skip-brian2", action="store_true")
    parser.add_argument("--nest-threads", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write the results list here")
    args = parser.parse_args(argv)
    results = run_all(args.sizes, args.tstop, args.seed, args.skip_brian2, args.nest_threads)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
