"""numba compile cost of spinnaker_sim: cold (empty NUMBA_CACHE_DIR) and warm (same cache
again) time from interpreter start to the first tick of a small model, each in a fresh process.

    python bench/compile_time.py
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import peak_rss_mb, run_worker


def first_tick() -> dict:
    """Import spinnaker_sim, build a tiny network and run one tick, timing each phase."""
    t0 = time.perf_counter()
    import spinnaker_sim as sim
    t_import = time.perf_counter() - t0
    sim.setup(timestep=1.0, rng_seed=1)
    source = sim.Population(10, sim.SpikeSourcePoisson(rate=50.0))
    cells = sim.Population(10, sim.IF_curr_exp())
    sim.Projection(source, cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.5))
    cells.record("spikes")
    t1 = time.perf_counter()
    sim.run(1.0)
    t_first_run = time.perf_counter() - t1
    t2 = time.perf_counter()
    sim.run(1.0)
    t_second_run = time.perf_counter() - t2
    sim.end()
    return {"import_s": t_import, "first_run_s": t_first_run, "second_run_s": t_second_run,
            "import_to_first_tick_s": time.perf_counter() - t0 - t_second_run,
            "peak_rss_mb": peak_rss_mb()}


def measure(log=print) -> dict:
    """Cold then warm first-tick time, sharing one fresh numba cache directory."""
    with tempfile.TemporaryDirectory(prefix="numba-cache-") as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        result = {}
        for label in ("cold", "warm"):
            log(f"[compile_time] {label} ...")
            t0 = time.perf_counter()
            res = run_worker("compile_time.py", [], timeout=900, env=env)
            res["process_wall_s"] = time.perf_counter() - t0
            log(f"[compile_time]   {json.dumps(res)}")
            result[label] = res
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="write the result here")
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(first_tick()))
        return
    result = measure()
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
