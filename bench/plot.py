"""The benchmark figure: run time relative to NEST per benchmark, and events/s against network
size for each simulator (flat lines are linear scaling).

    python bench/plot.py bench/results/<date>-<host>.json     # writes the .png beside it
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # the backend must be chosen before pyplot is imported
import matplotlib.pyplot as plt


def ratio_bars(report: dict) -> list[tuple[str, float]]:
    """(label, spinnaker_sim time / NEST time) for every benchmark that has both."""
    bars = []
    for model in ("cuba", "coba"):
        for r in report.get(model, []):
            if r["backend"] == "spinnaker_sim" and r.get("numerics") == "fixed":
                for key, what in (("run_s", "run"), ("run2_s", "2nd run")):
                    if r.get(f"{key}_vs_nest"):
                        bars.append((f"{model.upper()} dt {r['dt']:g} {what}",
                                     r[f"{key}_vs_nest"]))
    for r in report.get("scaling", []):
        if r["backend"] == "spinnaker_sim" and r.get("run2_s_vs_nest"):
            bars.append((f"scaling {r['n'] // 1000}k 2nd run", r["run2_s_vs_nest"]))
    for r in report.get("closed_loop", []):
        if r["backend"] == "spinnaker_sim" and r.get("median_step_vs_nest"):
            bars.append(("closed-loop step", r["median_step_vs_nest"]))
    return bars


def plot_report(report: dict, path: Path) -> None:
    """Write the two-panel figure of one run_all report to `path`."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
    bars = ratio_bars(report)
    if bars:
        labels, values = zip(*bars, strict=True)
        left.barh(range(len(values)), values, color="tab:blue")
        left.set_yticks(range(len(values)), labels)
        left.set_xscale("log")
        left.invert_yaxis()
    left.axvline(1.0, color="k", lw=0.8)
    left.set_xlabel("spinnaker_sim time / NEST time (< 1: faster)")
    left.set_title("Run time relative to NEST")

    for backend, colour in (("spinnaker_sim", "tab:blue"), ("nest", "tab:orange"),
                            ("brian2", "tab:green")):
        rows = sorted((r for r in report.get("scaling", [])
                       if r["backend"] == backend and "error" not in r), key=lambda r: r["n"])
        if rows:
            n = [r["n"] for r in rows]
            right.plot(n, [r["events2_per_s"] for r in rows], "o-", color=colour,
                       label=f"{backend} (2nd run)")
            right.plot(n, [r["events_per_s"] for r in rows], "x:", color=colour,
                       label=f"{backend} (1st run)")
    right.set_xscale("log")
    right.set_yscale("log")
    right.set_xlabel("neurons (in-degree 80)")
    right.set_ylabel("synaptic events / s")
    right.set_title("Scaling (flat = linear in synaptic events)")
    if right.get_legend_handles_labels()[0]:
        right.legend(fontsize="small")
    fig.suptitle(f"Benchmarks {report['date']} on {report['machine']['hostname']}")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    source = Path(sys.argv[1])
    plot_report(json.loads(source.read_text()), source.with_suffix(".png"))
