"""A spiking controller balances CartPole-v1: a PD error signal as currents, spike counts vote.

    python examples/cartpole/experiment.py [--seed N] [--transport ipc|tcp|inproc]

``mode="sequential"``: each 20 ms sync step the brain runs first on the current state, and the
env then acts on that very step's spikes (CartPole's own step is 20 ms too).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import cartpole_tfs

from nrp_bridge.experiment import Experiment

BRAIN = str(HERE / "brain.py")
DURATION = 10.0  # s: CartPole-v1 truncates at 500 steps of 20 ms


def make_experiment(seed: int = 0, transport: str = "ipc", **options) -> Experiment:
    """The CartPole experiment, not yet run."""
    return Experiment(brain=BRAIN, env="CartPole-v1",
                      transfer_functions=[cartpole_tfs.pd_encoder, cartpole_tfs.push],
                      seed=seed, transport=transport, mode="sequential", **options)


def run(seed: int = 0, transport: str = "ipc", progress: bool = False) -> dict:
    """One episode; returns the summary (``steps`` = how long the pole stayed up)."""
    with make_experiment(seed=seed, transport=transport) as experiment:
        experiment.run(DURATION, progress=progress)
        return experiment.summary()


def main(argv: list[str] | None = None) -> int:
    """Command line: run once and print the summary as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--transport", default="ipc", choices=("ipc", "tcp", "inproc"))
    args = parser.parse_args(argv)
    print(json.dumps(run(args.seed, args.transport, progress=True), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
