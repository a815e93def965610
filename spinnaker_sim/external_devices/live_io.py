"""The simulation side of live I/O: a run cut into one-tick chunks with live traffic between.

Before each tick the spikes injected since the last one are written into the SpikeInjector
schedules (so they fire at that tick) and new Poisson rates take effect; after it the tick's
live output goes to the connections that receive it. Runs are paced to the wall clock
(``time_scale_factor`` x real time) as on the machine, or, with ``setup(real_time=False)``,
stepped in lockstep: after every tick each connection acknowledges, so everything it sent in
answer to that tick's spikes arrives at the next tick, every time.
"""

import threading
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import zmq

from ..engine import layout as L
from . import protocol as P
from .connection import open_connections

#: how long the simulation waits for a live connection to answer (s)
ANSWER_TIMEOUT_S = 30.0
#: warn about real-time pacing when more than this fraction of ticks started a timestep late
LATE_FRACTION_WARNED = 0.1


def get_live_io(state) -> "LiveIO":
    """The state's live I/O controller, created on first use (setup() clears it)."""
    state.require_setup("Live I/O")
    if state.live is None:
        state.live = LiveIO()
        state.update_recording()
    return state.live


@dataclass
class Peer:
    """One live connection the simulation talks to."""

    endpoint: str
    socket: zmq.Socket
    receive: list = field(default_factory=list)
    send: list = field(default_factory=list)
    announced_to: object = None     # the engine it was last told about


