"""Transport with real sockets and real engine processes: errors are replies, never crashes."""

from __future__ import annotations

import threading

import msgpack
import numpy as np
import pytest
import zmq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nrp_bridge import EngineDied, EngineError, EngineTimeout, ProtocolVersionError, RemoteEngine
from nrp_bridge.engines.remote import spawn_engine
from nrp_bridge.protocol import PROTOCOL_VERSION, Message, decode, encode
from nrp_bridge.transport import Connection, Server, check_endpoint


def ask(sock: zmq.Socket, data: bytes | list[bytes]) -> Message:
    """Send raw frame(s), return the decoded reply (any protocol version)."""
    if isinstance(data, list):
        sock.send_multipart(data)
    else:
        sock.send(data)
    return decode(sock.recv(), version=None)


def ping(sock: zmq.Socket, seq: int) -> Message:
    return ask(sock, encode(Message("ping", None, seq)))


@pytest.fixture(scope="module")
def clock_server():
    """One clock engine process shared by the fuzz tests (it must survive all of them)."""
    engine = spawn_engine("clock", name="fuzzed", timeout=5.0, heartbeat_timeout=3.0)
    yield engine
    engine.shutdown()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.binary(max_size=300))
def test_garbage_gets_an_error_reply_and_the_server_keeps_serving(clock_server, raw_socket,
                                                                    garbage):
    sock = raw_socket(clock_server.endpoint)
    reply = ask(sock, garbage)
    assert reply.type == "error"
    assert reply.body["code"] in ("malformed", "unknown_type", "version")
    assert reply.body["message"]
    assert ping(sock, 99).body["result"] == "pong"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=1, max_value=200))
def test_truncated_frames_get_malformed_replies(clock_server, raw_socket, cut):
    sock = raw_socket(clock_server.endpoint)
    valid = encode(Message("set", {"values": {"x": np.arange(30.0)}}, 3))
    reply = ask(sock, valid[:max(len(valid) - cut, 0)])
    assert reply.type == "error" and reply.body["code"] == "malformed"
    assert ping(sock, 4).type == "ok"


def test_protocol_level_mistakes_get_typed_error_replies(clock_server, raw_socket):
    sock = raw_socket(clock_server.endpoint)
    cases = [
        ([b"one", b"two"], "malformed", "expected one frame"),
        (encode(Message("ok", None, 5)), "unknown_type", "is not a request"),
        (encode(Message("step", {"dt": -1}, 6)), "bad_request", "'dt' must be a positive"),
        (encode(Message("get", {"names": "time"}, 7)), "bad_request", "'names' must be a list"),
        (encode(Message("initialize", [], 8)), "bad_request", "must be a map"),
        (encode(Message("ping", None, 9, v=PROTOCOL_VERSION + 7)), "version",
         f"protocol v{PROTOCOL_VERSION + 7}"),
        (encode(Message("get", {"names": ["nope"]}, 10)), "engine", "clock engine has no"),
    ]
    for data, code, fragment in cases:
        reply = ask(sock, data)
        assert reply.type == "error", data
        assert reply.body["code"] == code
        assert fragment in reply.body["message"]
        if isinstance(data, bytes) and code != "malformed":
            assert reply.seq == msgpack.unpackb(data)["seq"]  # replies pair with requests
    assert ping(sock, 11).type == "ok"


def test_a_retried_request_is_answered_from_the_cache_not_run_twice(engine_process, raw_socket):
    process = engine_process("clock")
    sock = raw_socket(process.endpoint)
    assert ask(sock, encode(Message("initialize", {"config": {"timestep": 0.01}}, 1))).type == "ok"
    step = encode(Message("step", {"dt": 0.02}, 2))
    first, again = ask(sock, step), ask(sock, step)
    assert first.body["result"] == again.body["result"] == pytest.approx(0.02)
    assert ask(sock, encode(Message("get", {"names": ["time"]}, 3))).body["result"] == \
        {"time": pytest.approx(0.02)}  # the clock stepped once


def test_version_mismatch_is_a_clear_error_at_connect(engine_process):
    process = engine_process("clock")
    with pytest.raises(ProtocolVersionError) as err:
        RemoteEngine(process.endpoint, name="brain", protocol_version=PROTOCOL_VERSION + 1,
                     connect_timeout=5.0)
    message = str(err.value)
    assert f"speaks nrp_bridge protocol v{PROTOCOL_VERSION}" in message
    assert f"this orchestrator speaks v{PROTOCOL_VERSION + 1}" in message
    assert "install the same nrp_bridge version on both sides" in message
    assert err.value.engine == "brain"
    # the server is still fine for a client that speaks its version
    engine = RemoteEngine(process.endpoint, name="brain")
    assert engine.info["protocol"] == PROTOCOL_VERSION and engine.info["pid"] == process.pid
    engine.connection.close()


