"""Serve any engine on a ZeroMQ endpoint: what ``nrp-bridge serve-engine`` runs."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path
from typing import Any

from ..errors import ProtocolError
from ..protocol import DEFAULT_MAX_MESSAGE_SIZE, PROTOCOL_VERSION, Message
from ..transport import DEFAULT_HEARTBEAT_INTERVAL, Server, check_spin
from .base import Engine
from .factory import create_engine


class EngineHandler:
    """Turns requests into calls on one engine, checking each request's body first."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.shut_down = False

    def __call__(self, message: Message) -> Any:
        body = message.body if message.body is not None else {}
        if not isinstance(body, dict):
            raise ProtocolError("bad_request", f"the body of {message.type!r} must be a map")
        if message.type == "initialize":
            return self.engine.initialize(_field(body, "config", dict))
        if message.type == "step":
            return self.engine.step(_dt(body))
        if message.type == "get":
            return self.engine.get(_names(body))
        if message.type == "set":
            return self.engine.set(_field(body, "values", dict))
        if message.type == "advance":
            values, dt, names = _field(body, "values", dict), _dt(body), _names(body)
            advance = getattr(self.engine, "advance", None)
            if advance is None:
                raise ProtocolError("bad_request", "this engine has no advance(); send set, "
                                    "step and get instead")
            return list(advance(values, dt, names))
        if message.type == "reset":
            return self.engine.reset()
        if message.type == "shutdown":
            self.shut_down = True
            return self.engine.shutdown()
        raise ProtocolError("unknown_type", f"engines do not handle {message.type!r}")


def _field(body: dict, key: str, kind: type) -> Any:
    value = body.get(key)
    if not isinstance(value, kind):
        raise ProtocolError("bad_request", f"field {key!r} must be a {kind.__name__}, got "
                            f"{type(value).__name__}")
    return value


def _dt(body: dict) -> float:
    dt = body.get("dt")
    if type(dt) not in (int, float) or not dt > 0:
        raise ProtocolError("bad_request", f"'dt' must be a positive number of seconds, got {dt!r}")
    return float(dt)


def _names(body: dict) -> list[str]:
    names = _field(body, "names", list)
    if not all(isinstance(n, str) for n in names):
        raise ProtocolError("bad_request", "'names' must be a list of strings")
    return names


def serve_engine(kind: str, endpoint: str, *, ready_file: str | Path | None = None,
                 allow_remote: bool = False, curve_secret_key: bytes | None = None,
                 heartbeat_interval: float = DEFAULT_HEARTBEAT_INTERVAL,
                 max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
                 protocol_version: int = PROTOCOL_VERSION, spin: float = 0.0) -> None:
    """Create the engine, bind, announce the bound endpoint, serve until ``shutdown``.

    ``ready_file`` receives the bound endpoint (e.g. the port chosen for ``tcp://127.0.0.1:*``)
    once the server accepts requests; it is written atomically so a reader never sees half.
    ``spin``: seconds to busy-poll for the next request after each reply (see ``Server``).
    """
    check_spin(spin)  # before the engine is created: a bad flag fails at once
    engine = create_engine(kind)
    handler = EngineHandler(engine)
    info = {"engine": f"{type(engine).__module__}.{type(engine).__qualname__}",
            "host": socket.gethostname()}
    server = Server(endpoint, handler, info=info, allow_remote=allow_remote,
                    heartbeat_interval=heartbeat_interval, max_message_size=max_message_size,
                    protocol_version=protocol_version, curve_secret_key=curve_secret_key,
                    spin=spin)
    if ready_file is not None:
        partial = Path(f"{ready_file}.part")
        partial.write_text(server.endpoint)
        os.replace(partial, ready_file)
    try:
        server.serve_forever()
    finally:
        if not handler.shut_down:
            engine.shutdown()


class EngineThread:
    """An engine served by a thread of this process (``inproc://``), shaped like a process."""

    def __init__(self, engine: Engine, endpoint: str) -> None:
        self._server = Server(endpoint, EngineHandler(engine), info={"engine": repr(engine)})
        self.endpoint = self._server.endpoint
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name=f"nrp-engine-{endpoint}")
        self._thread.start()

    def exit_reason(self) -> str | None:
        """None while serving, else why not."""
        return None if self._thread.is_alive() else "its server thread has stopped"

    def stop(self, grace: float = 2.0) -> None:
        """Stop serving (after up to ``grace`` s for a requested shutdown to finish)."""
        self._thread.join(grace)
        self._server.stop()
        self._thread.join(1.0)  # a daemon stuck inside an engine call is left behind
