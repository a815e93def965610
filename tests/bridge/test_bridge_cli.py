"""``nrp-bridge run`` end to end in a real process, experiment-file checks, ``serve-engine``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import zmq

from nrp_bridge import launcher
from nrp_bridge.cli import engine_spin, main
from nrp_bridge.config import load_experiment

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

BRAIN = """
sensors = sim.Population(4, sim.SpikeSourcePoisson(rate=0.0), label="sensors")
motors = sim.Population(4, sim.IF_curr_exp(), label="motors")
sim.Projection(sensors, motors, sim.OneToOneConnector(),
               sim.StaticSynapse(weight=20.0, delay=1.0), receptor_type="excitatory")
"""

TFS = """
import numpy as np

def eye(t, outputs):
    angle = float(outputs["env"]["observation"][2])
    return {"brain": {"sensors:rate": np.array([0, 0, 400, 400]) if angle > 0 else 0.0}}

def hand(t, outputs):
    counts = outputs["brain"]["motors:spike_counts"]
    return {"env": {"action": int(counts[2:].sum() > counts[:2].sum())}}
"""

EXPERIMENT = """
[experiment]
duration = 0.4
transport = "ipc"
seed = 7
timeout = 30.0

[brain]
backend = "pyNN.nest"
brain = "brain.py"
read = ["motors:spike_counts"]

[env]
env = "CartPole-v1"
auto_reset = true
read = ["observation", "reward"]

[transfer_functions]
functions = ["cartpole_tfs:eye", "cartpole_tfs:hand"]
"""


@pytest.fixture
def experiment(tmp_path: Path) -> Path:
    (tmp_path / "brain.py").write_text(BRAIN)
    (tmp_path / "cartpole_tfs.py").write_text(TFS)
    path = tmp_path / "experiment.toml"
    path.write_text(EXPERIMENT)
    return path


def test_run_an_experiment_file_in_a_real_process(experiment: Path, tmp_path: Path):
    out = tmp_path / "data.npz"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "nrp_bridge", "run", str(experiment),
                           "--out", str(out)], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["steps"] == 20 and summary["simulated_s"] == pytest.approx(0.4)
    data = np.load(out)
    assert data["time"] == pytest.approx(np.arange(1, 21) * 0.02)
    assert data["brain/motors:spike_counts"].shape == (20, 4)
    assert data["env/observation"].shape == (20, 4)
    assert data["brain/motors:spike_counts"].sum() > 0  # the TFs closed the loop
    assert data["step_wall_s"].shape == (20,)


def test_the_experiment_file_is_parsed_with_paths_seeds_and_shorthands(experiment: Path):
    spec = load_experiment(experiment)
    assert (spec.duration, spec.dt_sync, spec.mode, spec.transport) == \
        (0.4, 0.02, "pipelined", "ipc")
    assert spec.engines["brain"].kind == "brain" and spec.engines["env"].kind == "gym"
    assert spec.engines["brain"].config["brain"] == str(experiment.parent / "brain.py")
    assert spec.engines["brain"].config["seed"] == spec.engines["env"].config["seed"] == 7
    assert spec.engines["env"].read == ["observation", "reward"]
    assert spec.raw["transfer_functions"]["functions"][0] == "cartpole_tfs:eye"


def test_an_engine_table_may_set_how_long_its_process_polls(experiment: Path, monkeypatch):
    monkeypatch.setattr(launcher, "usable_cpus", lambda: 2)
    spec = load_experiment(experiment)
    assert engine_spin(spec) == {"brain": launcher.BRAIN_SPIN}  # the default
    experiment.write_text(experiment.read_text().replace("[env]", "[env]\nspin = 0.002")
                          .replace("[brain]", "[brain]\nspin = 0"))
    spec = load_experiment(experiment)
    assert "spin" not in spec.engines["env"].config
    assert engine_spin(spec) == {"brain": 0.0, "env": 0.002}


@pytest.mark.parametrize("text, message", [
    ("[experiment]\nduration = 1\n[env]\nspin = -1\n", "engine 'env': spin must be"),
    ("[experiment]\nduration = 1\nspeed = 2\n[brain]\n", "unknown [experiment] keys"),
    ("[brain]\nbrain = 'x.py'\n", "needs duration"),
    ("[experiment]\nduration = 1\n", "no engines"),
    ("[experiment]\nduration = 1\ntransport = 'udp'\n[env]\n", "transport must be one of"),
    ("[experiment]\nduration = 1\n[env]\n[engines.env]\n", "defined twice"),
    ("[experiment\n", "is not valid TOML"),
])
def test_bad_experiment_files_are_explained(tmp_path: Path, capsys, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    assert main(["run", str(path)]) == 1
    assert message in capsys.readouterr().err


def test_a_missing_experiment_file_is_named(tmp_path: Path, capsys):
    assert main(["run", str(tmp_path / "nope.toml")]) == 1
    assert "nope.toml does not exist" in capsys.readouterr().err


def test_run_in_process_with_clock_engines(tmp_path: Path, capsys):
    path = tmp_path / "clocks.toml"
    path.write_text("[experiment]\nduration = 0.1\ntransport = 'inproc'\n"
                    "[engines.a]\nengine = 'clock'\ntimestep = 0.01\nread = ['time']\n"
                    "[engines.b]\nengine = 'clock'\n")
    assert main(["run", str(path), "--duration", "0.2"]) == 0
    assert json.loads(capsys.readouterr().out)["steps"] == 10


def test_serve_engine_refuses_other_hosts_unless_asked(capsys):
    assert main(["serve-engine", "--engine", "clock", "--endpoint", "tcp://0.0.0.0:0"]) == 1
    assert "exposes the engine to other hosts" in capsys.readouterr().err


def test_curve_keys_are_written(tmp_path: Path):
    assert main(["curve-keys", str(tmp_path / "keys")]) == 0
    secret = (tmp_path / "keys" / "server.key").read_bytes()
    public = (tmp_path / "keys" / "server.pub").read_bytes()
    assert zmq.curve_public(secret) == public
    assert (tmp_path / "keys" / "server.key").stat().st_mode & 0o077 == 0
