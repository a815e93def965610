"""The wire format: versioned msgpack envelopes ``{v, seq, type, body}`` with numpy arrays as
an ext type (dtype descriptor, shape, raw bytes). No pickle: only data crosses the wire.

Decoding never trusts its input: bad bytes raise :class:`ProtocolError` with a code the server
sends back as an ``error`` reply. Arrays decode zero-copy, as read-only views of the message.
"""

from __future__ import annotations

import functools
import math
import struct
from collections.abc import Mapping
from typing import Any, NamedTuple

import msgpack
import numpy as np
from numpy.lib import format as npy_format

from .errors import ProtocolError

PROTOCOL_VERSION = 1
DEFAULT_MAX_MESSAGE_SIZE = 256 * 2**20  # bytes; a few camera frames per step fit easily

REQUEST_TYPES = frozenset(
    {"hello", "initialize", "step", "get", "set", "advance", "reset", "shutdown", "ping"})
REPLY_TYPES = frozenset({"ok", "error", "heartbeat"})
MESSAGE_TYPES = REQUEST_TYPES | REPLY_TYPES

_EXT_NDARRAY = 1
_EXT_NUMPY_SCALAR = 2
_HEADER_LEN = struct.Struct("<I")
_ALIGN = 16  # array data starts on this boundary within the ext payload
_ENVELOPE_KEYS = {"v", "seq", "type", "body"}


class Message(NamedTuple):
    """One protocol message; ``seq`` pairs a reply (and its heartbeats) with its request."""

    type: str
    body: Any = None
    seq: int = 0
    v: int = PROTOCOL_VERSION


def encode(message: Message, max_size: int = DEFAULT_MAX_MESSAGE_SIZE) -> bytes:
    """Serialise a message; raises ProtocolError('unsupported' | 'too_large') instead of sending."""
    envelope = {"v": message.v, "seq": message.seq, "type": message.type, "body": message.body}
    data = msgpack.packb(envelope, default=_to_msgpack, strict_types=True, use_bin_type=True)
    if len(data) > max_size:
        raise ProtocolError("too_large", f"a {message.type!r} message of {len(data)} bytes exceeds "
                            f"the maximum message size of {max_size} bytes; raise "
                            "max_message_size on both sides or send less data per step")
    return data


def decode(data: bytes | memoryview, max_size: int = DEFAULT_MAX_MESSAGE_SIZE,
           version: int | None = PROTOCOL_VERSION) -> Message:
    """Parse and validate an envelope; ``version=None`` accepts any protocol version.

    Raises ProtocolError with code 'too_large', 'malformed', 'version' or 'unknown_type'; for
    'version' and 'unknown_type' the error carries the message's ``seq`` and ``peer_version``.
    """
    if len(data) > max_size:
        raise ProtocolError("too_large", f"received {len(data)} bytes, over the maximum message "
                            f"size of {max_size} bytes; raise max_message_size on both sides")
    try:
        envelope = msgpack.unpackb(data, raw=False, strict_map_key=False, ext_hook=_from_ext)
    except ProtocolError:
        raise
    except Exception as exc:  # noqa: BLE001 - msgpack raises many types for garbage
        raise ProtocolError("malformed", f"not a msgpack message ({type(exc).__name__}: {exc})") \
            from None
    seq = _check_envelope(envelope)
    if version is not None and envelope["v"] != version:
        raise _tagged(ProtocolError("version", f"message speaks protocol v{envelope['v']}, this "
                                    f"side speaks v{version}; install the same nrp_bridge "
                                    "version on both sides"), seq, envelope["v"])
    if envelope["type"] not in MESSAGE_TYPES:
        raise _tagged(ProtocolError("unknown_type", f"unknown message type {envelope['type']!r}; "
                                    f"known types are {sorted(MESSAGE_TYPES)}"), seq, envelope["v"])
    return Message(type=envelope["type"], body=envelope["body"], seq=seq, v=envelope["v"])


def _tagged(error: ProtocolError, seq: int, peer_version: int) -> ProtocolError:
    error.seq = seq
    error.peer_version = peer_version
    return error


def _check_envelope(envelope: Any) -> int:
    if type(envelope) is not dict or envelope.keys() != _ENVELOPE_KEYS:
        keys = sorted(map(str, envelope)) if isinstance(envelope, dict) else type(envelope).__name__
        raise ProtocolError("malformed", "a message must be a map with exactly the keys "
                            f"['body', 'seq', 'type', 'v'], got {keys}")
    v, seq, kind = envelope["v"], envelope["seq"], envelope["type"]
    if type(v) is not int or type(seq) is not int or type(kind) is not str or v < 0 or seq < 0:
        for key, value, wanted in (("v", v, int), ("seq", seq, int), ("type", kind, str)):
            if type(value) is not wanted or (wanted is int and value < 0):
                raise ProtocolError("malformed", f"field {key!r} must be a non-negative "
                                    f"{wanted.__name__}, got {value!r}")
    return seq


