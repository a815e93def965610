"""The live I/O wire format: msgpack maps ``{v, type, ...}`` over ZeroMQ DEALER sockets.

The simulation connects to each live connection (which binds, as sPyNNaker's connections
listen for the database notification). Simulation -> connection: ``hello`` (the model's live
labels; answered by ``ready``), ``start``, ``spikes`` (live output of one chunk), ``sync``
(lockstep only; answered by ``ack`` once everything sent before it is on the wire), ``stop``.
Connection -> simulation: ``ready``, ``spikes`` (to a SpikeInjector), ``rates`` (to a Poisson
source under live rate control), ``ack``. No pickle: plain maps, lists and numbers only.
"""

import msgpack

VERSION = 1

HELLO, READY, START, STOP, SPIKES, RATES, SYNC, ACK = (
    "hello", "ready", "start", "stop", "spikes", "rates", "sync", "ack")


class ProtocolError(RuntimeError):
    """A live I/O peer sent something this version cannot read."""


def encode(kind: str, **body) -> bytes:
    """One message of type `kind` with the given fields."""
    return msgpack.packb({"v": VERSION, "type": kind, **body}, use_bin_type=True)


def decode(frame: bytes) -> dict:
    """The message in `frame`; a clear error for other protocol versions or garbage."""
    try:
        message = msgpack.unpackb(frame, raw=False, strict_map_key=False)
    except (ValueError, msgpack.UnpackException) as error:
        raise ProtocolError(f"unreadable live I/O message ({error})") from error
    if not isinstance(message, dict) or message.get("v") != VERSION:
        version = message.get("v") if isinstance(message, dict) else None
        raise ProtocolError(
            f"live I/O message of protocol version {version!r}, expected {VERSION}: run the "
            "same spinnaker_sim version on both sides")
    return message


def endpoint(host: str | None, port: int) -> str:
    """The ZeroMQ TCP address of a live connection (loopback unless a host is named)."""
    if host in (None, "", "localhost"):
        host = "127.0.0.1"
    return f"tcp://{host}:{int(port)}"
