"""Run every benchmark in one invocation and write its results, tables and figure.

Compile time, CUBA, COBA, scaling, closed loop and bridge go to
bench/results/<date>-<hostname>.json, a markdown table with the machine description (.md) and a
figure (.png).

    python bench/run_all.py                          # everything (about 25 min on 2 cores)
    python bench/run_all.py --only scaling,coba      # re-run parts; merged into today's files
    python bench/run_all.py --quick                  # smoke run: small sizes, few steps
    python bench/run_all.py --markdown-only bench/results/X.json   # re-render .md and .png
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bridge_overhead
import closed_loop
import compile_time
import scaling
import vogels_abbott as va
from _common import machine_description
from plot import plot_report

RESULTS_DIR = Path(__file__).resolve().parent / "results"
SECTIONS = ("compile", "cuba", "coba", "scaling", "closed_loop", "bridge")
FULL = {"n": va.FULL_SIZE, "dts": [1.0, 0.1], "tstop": 1000.0, "sizes": list(scaling.SIZES),
        "bridge_steps": 10_000, "loop_steps": 500}
QUICK = {"n": 1000, "dts": [1.0], "tstop": 200.0, "sizes": [1000, 4000],
         "bridge_steps": 500, "loop_steps": 50}


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


def _duration(results: list[dict]) -> str:
    """The simulated time of each run of a section (1 s unless a quick run shortened it)."""
    return f"{next((r['tstop_ms'] for r in results if 'tstop_ms' in r), 1000.0) / 1000:g} s"


def _error_row(r: dict, width: int, *keys: str) -> list:
    return [r.get(k) for k in keys] + ["error: " + r["error"][:80]] + [None] * (width - 1
                                                                               - len(keys))


def _va_markdown(name: str, results: list[dict]) -> list[str]:
    header = ["backend", "n", "dt ms", "build s", "run s", "2nd run s", "spikes", "rate Hz",
              "M syn ev/s", "M syn ev/s 2nd", "x real time", "peak RSS MiB", "build/NEST",
              "run/NEST", "2nd run/NEST"]
    rows = []
    for r in results:
        if "error" in r:
            rows.append(_error_row(r, len(header), "backend", "n", "dt"))
            continue
        backend = r["backend"] + (" float64" if r.get("numerics") == "float64" else "")
        rows.append([backend, r["n"], r["dt"], r["build_s"], r["run_s"], r["run2_s"],
                     r["spikes"], r["mean_rate_hz"], r["events_per_s"] / 1e6,
                     r["events2_per_s"] / 1e6, r["realtime_factor"], r["peak_rss_mb"],
                     r.get("build_s_vs_nest"), r.get("run_s_vs_nest"), r.get("run2_s_vs_nest")])
    cell = "IF_curr_exp" if name == "cuba" else "IF_cond_exp"
    steady = max((len(r.get("steady_runs_s", [])) for r in results), default=0)
    return [f"## {name.upper()} (Vogels-Abbott, {cell}, p=0.02, {_duration(results)})", "",
            *_table(header, rows), "",
            ("`run` is the first `run()` (includes mapping, numba cache load, NEST's prepare); "
             f"`2nd run` is the median of {steady} more runs as long, continuing the same network "
             "(steady state; events/s and the second run's spikes from the first of them). "
             "Brian2 rows at a smaller n have no NEST ratio (no NEST run at that size)."), ""]


def _numerics_markdown(report: dict) -> list[str]:
    """spinnaker_sim fixed point against float64 on the same network."""
    rows = []
    for model in ("cuba", "coba"):
        runs = {(r["dt"], r.get("numerics")): r for r in report.get(model, [])
                if r["backend"] == "spinnaker_sim" and "error" not in r}
        for (dt, numerics), fixed in sorted(runs.items()):
            other = runs.get((dt, "float64"))
            if numerics != "fixed" or other is None:
                continue
            rows.append([model.upper(), dt, fixed["run2_s"], other["run2_s"],
                         fixed["run2_s"] / other["run2_s"], fixed["mean_rate_hz"],
                         other["mean_rate_hz"]])
    if not rows:
        return []
    return ["## spinnaker_sim fixed point vs float64 (2nd run, same network)", "",
            *_table(["model", "dt ms", "fixed s", "float64 s", "fixed/float64", "rate fixed Hz",
                     "rate float64 Hz"], rows), ""]


def _scaling_markdown(results: list[dict]) -> list[str]:
    header = ["backend", "n", "synapses", "build s", "run s", "2nd run s", "rate Hz",
              "M syn ev/s", "M syn ev/s 2nd", "ev/s 2nd vs smallest", "peak RSS MiB",
              "B/syn all-in", "B/syn held", "B/syn marginal", "B/syn engine", "B/syn frontend",
              "2nd run/NEST"]
    rows = []
    for r in results:
        if "error" in r:
            rows.append(_error_row(r, len(header), "backend", "n"))
            continue
        rows.append([r["backend"], r["n"], r["synapses"], r["build_s"], r["run_s"], r["run2_s"],
                     r["mean_rate_hz"], r["events_per_s"] / 1e6, r["events2_per_s"] / 1e6,
                     r.get("events2_per_s_vs_smallest"), r["peak_rss_mb"],
                     r.get("all_in_bytes_per_synapse"), r.get("held_bytes_per_synapse"),
                     r.get("marginal_bytes_per_synapse"),
                     r.get("engine_bytes_per_synapse"),
                     r.get("frontend_bytes_per_synapse"), r.get("run2_s_vs_nest")])
    title = (f"## Scaling (CUBA weights, fixed in-degree {scaling.INDEGREE} = 64 exc + 16 inh, "
             f"dt {scaling.DT}, {_duration(results)})")
    return [title, "", *_table(header, rows), "",
            ("Target: events/s at the largest n >= 0.5 x at the smallest (within 2x of linear); "
             "<= 6 bytes per static synapse all-in. All-in = (peak RSS - peak RSS of the same "
             "script without projections) / recurrent synapses; held = the same with the RSS "
             "after the runs (build temporaries freed); marginal = peak RSS growth from the next "
             "smaller n per added synapse (no fixed overhead). Engine = spinnaker_sim's "
             "synaptic arrays (words, row tables); frontend = the Projections' per-connection "
             "pre/post/weight/delay copies and the builder's positions of plastic synapses."), ""]


def _closed_loop_markdown(results: list[dict]) -> list[str]:
    header = ["backend", "steps", "build s", "first step ms", "median step ms", "p95 step ms",
              "x real time", "median/NEST"]
    rows = []
    for r in results:
        if "error" in r:
            rows.append(_error_row(r, len(header), "backend"))
            continue
        rows.append([r["backend"], r["steps"], r["build_s"], r["first_step_ms"],
                     r["median_step_ms"], r["p95_step_ms"], r["realtime_factor"],
                     r.get("median_step_vs_nest")])
    return ["## Closed loop (100 neurons, Poisson rates set + run(20) + spike counts)", "",
            *_table(header, rows), ""]


def _compile_markdown(result: dict) -> list[str]:
    rows = [[label, r.get("import_s"), r.get("first_run_s"), r.get("import_to_first_tick_s"),
             r.get("process_wall_s"), r.get("error")] for label, r in result.items()]
    return ["## numba compile (import to first tick, tiny model)", "",
            *_table(["cache", "import s", "first run() s", "import->first tick s",
                     "process wall s", "error"], rows), ""]


def _bridge_markdown(result: dict) -> list[str]:
    rows = [[r["transport"], r["steps"], r["median_us"], r["p99_us"], r["mean_us"]]
            for r in result["overhead"]]
    out = ["## Bridge: per-sync-step overhead, two trivial engines", "",
           *_table(["transport", "steps", "median us", "p99 us", "mean us"], rows), ""]
    if result.get("brain_gym_loop"):
        rows = [[r["transport"], r["steps"], r["setup_s"], r["median_step_ms"], r["rtf"]]
                for r in result["brain_gym_loop"]]
        out += ["Brain (spinnaker_sim, 100 Poisson -> 100 LIF) + CartPole loop:", "",
                *_table(["transport", "steps", "setup s", "median step ms", "x real time"],
                        rows), ""]
    if result.get("braitenberg"):
        rows = [[r["transport"], r["simulated_s"], r["wall_s"], r["mean_step_ms"], r["rtf"]]
                for r in result["braitenberg"]]
        out += [("Braitenberg experiment (the demo: rover env + 8-neuron brain + TFs, 20 ms "
                 "sync steps), ipc = engines as processes:"), "",
                *_table(["transport", "simulated s", "wall s", "mean step ms", "x real time"],
                        rows), ""]
    return out


def to_markdown(report: dict) -> str:
    """Every section the report holds, then how it was run."""
    m = report["machine"]
    threads = report["args"].get("nest_threads", 2)
    out = [f"# Benchmarks {report['date']} on {m['hostname']}", "",
           f"CPU: {m['cpu']} ({m.get('cpu_target', '?')} to LLVM), {m['cores']} cores, "
           f"{m['memory_gb']} GB; idle CPUs: {m.get('cpu_idle', '?')}; load average at start "
           f"{m['load_average_1_5_15']}; " + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
           + f", python {m['python']}.", "",
           ("Ratios are against pyNN.nest in the same invocation (< 1 is faster for times, "
            f"> 1 is faster for events/s). NEST runs with {threads} thread(s)."), ""]
    if report["args"].get("quick"):
        out += ["**Quick smoke run: small sizes and few steps; not the benchmark numbers.**", ""]
    for model in ("cuba", "coba"):
        if report.get(model):
            out += _va_markdown(model, report[model])
    out += _numerics_markdown(report)
    if report.get("scaling"):
        out += _scaling_markdown(report["scaling"])
    if report.get("closed_loop"):
        out += _closed_loop_markdown(report["closed_loop"])
    if report.get("compile_time"):
        out += _compile_markdown(report["compile_time"])
    if report.get("bridge"):
        out += _bridge_markdown(report["bridge"])
    return "\n".join(out).rstrip() + "\n"


def run_sections(sections: list[str], args: argparse.Namespace) -> dict:
    """Run the chosen sections; returns {report key: results}."""
    size = QUICK if args.quick else FULL
    brian2_size = min(args.brian2_size, size["n"])
    out = {}
    if "compile" in sections:
        out["compile_time"] = compile_time.measure()
    for model in ("cuba", "coba"):
        if model in sections:
            out[model] = va.run_all(model, size["dts"], size["tstop"], args.seed,
                                    args.skip_brian2, brian2_size, args.nest_threads, size["n"])
    if "scaling" in sections:
        out["scaling"] = scaling.run_all(size["sizes"], size["tstop"], args.seed,
                                         args.skip_brian2, args.nest_threads)
    if "closed_loop" in sections:
        steps = QUICK["loop_steps"] if args.quick else args.steps
        out["closed_loop"] = closed_loop.run_all(steps, args.brian2_steps, args.seed,
                                                 args.skip_brian2)
    if "bridge" in sections:
        out["bridge"] = bridge_overhead.measure(size["bridge_steps"], True, size["loop_steps"])
    return out


def _sections(text: str) -> list[str]:
    chosen = [s.strip() for s in text.split(",") if s.strip()]
    unknown = sorted(set(chosen) - set(SECTIONS))
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown section(s) {unknown}; choose from "
                                         f"{','.join(SECTIONS)}")
    return chosen


def write_report(report: dict, stem: Path) -> None:
    """The .json, .md and .png of one report."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    stem.with_suffix(".json").write_text(json.dumps(report, indent=1))
    stem.with_suffix(".md").write_text(to_markdown(report))
    plot_report(report, stem.with_suffix(".png"))
    print(f"wrote {stem}.json, .md and .png")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", type=_sections, default=list(SECTIONS),
                        help=f"comma-separated subset of {','.join(SECTIONS)}; merged into an "
                             "existing report of the same name")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run (n=1000, dt 1.0, 200 ms, scaling 1k/4k, few steps); "
                             "writes <date>-<host>-quick.*")
    parser.add_argument("--out", type=Path, help="file stem of the results (default "
                        "bench/results/<date>-<host>[-quick])")
    parser.add_argument("--skip-brian2", action="store_true")
    parser.add_argument("--brian2-size", type=int, default=va.BRIAN2_DEFAULT_SIZE)
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--brian2-steps", type=int, default=10)
    parser.add_argument("--nest-threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--markdown-only", type=Path, metavar="JSON",
                        help="only re-render the markdown table and figure of a results JSON")
    args = parser.parse_args(argv)
    if args.markdown_only:
        report = json.loads(args.markdown_only.read_text())
        args.markdown_only.with_suffix(".md").write_text(to_markdown(report))
        plot_report(report, args.markdown_only.with_suffix(".png"))
        return
    now = datetime.datetime.now()
    machine = machine_description()
    stem = args.out or RESULTS_DIR / (f"{now:%Y-%m-%d}-{machine['hostname']}"
                                      + ("-quick" if args.quick else ""))
    previous = stem.with_suffix(".json")
    report = json.loads(previous.read_text()) if previous.exists() else {}
    stamp = now.isoformat(timespec="seconds")
    report.update({"date": stamp, "args": {**vars(args), "out": str(stem)}, "machine": machine})
    results = run_sections(args.only, args)
    report.update(results)
    report.setdefault("section_dates", {}).update({key: stamp for key in results})
    write_report(report, stem)


if __name__ == "__main__":
    main()
