"""Per-sync-step overhead of the orchestrator with trivial engines over inproc, ipc and tcp.

Two ClockEngines (a stand-in brain and env that only keep time) are stepped in lockstep; each
step sets one value on each and reads one back, as a closed loop does. For scale, the same
exchange is timed with bare pyzmq echo processes (no bridge code at all): the floor this
machine's ZeroMQ gives two concurrent round trips, and a one-byte round trip between two
processes over OS pipes, on two CPUs and on one: what waking a blocked process costs here. With ``--loop`` it also runs a small brain +
CartPole loop (spinnaker_sim, 100 Poisson sources -> 100 LIF) and the Braitenberg experiment of
``examples/braitenberg`` (the demo), engines as processes over ipc (as started by default, the
brain's server busy-polling between steps, and with no engine polling), and in-process for
comparison, and reports their real-time factors.

    python bench/bridge_overhead.py                  # 10,000 steps per transport
    python bench/bridge_overhead.py --steps 2000 --loop --out bench/results/x.json
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import zmq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO_ROOT, machine_description

sys.path.insert(0, str(REPO_ROOT))
from nrp_bridge import Orchestrator, start_engines
from nrp_bridge.protocol import Message, encode

TRANSPORTS = ("inproc", "ipc", "tcp")
WARMUP = 200


def _echo(t: float, outputs: dict) -> dict:
    return {"brain": {"x": t}, "env": {"action": t}}


def measure_overhead(transport: str, steps: int) -> dict:
    """Median and p99 wall time of one sync step (two trivial engines) in microseconds."""
    engines = start_engines({"brain": "clock", "env": "clock"}, transport=transport)
    with Orchestrator(engines, exchange=_echo, read={"brain": ["time"], "env": ["time"]},
                      configs={"brain": {"timestep": 0.001}, "env": {"timestep": 0.01}},
                      recorder=lambda *args: None) as loop:
        loop.run(WARMUP)
        loop.log.clear()
        loop.run(steps)
        walls = np.array([s.wall_s for s in loop.log]) * 1e6
    return {"transport": transport, "steps": steps, "median_us": float(np.median(walls)),
            "p99_us": float(np.percentile(walls, 99)), "mean_us": float(walls.mean())}


_ECHO_SERVER = """
import sys, zmq
sock = zmq.Context().socket(zmq.ROUTER)
sock.bind(sys.argv[1])
print(sock.getsockopt_string(zmq.LAST_ENDPOINT), flush=True)
while True:
    frames = sock.recv_multipart()
    if frames[1] == b"stop":
        break
    sock.send_multipart(frames)
"""


def measure_zmq_floor(transport: str, steps: int, engines: int = 2) -> dict:
    """Two bare pyzmq echo processes, two concurrent round trips of bridge-sized messages."""
    folder = tempfile.mkdtemp(prefix="nrp-floor-")
    bind = {"ipc": f"ipc://{folder}/echo-{{}}", "tcp": "tcp://127.0.0.1:*"}[transport]
    servers = [subprocess.Popen([sys.executable, "-c", _ECHO_SERVER, bind.format(i)],
                                stdout=subprocess.PIPE, text=True) for i in range(engines)]
    sockets = []
    for server in servers:
        sock = zmq.Context.instance().socket(zmq.DEALER)
        sock.linger = 0
        sock.connect(server.stdout.readline().strip())
        sockets.append(sock)
    request = encode(Message("advance", {"values": {"x": 0.5}, "dt": 0.02, "names": ["time"]}))
    walls = []
    for k in range(WARMUP + steps):
        started = time.perf_counter()
        for sock in sockets:
            sock.send(request)
        for sock in sockets:
            sock.recv()
        walls.append(time.perf_counter() - started)
    for sock, server in zip(sockets, servers, strict=True):
        sock.send(b"stop")
        server.wait(5)
        sock.close()
    shutil.rmtree(folder, ignore_errors=True)
    walls = np.array(walls[WARMUP:]) * 1e6
    return {"transport": f"{transport} (bare pyzmq)", "steps": steps,
            "median_us": float(np.median(walls)), "p99_us": float(np.percentile(walls, 99)),
            "mean_us": float(walls.mean())}


_PIPE_ECHO = """
import os, sys
os.sched_setaffinity(0, {int(sys.argv[1])})
while (byte := os.read(0, 1)) not in (b"", b"q"):
    os.write(1, byte)
