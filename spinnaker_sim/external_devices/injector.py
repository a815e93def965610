"""The SpikeInjector cell type: a spike source whose spikes come from live connections."""

from pyNN.standardmodels import StandardCellType, build_translations

from ..engine import layout as L
from ..pynn import simulator


class SpikeInjector(StandardCellType):
    """A population of neurons that spike when a live connection sends them spikes
    (``SpynnakerLiveSpikesConnection.send_spike(label, neuron_id)``), at the next timestep.

    The keywords are sPyNNaker's: with ``database_notify_port_num`` the simulation connects
    to the live connection listening on that port (in another process, say); connections in
    the simulating process are found without it.
    """

    default_parameters = {}  # noqa: RUF012  (PyNN's class attributes)
    default_initial_values = {}  # noqa: RUF012
    recordable = ["spikes"]  # noqa: RUF012
    injectable = False
    receptor_types = ()
    translations = build_translations()
    engine_kind = L.SPIKE_INJECTOR

    def __init__(self, notify: bool = True, database_notify_host: str | None = None,
                 database_notify_port_num: int | None = None,
                 database_ack_port_num: int | None = None):
        super().__init__()
        from .live_io import get_live_io  # (live_io imports this package's connection module)
        live = get_live_io(simulator.state)
        if notify:
            live.add_endpoint(database_notify_host, database_notify_port_num)
