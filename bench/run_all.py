"""Run every benchmark (CUBA, closed loop, compile time) in one invocation and write
bench/results/<date>-<hostname>.json plus a markdown table with the machine description.

    python bench/run_all.py [--skip-brian2] [--brian2-size N] [--steps 500]
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import closed_loop
import compile_time
import cuba
from _common import machine_description

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def _fmt(value, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    return str(value)


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_fmt(v) for v in row) + " |" for row in rows]
    return lines


def to_markdown(report: dict) -> str:
    """The headline tables: CUBA, closed loop and compile time, then the machine."""
    m = report["machine"]
    out = [f"# Benchmarks {report['date']} on {m['hostname']}", "",
           f"CPU: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; load average at start "
           f"{m['load_average_1_5_15']}; " + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
           + f", python {m['python']}.", "",
           ("Ratios are against pyNN.nest in the same invocation (< 1 is faster for times, "
            "> 1 is faster for events/s). NEST runs with "
            f"{report['args']['nest_threads']} thread(s)."), "", "## CUBA (Vogels-Abbott, 1 s)", ""]
    rows = []
    for r in report["cuba"]:
        if "error" in r:
            rows.append([r["backend"], r["n"], r["dt"], "error: " + r["error"][:80]]
                        + [None] * 11)
            continue
        backend = r["backend"] + (" float64" if r.get("numerics") == "float64" else "")
        rows.append([backend, r["n"], r["dt"], r["build_s"], r["run_s"], r["run2_s"],
                     r["spikes"], r["mean_rate_hz"], r["events_per_s"] / 1e6,
                     r["events2_per_s"] / 1e6, r["realtime_factor"], r["peak_rss_mb"],
                     r.get("build_s_vs_nest"), r.get("run_s_vs_nest"), r.get("run2_s_vs_nest")])
    out += _table(["backend", "n", "dt ms", "build s", "run s", "2nd run s", "spikes",
                   "rate Hz", "M syn ev/s", "M syn ev/s 2nd", "x real time", "peak RSS MiB",
                   "build/NEST", "run/NEST", "2nd run/NEST"], rows)
    out += ["", ("`run` is the first `run(1000)` (includes mapping, numba cache load, NEST's "
            "prepare); `2nd run` continues the same network for another 1000 ms (steady state). "
            "Brian2 rows at a smaller n have no NEST ratio (no NEST run at that size).")]
    out += ["", "## Closed loop (100 neurons, Poisson rates set + run(20) + spike counts)", ""]
    rows = []
    for r in report["closed_loop"]:
        if "error" in r:
            rows.append([r["backend"], "error: " + r["error"][:80]] + [None] * 6)
            continue
        rows.append([r["backend"], r["steps"], r["build_s"], r["first_step_ms"],
                     r["median_step_ms"], r["p95_step_ms"], r["realtime_factor"],
                     r.get("median_step_vs_nest")])
    out += _table(["backend", "steps", "build s", "first step ms", "median step ms",
                   "p95 step ms", "x real time", "median/NEST"], rows)
    out += ["", "## numba compile (import to first tick, tiny model)", ""]
    rows = [[label, r.get("import_s"), r.get("first_run_s"), r.get("import_to_first_tick_s"),
             r.get("process_wall_s"), r.get("error")]
            for label, r in report["compile_time"].items()]
    out += _table(["cache", "import s", "first run() s", "import->first tick s",
                   "process wall s", "error"], rows)
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-brian2", action="store_true")
    parser.add_argument("--brian2-size", type=int, default=cuba.BRIAN2_DEFAULT_SIZE)
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--brian2-steps", type=int, default=10)
    parser.add_argument("--nest-threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--markdown-only", type=Path, metavar="JSON",
                        help="only re-render the markdown table of an earlier results JSON")
    args = parser.parse_args(argv)
    if args.markdown_only:
        report = json.loads(args.markdown_only.read_text())
        args.markdown_only.with_suffix(".md").write_text(to_markdown(report))
        return
    now = datetime.datetime.now()
    report = {"date": now.isoformat(timespec="seconds"), "args": vars(args),
              "machine": machine_description()}
    report["compile_time"] = compile_time.measure()
    report["cuba"] = cuba.run_all([1.0, 0.1], 1000.0, args.seed, args.skip_brian2,
                                  args.brian2_size, args.nest_threads)
    report["closed_loop"] = closed_loop.run_all(args.steps, args.brian2_steps, args.seed,
                                                args.skip_brian2)
    RESULTS_DIR.mkdir(exist_ok=True)
    stem = RESULTS_DIR / f"{now:%Y-%m-%d}-{report['machine']['hostname']}"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=1))
    stem.with_suffix(".md").write_text(to_markdown(report))
    print(f"wrote {stem}.json and {stem}.md")


if __name__ == "__main__":
    main()
