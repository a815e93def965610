"""Live I/O with sPyNNaker's API: injection, live output, Poisson rate control, synchronised
runs and real-time pacing, in-process and from another process over ZeroMQ."""

import json
import socket
import subprocess
import sys
import threading

import numpy as np
import pytest
from spynnaker_helpers import ROOT

import spinnaker_sim as sim
from spinnaker_sim import external_devices as ed
from spinnaker_sim.external_devices import live_io as live_module
from spinnaker_sim.pynn import simulator

CELL = {"cm": 0.25, "tau_refrac": 2.0, "tau_syn_E": 5.0, "v_reset": -70.0, "v_thresh": -50.0}


def spike_times(population):
    return [sorted(float(t) for t in st.magnitude)
            for st in population.get_data("spikes").segments[-1].spiketrains]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def relay_network(**setup):
    """An injector driving 5 neurons one to one; the neurons' spikes stream live."""
    sim.setup(timestep=1.0, report_folder=None, **setup)
    inj = sim.Population(5, ed.SpikeInjector(), label="inj")
    out = sim.Population(5, sim.IF_curr_exp(**CELL), label="out")
    sim.Projection(inj, out, sim.OneToOneConnector(), sim.StaticSynapse(weight=2.0, delay=1.0))
    ed.activate_live_output_for(out)
    inj.record("spikes")
    out.record("spikes")
    return inj, out


@pytest.fixture
def connection():
    conn = ed.SpynnakerLiveSpikesConnection(receive_labels=["out"], send_labels=["inj"],
                                            local_port=None)
    yield conn
    conn.close()
    sim.end()


def test_lockstep_injection_and_live_output_are_exact(connection):
    received = []

    def answer(label, time, ids):
        received.append((time, list(ids)))
        if time < 12:
            connection.send_spike("inj", (min(ids) + 1) % 5)

    connection.add_start_resume_callback("inj", lambda label, c: c.send_spikes(label, [0, 3]))
    connection.add_receive_callback("out", answer)
    inj, out = relay_network(real_time=False)
    sim.run(60)
    # injected at tick 0; each answer to output at tick t is injected at t + 1
    assert spike_times(inj) == [[0.0], [4.0], [8.0], [0.0, 12.0], []]
    assert spike_times(out) == [[3.0], [7.0], [11.0], [3.0, 14.0], []]
    assert received == [(3, [0, 3]), (7, [1]), (11, [2]), (14, [3])]


def test_lockstep_runs_are_reproducible_and_spikes_between_runs_land_next_run(connection):
    connection.add_start_resume_callback("inj", lambda label, c: c.send_spike(label, 4))
    inj, _ = relay_network(real_time=False)
    sim.run(10)
    sim.run(10)      # the start/resume callback fires again at tick 10
    assert spike_times(inj)[4] == [0.0, 10.0]


def test_unrecorded_live_population_streams_but_is_not_recorded(connection):
    received = []
    connection.add_receive_callback("out", lambda label, t, ids: received.append(t))
    connection.add_start_resume_callback("inj", lambda label, c: c.send_spike(label, 2))
    sim.setup(timestep=1.0, report_folder=None, real_time=False)
    inj = sim.Population(5, ed.SpikeInjector(), label="inj")
    out = sim.Population(5, sim.IF_curr_exp(**CELL), label="out")
    sim.Projection(inj, out, sim.OneToOneConnector(), sim.StaticSynapse(weight=2.0, delay=1.0))
    ed.activate_live_output_for(out)
    sim.run(20)
    assert received == [3]
    assert simulator.state.live.outputs == {"out": out}
    assert out.recorder._spikes == []   # streamed, not recorded


