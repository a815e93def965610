"""Cell types, synapse types and current sources of the emulator (PyNN standard models).

Native names are PyNN's own (the builder converts to machine units), so the translation
tables are identities; each cell type names the engine core kind that runs it.
"""

import numpy as np
from pyNN.standardmodels import build_translations, cells, electrodes, synapses
from pyNN import errors
from pyNN.parameters import ParameterSpace, Sequence
from pyNN.standardmodels import StandardCellType

from ..engine import layout as L
from . import simulator


def _identity(*names):
    return build_translations(*[(n, n) for n in names])


class PyNNNames:
    """Cell types whose native names are PyNN's: a parameter space built just for one call
    (``Population.set``) is translated without PyNN's deep copy (a third of a closed-loop step);
    the cell type's own parameter space is still copied."""

    def translate(self, parameters, copy=True):
        return super().translate(parameters, copy=copy and parameters is self.parameter_space)


_LIF = ("v_rest", "cm", "tau_m", "tau_refrac", "tau_syn_E", "tau_syn_I", "v_thresh",
        "v_reset", "i_offset")


class IF_curr_exp(PyNNNames, cells.IF_curr_exp):
    __doc__ = cells.IF_curr_exp.__doc__
    translations = _identity(*_LIF)
    engine_kind = L.LIF_CURR_EXP
    recordable = ["spikes", "v", "gsyn_exc", "gsyn_inh"]
    units = dict(cells.IF_curr_exp.units, gsyn_exc="nA", gsyn_inh="nA")


class IF_cond_exp(PyNNNames, cells.IF_cond_exp):
    __doc__ = cells.IF_cond_exp.__doc__
    translations = _identity(*_LIF, "e_rev_E", "e_rev_I")
    engine_kind = L.LIF_COND_EXP


class IF_curr_alpha(PyNNNames, cells.IF_curr_alpha):
    __doc__ = cells.IF_curr_alpha.__doc__
    translations = _identity(*_LIF)
    engine_kind = L.LIF_CURR_ALPHA
    recordable = ["spikes", "v", "gsyn_exc", "gsyn_inh"]
    units = dict(cells.IF_curr_alpha.units, gsyn_exc="nA", gsyn_inh="nA")


class IF_curr_delta(PyNNNames, cells.IF_curr_delta):
    __doc__ = cells.IF_curr_delta.__doc__
    translations = _identity("v_rest", "cm", "tau_m", "tau_refrac", "v_thresh", "v_reset",
                             "i_offset")
    engine_kind = L.LIF_CURR_DELTA


class Izhikevich(PyNNNames, cells.Izhikevich):
    __doc__ = cells.Izhikevich.__doc__ + """
    On SpiNNaker (and here) synapses onto Izhikevich neurons are current-based exponentials
    with tau_syn = 5 ms; weights are in nA.
    """
    translations = _identity("a", "b", "c", "d", "i_offset")
    engine_kind = L.IZHIKEVICH


class SpikeSourcePoisson(PyNNNames, cells.SpikeSourcePoisson):
    __doc__ = cells.SpikeSourcePoisson.__doc__
    translations = _identity("rate", "start", "duration")
    engine_kind = L.SPIKE_SOURCE_POISSON


class SpikeSourceArray(PyNNNames, cells.SpikeSourceArray):
    __doc__ = cells.SpikeSourceArray.__doc__
    translations = _identity("spike_times")
    engine_kind = L.SPIKE_SOURCE_ARRAY


class StaticSynapse(synapses.StaticSynapse):
    __doc__ = synapses.StaticSynapse.__doc__
    translations = _identity("weight", "delay")

    def _get_minimum_delay(self):
        return simulator.state.min_delay


class STDPMechanism(synapses.STDPMechanism):
    __doc__ = synapses.STDPMechanism.__doc__
    base_translations = _identity("weight", "delay", "dendritic_delay_fraction")

    def _get_minimum_delay(self):
        return simulator.state.min_delay


class AdditiveWeightDependence(synapses.AdditiveWeightDependence):
    __doc__ = synapses.AdditiveWeightDependence.__doc__
    translations = _identity("w_max", "w_min")
    dependence = 0


class MultiplicativeWeightDependence(synapses.MultiplicativeWeightDependence):
    __doc__ = synapses.MultiplicativeWeightDependence.__doc__
    translations = _identity("w_max", "w_min")
    dependence = 1


class SpikePairRule(synapses.SpikePairRule):
    __doc__ = synapses.SpikePairRule.__doc__
    translations = _identity("tau_plus", "tau_minus", "A_plus", "A_minus")


