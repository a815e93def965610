"""Servers that busy-poll for the next request: they answer the same, and poll only when told."""

from __future__ import annotations

import threading
import time

import pytest

from nrp_bridge import launcher
from nrp_bridge.cli import main
from nrp_bridge.engines.factory import start_engines
from nrp_bridge.engines.remote import spawn_engines
from nrp_bridge.transport import Connection, Server


def serve_in_thread(spin: float) -> tuple[Server, threading.Thread]:
    server = Server(f"inproc://spin-{spin}", lambda message: message.body, spin=spin)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def cpu_while_idle(seconds: float) -> float:
    """CPU time this process uses while its main thread sleeps `seconds`."""
    before = time.process_time()
    time.sleep(seconds)
    return time.process_time() - before


@pytest.mark.parametrize("spin", [0.0, 0.3])
def test_a_server_polls_for_spin_seconds_after_a_reply_then_sleeps(spin):
    server, thread = serve_in_thread(spin)
    connection = Connection(server.endpoint, timeout=5.0)
    try:
        assert connection.request("set", {"values": {"x": 1}}) == {"values": {"x": 1}}
        early = cpu_while_idle(0.2)  # inside the spin window
        assert connection.request("set", {"values": {"x": 2}}) == {"values": {"x": 2}}
        time.sleep(spin + 0.1)  # past it: the server blocks
        late = cpu_while_idle(0.2)
        assert connection.request("set", {"values": {"x": 3}}) == {"values": {"x": 3}}
    finally:
        connection.close()
        server.stop()
        thread.join(5.0)
    assert late < 0.05
    if spin:
        assert early > 0.05
    else:
        assert early < 0.05


def test_spin_must_be_finite_seconds_of_at_least_zero(capsys):
    for bad in (-0.001, float("inf"), float("nan"), True):
        with pytest.raises(ValueError, match="spin must be a finite number of seconds >= 0"):
            Server("inproc://bad-spin", lambda message: None, spin=bad)
    with pytest.raises(ValueError, match="spin must be"):
        launcher.EngineProcess("clock", name="x", spin=-1.0)
    assert main(["serve-engine", "--engine", "clock", "--endpoint", "ipc:///tmp/nrp-spin-bad",
                 "--spin", "-1"]) == 1
    assert "spin must be a finite number of seconds >= 0" in capsys.readouterr().err


def test_by_default_the_brain_polls_given_a_core_to_spare(monkeypatch):
    kinds = {"brain": "brain", "env": "gym"}
    monkeypatch.setattr(launcher, "usable_cpus", lambda: 2)
    assert launcher.default_spin(kinds) == {"brain": launcher.BRAIN_SPIN}
    assert launcher.default_spin({"left": "brain", "right": "brain"}) == {}
    monkeypatch.setattr(launcher, "usable_cpus", lambda: 1)
    assert launcher.default_spin(kinds) == {}


def test_a_cgroup_cpu_quota_caps_the_cpus_counted(monkeypatch, tmp_path):
    monkeypatch.setattr(launcher.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    cpu_max = tmp_path / "cpu.max"
    monkeypatch.setattr(launcher, "CGROUP_CPU_MAX", cpu_max)
    assert launcher.usable_cpus() == 4  # no cgroup file
    for text, cpus in [("max 100000\n", 4), ("150000 100000\n", 2), ("50000 100000\n", 1),
                       ("garbled\n", 4), ("a b\n", 4)]:
        cpu_max.write_text(text)
        assert launcher.usable_cpus() == cpus, text
    cpu_max.write_text("100000 100000\n")
    assert launcher.default_spin({"brain": "brain", "env": "gym"}) == {}  # one CPU's worth


def test_engine_processes_serve_with_the_spin_they_are_given(monkeypatch):
    monkeypatch.setattr(launcher, "usable_cpus", lambda: 2)
    engines = start_engines({"brain": "brain", "env": "clock"}, transport="ipc")
    try:
        assert engines["brain"].info["spin"] == launcher.BRAIN_SPIN  # the default
        assert engines["env"].info["spin"] == 0.0
    finally:
        for engine in engines.values():
            engine.shutdown()
    engines = spawn_engines({"a": "clock", "b": "clock"}, spin={"b": 0.002})
    try:
        assert (engines["a"].info["spin"], engines["b"].info["spin"]) == (0.0, 0.002)
        assert engines["b"].step(0.02) == pytest.approx(0.02)
    finally:
        for engine in engines.values():
            engine.shutdown()
    with pytest.raises(ValueError, match=r"spin names unknown engine\(s\) \['arm'\]"):
        spawn_engines({"a": "clock"}, spin={"arm": 0.001})
