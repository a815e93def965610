"""The codec: every numpy dtype and shape round-trips exactly; bad bytes raise typed errors."""

from __future__ import annotations

import msgpack
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nrp_bridge.errors import ProtocolError
from nrp_bridge.protocol import PROTOCOL_VERSION, Message, decode, encode

ALL_DTYPES = st.one_of(
    hnp.boolean_dtypes(), hnp.integer_dtypes(endianness="="),
    hnp.integer_dtypes(endianness=">"), hnp.unsigned_integer_dtypes(endianness="="),
    hnp.floating_dtypes(endianness="="), hnp.floating_dtypes(endianness=">"),
    hnp.complex_number_dtypes(), hnp.datetime64_dtypes(), hnp.timedelta64_dtypes(),
    hnp.byte_string_dtypes(), hnp.unicode_string_dtypes(),
    hnp.array_dtypes(max_size=3),  # structured
)


def roundtrip(value, **kwargs):
    return decode(encode(Message("ok", value, 7), **kwargs), **kwargs).body


def assert_same_array(got, want):
    assert isinstance(got, np.ndarray)
    assert got.dtype == want.dtype and got.shape == want.shape
    assert got.tobytes() == np.ascontiguousarray(want).tobytes()  # bit-exact, NaNs included


@settings(max_examples=250, deadline=None)
@given(hnp.arrays(dtype=ALL_DTYPES, shape=hnp.array_shapes(min_dims=0, max_dims=4,
                                                              min_side=0, max_side=5)))
def test_any_array_round_trips_bit_exactly(array):
    assert_same_array(roundtrip({"a": array})["a"], array)


@settings(max_examples=100, deadline=None)
@given(hnp.arrays(dtype=hnp.scalar_dtypes(), shape=(3, 4)))
def test_non_contiguous_views_round_trip(array):
    view = array.T[::-1]
    assert_same_array(roundtrip(view), view)


@settings(max_examples=200, deadline=None)
@given(hnp.from_dtype(np.dtype("float32")) | hnp.from_dtype(np.dtype("int16"))
       | hnp.from_dtype(np.dtype("complex64")) | hnp.from_dtype(np.dtype("bool"))
       | hnp.from_dtype(np.dtype("uint64")))
def test_numpy_scalars_keep_their_type(value):
    got = roundtrip(value)
    assert type(got) is type(value)
    assert np.asarray(got).tobytes() == np.asarray(value).tobytes()


PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**64 - 1) | st.floats(allow_nan=False)
    | st.text() | st.binary(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=5) | st.integers(-5, 5), children, max_size=4),
    max_leaves=20)


@settings(max_examples=100, deadline=None)
@given(PLAIN)
def test_nested_plain_values_round_trip(value):
    assert roundtrip(value) == value


def test_nested_maps_with_arrays_and_tuples():
    value = {"brain": {"pop:spike_counts": np.arange(5), "pop:spikes": np.zeros((0, 2))},
             "env": {"observation": [np.ones(3, np.float32), (1, 2)], "reward": 1.5}}
    got = roundtrip(value)
    assert_same_array(got["brain"]["pop:spike_counts"], np.arange(5))
    assert_same_array(got["brain"]["pop:spikes"], np.zeros((0, 2)))
    assert_same_array(got["env"]["observation"][0], np.ones(3, np.float32))
    assert got["env"]["observation"][1] == [1, 2]  # tuples travel as lists
    assert got["env"]["reward"] == 1.5


def test_large_array_decodes_as_a_read_only_zero_copy_view():
    frame = np.random.default_rng(0).integers(0, 255, size=(480, 640, 3 * 8), dtype=np.uint8)
    got = roundtrip(frame)
    assert_same_array(got, frame)
    assert not got.flags.writeable and not got.flags.owndata  # a view of the message bytes
    assert got.ctypes.data % 16 == 0 or got.flags.aligned


def test_object_arrays_and_unknown_objects_are_refused_not_pickled():
    with pytest.raises(ProtocolError, match="no pickle") as err:
        encode(Message("ok", np.array([{"a": 1}], dtype=object)))
    assert err.value.code == "unsupported"
    with pytest.raises(ProtocolError, match="cannot send a set") as err:
        encode(Message("ok", {1, 2}))
    assert err.value.code == "unsupported"


def test_messages_over_the_size_limit_are_refused_on_both_sides():
    message = Message("ok", np.zeros(1000))
    with pytest.raises(ProtocolError, match="exceeds the maximum message size of 100 bytes"):
        encode(message, max_size=100)
    data = encode(message)
    with pytest.raises(ProtocolError, match="over the maximum message size") as err:
        decode(data, max_size=100)
    assert err.value.code == "too_large"


@pytest.mark.parametrize("data, fragment", [
    (b"", "not a msgpack message"),
    (b"\xc1", "not a msgpack message"),
    (msgpack.packb([1, 2, 3]), "must be a map"),
    (msgpack.packb({"v": 1, "seq": 1, "type": "ok"}), "exactly the keys"),
    (msgpack.packb({"v": "1", "seq": 1, "type": "ok", "body": None}), "'v' must be"),
    (msgpack.packb({"v": 1, "seq": -4, "type": "ok", "body": None}), "'seq' must be"),
    (msgpack.packb({"v": 1, "seq": 1, "type": 3, "body": None}), "'type' must be"),
    (msgpack.packb({"v": 1, "seq": 1, "type": "ok", "body": msgpack.ExtType(1, b"\x05")}),
     "bad array header"),
    (msgpack.packb({"v": 1, "seq": 1, "type": "ok", "body": msgpack.ExtType(9, b"")}),
     "unknown msgpack ext type 9"),
])
def test_malformed_bytes_raise_protocol_errors(data, fragment):
    with pytest.raises(ProtocolError, match=fragment) as err:
        decode(data)
    assert err.value.code == "malformed"


def test_truncated_array_payload_is_malformed():
    data = encode(Message("ok", np.arange(100)))
    for cut in (1, 7, 100, len(data) // 2):
        with pytest.raises(ProtocolError) as err:
            decode(data[:-cut])
        assert err.value.code == "malformed"


def test_array_header_that_lies_about_its_size_is_malformed():
    header = msgpack.packb(["<f8", [1000]])
    payload = len(header).to_bytes(4, "little") + header + b"\0" * 64
    data = msgpack.packb({"v": 1, "seq": 1, "type": "ok", "body": msgpack.ExtType(1, payload)})
    with pytest.raises(ProtocolError, match="needs 8000 bytes"):
        decode(data)


def test_other_versions_and_unknown_types_carry_seq_for_the_error_reply():
    data = encode(Message("ping", None, 41, v=PROTOCOL_VERSION + 1))
    with pytest.raises(ProtocolError, match=f"protocol v{PROTOCOL_VERSION + 1}") as err:
        decode(data)
    assert (err.value.code, err.value.seq, err.value.peer_version) == \
        ("version", 41, PROTOCOL_VERSION + 1)
    assert decode(data, version=None).seq == 41  # readable when the version is not checked
    with pytest.raises(ProtocolError, match="unknown message type 'dance'") as err:
        decode(encode(Message("dance", None, 5)))
    assert (err.value.code, err.value.seq) == ("unknown_type", 5)