class LiveIO:
    """Live populations, connections and the chunked run loop of one simulation."""

    clock = staticmethod(time.perf_counter)   # the wall clock runs are paced to
    sleep = staticmethod(time.sleep)

    def __init__(self):
        self.outputs = {}           # label -> population streaming live output
        self.rate_controlled = {}   # label -> SpikeSourcePoisson under live rate control
        self.endpoints = set()      # connections named by the script (other processes)
        self.peers: dict[str, Peer] = {}
        self.ignored = set()        # in-process connections for no population of this model
        self.pending = {}           # injector label -> list of neuron ids for the next tick
        self.sync_ticks = 0         # run_sync: pause every this many ticks
        self.stop_requested = threading.Event()
        self.resume = threading.Event()
        self.late_ticks = 0
        self.worst_lateness_s = 0.0

    # ---- registration (external_devices functions) ------------------------------------------
    def add_endpoint(self, host, port) -> None:
        if port is not None:
            self.endpoints.add(P.endpoint(host, port))

    def add_output(self, state, population) -> None:
        self.outputs[population.label] = population
        state.update_recording()

    def mark_output_atoms(self, state, spike_mask: np.ndarray) -> None:
        """Make the engine report spikes of live-output populations (called on recording set-up)."""
        for population in self.outputs.values():
            offset = self._offset(state, population)
            spike_mask[offset:offset + population.size] = 1

    def close(self) -> None:
        for peer in self.peers.values():
            peer.socket.close(linger=0)
        self.peers.clear()

    # ---- running ----------------------------------------------------------------------------
    def run(self, state, n_ticks: int | None) -> None:
        """Run `n_ticks` (None: until request_stop()) with live I/O between ticks."""
        self.stop_requested.clear()
        injectors = {p.label: p for p in state.populations
                     if p.celltype.engine_kind == L.SPIKE_INJECTOR}
        lockstep = state.real_time is False
        peers = self._connect(state, injectors, lockstep,
                              None if n_ticks is None else n_ticks * state.dt)
        self._broadcast(state, peers, injectors, P.START, lockstep, state.engine.tick)
        tick_s = state.dt * state.time_scale_factor / 1000.0
        done = 0
        start = self.clock()
        while n_ticks is None or done < n_ticks:
            if self.stop_requested.is_set():
                break
            self._receive(state, peers, injectors)
            self._inject(state, injectors)
            if not lockstep:
                self._pace(start + done * tick_s, tick_s)
            chunk = 1 if peers or n_ticks is None or self.sync_ticks or not lockstep \
                else n_ticks - done
            spikes = state.run_ticks(chunk)
            if done == 0:  # the clock starts after the first tick, which loads the kernels
                start = self.clock()
            done += chunk
            self._send_output(state, peers, spikes)
            if lockstep and peers:
                self._broadcast(state, peers, injectors, P.SYNC, True, state.engine.tick)
            if self.sync_ticks and done % self.sync_ticks == 0 and done != n_ticks:
                paused = self.clock()
                self._wait_for_resume(state, peers, injectors)
                start += self.clock() - paused
        self._broadcast(state, peers, injectors, P.STOP, lockstep, state.engine.tick)
        self._warn_if_late(state, done)

    def _pace(self, due: float, tick_s: float) -> None:
        """Sleep until the tick is due; count ticks that start over a timestep late."""
        now = self.clock()
        if now < due:
            self.sleep(due - now)
        elif now - due > tick_s:
            self.late_ticks += 1
            self.worst_lateness_s = max(self.worst_lateness_s, now - due)

    def _warn_if_late(self, state, done):
        """Warn when the emulation could not keep pace (not for a few ticks of OS jitter)."""
        if self.late_ticks > LATE_FRACTION_WARNED * max(1, done):
            warnings.warn(
                f"Real-time pacing: {self.late_ticks} of {done} timesteps started more than one "
                f"timestep late (at worst {1000 * self.worst_lateness_s:.1f} ms): this machine "
                f"cannot emulate the model at time_scale_factor={state.time_scale_factor:g}; "
                "increase time_scale_factor in setup(), or use setup(real_time=False) for "
                "lockstep live I/O.")
        self.late_ticks = 0
        self.worst_lateness_s = 0.0

    def _wait_for_resume(self, state, peers, injectors):
        """run_sync: hold at a sync point until continue_simulation() (or request_stop())."""
        while not (self.resume.is_set() or self.stop_requested.is_set()):
            self._receive(state, peers, injectors, timeout_ms=1)
        self.resume.clear()

    # ---- connections ------------------------------------------------------------------------
    def _connect(self, state, injectors, lockstep, run_time_ms):
        """Open and greet every connection this run talks to; return them."""
        labels = {label: {"size": p.size, "kind": "injector"} for label, p in injectors.items()}
        labels.update({label: {"size": p.size, "kind": "poisson"}
                       for label, p in self.rate_controlled.items()})
        labels.update({label: {"size": p.size, "kind": "output"}
                       for label, p in self.outputs.items()})
        named = set(self.endpoints) | {P.endpoint(a[0], a[1]) for a in
                                       map(_address, state.database_socket_addresses)}
        local = {c.endpoint for c in open_connections()} - named - self.ignored
        for endpoint in sorted(named | local):
            peer = self.peers.get(endpoint)
            if peer is None:
                socket = zmq.Context.instance().socket(zmq.DEALER)
                socket.setsockopt(zmq.LINGER, 0)
                socket.connect(endpoint)
                peer = self.peers[endpoint] = Peer(endpoint, socket)
            if peer.announced_to is state.engine:
                continue
            peer.socket.send(P.encode(P.HELLO, labels=labels, lockstep=lockstep,
                                      run_time_ms=run_time_ms, timestep_ms=state.dt))
            ready = self._await(peer, P.READY, state, injectors)
            peer.receive, peer.send = list(ready["receive"]), list(ready["send"])
            peer.announced_to = state.engine
            unknown = [x for x in peer.receive + peer.send if x not in labels]
            if endpoint in local and len(unknown) == len(peer.receive + peer.send):
                self.ignored.add(endpoint)   # a connection for another simulation
                self.peers.pop(endpoint).socket.close(linger=0)
            elif unknown:
                raise ValueError(_unknown_labels_message(endpoint, unknown, labels))
        return list(self.peers.values())

    def _await(self, peer, kind, state, injectors, tick=None):
        """Wait for `peer`'s message of `kind`, handling its other messages meanwhile."""
        deadline = time.monotonic() + ANSWER_TIMEOUT_S
        while time.monotonic() < deadline:
            if peer.socket.poll(100):
                message = P.decode(peer.socket.recv())
                if message["type"] == kind and (tick is None or message.get("tick") == tick):
                    return message
                self._handle(state, message, injectors)
        raise TimeoutError(
            f"The live connection at {peer.endpoint} did not answer {kind!r} within "
            f"{ANSWER_TIMEOUT_S:g} s: start the program that creates it (e.g. "
            "SpynnakerLiveSpikesConnection(local_port=...)) before run(), and in lockstep mode "
            "(real_time=False) keep its callbacks short.")

    def _broadcast(self, state, peers, injectors, kind, wait, tick):
        """Send `kind` to every connection; with `wait`, until each has acknowledged it."""
        for peer in peers:
            peer.socket.send(P.encode(kind, tick=tick))
        if wait:
            for peer in peers:
                self._await(peer, P.ACK, state, injectors, tick)

    def _receive(self, state, peers, injectors, timeout_ms=0):
        """Take everything the connections have sent so far."""
        for peer in peers:
            while peer.socket.poll(timeout_ms):
                self._handle(state, P.decode(peer.socket.recv()), injectors)
                timeout_ms = 0

    def _handle(self, state, message, injectors):
        kind, label = message["type"], message.get("label")
        if kind == P.SPIKES and label in injectors:
            ids = np.asarray(message["ids"], dtype=np.int64)
            size = injectors[label].size
            if ids.size and (ids.min() < 0 or ids.max() >= size):
                warnings.warn(f"Live spikes for neurons outside {label!r} (size {size}) dropped")
                ids = ids[(ids >= 0) & (ids < size)]
            self.pending.setdefault(label, []).append(ids)
        elif kind == P.RATES and label in self.rate_controlled:
            self._set_rates(state, self.rate_controlled[label], message["ids"], message["rates"])
        elif kind in (P.SPIKES, P.RATES):
            warnings.warn(f"Live {kind} for {label!r} dropped: no SpikeInjector or "
                          "live-rate-controlled Poisson population has that label")

    # ---- applying input, sending output ----------------------------------------------------
    def _inject(self, state, injectors):
        """Write the pending spikes into the injectors' schedules at the coming tick."""
        for label, parts in self.pending.items():
            if parts:
                population = injectors[label]
                write_injection(state.engine, self._offset(state, population), population.size,
                                np.concatenate(parts), state.engine.tick)
        self.pending = {}

    @staticmethod
    def _set_rates(state, population, ids, rates):
        rate = population._parameters["rate"].copy()
        rate[np.asarray(ids, dtype=np.int64)] = rates
        population._parameters["rate"] = rate
        state.write_parameters(population, ["rate"])

    def _send_output(self, state, peers, spikes):
        if not spikes.size:
            return
        for label, population in self.outputs.items():
            readers = [p for p in peers if label in p.receive]
            if not readers:
                continue
            offset = self._offset(state, population)
            mine = spikes[(spikes[:, 1] >= offset) & (spikes[:, 1] < offset + population.size)]
            if not mine.size:
                continue
            entries = [[label, int(tick), np.repeat(mine[mine[:, 0] == tick, 1] - offset,
                                                    mine[mine[:, 0] == tick, 2]).tolist()]
                       for tick in np.unique(mine[:, 0])]
            frame = P.encode(P.SPIKES, spikes=entries)
            for peer in readers:
                peer.socket.send(frame)

    @staticmethod
    def _offset(state, population) -> int:
        return int(state.built.atom_offset[state.populations.index(population)])


