"""``nrp-bridge``: run an experiment file, serve an engine, or make CURVE keys.

    nrp-bridge run experiment.toml [--duration S] [--transport T] [--out data.npz]
    nrp-bridge serve-engine --engine brain|gym|clock|module:Class --endpoint ipc://...|tcp://...
    nrp-bridge curve-keys FOLDER
    nrp-bridge demo [--seed N] [--transport ipc|tcp] [--out DIR] [--headless]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from transfer_functions import TransferFunction, TransferFunctionManager

from .config import ExperimentSpec, load_experiment
from .engines.factory import TRANSPORTS, start_engines
from .errors import EngineError
from .importing import resolve_reference
from .launcher import default_spin
from .orchestrator import Orchestrator
from .protocol import DEFAULT_MAX_MESSAGE_SIZE
from .tf_exchange import EXTENSION, TFExchange
from .transport import DEFAULT_HEARTBEAT_INTERVAL


def build_exchange(spec: ExperimentSpec) -> Callable[..., dict] | None:
    """The exchange hook from the ``[transfer_functions]`` section (None if there is none).

    ``functions`` lists ``"module:function"`` references, each ``f(t, outputs) -> {engine:
    {name: value}}``; they run in order and their results are merged (later ones win).
    ``nrp`` lists ``"module:name"`` references to NRP-style transfer functions (a
    TransferFunction or a list of them) for the engines named ``brain`` and ``env``: their
    devices are added to the brain's config (a DeviceHost extension) and what they read to
    the engines' ``read`` lists; they run before the ``functions``.
    """
    section = spec.raw.get("transfer_functions")
    if not section:
        return None
    functions = [resolve_reference(ref, "transfer function")
                 for ref in section.get("functions", [])]
    tf_exchange = _nrp_exchange(spec, section.get("nrp", []))

    def exchange(t: float, outputs: dict, targets: tuple) -> dict:
        merged: dict[str, dict] = {}
        results = [tf_exchange(t, outputs, targets)] if tf_exchange is not None else []
        results += [function(t, outputs) for function in functions]
        for result in results:
            for engine, values in (result or {}).items():
                if engine in targets:
                    merged.setdefault(engine, {}).update(values)
        if tf_exchange is not None and tf_exchange.error is not None:
            error, tf_exchange.error = tf_exchange.error, None
            raise error  # a file-driven run has no one to fix the TF: stop
        return merged

    return exchange


def _nrp_exchange(spec: ExperimentSpec, references: list[str]) -> TFExchange | None:
    """A TFExchange for the referenced NRP-style TFs; wires their devices and reads into the
    brain and env engine specs."""
    if not references:
        return None
    missing = [name for name in ("brain", "env") if name not in spec.engines]
    if missing:
        raise ValueError(f"[transfer_functions] nrp needs engines named 'brain' and 'env'; "
                         f"missing {missing}")
    tfs: list[TransferFunction] = []
    for ref in references:
        found = resolve_reference(ref, "NRP transfer function")
        tfs += list(found) if isinstance(found, (list, tuple)) else [found]
    manager = TransferFunctionManager(tfs)
    brain, env = spec.engines["brain"], spec.engines["env"]
    brain.config.setdefault("extensions", []).append(
        {"factory": EXTENSION, "devices": manager.device_specs(), "dt_ms": spec.dt_sync * 1000.0})
    brain.read = list(dict.fromkeys(brain.read + manager.brain_reads()))
    env.read = list(dict.fromkeys(env.read + manager.env_reads()))
    return TFExchange(manager)


def run_experiment(spec: ExperimentSpec, progress: bool = False) -> Orchestrator:
    """Start the engines, run the loop for the spec's duration, shut down; returns the
    (closed) orchestrator, whose log and recording hold the run."""
    exchange = build_exchange(spec)
    kinds = {name: e.kind for name, e in spec.engines.items()}
    options = {} if spec.transport == "inproc" else {"timeout": spec.timeout}
    if spec.transport in ("ipc", "tcp"):
        options["spin"] = engine_spin(spec)
    engines = start_engines(kinds, transport=spec.transport, **options)
    orchestrator = Orchestrator(engines, dt_sync=spec.dt_sync, mode=spec.mode,
                                exchange=exchange,
                                read={name: e.read for name, e in spec.engines.items()},
                                configs={name: e.config for name, e in spec.engines.items()})
    with orchestrator:
        orchestrator.run(seconds=spec.duration, progress=progress)
    return orchestrator


def engine_spin(spec: ExperimentSpec) -> dict[str, float]:
    """Each engine process's busy-poll time: the file's ``spin`` where an engine table gives
    one, else the default (the brains poll, given a core to spare)."""
    spin = default_spin({name: e.kind for name, e in spec.engines.items()})
    spin.update({name: e.spin for name, e in spec.engines.items() if e.spin is not None})
    return spin


def save_recording(orchestrator: Orchestrator, path: Path) -> None:
    """Recorded outputs as ``<engine>/<name>`` arrays in an .npz, with ``time`` and the step log
    (``step_wall_s``); values that do not stack into an array are left out."""
    arrays: dict[str, Any] = {"time": np.asarray(orchestrator.recording.times),
                              "step_wall_s": np.asarray([s.wall_s for s in orchestrator.log])}
    for engine, names in orchestrator.recording.names().items():
        for name in names:
            try:
                arrays[f"{engine}/{name}"] = orchestrator.recording.array(engine, name)
            except (ValueError, TypeError):  # ragged (e.g. spike lists) or not numeric
                continue
    np.savez(path, **arrays)


def _run(args: argparse.Namespace) -> int:
    spec = load_experiment(args.experiment)
    if args.duration is not None:
        spec.duration = args.duration
    if args.transport is not None:
        spec.transport = args.transport
    orchestrator = run_experiment(spec, progress=args.progress)
    print(json.dumps(orchestrator.summary()))
    if args.out:
        save_recording(orchestrator, Path(args.out))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .engines.server import serve_engine
    from .launcher import guard_child

    if args.parent_pid is not None:
        guard_child(args.parent_pid, Path(args.owned_folder) if args.owned_folder else None)
    secret = Path(args.curve_secret_file).read_text().strip().encode() \
        if args.curve_secret_file else None
    serve_engine(args.engine, args.endpoint, ready_file=args.ready_file,
                 allow_remote=args.allow_remote, curve_secret_key=secret,
                 heartbeat_interval=args.heartbeat_interval,
                 max_message_size=args.max_message_size, spin=args.spin)
    return 0


def _curve_keys(args: argparse.Namespace) -> int:
    import zmq

    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    public, secret = zmq.curve_keypair()
    (folder / "server.key").write_bytes(secret)
    (folder / "server.key").chmod(0o600)
    (folder / "server.pub").write_bytes(public)
    print(f"wrote {folder / 'server.key'} (serve-engine --curve-secret-file) and "
          f"{folder / 'server.pub'} (RemoteEngine(curve_server_key=...))")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from .demo import report, run_demo

    summary = run_demo(seed=args.seed, transport=args.transport, out=args.out,
                       progress=not args.headless)
    print(report(summary))
    return 0 if summary["reached_target"] else 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nrp-bridge", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run an experiment file")
    run.add_argument("experiment", help="experiment .toml file")
    run.add_argument("--duration", type=float, help="override [experiment] duration (s)")
    run.add_argument("--transport", choices=TRANSPORTS, help="override [experiment] transport")
    run.add_argument("--out", help="write recorded outputs to this .npz file")
    run.add_argument("--progress", action="store_true", help="show a progress bar")
    run.set_defaults(handler=_run)

    serve = commands.add_parser("serve-engine", help="serve one engine on an endpoint")
    serve.add_argument("--engine", required=True,
                       help="brain, gym, clock or a package.module:Class reference")
    serve.add_argument("--endpoint", required=True,
                       help="ipc://PATH or tcp://127.0.0.1:PORT (PORT may be *)")
    serve.add_argument("--allow-remote", action="store_true",
                       help="allow binding a non-loopback address (use CURVE keys too)")
    serve.add_argument("--curve-secret-file", help="file with the server's z85 CURVE secret key")
    serve.add_argument("--ready-file", help="write the bound endpoint here once serving")
    serve.add_argument("--parent-pid", type=int,
                       help="exit when this process dies and ignore Ctrl-C (managed engines)")
    serve.add_argument("--owned-folder", help=argparse.SUPPRESS)  # launcher's temp folder
    serve.add_argument("--heartbeat-interval", type=float, default=DEFAULT_HEARTBEAT_INTERVAL)
    serve.add_argument("--max-message-size", type=int, default=DEFAULT_MAX_MESSAGE_SIZE)
    serve.add_argument("--spin", type=float, default=0.0, metavar="SECONDS",
                       help="busy-poll this long for the next request after each reply (costs "
                            "a core; for the engine on the loop's critical path)")
    serve.set_defaults(handler=_serve)

    keys = commands.add_parser("curve-keys", help="write a CURVE key pair for a remote engine")
    keys.add_argument("folder")
    keys.set_defaults(handler=_curve_keys)

    demo = commands.add_parser("demo", help="closed-loop Braitenberg rover on spinnaker_sim")
    demo.add_argument("--seed", type=int, default=0, help="seed of the brain and the arena")
    demo.add_argument("--transport", choices=("ipc", "tcp", "inproc"), default="ipc",
                      help="ipc/tcp: engines as processes over ZeroMQ")
    demo.add_argument("--out", default="nrp-demo", help="folder for the data and the PNG")
    demo.add_argument("--headless", action="store_true", help="no progress bar")
    demo.set_defaults(handler=_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``nrp-bridge`` console script; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("nrp-bridge: interrupted; engines were shut down", file=sys.stderr)
        return 130
    except (EngineError, ValueError, KeyError, ImportError, OSError) as exc:
        print(f"nrp-bridge: error: {exc}", file=sys.stderr)
        return 1