@pytest.mark.timeout(120)
def test_other_process_injects_receives_and_sets_rates(tmp_path):
    spikes_port, poisson_port = free_port(), free_port()
    result = tmp_path / "seen.json"
    peer = subprocess.Popen([sys.executable, str(ROOT / "tests" / "spynnaker" / "remote_peer.py"),
                             str(spikes_port), str(poisson_port), str(result)],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    try:
        assert peer.stdout.readline().strip() == "ready"
        sim.setup(timestep=1.0, report_folder=None, real_time=False, rng_seed=5)
        inj = sim.Population(5, ed.SpikeInjector(database_notify_port_num=spikes_port),
                             label="inj")
        out = sim.Population(5, sim.IF_curr_exp(**CELL), label="out")
        noise = sim.Population(4, sim.SpikeSourcePoisson(rate=0.0), label="noise")
        sim.Projection(inj, out, sim.OneToOneConnector(), sim.StaticSynapse(weight=2.0))
        ed.activate_live_output_for(out, database_notify_port_num=spikes_port)
        ed.activate_live_output_for(noise, database_notify_port_num=spikes_port)
        ed.add_poisson_live_rate_control(noise, database_notify_port_num=poisson_port)
        for p in (inj, out, noise):
            p.record("spikes")
        sim.run(80)
        sim.end()
        peer.wait(timeout=60)
    finally:
        peer.kill()
    seen = json.loads(result.read_text())
    assert seen["init"] == [["inj", 5, 80.0, 1.0]]
    # injected at the right neurons and ticks: start at 0, each answer one tick after output
    expected = {(0, 1), (0, 3)} | {(t + 1, (max(ids) + 1) % 5) for t, ids in seen["out"]
                                   if t < 40}
    injected = {(int(t), i) for i, train in enumerate(spike_times(inj)) for t in train}
    assert injected == expected and len(seen["out"]) > 10
    assert seen["out"][:3] == [[3, [1, 3]], [7, [4]], [11, [0]]]
    recorded = {}
    for i, train in enumerate(spike_times(out)):
        for t in train:
            recorded.setdefault(int(t), []).append(i)
    assert [[t, ids] for t, ids in sorted(recorded.items())] == seen["out"]
    # live output reached the other process exactly as recorded
    noise_trains = spike_times(noise)
    by_tick = {}
    for i, train in enumerate(noise_trains):
        for t in train:
            by_tick.setdefault(int(t), []).append(i)
    assert [[t, sorted(ids)] for t, ids in sorted(by_tick.items())] == seen["noise"]
    # rates set live took effect: only neurons 0 and 2 fired, and none after tick 21
    assert noise_trains[1] == [] and noise_trains[3] == []
    assert len(noise_trains[0]) > 5 and len(noise_trains[2]) > 5
    assert max(noise_trains[0] + noise_trains[2]) <= 21.0


def test_run_forever_stops_on_request_and_run_sync_pauses(connection):
    def stop_at_first_output(label, time, ids):
        if time == 3:
            ed.request_stop()

    connection.add_receive_callback("out", stop_at_first_output)
    connection.add_start_resume_callback("inj", lambda label, c: c.send_spike(label, 0))
    relay_network(real_time=False)
    ed.run_forever()
    assert sim.get_current_time() == 4.0     # output at tick 3, stopped before tick 4

    seen = []

    def resume_when_paused():
        state = simulator.state
        for _ in range(1000):
            if state.t >= 64.0:
                break
            threading.Event().wait(0.01)
        threading.Event().wait(0.05)
        seen.append(state.t)                 # still paused at the sync point
        ed.continue_simulation()

    helper = threading.Thread(target=resume_when_paused)
    helper.start()
    try:
        ed.run_sync(100, 60)                 # pauses at 4 + 60 = 64 ms
    finally:
        ed.continue_simulation()
        helper.join(timeout=10)
    assert seen == [64.0] and sim.get_current_time() == 104.0


class FakeClock:
    """Wall time that only passes when the pacing loop sleeps."""

    def __init__(self):
        self.now = 0.0
        self.slept = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


@pytest.mark.parametrize("time_scale_factor", [1.0, 4.0])
def test_real_time_pacing_locks_ticks_to_the_wall_clock(monkeypatch, time_scale_factor):
    fake = FakeClock()
    monkeypatch.setattr(live_module.LiveIO, "clock", staticmethod(fake.clock))
    monkeypatch.setattr(live_module.LiveIO, "sleep", staticmethod(fake.sleep))
    sim.setup(timestep=1.0, report_folder=None, real_time=True,
              time_scale_factor=time_scale_factor)
    source = sim.Population(2, sim.SpikeSourceArray(spike_times=[[3.0], [5.0]]), label="src")
    source.record("spikes")
    sim.run(50)
    tick_s = time_scale_factor / 1000.0
    # tick k (k >= 1) starts k timesteps after tick 0 (whose run loads the kernels)
    assert len(fake.slept) == 49
    assert fake.now == pytest.approx(49 * tick_s)
    assert spike_times(source) == [[3.0], [5.0]]
    sim.end()


def test_pacing_warns_when_the_emulation_falls_behind(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(live_module.LiveIO, "clock", staticmethod(fake.clock))
    monkeypatch.setattr(live_module.LiveIO, "sleep", staticmethod(fake.sleep))
    sim.setup(timestep=1.0, report_folder=None, real_time=True)
    sim.Population(1, sim.SpikeSourceArray(spike_times=[1.0]), label="src")
    slow_run_ticks = simulator.state.run_ticks

    def slow(n):  # each tick costs 3 ms of wall time
        fake.now += 0.003 * n
        return slow_run_ticks(n)

    monkeypatch.setattr(simulator.state, "run_ticks", slow)
    with pytest.warns(UserWarning, match="cannot emulate the model at time_scale_factor=1"):
        sim.run(20)
    sim.end()


def test_connection_errors_name_the_problem(connection):
    with pytest.raises(RuntimeError, match="no simulation has connected yet"):
        connection.send_spike("inj", 0)
    with pytest.raises(ValueError, match="not in its send_labels"):
        connection.send_spike("out", 0)
    with pytest.raises(ValueError, match="'nope' is not in its receive_labels"):
        connection.add_receive_callback("nope", print)
    with pytest.raises(OSError, match="pass local_port=None"):
        ed.SpynnakerLiveSpikesConnection(local_port=connection.local_port)
    sim.setup(timestep=1.0, report_folder=None)


def test_model_errors_name_the_problem(monkeypatch):
    sim.setup(timestep=1.0, report_folder=None, real_time=False)
    cells = sim.Population(2, sim.IF_curr_exp(), label="cells")
    with pytest.raises(TypeError, match="needs a SpikeSourcePoisson population"):
        ed.add_poisson_live_rate_control(cells)
    with pytest.raises(NotImplementedError, match="physical device"):
        _ = ed.PushBotEthernetMotorDevice
    with pytest.raises(NotImplementedError, match="hardware device"):
        ed.activate_live_output_to(cells, None)
    # a connection named by port that never answers
    monkeypatch.setattr(live_module, "ANSWER_TIMEOUT_S", 0.3)
    ed.add_database_socket_address("localhost", free_port(), None)
    with pytest.raises(TimeoutError, match="did not answer 'ready'"):
        sim.run(5)
    sim.end()


def test_connection_for_labels_the_model_lacks_is_an_error():
    conn = ed.SpynnakerLiveSpikesConnection(receive_labels=["out", "typo"], local_port=None)
    try:
        relay_network(real_time=False)
        ed.add_database_socket_address(None, conn.local_port)
        with pytest.raises(ValueError, match=r"names \['typo'\]"):
            sim.run(5)
    finally:
        conn.close()
        sim.end()


def test_in_process_connection_for_another_model_is_ignored():
    other = ed.SpynnakerLiveSpikesConnection(receive_labels=["elsewhere"], local_port=None)
    try:
        relay_network(real_time=False)
        sim.run(5)
        assert other.endpoint in simulator.state.live.ignored
    finally:
        other.close()
        sim.end()


def test_out_of_range_injection_is_dropped_with_a_warning():
    sim.setup(timestep=1.0, report_folder=None, real_time=False)
    inj = sim.Population(3, ed.SpikeInjector(), label="inj")
    inj.record("spikes")
    sim.run(1)
    live = simulator.state.live
    with pytest.warns(UserWarning, match="outside 'inj'"):
        live._handle(simulator.state, {"type": "spikes", "label": "inj", "ids": [1, 7]},
                     {"inj": inj})
    sim.run(2)
    assert spike_times(inj) == [[], [1.0], []]
    sim.end()


def test_write_injection_keeps_other_schedules():
    sim.setup(timestep=1.0, report_folder=None, real_time=False)
    before = sim.Population(2, sim.SpikeSourceArray(spike_times=[[4.0], [2.0, 6.0]]), label="a")
    inj = sim.Population(3, ed.SpikeInjector(), label="inj")
    after = sim.Population(2, sim.SpikeSourceArray(spike_times=[[3.0, 5.0], [1.0]]), label="b")
    for p in (before, inj, after):
        p.record("spikes")
    sim.run(2)
    state = simulator.state
    live_module.write_injection(state.engine, 2, 3, np.array([0, 2, 2]), state.engine.tick)
    sim.run(8)
    assert spike_times(before) == [[4.0], [2.0, 6.0]]
    assert spike_times(inj) == [[2.0], [], [2.0, 2.0]]
    assert spike_times(after) == [[3.0, 5.0], [1.0]]
    sim.end()