def write_injection(engine, offset: int, size: int, atoms: np.ndarray, tick: int) -> None:
    """Replace atoms [offset, offset + size)'s spike schedule by one spike per entry of
    `atoms` (population indices) at `tick`, keeping every other atom's schedule and place."""
    net = engine.net
    ptr = net.times_ptr
    lo, hi = int(ptr[offset]), int(ptr[offset + size])
    counts = np.bincount(atoms, minlength=size)
    new = np.full(int(counts.sum()), tick, dtype=np.int64)
    net.times = np.concatenate([net.times[:lo], new, net.times[hi:]])
    delta = new.size - (hi - lo)
    ptr[offset + 1:offset + size + 1] = lo + np.cumsum(counts)
    ptr[offset + size + 1:] += delta
    engine.next_index[offset:offset + size] = ptr[offset:offset + size]
    engine.next_index[offset + size:] += delta


def _address(address) -> tuple:
    """(host, port) of a sPyNNaker SocketAddress, a (host, port[, ack]) tuple or a port."""
    if isinstance(address, int):
        return None, address
    if isinstance(address, (tuple, list)):
        return address[0], address[1]
    return address.notify_host_name, address.notify_port_no


def _unknown_labels_message(endpoint, unknown, labels):
    return (f"The live connection at {endpoint} names {unknown}, which this model has no "
            f"live population for (live populations: {sorted(labels)}). Receive labels need "
            "activate_live_output_for(population), send labels a SpikeInjector population or "
            "add_poisson_live_rate_control(population), with the same label.")
