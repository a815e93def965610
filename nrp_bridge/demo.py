"""``nrp-bridge demo``: the Braitenberg experiment of ``examples/braitenberg``, headless, engines as
processes over ZeroMQ; prints how it went and writes a PNG."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "braitenberg" / "experiment.py"


def load_example(path: Path = EXAMPLE) -> ModuleType:
    """The example's experiment module, loaded from its file."""
    if not path.is_file():
        raise FileNotFoundError(f"the demo needs {path}, which ships with the source checkout; "
                                "run nrp-bridge demo from a clone of the repository (pip "
                                "install -e .)")
    spec = importlib.util.spec_from_file_location("braitenberg_experiment", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_demo(seed: int = 0, transport: str = "ipc", out: str | Path = "nrp-demo",
             progress: bool = True) -> dict:
    """Run the demo once; returns the experiment's summary (with ``png``)."""
    import matplotlib

    matplotlib.use("Agg")  # headless: the figure goes to a PNG
    return load_example().run(seed=seed, transport=transport, out=out, progress=progress)


def report(summary: dict) -> str:
    """The demo's result in a few human lines."""
    reached = (f"reached the red target after {summary['end_time_s']:.2f} s of simulated time"
               if summary["reached_target"] else
               f"did NOT reach the red target within {summary['simulated_s']:.2f} s")
    return "\n".join([
        f"rover {reached}",
        f"brain spikes: {summary['spikes']}",
        (f"sync steps: {summary['steps']} in {summary['wall_s']:.2f} s of wall time "
         f"(real-time factor {summary['real_time_factor']:.2f}; "
         f"{summary['median_step_real_time_factor']:.1f} for the median step, the first ones "
         f"also load the brain; transport {summary['transport']})"),
        f"plot: {summary['png']}",
    ])
