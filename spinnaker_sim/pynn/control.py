"""setup(), end(), run() and the other simulation-control functions."""

import warnings

import shutil
from datetime import datetime
from pathlib import Path

from pyNN import common
from pyNN.common.control import DEFAULT_MIN_DELAY
from pyNN.recording import get_io

from . import simulator

SETUP_DEFAULTS = dict(rng_seed=None, numerics="fixed", rules="guide", time_scale_factor=1.0,
                      spikes_per_second=30.0, ring_buffer_sigma=5.0, machine="auto",
                      n_boards=None, report_folder="reports", real_time=None,
                      database_socket_addresses=None)
REPORTS_KEPT = 10
#: sPyNNaker's setup() keywords that change nothing in the emulator
ACCEPTED_SPYNNAKER_KEYWORDS = ("n_chips_required", "n_boards_required", "graph_label")
#: other backends' setup() keywords (pyNN.nest, pyNN.neuron) that mean nothing on SpiNNaker;
#: ignored with a warning so scripts written for those backends run unchanged
IGNORED_OTHER_BACKEND_KEYWORDS = ("threads", "verbosity", "spike_precision",
                                  "recording_precision", "t_flush")


def setup(timestep: float = 1.0, min_delay="auto", max_delay="auto", **extra_params) -> int:
    """Start a new simulation. SpiNNaker's defaults: 1 ms ticks, delays of 1..144 ticks.

    Extra keywords: ``rng_seed`` (int), ``numerics`` ("fixed" s16.15 as on the chip, or
    "float64"), ``rules`` ("guide" or "spynnaker7"), ``time_scale_factor``,
    ``spikes_per_second`` and ``ring_buffer_sigma`` (ring-buffer weight scaling),
    ``machine`` ("auto", "spinn3", "spinn5", "10-cabinet"), ``n_boards``, ``report_folder``
    (where end() writes the mapping report; None for none), ``real_time`` (None: lock runs
    to the wall clock at ``time_scale_factor`` only when the model uses live I/O, as on the
    machine; True: always; False: never, and live connections are then stepped in lockstep),
    ``database_socket_addresses`` (sPyNNaker's: live connections to notify, see
    ``external_devices``).
    """
    if timestep == "auto":  # sPyNNaker's spelling of its default
        timestep = 1.0
    if not isinstance(timestep, (int, float)) or timestep <= 0:
        raise ValueError(f"timestep must be a positive number of ms, got {timestep!r}; "
                         "SpiNNaker models usually use timestep=1.0 (or 0.1).")
    ignored = sorted(set(extra_params) & set(IGNORED_OTHER_BACKEND_KEYWORDS))
    if ignored:
        warnings.warn(f"setup(): {ignored} belong to other PyNN backends and are ignored by "
                      "spinnaker_sim", stacklevel=2)
    unknown = set(extra_params) - set(SETUP_DEFAULTS) - set(ACCEPTED_SPYNNAKER_KEYWORDS) \
        - set(IGNORED_OTHER_BACKEND_KEYWORDS) - {"max_delay"}
    if unknown:
        raise TypeError(f"setup() got unknown keyword(s) {sorted(unknown)}; valid extras are "
                        f"{sorted(SETUP_DEFAULTS)}")
    options = {key: extra_params.get(key, default) for key, default in SETUP_DEFAULTS.items()}
    if options["numerics"] not in ("fixed", "float64"):
        raise ValueError(f"numerics={options['numerics']!r}: use 'fixed' or 'float64'")
    if options["time_scale_factor"] is None:
        options["time_scale_factor"] = 1.0
    if min_delay == DEFAULT_MIN_DELAY:
        min_delay = timestep
    if max_delay == "auto":
        max_delay = 144 * timestep
    common.setup(timestep, min_delay, max_delay=max_delay)
    seed = options.pop("rng_seed")
    simulator.state.configure(timestep, min_delay, max_delay,
                              0 if seed is None else int(seed), **options)
    if options["real_time"]:  # wall-clock pacing runs through the live I/O loop
        from ..external_devices.live_io import get_live_io
        get_live_io(simulator.state)
    return rank()


def end(compatible_output: bool = True) -> None:
    """Write the data requested with ``record(..., to_file=...)`` and the mapping report (with
    provenance, under ``report_folder``), and finish the simulation."""
    state = simulator.state
    for population, variables, filename in state.write_on_end:
        population.write_data(get_io(filename), variables)
    state.write_on_end = []
    if state.live is not None:
        state.live.close()
    if state.mapping is not None and state.report_folder:
        state.attach_provenance()
        state.mapping.report().write(new_report_folder(state.report_folder))
    state.is_set_up = False


def new_report_folder(root: str, keep: int = REPORTS_KEPT) -> Path:
    """A fresh time-stamped folder under `root`, keeping only the newest `keep` (as sPyNNaker)."""
    root = Path(root)
    folder = root / datetime.now().strftime("%Y-%m-%d-%H-%M-%S-%f")
    folder.mkdir(parents=True)
    for old in sorted(p for p in root.iterdir() if p.is_dir())[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
    return folder


_run, _run_until = common.build_run(simulator)


def run(simtime: float, callbacks=None) -> float:
    __doc__ = _run.__doc__  # noqa: F841
    simulator.state.require_setup("run()")
    if simtime < 0:
        raise ValueError(f"run({simtime}): the run time must be zero or positive (ms).")
    return _run(simtime, callbacks)


def run_until(time_point: float, callbacks=None) -> float:
    simulator.state.require_setup("run_until()")
    return _run_until(time_point, callbacks)


run.__doc__ = _run.__doc__
run_until.__doc__ = _run_until.__doc__
run_for = run
reset = common.build_reset(simulator)
initialize = common.initialize
get_current_time, get_time_step, get_min_delay, get_max_delay, num_processes, rank = \
    common.build_state_queries(simulator)


def set_number_of_neurons_per_core(neuron_type, max_permitted: int) -> None:
    """sPyNNaker's cap on atoms per core for a cell type (it can only lower the default)."""
    simulator.state.require_setup("set_number_of_neurons_per_core()")
    if isinstance(max_permitted, tuple):
        n = 1
        for size in max_permitted:
            n *= int(size)
        max_permitted = n
    if int(max_permitted) < 1:
        raise ValueError(f"set_number_of_neurons_per_core({neuron_type.__name__}, "
                         f"{max_permitted}): needs at least 1 atom per core")
    simulator.state.neurons_per_core[neuron_type] = int(max_permitted)


def map_model():
    """Map the model onto the virtual machine now, without running: returns the mapping
    report (a MappingError says where the real machine would refuse the model)."""
    simulator.state.require_setup("map()")
    return simulator.state.map().report()


def mapping_report():
    """The mapping report of the current run: partitioning, placement, SDRAM, delay
    extensions, CPU estimates and, after a run, per-core provenance."""
    state = simulator.state
    state.require_setup("mapping_report()")
    mapping = state.mapping or state.map()
    state.attach_provenance()
    return mapping.report()
