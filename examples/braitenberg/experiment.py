"""The NRP template experiment: a rover's 8-neuron spiking brain steers it to a red target.

    python examples/braitenberg/experiment.py [--seed N] [--transport ipc|tcp|inproc] [--out DIR]

The brain (brain.py) runs on spinnaker_sim in its own process, the rover env in another; the
TFs (braitenberg_tfs.py) turn the camera into Poisson rates and the actors' read-outs into
wheel commands every 20 ms.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import braitenberg_tfs

from nrp_bridge.experiment import Experiment

BRAIN = str(HERE / "brain.py")
ENV = "nrp/BraitenbergRover-v0"
ENV_KWARGS = {"sensor_noise": 0.03, "actuator_noise": 0.05}  # a noisy camera and noisy motors
DURATION = 30.0  # s of simulated time: the env truncates there


def make_experiment(seed: int = 0, transport: str = "ipc", backend: str = "spinnaker_sim",
                    env_kwargs: dict | None = None, **options) -> Experiment:
    """The Braitenberg experiment, not yet run."""
    return Experiment(brain=BRAIN, env=ENV,
                      transfer_functions=[braitenberg_tfs.eye_sensor_transmit,
                                          braitenberg_tfs.wheel_twist],
                      seed=seed, transport=transport, backend=backend,
                      env_kwargs={**ENV_KWARGS, **(env_kwargs or {})}, **options)


def run(seed: int = 0, transport: str = "ipc", out: str | Path | None = None,
        progress: bool = False) -> dict:
    """Run one episode (until the target is reached or 30 s pass); save the data and a PNG to
    ``out`` if given; returns the summary."""
    with make_experiment(seed=seed, transport=transport) as experiment:
        experiment.run(DURATION, progress=progress)
        summary = experiment.summary()
        if out is not None:
            folder = experiment.save(out)
            experiment.plot().savefig(folder / "braitenberg.png", dpi=100)
            summary["png"] = str(folder / "braitenberg.png")
    summary["reached_target"] = summary["terminated"]
    return summary


def main(argv: list[str] | None = None) -> int:
    """Command line: run once and print the summary as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--transport", default="ipc", choices=("ipc", "tcp", "inproc"))
    parser.add_argument("--out", default=None, help="folder for the data and the PNG")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.seed, args.transport, args.out, progress=True), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