"""


def measure_wakeup_floor(steps: int, same_cpu: bool) -> dict:
    """A byte to another process and back over OS pipes, both processes on one CPU or on two:
    the cost of waking a blocked process twice on this machine, below which no round trip
    between processes goes (a ZeroMQ round trip wakes threads four times or more: each side's
    I/O thread, the peer's application). Linux only (it pins the processes)."""
    cpus = sorted(os.sched_getaffinity(0))
    mine, theirs = cpus[0], cpus[0] if same_cpu else cpus[-1]
    echo = subprocess.Popen([sys.executable, "-c", _PIPE_ECHO, str(theirs)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    to_echo, from_echo = echo.stdin.fileno(), echo.stdout.fileno()
    os.sched_setaffinity(0, {mine})
    walls = []
    try:
        for _ in range(WARMUP + steps):
            started = time.perf_counter()
            os.write(to_echo, b"x")
            os.read(from_echo, 1)
            walls.append(time.perf_counter() - started)
    finally:
        os.sched_setaffinity(0, cpus)
        os.write(to_echo, b"q")
        echo.wait(5)
    walls = np.array(walls[WARMUP:]) * 1e6
    return {"transport": f"pipe, {'one CPU' if same_cpu else 'two CPUs'} (bare OS)",
            "steps": steps, "median_us": float(np.median(walls)),
            "p99_us": float(np.percentile(walls, 99)), "mean_us": float(walls.mean())}


def _brain(sim):
    """100 Poisson sources one-to-one onto 100 LIF neurons (the closed-loop benchmark brain)."""
    sources = sim.Population(100, sim.SpikeSourcePoisson(rate=20.0), label="sensors")
    neurons = sim.Population(100, sim.IF_curr_exp(), label="motors")
    sim.Projection(sources, neurons, sim.OneToOneConnector(),
                   sim.StaticSynapse(weight=1.0, delay=1.0), receptor_type="excitatory")
    return [sources, neurons]


def _cartpole_tf(t: float, outputs: dict) -> dict:
    obs = outputs["env"]["observation"]
    counts = outputs["brain"]["motors:spike_counts"]
    rates = np.full(100, 10.0 + 100.0 * float(obs[2] > 0))
    return {"brain": {"sensors:rate": rates}, "env": {"action": int(counts[:50].sum() >
                                                                    counts[50:].sum())}}


NO_POLLING = {"spin": {}}  # engine processes that block at once between steps


def _label(transport: str, options: dict | None) -> str:
    """A row's name: the transport, and whether the engines were kept from polling."""
    return transport + (" (no engine polls)" if options == NO_POLLING else "")


def measure_loop(transport: str, steps: int, options: dict | None = None) -> dict:
    """Real-time factor of a brain (spinnaker_sim) + CartPole loop; `options` go to
    start_engines (default: the brain process busy-polls between steps, see default_spin)."""
    engines = start_engines({"brain": "brain", "env": "gym"}, transport=transport,
                            **(options or {}))
    configs = {"brain": {"brain": "bridge_overhead:_brain", "seed": 1},
               "env": {"env": "CartPole-v1", "seed": 1, "auto_reset": True}}
    started = time.perf_counter()
    with Orchestrator(engines, exchange=_cartpole_tf, configs=configs,
                      read={"brain": ["motors:spike_counts"], "env": ["observation"]}) as loop:
        setup_s = time.perf_counter() - started
        loop.run(10)  # first runs map and compile
        loop.log.clear()
        loop.run(steps)
        summary = loop.summary()
    return {"transport": _label(transport, options), "steps": steps,
            "setup_s": setup_s, "median_step_ms": summary["median_step_ms"],
            "rtf": summary["rtf"]}


BRAITENBERG_REPEATS = 3  # fresh experiments per row: one run's RTF moves by 30% on the VMs


def measure_braitenberg(transport: str, seconds: float, options: dict | None = None) -> dict:
    """Real-time factor of the Braitenberg experiment (the demo) after its first second, which
    maps and compiles: the median run of BRAITENBERG_REPEATS fresh experiments (an episode ends
    at the target, ~11 s in, so one experiment cannot run it several times); `options` as for
    :func:`measure_loop`."""
    sys.path.insert(0, str(REPO_ROOT / "examples" / "braitenberg"))
    import experiment as braitenberg
    walls = []
    for _ in range(BRAITENBERG_REPEATS):
        with braitenberg.make_experiment(seed=0, transport=transport,
                                         engine_options=options) as exp:
            exp.run(1.0, progress=False)
            started = time.perf_counter()
            exp.run(seconds, progress=False)
            walls.append(time.perf_counter() - started)
            steps = exp.summary()["steps"]
    wall = float(np.median(walls))
    return {"transport": _label(transport, options), "simulated_s": seconds, "wall_s": wall,
            "walls_s": walls, "mean_step_ms": 1e3 * wall / max(1, round(seconds / 0.02)),
            "rtf": seconds / wall, "steps": steps}


def measure(steps: int, loop: bool, loop_steps: int, log=print) -> dict:
    """Per-step overhead on every transport and the bare-pyzmq floor; with `loop`, also the
    brain + CartPole loop's real-time factor."""
    overhead = [measure_overhead(t, steps) for t in TRANSPORTS]
    overhead += [measure_zmq_floor(t, steps) for t in ("ipc", "tcp")]
    if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > 1:
        overhead += [measure_wakeup_floor(steps, same_cpu) for same_cpu in (False, True)]
    _log_table(log, "transport", overhead,
               [("steps", "steps", ""), ("median_us", "median us", ".1f"),
                ("p99_us", "p99 us", ".1f"), ("mean_us", "mean us", ".1f")])
    result = {"overhead": overhead}
    if loop:
        loops = [measure_loop("inproc", loop_steps), measure_loop("ipc", loop_steps),
                 measure_loop("ipc", loop_steps, NO_POLLING)]
        _log_table(log, "loop", loops, [("steps", "steps", ""),
                                        ("median_step_ms", "median ms", ".2f"),
                                        ("rtf", "RTF", ".2f")])
        result["brain_gym_loop"] = loops
        seconds = max(2.0, loop_steps * 0.02)
        braitenberg = [measure_braitenberg("ipc", seconds),
                       measure_braitenberg("ipc", seconds, NO_POLLING),
                       measure_braitenberg("inproc", seconds)]
        _log_table(log, "braitenberg", braitenberg,
                   [("simulated_s", "sim s", ".1f"), ("wall_s", "wall s", ".2f"),
                    ("rtf", "RTF", ".2f")])
        result["braitenberg"] = braitenberg
    return result


def _log_table(log, first: str, rows: list[dict], columns: list[tuple[str, str, str]]) -> None:
    """One console table, a row per transport; `columns` are (key, title, format spec)."""
    log(f"\n{first:<20}" + "".join(f" {title:>10}" for _, title, _ in columns))
    for row in rows:
        log(f"{row['transport']:<20}"
            + "".join(f" {row[key]:>10{spec}}" for key, _, spec in columns))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--loop", action="store_true", help="also time a brain + CartPole loop")
    parser.add_argument("--loop-steps", type=int, default=500)
    stamp = datetime.date.today().isoformat()
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "results" /
                        f"bridge-{stamp}-{socket.gethostname()}.json")
    args = parser.parse_args(argv)
    result = {"benchmark": "bridge_overhead", "date": stamp, "machine": machine_description(),
              **measure(args.steps, args.loop, args.loop_steps)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
