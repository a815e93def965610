"""ZeroMQ request/reply between the orchestrator (DEALER) and an engine server (ROUTER).

Every wait is bounded: a reply must come within ``timeout``; while the server is busy it sends
heartbeats, so silence longer than ``heartbeat_timeout`` means the peer died or hung. Requests
may be re-sent after a reconnect (Lazy Pirate): the server answers a repeated request from its
cache instead of running it twice, so retrying is safe even for ``step``.
"""

from __future__ import annotations

import ipaddress
import os
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import zmq

from .errors import EngineDied, EngineError, EngineTimeout, ProtocolError, ProtocolVersionError
from .protocol import (
    DEFAULT_MAX_MESSAGE_SIZE,
    PROTOCOL_VERSION,
    REQUEST_TYPES,
    Message,
    decode,
    encode,
)

DEFAULT_TIMEOUT = 60.0  # s, for one request to finish
DEFAULT_HEARTBEAT_INTERVAL = 0.25  # s between heartbeats from a busy server
DEFAULT_HEARTBEAT_TIMEOUT = 10.0  # s of total silence after which a peer counts as gone
_LIVENESS_POLL = 0.05  # s between checks of a local engine process while waiting
# plain ints: pyzmq's enum flags cost microseconds per message on the hot path
_NOBLOCK, _SNDMORE, _RCVMORE = int(zmq.NOBLOCK), int(zmq.SNDMORE), int(zmq.RCVMORE)

_LOOPBACK_NAMES = {"localhost"}


def check_endpoint(endpoint: str, allow_remote: bool = False) -> str:
    """Validate an endpoint to bind; TCP must be loopback unless ``allow_remote``."""
    scheme, _, rest = endpoint.partition("://")
    if scheme not in ("inproc", "ipc", "tcp") or not rest:
        raise ValueError(f"endpoint {endpoint!r} is not inproc://NAME, ipc://PATH or "
                         "tcp://HOST:PORT")
    if scheme == "tcp":
        host = urlsplit(endpoint).hostname or ""
        if not allow_remote and not _is_loopback(host):
            raise ValueError(f"binding {endpoint} exposes the engine to other hosts; bind "
                             "tcp://127.0.0.1:PORT, or pass allow_remote=True (CLI: "
                             "--allow-remote), ideally with CURVE keys")
    return endpoint


def check_spin(spin: float) -> float:
    """A server's busy-poll time: finite seconds >= 0."""
    if isinstance(spin, bool) or not (isinstance(spin, (int, float)) and 0 <= spin < float("inf")):
        raise ValueError(f"spin must be a finite number of seconds >= 0 (0: block at once), "
                         f"got {spin!r}")
    return float(spin)


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _new_socket(kind: int, curve_secret_key: bytes | None = None,
                curve_server_key: bytes | None = None) -> zmq.Socket:
    sock = zmq.Context.instance().socket(kind)
    sock.linger = 0
    if curve_secret_key is not None:  # server side: authenticate and encrypt with CURVE
        sock.curve_secretkey = curve_secret_key
        sock.curve_publickey = zmq.curve_public(curve_secret_key)
        sock.curve_server = True
    elif curve_server_key is not None:  # client side: a throwaway key pair of our own
        public, secret = zmq.curve_keypair()
        sock.curve_serverkey = curve_server_key
        sock.curve_publickey = public
        sock.curve_secretkey = secret
    return sock