class CurrentSource(object):
    """Current sources compute their per-tick current for the ticks of each run."""

    _log = None  # (times, currents) of each run once record() is called

    def inject_into(self, cells):
        for cell in cells:
            if not cell.celltype.injectable:
                raise TypeError("Can't inject current into a spike source.")
        simulator.state.add_current_source(self, cells)

    def _reset(self):
        if self._log is not None:
            self._log = ([], [])

    def record(self) -> None:
        """Keep the current this source injects at each tick, for get_data()."""
        self._log = ([], [])

    def log_current(self, times_ms: np.ndarray, current_na: np.ndarray) -> None:
        """Called with the current of each run's ticks; kept only if record() was called."""
        if self._log is not None:
            self._log[0].append(times_ms)
            self._log[1].append(current_na)

    def _get_data(self):
        """(times, currents): each tick's current at its start time, and the present time's."""
        if self._log is None:
            raise errors.RecordingError("current", self)
        now = np.array([simulator.state.t])
        return (np.concatenate(self._log[0] + [now]),
                np.concatenate(self._log[1] + [self.current(now)]))

    def current(self, times_ms: np.ndarray) -> np.ndarray:
        """The current (nA) during the ticks starting at `times_ms`."""
        raise NotImplementedError

    def _window(self, times_ms):
        names = self.parameter_space.keys()
        start = self._value("start") if "start" in names else 0.0
        stop = self._value("stop") if "stop" in names else np.inf
        return (times_ms >= start - 1e-9) & (times_ms < stop - 1e-9)

    def _value(self, name):
        space = self.parameter_space
        space.shape = (1,)
        value = space[name].evaluate(simplify=True)
        return value.value if hasattr(value, "value") else value

    def get_native_parameters(self) -> ParameterSpace:
        """The parameters as stored (native names are PyNN's), each a plain value."""
        return ParameterSpace({name: self._value(name) for name in self.parameter_space.keys()})

    def set_native_parameters(self, parameters: ParameterSpace) -> None:
        """Store new values; the engine picks them up at the next run()."""
        self.parameter_space.update(**parameters)
        simulator.state.current_sources_changed = True


class DCSource(CurrentSource, electrodes.DCSource):
    __doc__ = electrodes.DCSource.__doc__
    translations = _identity("amplitude", "start", "stop")

    def current(self, times_ms):
        return np.where(self._window(times_ms), self._value("amplitude"), 0.0)


class ACSource(CurrentSource, electrodes.ACSource):
    __doc__ = electrodes.ACSource.__doc__
    translations = _identity("amplitude", "start", "stop", "frequency", "offset", "phase")

    def current(self, times_ms):
        # the phase counts from `start`, as in PyNN's other backends (its issue 497)
        since_start = times_ms - self._value("start")
        phase = 2 * np.pi * self._value("frequency") * since_start / 1000.0 \
            + np.deg2rad(self._value("phase"))
        wave = self._value("offset") + self._value("amplitude") * np.sin(phase)
        return np.where(self._window(times_ms), wave, 0.0)


class StepCurrentSource(CurrentSource, electrodes.StepCurrentSource):
    __doc__ = electrodes.StepCurrentSource.__doc__
    translations = _identity("amplitudes", "times")

    def __init__(self, **parameters):
        super().__init__(**parameters)
        self._snap_to_ticks()

    def set_native_parameters(self, parameters: ParameterSpace) -> None:
        super().set_native_parameters(parameters)
        self._snap_to_ticks()

    def _snap_to_ticks(self):
        """Check the times, move them onto the tick grid; where two share a tick, the later
        amplitude wins (as in PyNN's other backends)."""
        times = np.asarray(self._value("times"), dtype=float)
        amplitudes = np.asarray(self._value("amplitudes"), dtype=float)
        if np.any(times < 0):
            raise ValueError(f"StepCurrentSource times must be zero or positive (ms), got "
                             f"{times.tolist()}")
        if np.any(np.diff(times) <= 0):
            raise ValueError(f"StepCurrentSource times must increase strictly, got "
                             f"{times.tolist()}; sort them and merge repeated times")
        ticks = np.rint(times / simulator.state.dt)
        last_in_tick = np.r_[ticks[1:] != ticks[:-1], True]
        self.parameter_space.update(times=Sequence(ticks[last_in_tick] * simulator.state.dt),
                                    amplitudes=Sequence(amplitudes[last_in_tick]))

    def current(self, times_ms):
        times = np.asarray(self._value("times"), float)
        amplitudes = np.asarray(self._value("amplitudes"), float)
        index = np.searchsorted(times, times_ms + 1e-9, side="right") - 1
        return np.where(index >= 0, amplitudes[np.maximum(index, 0)], 0.0)


class NoisyCurrentSource(CurrentSource, electrodes.NoisyCurrentSource):
    __doc__ = electrodes.NoisyCurrentSource.__doc__
    translations = _identity("mean", "stdev", "start", "stop", "dt")

    def current(self, times_ms):
        # a new value every `dt` ms, from the simulation's seeded generator
        dt = self._value("dt") or simulator.state.dt
        step = np.floor(times_ms / dt + 1e-9).astype(np.int64)
        rng = np.random.default_rng([simulator.state.rng_seed, id(self) % 2**31, step[0]])
        draws = rng.normal(self._value("mean"), self._value("stdev"), step[-1] - step[0] + 1)
        return np.where(self._window(times_ms), draws[step - step[0]], 0.0)


def engine_kind(celltype: StandardCellType) -> int:
    """The engine core kind of a cell type, or a clear error for models we do not run."""
    try:
        return celltype.engine_kind
    except AttributeError:
        raise NotImplementedError(
            f"{type(celltype).__name__} is not a model the SpiNNaker emulator runs; use one "
            "of IF_curr_exp, IF_cond_exp, IF_curr_alpha, IF_curr_delta, Izhikevich, "
            "SpikeSourcePoisson, SpikeSourceArray")
