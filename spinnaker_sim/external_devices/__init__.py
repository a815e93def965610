"""sPyNNaker's ``external_devices``: live spike injection and output, live Poisson rates, and
synchronised runs, over ZeroMQ so another process (a robot, a visualiser) can take part.

Populations: ``SpikeInjector`` (spikes sent by a connection fire at the next timestep);
``activate_live_output_for(pop)`` (each timestep's spikes go to the connections receiving
``pop.label``); ``add_poisson_live_rate_control(pop)`` (rates set by a
``SpynnakerPoissonControlConnection`` take effect at the next timestep). Connections in the
simulating process are found automatically; one in another process is named by its port
(``database_notify_port_num=`` here, or ``add_database_socket_address``). Runs with live I/O
are paced to the wall clock (``time_scale_factor``) as on the machine, or stepped in lockstep
with every connection under ``setup(real_time=False)``. Devices that need SpiNNaker
hardware links (PushBot, retinas, motors) raise a clear error.
"""

from ..engine import layout as L
from ..pynn import simulator
from .connection import (  # noqa: F401
    LiveEventConnection,
    SpynnakerLiveSpikesConnection,
    SpynnakerPoissonControlConnection,
)
from .injector import SpikeInjector
from .live_io import get_live_io

__all__ = [
    "SpikeInjector",
    "SpynnakerLiveSpikesConnection",
    "SpynnakerPoissonControlConnection",
    "activate_live_output_for",
    "activate_live_output_to",
    "add_database_socket_address",
    "add_poisson_live_rate_control",
    "continue_simulation",
    "register_database_notification_request",
    "request_stop",
    "run_forever",
    "run_sync",
]

#: sPyNNaker devices that exist only as hardware on a SpiNNaker link or Ethernet
HARDWARE_DEVICES = (
    "EthernetControlPopulation", "EthernetSensorPopulation", "ExternalCochleaDevice",
    "ExternalFPGARetinaDevice", "MunichRetinaDevice", "MunichMotorDevice", "ArbitraryFPGADevice",
    "ExternalDeviceLifControl", "SPIFRetinaDevice", "ICUBRetinaDevice", "PushBotRetinaViewer",
    "PushBotLifEthernet", "PushBotEthernetLaserDevice", "PushBotEthernetLEDDevice",
    "PushBotEthernetMotorDevice", "PushBotEthernetSpeakerDevice", "PushBotEthernetRetinaDevice",
    "PushBotLifSpinnakerLink", "PushBotSpiNNakerLinkLaserDevice",
    "PushBotSpiNNakerLinkLEDDevice", "PushBotSpiNNakerLinkMotorDevice",
    "PushBotSpiNNakerLinkSpeakerDevice", "PushBotSpiNNakerLinkRetinaDevice",
    "MunichIoSpiNNakerLinkProtocol", "PushBotLaser", "PushBotLED", "PushBotMotor",
    "PushBotSpeaker", "PushBotRetinaResolution")


def __getattr__(name):
    if name in HARDWARE_DEVICES:
        raise NotImplementedError(
            f"external_devices.{name} drives a physical device on a SpiNNaker link, which the "
            "emulator does not have; use SpikeInjector and activate_live_output_for with a "
            "live connection (or nrp_bridge with a gymnasium robot) instead.")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def add_database_socket_address(database_notify_host: str | None,
                                database_notify_port_num: int | None,
                                database_ack_port_num: int | None = None) -> None:
    """Connect the simulation to the live connection listening on that host and port."""
    get_live_io(simulator.state).add_endpoint(database_notify_host, database_notify_port_num)


def register_database_notification_request(hostname: str | None, notify_port: int | None,
                                           ack_port: int | None = None) -> None:
    """sPyNNaker's older name for :func:`add_database_socket_address`."""
    add_database_socket_address(hostname, notify_port, ack_port)


def activate_live_output_for(population, database_notify_host: str | None = None,
                             database_notify_port_num: int | None = None,
                             database_ack_port_num: int | None = None, **packet_options) -> None:
    """Stream `population`'s spikes, each timestep, to the live connections receiving its
    label. `packet_options` (port, tag, message_type, key prefixes ...) shape hardware packets
    and change nothing here."""
    live = get_live_io(simulator.state)
    live.add_output(simulator.state, population)
    live.add_endpoint(database_notify_host, database_notify_port_num)


def activate_live_output_to(population, device, partition_id=None) -> None:
    """sPyNNaker sends spikes to a hardware device here; the emulator has none."""
    raise NotImplementedError(
        "activate_live_output_to() sends spikes to a hardware device; connect populations "
        "with a Projection, or use activate_live_output_for() with a live connection.")


def add_poisson_live_rate_control(poisson_population, control_label_extension="_control",
                                  receive_port=None, database_notify_host: str | None = None,
                                  database_notify_port_num: int | None = None,
                                  database_ack_port_num: int | None = None,
                                  notify: bool = True, reserve_reverse_ip_tag: bool = False):
    """Let a SpynnakerPoissonControlConnection set the rates of `poisson_population` (a
    SpikeSourcePoisson) during runs, from the next timestep on."""
    if getattr(poisson_population.celltype, "engine_kind", None) != L.SPIKE_SOURCE_POISSON:
        raise TypeError(f"add_poisson_live_rate_control({poisson_population.label!r}): live rate "
                        "control needs a SpikeSourcePoisson population, got "
                        f"{type(poisson_population.celltype).__name__}")
    live = get_live_io(simulator.state)
    live.rate_controlled[poisson_population.label] = poisson_population
    if notify:
        live.add_endpoint(database_notify_host, database_notify_port_num)


def run_forever(sync_time: float = 0) -> None:
    """Run until :func:`request_stop` (from a callback or another thread); with `sync_time`
    (ms), pause every `sync_time` until :func:`continue_simulation`."""
    _run_live(None, sync_time)


def run_sync(run_time: float, sync_time: float) -> None:
    """Run `run_time` ms, pausing every `sync_time` ms until :func:`continue_simulation`."""
    _run_live(run_time, sync_time)


def continue_simulation() -> None:
    """Let a run paused at a sync point go on."""
    get_live_io(simulator.state).resume.set()


def request_stop() -> None:
    """End the current run_forever()/run_sync() at the next timestep."""
    get_live_io(simulator.state).stop_requested.set()


def _run_live(run_time, sync_time):
    state = simulator.state
    live = get_live_io(state)
    if state.engine is None:
        state.build()
    live.sync_ticks = round(sync_time / state.dt) if sync_time else 0
    live.resume.clear()
    try:
        live.run(state, None if run_time is None else round(run_time / state.dt))
    finally:
        live.sync_ticks = 0
    state.running = True