class Connection:
    """A client connection to one engine server; ``send`` then ``receive`` (or ``request``)."""

    def __init__(self, endpoint: str, *, name: str = "engine", timeout: float = DEFAULT_TIMEOUT,
                 heartbeat_timeout: float = DEFAULT_HEARTBEAT_TIMEOUT, retries: int = 1,
                 max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
                 protocol_version: int = PROTOCOL_VERSION, curve_server_key: bytes | None = None,
                 liveness: Callable[[], str | None] | None = None) -> None:
        self.endpoint, self.name = endpoint, name
        self.timeout, self.heartbeat_timeout, self.retries = timeout, heartbeat_timeout, retries
        self.max_message_size, self.protocol_version = max_message_size, protocol_version
        self._curve_server_key = curve_server_key
        self._liveness = liveness
        self._seq = 0
        self._last_sent: bytes = b""
        self._sock: zmq.Socket | None = None
        self._connect()

    def _connect(self) -> None:
        if self._sock is not None:
            self._sock.close(linger=0)
        self._sock = _new_socket(zmq.DEALER, curve_server_key=self._curve_server_key)
        self._sock.connect(self.endpoint)
        self._rcvtimeo = -1

    def send(self, type: str, body: Any = None) -> int:
        """Send a request without waiting; returns its sequence number for :meth:`receive`."""
        if self._sock is None:
            raise EngineError(f"the connection to engine {self.name!r} is closed", self.name)
        self._seq += 1
        try:
            raw = encode(Message(type, body, self._seq, self.protocol_version),
                         self.max_message_size)
        except ProtocolError as exc:
            raise EngineError(f"cannot send {type!r} to engine {self.name!r}: {exc}",
                              self.name) from None
        self._last_sent = raw
        self._transmit(raw)
        return self._seq

    def _transmit(self, raw: bytes) -> None:
        try:
            self._sock.send(raw, _NOBLOCK)
        except zmq.Again:
            raise EngineDied(f"cannot send to engine {self.name!r} at {self.endpoint}: its queue "
                             "is full and nobody reads it; is the engine running?",
                             self.name) from None

    def receive(self, seq: int, op: str, timeout: float | None = None) -> tuple[Any, float]:
        """Wait for the reply to request ``seq``; returns (result, engine seconds spent).

        Raises EngineTimeout, EngineDied, ProtocolVersionError or EngineError (remote failure).
        """
        timeout = self.timeout if timeout is None else timeout
        start = heard = time.monotonic()
        retries = self.retries
        while True:
            now = time.monotonic()
            if now - start >= timeout:
                raise EngineTimeout(
                    f"engine {self.name!r} did not finish {op!r} within {timeout:g} s (it is "
                    "alive and sending heartbeats, just too slow); raise the timeout or make "
                    "its step cheaper", self.name)
            wait = min(start + timeout, heard + self.heartbeat_timeout) - now
            if self._liveness is not None:
                wait = min(wait, _LIVENESS_POLL)
            raw = self._recv(wait)
            if raw is not None:
                message = self._decode(raw, op)
                heard = time.monotonic()
                if message.seq != seq or message.type == "heartbeat":
                    continue  # heartbeat, or a stale reply to a request we gave up on
                if message.type == "error":
                    raise self._remote_error(message.body, op)
                if message.type != "ok" or not isinstance(message.body, dict):
                    raise EngineError(f"engine {self.name!r} answered {op!r} with an invalid "
                                      f"{message.type!r} message", self.name)
                return message.body.get("result"), float(message.body.get("elapsed", 0.0))
            death = self._liveness() if self._liveness is not None else None
            if death is not None:
                raise EngineDied(f"engine {self.name!r} died during {op!r}: {death}", self.name)
            if time.monotonic() - heard >= self.heartbeat_timeout:
                if retries > 0:  # Lazy Pirate: fresh socket, same request (server dedups)
                    retries -= 1
                    self._connect()
                    self._transmit(self._last_sent)
                    heard = time.monotonic()
                    continue
                raise EngineDied(
                    f"engine {self.name!r} at {self.endpoint} stopped answering: no reply and no "
                    f"heartbeat to {op!r} for {self.heartbeat_timeout:g} s; its process died or "
                    "hung, or the host is unreachable", self.name)

    def _recv(self, wait: float) -> bytes | None:
        """One blocking receive of at most ``wait`` s (cheaper than poll + recv); None if none."""
        ms = max(int(wait * 1000.0), 1)
        if ms != self._rcvtimeo:
            self._sock.rcvtimeo = self._rcvtimeo = ms
        try:
            return self._sock.recv()
        except zmq.Again:
            return None

    def request(self, type: str, body: Any = None, timeout: float | None = None) -> Any:
        """Send a request and wait for its result."""
        return self.receive(self.send(type, body), type, timeout)[0]

    def _decode(self, raw: bytes, op: str) -> Message:
        try:
            return decode(raw, self.max_message_size, self.protocol_version)
        except ProtocolError as exc:
            if exc.code == "version":
                raise self._version_error(exc.peer_version) from None
            raise EngineError(f"engine {self.name!r} sent an invalid reply to {op!r}: {exc}",
                              self.name) from None

    def _version_error(self, theirs: Any) -> ProtocolVersionError:
        return ProtocolVersionError(
            f"engine {self.name!r} at {self.endpoint} speaks nrp_bridge protocol v{theirs}, this "
            f"orchestrator speaks v{self.protocol_version}; install the same nrp_bridge version "
            "on both sides", self.name)

    def _remote_error(self, body: Any, op: str) -> EngineError:
        body = body if isinstance(body, dict) else {}
        code, text = body.get("code", "?"), body.get("message", "")
        if code == "version":
            return self._version_error(body.get("protocol", "?"))
        if code == "engine":
            remote_tb = body.get("traceback", "")
            return EngineError(f"engine {self.name!r} failed in {op!r}: {text}\n"
                               f"--- traceback in the engine process ---\n{remote_tb}", self.name)
        return EngineError(f"engine {self.name!r} rejected {op!r} ({code}): {text}", self.name)

    def close(self) -> None:
        """Close the socket (linger 0: unsent messages are dropped, nothing hangs)."""
        if self._sock is not None:
            self._sock.close(linger=0)
            self._sock = None


