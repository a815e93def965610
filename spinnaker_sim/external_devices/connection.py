"""Live connections with sPyNNaker's names, usable from the simulating process or any other.

A connection binds a ZeroMQ socket on ``local_port`` (as sPyNNaker's connections listen for
the database notification there); the simulation connects to it when it runs, announces its
live populations, and from then on streams live output to it and takes injected spikes and
Poisson rates from it. Callbacks run on the connection's own thread (start/resume and
pause/stop callbacks on threads of their own, as in sPyNNaker), except in lockstep mode
(``setup(real_time=False)``), where every callback finishes before the simulation goes on.
"""

import logging
import queue
import threading
import weakref
from collections import defaultdict

import zmq

from . import protocol as P

#: sPyNNaker's default port for the database notification (its connections' default too)
NOTIFY_PORT = 19999
#: how long the connection's thread waits for a message before sending queued ones (s)
POLL_S = 0.001

logger = logging.getLogger(__name__)
_OPEN = weakref.WeakSet()


def open_connections() -> list:
    """The live connections open in this process (the simulation finds these by itself)."""
    return [c for c in list(_OPEN) if not c.closed]


class LiveEventConnection:
    """Receives live events of populations (``receive_labels``) and sends events to
    ``send_labels``; see the module docstring for the threads callbacks run on."""

    def __init__(self, live_packet_gather_label=None, receive_labels=None, send_labels=None,
                 local_host: str | None = None, local_port: int | None = NOTIFY_PORT):
        self.__receive = list(receive_labels or [])
        self.__send = list(send_labels or [])
        self._init_callbacks = defaultdict(list)
        self._receive_callbacks = defaultdict(list)
        self._no_time_callbacks = defaultdict(list)
        self._start_callbacks = defaultdict(list)
        self._stop_callbacks = defaultdict(list)
        self._sizes: dict[str, int] = {}
        self._lockstep = False
        self._connected = False
        self._warned = set()
        self._outbox = queue.SimpleQueue()
        self.closed = False
        self._host = local_host or "127.0.0.1"
        self._socket = zmq.Context.instance().socket(zmq.DEALER)
        self._socket.setsockopt(zmq.LINGER, 0)
        try:
            if local_port is None:
                self._port = self._socket.bind_to_random_port(f"tcp://{self._host}")
            else:
                self._socket.bind(P.endpoint(self._host, local_port))
                self._port = int(local_port)
        except zmq.ZMQError as error:
            self._socket.close()
            raise OSError(f"{type(self).__name__}: cannot listen on {self._host}:{local_port} "
                          f"({error}); pass local_port=None to use a free port") from error
        self._thread = threading.Thread(target=self._serve, daemon=True,
                                        name=f"live connection :{self._port}")
        self._thread.start()
        _OPEN.add(self)

    # ---- sPyNNaker's API --------------------------------------------------------------------
    @property
    def local_port(self) -> int:
        return self._port

    @property
    def local_ip_address(self) -> str:
        return self._host

    @property
    def endpoint(self) -> str:
        return P.endpoint(self._host, self._port)

    @property
    def receive_labels(self) -> list[str]:
        return list(self.__receive)

    @property
    def send_labels(self) -> list[str]:
        return list(self.__send)

    def add_receive_label(self, label: str) -> None:
        if label not in self.__receive:
            self.__receive.append(label)

    def add_send_label(self, label: str) -> None:
        if label not in self.__send:
            self.__send.append(label)

    def add_init_callback(self, label: str, init_callback) -> None:
        """``init_callback(label, n_neurons, run_time_ms, machine_timestep_ms)`` when the
        simulation announces its populations (before it starts)."""
        self._check_label(label)
        self._init_callbacks[label].append(init_callback)

    def add_receive_callback(self, label: str, live_event_callback,
                             translate_key: bool = True) -> None:
        """``live_event_callback(label, time, neuron_ids)`` for each timestep with spikes of
        `label` (time is the timestep number, which is ms at timestep=1.0)."""
        self._check_label(label, receive=True)
        self._receive_callbacks[label].append(live_event_callback)

    def add_receive_no_time_callback(self, label: str, live_event_callback,
                                     translate_key: bool = True) -> None:
        """``live_event_callback(label, neuron_id, None)`` for each spike of `label`."""
        self._check_label(label, receive=True)
        self._no_time_callbacks[label].append(live_event_callback)

    def add_start_resume_callback(self, label: str, start_resume_callback) -> None:
        """``start_resume_callback(label, connection)`` each time a run starts or resumes."""
        self._check_label(label)
        self._start_callbacks[label].append(start_resume_callback)

    add_start_callback = add_start_resume_callback

    def add_pause_stop_callback(self, label: str, pause_stop_callback) -> None:
        """``pause_stop_callback(label, connection)`` each time a run ends or pauses."""
        self._check_label(label)
        self._stop_callbacks[label].append(pause_stop_callback)

    def send_event(self, label: str, atom_id: int, send_full_keys: bool = False) -> None:
        self.send_events(label, [atom_id], send_full_keys)

    def send_events(self, label: str, atom_ids, send_full_keys: bool = False) -> None:
        """Inject spikes of neurons `atom_ids` of SpikeInjector `label` at the next timestep
        (keys are atom ids here, so `send_full_keys` changes nothing)."""
        ids = [int(i) for i in atom_ids]
        self._check_sendable(label, ids)
        self._send(P.encode(P.SPIKES, label=label, ids=ids))

    def close(self) -> None:
        """Stop the connection's thread and release its port."""
        if self.closed:
            return
        self.closed = True
        _OPEN.discard(self)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout=1.0)

    def __repr__(self) -> str:
        return (f"<{type(self).__name__} {self.endpoint} receive={self.__receive} "
                f"send={self.__send}>")

    # ---- checks -----------------------------------------------------------------------------
    def _check_label(self, label, receive=False):
        labels = self.__receive if receive else self.__receive + self.__send
        if label not in labels:
            kind = "receive_labels" if receive else "receive_labels or send_labels"
            raise ValueError(f"{type(self).__name__}: {label!r} is not in its {kind} "
                             f"{labels}; name it when creating the connection")

    def _check_sendable(self, label, ids):
        if label not in self.__send:
            raise ValueError(f"{type(self).__name__}: cannot send to {label!r}, which is not in "
                             f"its send_labels {self.__send}")
        if not self._connected:
            raise RuntimeError(
                f"{type(self).__name__}: no simulation has connected yet, so {label!r} cannot "
                "receive spikes; send from a start/resume callback (or after run() started)")
        size = self._sizes.get(label)
        if size is not None and any(i < 0 or i >= size for i in ids):
            bad = next(i for i in ids if i < 0 or i >= size)
            raise ValueError(f"neuron {bad} is out of range for {label!r} ({size} neurons)")

    # ---- the connection's thread ------------------------------------------------------------
    def _send(self, frame: bytes) -> None:
        """Send now from the connection's thread (keeping order with its acks), else queue."""
        if threading.current_thread() is self._thread:
            self._flush()
            self._socket.send(frame)
        else:
            self._outbox.put(frame)

    def _flush(self):
        while True:
            try:
                self._socket.send(self._outbox.get_nowait())
            except queue.Empty:
                return

    def _serve(self):
        try:
            while not self.closed:
                if self._socket.poll(int(POLL_S * 1000) or 1):
                    self._handle(P.decode(self._socket.recv()))
                self._flush()
        finally:
            self._socket.close(linger=0)

    def _handle(self, message):
        kind = message["type"]
        if kind == P.HELLO:
            self._hello(message)
        elif kind == P.SPIKES:
            for label, tick, ids in message["spikes"]:
                self._deliver(label, tick, ids)
        elif kind in (P.START, P.STOP):
            self._call_all(self._start_callbacks if kind == P.START else self._stop_callbacks)
            if self._lockstep:
                self._send(P.encode(P.ACK, tick=message["tick"]))
        elif kind == P.SYNC:
            self._send(P.encode(P.ACK, tick=message["tick"]))
        else:
            logger.warning("live connection %s ignored a %r message", self.endpoint, kind)

    def _hello(self, message):
        labels = message["labels"]
        self._sizes = {label: int(info["size"]) for label, info in labels.items()}
        self._lockstep = bool(message["lockstep"])
        self._connected = True
        for label, callbacks in self._init_callbacks.items():
            for callback in callbacks:
                self._guarded(callback, label, self._sizes.get(label, 0),
                              message["run_time_ms"], message["timestep_ms"])
        self._socket.send(P.encode(P.READY, receive=self.__receive, send=self.__send))

    def _deliver(self, label, tick, ids):
        callbacks = self._receive_callbacks.get(label, [])
        no_time = self._no_time_callbacks.get(label, [])
        if not callbacks and not no_time and label not in self._warned:
            self._warned.add(label)
            logger.warning("live spikes of %r arrived but no callback is registered; use "
                           "add_receive_callback(%r, callback)", label, label)
        for callback in callbacks:
            self._guarded(callback, label, tick, list(ids))
        for callback in no_time:
            for i in ids:
                self._guarded(callback, label, i, None)

    def _call_all(self, callbacks):
        """Run start or stop callbacks: in order here in lockstep, else each on a thread."""
        for label, functions in list(callbacks.items()):
            for function in functions:
                if self._lockstep:
                    self._guarded(function, label, self)
                else:
                    threading.Thread(target=self._guarded, args=(function, label, self),
                                     daemon=True, name=f"live callback {label}").start()

    @staticmethod
    def _guarded(function, *args):
        try:
            function(*args)
        except Exception:  # a user's callback failing must not stop the connection
            logger.exception("live connection callback %r failed", function)