# ---- numpy values as msgpack ext types -----------------------------------------------------

def _to_msgpack(obj: Any) -> Any:
    """msgpack's `default` hook: arrays and numpy scalars to ext types, containers to plain ones."""
    if isinstance(obj, np.ndarray):
        return msgpack.ExtType(_EXT_NDARRAY, _pack_array(obj))
    if isinstance(obj, np.generic):
        return msgpack.ExtType(_EXT_NUMPY_SCALAR, _pack_array(np.asarray(obj)))
    for plain in (bool, int, float, str, bytes):  # subclasses, e.g. IntEnum (strict_types)
        if isinstance(obj, plain):
            return plain(obj)
    if isinstance(obj, (tuple, list)):
        return list(obj)
    if isinstance(obj, Mapping):
        return dict(obj)
    raise ProtocolError("unsupported", f"cannot send a {type(obj).__name__} ({obj!r:.80}); send "
                        "numbers, strings, bytes, lists, dicts or numpy arrays")


def _pack_array(array: np.ndarray) -> bytes:
    if array.dtype.hasobject:
        raise ProtocolError("unsupported", f"numpy arrays of dtype {array.dtype} hold Python "
                            "objects and cannot travel (no pickle); convert to a numeric or "
                            "string dtype, or to a list")
    return _array_prefix(array.dtype, array.shape) + np.ascontiguousarray(array).tobytes()


@functools.lru_cache(maxsize=1024)
def _array_prefix(dtype: np.dtype, shape: tuple[int, ...]) -> bytes:
    """What precedes an array's data in its ext payload: header length, header, padding.
    Remembered, as a loop sends arrays of the same few dtypes and shapes every step."""
    header = msgpack.packb([npy_format.dtype_to_descr(dtype), list(shape)])
    padding = b"\0" * (_data_start(len(header)) - _HEADER_LEN.size - len(header))
    return _HEADER_LEN.pack(len(header)) + header + padding


def _data_start(header_len: int) -> int:
    """Offset of the array data in an ext payload: after the header, aligned for any dtype."""
    return -(-(_HEADER_LEN.size + header_len) // _ALIGN) * _ALIGN


def _from_ext(code: int, payload: bytes) -> Any:
    if code not in (_EXT_NDARRAY, _EXT_NUMPY_SCALAR):
        raise ProtocolError("malformed", f"unknown msgpack ext type {code}")
    array = _unpack_array(payload)
    if code == _EXT_NUMPY_SCALAR:
        if array.shape != ():
            raise ProtocolError("malformed", f"a numpy scalar must have shape (), got {array.shape}")
        return array[()]
    return array


def _unpack_array(payload: bytes) -> np.ndarray:
    try:
        (header_len,) = _HEADER_LEN.unpack_from(payload)
        dtype, shape = _parse_header(payload[_HEADER_LEN.size:_HEADER_LEN.size + header_len])
    except ProtocolError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure here means a bad header
        raise ProtocolError("malformed", f"bad array header ({type(exc).__name__}: {exc})") \
            from None
    start = _data_start(header_len)
    count = math.prod(shape)
    if len(payload) - start != count * dtype.itemsize:
        raise ProtocolError("malformed", f"array of {count} x {dtype} needs "
                            f"{count * dtype.itemsize} bytes, the message has "
                            f"{len(payload) - start}")
    if count == 0 or dtype.itemsize == 0:
        return np.zeros(shape, dtype=dtype)
    return np.frombuffer(payload, dtype=dtype, count=count, offset=start).reshape(shape)


@functools.lru_cache(maxsize=1024)
def _parse_header(header: bytes) -> tuple[np.dtype, tuple[int, ...]]:
    """(dtype, shape) of an array header, checked; remembered, as :func:`_array_prefix` is."""
    descr, shape = msgpack.unpackb(header, raw=False)
    dtype = npy_format.descr_to_dtype(_as_descr(descr))
    if dtype.hasobject:
        raise ProtocolError("malformed", "arrays of Python objects are refused (no pickle)")
    if not isinstance(shape, list) or not all(type(n) is int and n >= 0 for n in shape):
        raise ProtocolError("malformed", f"bad array shape {shape!r}")
    return dtype, tuple(shape)


def _as_descr(descr: Any) -> Any:
    """msgpack turns the tuples of a structured dtype descriptor into lists; turn them back."""
    if isinstance(descr, str):
        return descr
    fields = []
    for name, fmt, *shape in descr:
        name = tuple(name) if isinstance(name, list) else name
        fields.append((name, _as_descr(fmt), *(tuple(s) for s in shape)))
    return fields
