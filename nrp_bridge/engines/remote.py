"""The remote proxy: an engine served elsewhere (another process or host) that looks local.

Arrays in results arrive as read-only views of the received message (zero-copy); copy them
before modifying in place.
"""

from __future__ import annotations

import sys
from typing import Any

from ..errors import EngineError
from ..launcher import EngineProcess, default_spin
from ..protocol import DEFAULT_MAX_MESSAGE_SIZE, PROTOCOL_VERSION
from ..transport import DEFAULT_HEARTBEAT_TIMEOUT, DEFAULT_TIMEOUT, Connection, PendingReply
from .base import Engine

DEFAULT_INIT_TIMEOUT = 600.0  # s: building a brain may compile kernels or map a big model
DEFAULT_CONNECT_TIMEOUT = 10.0  # s for the version handshake
DEFAULT_START_TIMEOUT = 60.0  # s for a local engine process to import and bind


class RemoteEngine(Engine):
    """Proxy for an engine behind ``endpoint``; connects and checks the protocol version at once.

    ``timeout`` bounds every request (``init_timeout`` the ``initialize`` one); silence beyond
    ``heartbeat_timeout`` means the engine died. With ``process`` (a local engine process) its
    death is noticed at once and :meth:`shutdown` stops it.
    """

    def __init__(self, endpoint: str, *, name: str = "engine", timeout: float = DEFAULT_TIMEOUT,
                 init_timeout: float = DEFAULT_INIT_TIMEOUT,
                 heartbeat_timeout: float = DEFAULT_HEARTBEAT_TIMEOUT, retries: int = 1,
                 connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
                 curve_server_key: bytes | None = None,
                 max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
                 protocol_version: int = PROTOCOL_VERSION,
                 process: EngineProcess | None = None) -> None:
        self.name, self.endpoint, self.process = name, endpoint, process
        self.init_timeout = init_timeout
        self._closed = False
        self.connection = Connection(
            endpoint, name=name, timeout=timeout, heartbeat_timeout=heartbeat_timeout,
            retries=retries, max_message_size=max_message_size,
            protocol_version=protocol_version, curve_server_key=curve_server_key,
            liveness=process.exit_reason if process is not None else None)
        try:
            self.info: dict = self.connection.request("hello", {"client": "nrp_bridge"},
                                                      timeout=connect_timeout)
        except BaseException:
            self._close(grace=0.0)
            raise

    def submit(self, op: str, *args: Any) -> PendingReply:
        """Send one engine call without waiting (the orchestrator steps engines concurrently)."""
        if self._closed:
            raise EngineError(f"engine {self.name!r} is shut down; create a new one", self.name)
        body = _BODIES[op](*args)
        seq = self.connection.send(op, body)
        timeout = self.init_timeout if op == "initialize" else None
        return PendingReply(self.connection, seq, op, timeout)

    def _call(self, op: str, *args: Any) -> Any:
        return self.submit(op, *args).result()[0]

    def initialize(self, config: dict) -> dict:
        """Initialise the remote engine (bounded by ``init_timeout``)."""
        return self._call("initialize", config)

    def step(self, dt: float) -> float:
        """Advance the remote engine by ``dt`` seconds."""
        return self._call("step", dt)

    def get(self, names: list[str]) -> dict:
        """Read datapacks (arrays come back read-only)."""
        return self._call("get", names)

    def set(self, values: dict) -> None:
        """Write inputs for the next step."""
        self._call("set", values)

    def advance(self, values: dict, dt: float, names: list[str]) -> tuple[float, dict]:
        """Set, step and get in one round trip."""
        t, outputs = self._call("advance", values, dt, names)
        return t, outputs

    def reset(self) -> None:
        """Reset the remote engine to time 0."""
        self._call("reset")

    def shutdown(self, timeout: float = 5.0) -> None:
        """Shut the engine down, close the connection and stop its process (idempotent).

        A failure of the remote ``shutdown`` is raised after the process has been stopped.
        """
        if self._closed:
            return
        try:
            seq = self.connection.send("shutdown", None)
            self.connection.receive(seq, "shutdown", timeout)
        finally:
            self._close(grace=timeout)

    def kill(self) -> None:
        """Drop the connection and stop the process at once (for an engine that failed)."""
        self._close(grace=0.0)

    def _close(self, grace: float) -> None:
        self._closed = True
        self.connection.close()
        if self.process is not None:
            self.process.stop(grace)

    def __repr__(self) -> str:
        return f"RemoteEngine({self.endpoint!r}, name={self.name!r})"


_BODIES = {
    "initialize": lambda config: {"config": config},
    "step": lambda dt: {"dt": dt},
    "get": lambda names: {"names": list(names)},
    "set": lambda values: {"values": values},
    "advance": lambda values, dt, names: {"values": values, "dt": dt, "names": list(names)},
    "reset": lambda: None,
}


def spawn_engines(kinds: dict[str, str], *, transport: str = "ipc", output: str = "file",
                  start_timeout: float = DEFAULT_START_TIMEOUT, python: str = sys.executable,
                  spin: dict[str, float] | None = None,
                  **proxy_options: Any) -> dict[str, RemoteEngine]:
    """Start one local process per engine (all at once), connect a proxy to each.

    ``kinds`` maps engine names to kinds ("brain", "gym", "clock" or "module:Class").
    ``spin`` maps engine names to the seconds their servers busy-poll for the next request
    (default :func:`~nrp_bridge.launcher.default_spin`: the brains, given a core to spare;
    ``{}``: none). On any failure every process started here is stopped before the error is
    raised.
    """
    spin = default_spin(kinds) if spin is None else dict(spin)
    unknown = sorted(set(spin) - set(kinds))
    if unknown:
        raise ValueError(f"spin names unknown engine(s) {unknown}; engines are {list(kinds)}")
    processes = {name: None for name in kinds}
    engines: dict[str, RemoteEngine] = {}
    try:
        for name, kind in kinds.items():
            processes[name] = EngineProcess(kind, name=name, transport=transport, output=output,
                                            python=python, spin=spin.get(name, 0.0))
        for name, process in processes.items():
            endpoint = process.wait_ready(start_timeout)
            engines[name] = RemoteEngine(endpoint, name=name, process=process, **proxy_options)
    except BaseException:
        for process in processes.values():
            if process is not None:
                process.stop(0.0)
        raise
    return engines


def spawn_engine(kind: str, *, name: str | None = None, **options: Any) -> RemoteEngine:
    """Start one engine process and return its proxy (see :func:`spawn_engines`)."""
    name = name or kind.rpartition(":")[2].lower()
    return spawn_engines({name: kind}, **options)[name]
