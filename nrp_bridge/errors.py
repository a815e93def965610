"""The errors the bridge raises: one family for engines, one for the wire protocol."""

from __future__ import annotations


class EngineError(RuntimeError):
    """An engine failed, died, stalled or could not be reached; the message names it and the fix."""

    def __init__(self, message: str, engine: str | None = None) -> None:
        super().__init__(message)
        self.engine = engine


class EngineTimeout(EngineError):
    """An engine is alive (it sends heartbeats) but did not finish a request within its timeout."""


class EngineDied(EngineError):
    """An engine's process exited, or it stopped answering altogether (no reply, no heartbeat)."""


class ProtocolError(ValueError):
    """Bytes on the wire that are not a valid bridge message; ``code`` says which rule they broke.

    Codes: ``malformed`` (not a msgpack envelope), ``version`` (other protocol version),
    ``unknown_type``, ``too_large`` (over the configured maximum message size),
    ``unsupported`` (a value the codec refuses to carry, e.g. an object array).
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class ProtocolVersionError(EngineError):
    """Orchestrator and engine speak different protocol versions (raised when connecting)."""
