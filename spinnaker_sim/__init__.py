"""A SpiNNaker emulator as a PyNN backend: ``import spinnaker_sim as sim``.

Runs PyNN (and sPyNNaker-style) scripts with SpiNNaker's fixed-point arithmetic, 1 ms ticks,
ring-buffered delays and per-core partitioning, and says where the real machine would refuse
a model.
"""

from pyNN import errors, random, space  # noqa: F401
from pyNN.connectors import *  # noqa: F401,F403
from pyNN.network import Network  # noqa: F401
from pyNN.random import GSLRNG, NumpyRNG, RandomDistribution  # noqa: F401
from pyNN.recording import *  # noqa: F401,F403
from pyNN.space import Space  # noqa: F401
from pyNN.standardmodels import StandardCellType

from .errors import DelayTooLongError, MappingError, NotSetUpError, SpinnakerSimError  # noqa: F401
from .pynn.control import (  # noqa: F401
    end, get_current_time, get_max_delay, get_min_delay, get_time_step, initialize, map_model,
    mapping_report, num_processes, rank, reset, run, run_for, run_until,
    set_number_of_neurons_per_core, setup,
)

map = map_model  # noqa: A001  (sim.map(), as the mapping issue names it)
from .pynn.populations import Assembly, Population, PopulationView  # noqa: F401
from .pynn.procedural_api import connect, create, record, record_gsyn, record_v  # noqa: F401
from .pynn.projections import Projection  # noqa: F401
from .pynn.standardmodels import (  # noqa: F401
    ACSource, AdditiveWeightDependence, DCSource, IF_cond_exp, IF_curr_alpha, IF_curr_delta,
    IF_curr_exp, Izhikevich, MultiplicativeWeightDependence, NoisyCurrentSource, SpikePairRule,
    SpikeSourceArray, SpikeSourcePoisson, StaticSynapse, STDPMechanism, StepCurrentSource,
)

__version__ = "0.1.0"


def list_standard_models():
    """The StandardCellType classes this backend runs."""
    return [obj.__name__ for obj in globals().values()
            if isinstance(obj, type) and issubclass(obj, StandardCellType)
            and obj is not StandardCellType]


# ---- sPyNNaker compatibility: its submodules and names, the import alias, the IPython extension
from . import external_devices, extra_models  # noqa: F401
from .spynnaker_alias import install_as_spinnaker, uninstall_as_spinnaker  # noqa: F401


def name() -> str:
    """The simulator's name (sPyNNaker scripts print ``sim.name()`` in figure annotations)."""
    return "spinnaker_sim (SpiNNaker emulator)"


def load_ipython_extension(ipython) -> None:
    """``%load_ext spinnaker_sim``: ``import pyNN.spiNNaker`` gives the emulator in this kernel."""
    from .kernel import load_extension
    load_extension(ipython)