class PendingReply:
    """The reply to a request already sent; ``result()`` waits for it."""

    def __init__(self, connection: Connection, seq: int, op: str,
                 timeout: float | None = None) -> None:
        self._connection, self._seq, self._op, self._timeout = connection, seq, op, timeout

    def result(self) -> tuple[Any, float]:
        """(result, seconds the engine spent on it); raises the EngineError family."""
        return self._connection.receive(self._seq, self._op, self._timeout)


class Server:
    """Serves requests on a ROUTER socket, one at a time, with ``handler(message) -> result``.

    ``hello`` and ``ping`` are answered here; everything else goes to the handler, whose
    exceptions become ``error`` replies (the server keeps serving). A request that is a byte-exact
    repeat of the previous one (a client retry) gets the cached reply. While the handler runs, a
    helper thread sends heartbeats to the waiting client. The server stops after ``shutdown``.

    With ``spin`` > 0 the server busy-polls for up to ``spin`` seconds after each reply before it
    blocks: a request that arrives meanwhile is taken without waking a sleeping thread, and the
    engine's caches stay warm. It costs a core while it waits; worth it for the engine on a
    closed loop's critical path (see :func:`nrp_bridge.launcher.default_spin`).
    """

    def __init__(self, endpoint: str, handler: Callable[[Message], Any], *,
                 info: dict | None = None, allow_remote: bool = False,
                 heartbeat_interval: float = DEFAULT_HEARTBEAT_INTERVAL,
                 max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
                 protocol_version: int = PROTOCOL_VERSION,
                 curve_secret_key: bytes | None = None, spin: float = 0.0) -> None:
        self._spin = check_spin(spin)
        self._handler = handler
        self._info = {"pid": os.getpid(), "spin": self._spin, **(info or {})}
        self._interval = heartbeat_interval
        self.max_message_size, self.protocol_version = max_message_size, protocol_version
        self._sock = _new_socket(zmq.ROUTER, curve_secret_key=curve_secret_key)
        self._sock.bind(check_endpoint(endpoint, allow_remote))
        self.endpoint = self._sock.getsockopt_string(zmq.LAST_ENDPOINT)
        self._lock = threading.Lock()  # the socket is used by one thread at a time
        self._busy: tuple[bytes, int, float] | None = None  # (peer, seq, since) while handling
        self._stop = threading.Event()
        self._last_request: bytes = b""
        self._last_reply: bytes = b""

    def serve_forever(self, poll_interval: float = 0.1) -> None:
        """Answer requests until a ``shutdown`` request or :meth:`stop`; then close the socket."""
        beat = threading.Thread(target=self._heartbeat_loop, name="nrp-heartbeat", daemon=True)
        beat.start()
        self._sock.rcvtimeo = max(int(poll_interval * 1000.0), 1)
        just_replied = False
        try:
            while not self._stop.is_set():
                with self._lock:
                    frames = self._spin_for_frames() if just_replied else None
                    just_replied = False
                    if frames is None:
                        try:  # a blocking receive wakes up faster than poll + recv
                            frames = self._receive_frames()
                        except zmq.Again:
                            continue
                if self._serve_one(frames[0], frames[1:]) == "shutdown":
                    break
                just_replied = self._spin > 0
        finally:
            self._stop.set()
            beat.join()
            self._sock.close(linger=0)

    def _receive_frames(self, flags: int = 0) -> list[bytes]:
        frames = [self._sock.recv(flags)]
        while self._sock.getsockopt(_RCVMORE):
            frames.append(self._sock.recv())
        return frames

    def _spin_for_frames(self) -> list[bytes] | None:
        """The next request if it arrives within ``spin`` s of busy-polling, else None."""
        deadline = time.perf_counter() + self._spin
        while time.perf_counter() < deadline:
            try:
                return self._receive_frames(_NOBLOCK)
            except zmq.Again:
                continue
        return None

    def stop(self) -> None:
        """Ask :meth:`serve_forever` to return (thread-safe)."""
        self._stop.set()

    def _serve_one(self, peer: bytes, parts: list[bytes]) -> str | None:
        if len(parts) != 1:
            self._send(peer, self._error(0, "malformed", f"expected one frame per message, got "
                                         f"{len(parts)}"))
            return None
        raw = parts[0]
        if raw == self._last_request and self._last_reply:
            self._send(peer, self._last_reply)  # a retried request: do not run it twice
            return None
        try:
            message = decode(raw, self.max_message_size, self.protocol_version)
        except ProtocolError as exc:
            self._send(peer, self._error(getattr(exc, "seq", 0), exc.code, str(exc)))
            return None
        if message.type not in REQUEST_TYPES:
            self._send(peer, self._error(message.seq, "unknown_type", f"{message.type!r} is not "
                                         f"a request; requests are {sorted(REQUEST_TYPES)}"))
            return None
        reply = self._run(peer, message)
        self._last_request, self._last_reply = raw, reply
        self._send(peer, reply)
        return message.type

    def _run(self, peer: bytes, message: Message) -> bytes:
        started = time.perf_counter()
        self._busy = (peer, message.seq, time.monotonic())
        try:
            if message.type == "hello":
                result = {**self._info, "protocol": self.protocol_version}
            elif message.type == "ping":
                result = "pong"
            else:
                result = self._handler(message)
            body = {"result": result, "elapsed": time.perf_counter() - started}
            return encode(Message("ok", body, message.seq, self.protocol_version),
                          self.max_message_size)
        except ProtocolError as exc:
            return self._error(message.seq, exc.code, str(exc))
        except Exception as exc:  # noqa: BLE001 - the engine's failure goes back to the client
            return self._error(message.seq, "engine", f"{type(exc).__name__}: {exc}",
                               tb=traceback.format_exc())
        finally:
            with self._lock:
                self._busy = None

    def _error(self, seq: int, code: str, text: str, tb: str = "") -> bytes:
        body = {"code": code, "message": text, "traceback": tb, "protocol": self.protocol_version}
        return encode(Message("error", body, seq, self.protocol_version), 2**62)

    def _send(self, peer: bytes, data: bytes) -> None:
        with self._lock:
            self._sock.send(peer, _SNDMORE)
            self._sock.send(data)

    def _heartbeat_loop(self) -> None:
        while not self._stop.wait(self._interval):
            busy = self._busy
            if busy is None or time.monotonic() - busy[2] < self._interval:
                continue
            with self._lock:
                if self._busy is busy:
                    beat = Message("heartbeat", {"busy_s": time.monotonic() - busy[2]}, busy[1],
                                   self.protocol_version)
                    try:
                        self._sock.send(busy[0], _SNDMORE | _NOBLOCK)
                        self._sock.send(encode(beat), _NOBLOCK)
                    except zmq.Again:  # the client is not reading; it will time out by itself
                        pass