class SpynnakerLiveSpikesConnection(LiveEventConnection):
    """sPyNNaker's connection for live spikes: receive from populations activated with
    ``activate_live_output_for``, send to ``SpikeInjector`` populations."""

    def __init__(self, receive_labels=None, local_port: int | None = NOTIFY_PORT,
                 send_labels=None, local_host: str | None = None):
        super().__init__("LiveSpikeReceiver", receive_labels, send_labels, local_host,
                         local_port)

    def send_spike(self, label: str, neuron_id: int, send_full_keys: bool = False) -> None:
        """Make neuron `neuron_id` of SpikeInjector `label` spike at the next timestep."""
        self.send_events(label, [neuron_id], send_full_keys)

    def send_spikes(self, label: str, neuron_ids, send_full_keys: bool = False) -> None:
        """Make neurons `neuron_ids` of SpikeInjector `label` spike at the next timestep."""
        self.send_events(label, neuron_ids, send_full_keys)


class SpynnakerPoissonControlConnection(LiveEventConnection):
    """sPyNNaker's connection that sets rates of Poisson sources registered with
    ``add_poisson_live_rate_control``, taking effect at the next timestep."""

    def __init__(self, poisson_labels=None, local_host: str | None = None,
                 local_port: int | None = NOTIFY_PORT, control_label_extension: str = "_control"):
        self._extension = control_label_extension
        super().__init__(None, None, poisson_labels, local_host, local_port)

    def set_rate(self, label: str, neuron_id: int, rate: float) -> None:
        self.set_rates(label, [(neuron_id, rate)])

    def set_rates(self, label: str, neuron_id_rates) -> None:
        """Set the rates (Hz) of Poisson `label`'s neurons from (neuron_id, rate) pairs."""
        label = self._control_label(label)
        pairs = [(int(i), float(r)) for i, r in neuron_id_rates]
        self._check_sendable(label, [i for i, _ in pairs])
        if any(r < 0 for _, r in pairs):
            raise ValueError(f"{label!r}: Poisson rates must be zero or positive (Hz)")
        self._send(P.encode(P.RATES, label=label, ids=[i for i, _ in pairs],
                            rates=[r for _, r in pairs]))

    def _control_label(self, label):
        """Accept the population's label or it with sPyNNaker's control extension."""
        if label.endswith(self._extension) and label[:-len(self._extension)] in self.send_labels:
            return label[:-len(self._extension)]
        return label
