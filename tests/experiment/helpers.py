"""Paths and loaders shared by the experiment tests."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BRAITENBERG = ROOT / "examples" / "braitenberg"
CARTPOLE = ROOT / "examples" / "cartpole"


def load(path: Path, name: str):
    """A module from a file (the examples are scripts, not packages)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


braitenberg = load(BRAITENBERG / "experiment.py", "braitenberg_experiment")
cartpole = load(CARTPOLE / "experiment.py", "cartpole_experiment")
