"""Fixtures for the bridge tests: engine processes that are always stopped, raw sockets."""

from __future__ import annotations

import pytest
import zmq

from nrp_bridge.launcher import EngineProcess


@pytest.fixture
def engine_process():
    """Start ``serve-engine`` processes: ``engine_process(kind, transport="ipc")``."""
    started: list[EngineProcess] = []

    def start(kind: str = "clock", transport: str = "ipc", name: str = "test") -> EngineProcess:
        process = EngineProcess(kind, name=name, transport=transport)
        started.append(process)
        process.endpoint = process.wait_ready(30.0)
        return process

    yield start
    for process in started:
        process.stop(0.0)


@pytest.fixture
def raw_socket():
    """A DEALER socket connected to an endpoint, closed with linger 0 after the test."""
    sockets: list[zmq.Socket] = []

    def connect(endpoint: str) -> zmq.Socket:
        sock = zmq.Context.instance().socket(zmq.DEALER)
        sock.linger = 0
        sock.rcvtimeo = 5000
        sock.connect(endpoint)
        sockets.append(sock)
        return sock

    yield connect
    for sock in sockets:
        sock.close(linger=0)