def test_heartbeats_keep_a_long_step_alive_and_the_timeout_still_bounds_it():
    engine = spawn_engine("bridge_engines:SleepyEngine", name="slow", timeout=1.5,
                          heartbeat_timeout=0.6)
    try:
        engine.initialize({"sleep": 1.0, "sleep_at": 1})
        assert engine.step(0.02) == pytest.approx(0.02)  # 1 s > heartbeat_timeout: beats kept it
        engine.initialize({"sleep": 2.5, "sleep_at": 1})
        with pytest.raises(EngineTimeout, match="did not finish 'step' within 1.5 s"):
            engine.step(0.02)
    finally:
        engine.kill()


def test_a_dead_peer_without_a_process_handle_is_detected_by_silence(engine_process):
    process = engine_process("clock")
    connection = Connection(process.endpoint, name="env", heartbeat_timeout=0.5, retries=1)
    try:
        assert connection.request("ping") == "pong"
        process.popen.kill()
        process.popen.wait()
        with pytest.raises(EngineDied, match="'env' .* stopped answering: no reply and no "
                                             "heartbeat to 'ping' for 0.5 s"):
            connection.request("ping")
    finally:
        connection.close()


def test_engine_exceptions_come_back_with_the_remote_traceback():
    engine = spawn_engine("bridge_engines:FailingEngine", name="arm", timeout=5.0)
    try:
        engine.initialize({"fail_at": 1})
        with pytest.raises(EngineError) as err:
            engine.step(0.02)
        assert "engine 'arm' failed in 'step': RuntimeError: motor driver overheated" in \
            str(err.value)
        assert "traceback in the engine process" in str(err.value)
        assert "bridge_engines.py" in str(err.value)
        assert engine.get(["time"]) == {"time": 0.0}  # the server kept serving
    finally:
        engine.shutdown()


def test_values_that_cannot_travel_are_refused_in_both_directions():
    engine = spawn_engine("bridge_engines:OddEngine", name="odd", timeout=5.0)
    try:
        engine.initialize({})
        with pytest.raises(EngineError, match="cannot send 'set' to engine 'odd': cannot send "
                                              "a set"):
            engine.set({"weird": {1, 2}})
        with pytest.raises(EngineError, match=r"engine 'odd' rejected 'get' \(unsupported\): "
                                              "cannot send a object"):
            engine.get(["anything"])
        assert engine.step(0.02) == pytest.approx(0.02)
    finally:
        engine.shutdown()


def test_tcp_with_curve_keys_round_trips():
    public, secret = zmq.curve_keypair()
    server = Server("tcp://127.0.0.1:*", lambda m: (m.body or {}).get("values"),
                    curve_secret_key=secret)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    connection = Connection(server.endpoint, curve_server_key=public, timeout=5.0)
    try:
        assert connection.request("set", {"values": [1, 2]}) == [1, 2]
        assert connection.request("hello")["protocol"] == PROTOCOL_VERSION
    finally:
        connection.request("shutdown")
        connection.close()
        thread.join(5.0)
    assert not thread.is_alive()


@pytest.mark.parametrize("endpoint", ["tcp://0.0.0.0:5555", "tcp://192.168.1.4:5555",
                                      "tcp://*:5555"])
def test_binding_beyond_loopback_needs_allow_remote(endpoint):
    with pytest.raises(ValueError, match="exposes the engine to other hosts"):
        check_endpoint(endpoint)
    assert check_endpoint(endpoint, allow_remote=True) == endpoint


@pytest.mark.parametrize("endpoint", ["udp://x", "ipc://", "127.0.0.1:80"])
def test_bad_endpoints_are_named(endpoint):
    with pytest.raises(ValueError, match="is not inproc://NAME, ipc://PATH or tcp://HOST:PORT"):
        check_endpoint(endpoint)


def lossy_server(drop: int) -> tuple[str, threading.Thread, list[bytes]]:
    """A bare ROUTER that ignores the first ``drop`` requests, then answers one ping."""
    sock = zmq.Context.instance().socket(zmq.ROUTER)
    sock.linger = 0
    sock.rcvtimeo = 5000
    sock.bind("tcp://127.0.0.1:*")
    seen: list[bytes] = []

    def serve():
        try:
            for _ in range(drop + 1):
                peer, raw = sock.recv_multipart()
                seen.append(raw)
            reply = Message("ok", {"result": "pong", "elapsed": 0.0}, decode(raw).seq)
            sock.send_multipart([peer, encode(reply)])
        except zmq.Again:
            pass
        finally:
            sock.close(linger=0)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return sock.getsockopt_string(zmq.LAST_ENDPOINT), thread, seen


def test_a_lost_request_is_resent_on_a_fresh_socket():
    endpoint, thread, seen = lossy_server(drop=1)
    connection = Connection(endpoint, heartbeat_timeout=0.3, retries=1)
    try:
        assert connection.request("ping") == "pong"
    finally:
        connection.close()
        thread.join(5.0)
    assert len(seen) == 2 and seen[0] == seen[1]  # the same bytes: the server can dedup


def test_without_retries_a_lost_request_means_a_dead_engine():
    endpoint, _, _ = lossy_server(drop=1)
    connection = Connection(endpoint, name="arm", heartbeat_timeout=0.3, retries=0)
    try:
        with pytest.raises(EngineDied, match="engine 'arm' at tcp://127.0.0.1:.* stopped "
                                             "answering"):
            connection.request("ping")
    finally:
        connection.close()
