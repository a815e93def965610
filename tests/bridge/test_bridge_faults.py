"""Faults with real processes: killed, stalled and broken engines, a killed parent, Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from bridge_helpers import wait_gone

from nrp_bridge import EngineDied, EngineError, EngineTimeout, Orchestrator, spawn_engine
from nrp_bridge.engines.remote import spawn_engines

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def pole_tf(t, outputs):
    angle = outputs["env"]["observation"][2] if "observation" in outputs["env"] else 0.0
    return {"brain": {"drive": float(angle)},
            "env": {"action": int(outputs["brain"]["noise"][0] > 0)}}


def start_loop(env_kind="gym", env_config=None, **proxy_options):
    """A NoisyEngine brain and CartPole (or a fake env) in processes, in a pipelined loop."""
    engines = spawn_engines({"brain": "bridge_engines:NoisyEngine", "env": env_kind},
                            **proxy_options)
    configs = {"brain": {"seed": 1, "timestep": 0.001},
               "env": env_config or {"env": "CartPole-v1", "seed": 2, "auto_reset": True}}
    read = {"brain": ["time", "noise"],
            "env": ["observation", "reward"] if env_kind == "gym" else ["time"]}
    return Orchestrator(engines, exchange=pole_tf, configs=configs, read=read)


@pytest.mark.parametrize("victim", ["brain", "env"])
def test_killing_an_engine_process_mid_run_stops_the_loop_and_keeps_the_data(victim):
    # generous timeouts: only the process watch can make this fail fast, and with the message below
    loop = start_loop(timeout=20.0, heartbeat_timeout=20.0)
    pids = {name: engine.process.pid for name, engine in loop.engines.items()}
    loop.run(5)
    os.kill(pids[victim], signal.SIGKILL)
    with pytest.raises(EngineDied) as err:
        loop.run(5)
    assert f"engine {victim!r} died during 'advance'" in str(err.value)
    assert f"its process (pid {pids[victim]}) ended (killed by signal SIGKILL)" in str(err.value)
    assert err.value.engine == victim
    for pid in pids.values():
        assert wait_gone(pid), "an engine process outlived the failed loop"
    assert loop.steps == 5 and len(loop.log) == 5 and len(loop.recording) == 5
    assert loop.recording.array("env", "observation").shape == (5, 4)
    assert loop.recording.array("brain", "noise").shape == (5, 4)
    with pytest.raises(RuntimeError, match="closed after a failure: engine"):
        loop.step()


def test_a_stalled_engine_times_out_and_everything_is_shut_down():
    loop = start_loop("bridge_engines:SleepyEngine", {"sleep": 60.0, "sleep_at": 4},
                      timeout=1.0, heartbeat_timeout=5.0)
    pids = [engine.process.pid for engine in loop.engines.values()]
    with pytest.raises(EngineTimeout, match="engine 'env' did not finish 'advance' within 1 s "
                                            r"\(it is alive and sending heartbeats"):
        loop.run(10)
    for pid in pids:
        assert wait_gone(pid)
    assert loop.steps == 3 and loop.recording.times == pytest.approx([0.02, 0.04, 0.06])


def test_an_engine_that_raises_stops_the_loop_with_its_traceback():
    loop = start_loop("bridge_engines:FailingEngine", {"fail_at": 3}, timeout=5.0)
    pids = [engine.process.pid for engine in loop.engines.values()]
    with pytest.raises(EngineError, match="engine 'env' failed in 'advance': RuntimeError: motor "
                                          "driver overheated at step 3") as err:
        loop.run(10)
    assert "traceback in the engine process" in str(err.value)
    for pid in pids:
        assert wait_gone(pid)
    assert loop.steps == 2


def test_an_engine_that_cannot_start_reports_its_output():
    with pytest.raises(EngineDied, match="(?s)engine 'ghost' failed to start: its process .* ended "
                                         r"\(exit code 1\).*cannot import module 'no_such_module'"):
        spawn_engine("no_such_module:Engine", name="ghost")


def test_shutdown_leaves_no_process_and_is_idempotent():
    engine = spawn_engine("clock", name="clock")
    pid = engine.process.pid
    engine.initialize({})
    engine.shutdown()
    engine.shutdown()
    assert wait_gone(pid) and engine.process.popen.returncode == 0
    with pytest.raises(EngineError, match="engine 'clock' is shut down"):
        engine.step(0.02)


PARENT = """
import sys, time
from nrp_bridge import Orchestrator, spawn_engines
engines = spawn_engines({"brain": "clock", "env": "clock"})
print(*(e.process.pid for e in engines.values()), flush=True)
print(*(e.process.folder for e in engines.values()), flush=True)
with Orchestrator(engines, configs={"brain": {}, "env": {}}) as loop:
    print("running", flush=True)
    while True:
        loop.step()
        time.sleep(0.001)
"""


def start_parent() -> tuple[subprocess.Popen, list[int], list[Path]]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(HERE)])}
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
    children = [int(pid) for pid in parent.stdout.readline().split()]
    folders = [Path(folder) for folder in parent.stdout.readline().split()]
    assert parent.stdout.readline().strip() == "running", parent.stderr.read()
    assert len(children) == 2 and all(folder.is_dir() for folder in folders)
    return parent, children, folders


def test_engines_die_with_a_killed_parent():
    parent, children, folders = start_parent()
    parent.kill()
    parent.wait()
    for pid in children:
        assert wait_gone(pid), "an engine process outlived its killed parent"
    assert not any(folder.exists() for folder in folders)  # the orphans cleaned up for it


def test_ctrl_c_in_the_parent_shuts_the_engines_down():
    parent, children, folders = start_parent()
    parent.send_signal(signal.SIGINT)
    _, stderr = parent.communicate(timeout=30)
    assert parent.returncode != 0 and "KeyboardInterrupt" in stderr
    for pid in children:
        assert wait_gone(pid)
    assert not any(folder.exists() for folder in folders)
