"""Make engines by name, and start a set of them on a transport (in-process or in processes)."""

from __future__ import annotations

import uuid
from typing import Any

from ..importing import resolve_reference
from .base import Engine

ENGINE_KINDS = {  # short names for serve-engine and experiment files; "module:Class" also works
    "brain": "nrp_bridge.engines.brain:BrainEngine",
    "gym": "nrp_bridge.engines.gym:GymEngine",
    "clock": "nrp_bridge.engines.clock:ClockEngine",
}
TRANSPORTS = ("inproc", "inproc-zmq", "ipc", "tcp")
_PROCESS_OPTIONS = ("output", "start_timeout", "python", "spin")


def create_engine(kind: str) -> Engine:
    """A new, uninitialised engine of a short kind name or a ``"module:Class"`` reference."""
    if kind not in ENGINE_KINDS and ":" not in kind:
        raise ValueError(f"unknown engine {kind!r}: use one of {sorted(ENGINE_KINDS)} or a "
                         "'package.module:Class' reference")
    engine = resolve_reference(ENGINE_KINDS.get(kind, kind), "engine class")()
    missing = [m for m in ("initialize", "step", "get", "set", "reset", "shutdown")
               if not callable(getattr(engine, m, None))]
    if missing:
        raise TypeError(f"{kind!r} is not an engine: it lacks {missing}; subclass "
                        "nrp_bridge.engines.base.Engine")
    return engine


def start_engines(kinds: dict[str, str], transport: str = "ipc",
                  **options: Any) -> dict[str, Any]:
    """Engines by name from kinds, on a transport.

    ``inproc``: plain objects here (no sockets). ``inproc-zmq``: here too, but each served in a
    thread and reached through the protocol (for tests). ``ipc`` / ``tcp``: one process each
    (loopback only). ``options`` go to :class:`RemoteEngine` (timeouts...) and, for processes,
    to the launcher (``output``, ``start_timeout``, ``python``, ``spin``: see
    :func:`spawn_engines`); in-process engines take none.
    """
    from .remote import RemoteEngine, spawn_engines
    from .server import EngineThread

    if transport not in TRANSPORTS:
        raise ValueError(f"unknown transport {transport!r}; use one of {TRANSPORTS}")
    if transport == "inproc":
        return {name: create_engine(kind) for name, kind in kinds.items()}
    if transport in ("ipc", "tcp"):
        return spawn_engines(kinds, transport=transport, **options)
    proxy_options = {k: v for k, v in options.items() if k not in _PROCESS_OPTIONS}
    engines: dict[str, Any] = {}
    try:
        for name, kind in kinds.items():
            thread = EngineThread(create_engine(kind), f"inproc://nrp-{name}-{uuid.uuid4()}")
            engines[name] = RemoteEngine(thread.endpoint, name=name, process=thread,
                                         **proxy_options)
    except BaseException:
        for engine in engines.values():
            engine.kill()
        raise
    return engines
