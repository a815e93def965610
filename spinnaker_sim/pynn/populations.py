"""Population, PopulationView and Assembly: parameters live in per-population numpy arrays
until the model is built, and are pushed to the engine when changed between runs."""

import numpy as np
from pyNN import common, errors
from pyNN.parameters import ParameterSpace, simplify
from pyNN.standardmodels import StandardCellType

from ..mapping.builder import PopulationModel
from . import simulator
from .recording import Recorder
from .standardmodels import engine_kind

POSITIVE = ("tau_m", "cm", "tau_syn_E", "tau_syn_I")
NON_NEGATIVE = ("tau_refrac", "rate", "duration")


def validate_parameters(label, parameters: dict, names=None):
    """Reject values the machine cannot run, naming the parameter and the fix (only `names`,
    when given: the ones just changed)."""
    checked = POSITIVE + NON_NEGATIVE if names is None else \
        [name for name in names if name in POSITIVE + NON_NEGATIVE]
    for name in checked:
        if name not in parameters:
            continue
        values = np.asarray(parameters[name], dtype=float)
        bad = (values <= 0) if name in POSITIVE else (values < 0)
        if bad.any():
            kind = "positive" if name in POSITIVE else "zero or positive"
            raise errors.InvalidParameterValueError(
                f"Population {label!r}: {name} must be {kind}, got {values[bad].flat[0]:g}; "
                "time constants and rates cannot be negative (or zero, for time constants).")
    if names is not None and "spike_times" not in names:
        return
    for sequence in np.ravel(parameters.get("spike_times", [])):
        times = np.asarray(getattr(sequence, "value", sequence), dtype=float)
        if np.any(np.diff(times) < 0):
            raise errors.InvalidParameterValueError(
                f"Population {label!r}: spike_times must be in increasing order, got "
                f"{times.tolist()}; sort each cell's spike times.")


class Assembly(common.Assembly):
    _simulator = simulator


class PopulationView(common.PopulationView):
    _assembly_class = Assembly
    _simulator = simulator

    def _get_parameters(self, *names):
        return _reverse(self.celltype, names, self._get_native_parameters)

    def _get_native_parameters(self, *names):
        values = {}
        for name in names:
            value = self.parent._parameters[name]
            values[name] = simplify(value[self.mask] if isinstance(value, np.ndarray) else value)
        return ParameterSpace(values, shape=(self.size,))

    def _set_parameters(self, parameter_space):
        parameter_space.evaluate(simplify=False)
        updated = {name: self.parent._parameters[name].copy() for name in parameter_space.keys()}
        for name, value in parameter_space.items():
            updated[name][self.mask] = value
        validate_parameters(self.parent.label, updated, updated.keys())
        self.parent._parameters.update(updated)
        simulator.state.write_parameters(self.parent, updated.keys())

    def _set_initial_value_array(self, variable, initial_values):
        values = initial_values.evaluate(simplify=False)
        self.parent._initial_values[variable][self.mask] = values
        self.parent._initial_values_changed()

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)


class Population(common.Population):
    __doc__ = common.Population.__doc__
    _simulator = simulator
    _recorder_class = Recorder
    _assembly_class = Assembly

    def __init__(self, size, cellclass, cellparams=None, structure=None, initial_values={},
                 label=None, additional_parameters=None):
        """As PyNN's, plus sPyNNaker's `additional_parameters`: ``spikes_per_second`` and
        ``ring_buffer_sigma`` set this population's ring-buffer weight scaling; hardware keys
        (``virtual_key``, ``port``, ...) mean nothing in the emulator and are ignored."""
        simulator.state.require_setup("Population()")
        simulator.state.require_unbuilt("Adding a Population")
        self.weight_scaling = {key: float(value) for key, value in
                               (additional_parameters or {}).items()
                               if key in ("spikes_per_second", "ring_buffer_sigma")}
        super().__init__(size, cellclass, cellparams, structure, initial_values, label)

    def _create_cells(self):
        engine_kind(self.celltype)
        state = simulator.state
        ids = np.arange(state.id_counter, state.id_counter + self.size)
        self.all_cells = np.array([simulator.ID(i) for i in ids], dtype=simulator.ID)
        self._mask_local = np.ones(self.size, dtype=bool)
        parameter_space = self.celltype.native_parameters \
            if isinstance(self.celltype, StandardCellType) else self.celltype.parameter_space
        parameter_space.shape = (self.size,)
        parameter_space.evaluate(simplify=False)
        self._parameters = parameter_space.as_dict()
        validate_parameters(self.label, self._parameters)
        self._initial_values = {}
        for cell in self.all_cells:
            cell.parent = self
        state.id_counter += self.size
        state.populations.append(self)

    def _set_initial_value_array(self, variable, initial_values):
        values = initial_values.evaluate(simplify=False)
        self._initial_values[variable] = np.broadcast_to(
            np.asarray(values, dtype=float), (self.size,)).copy()
        self._initial_values_changed()

    def _initial_values_changed(self):
        state = simulator.state
        if state.engine is not None and state.t == 0:
            state.write_population(self)

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)

    def _get_parameters(self, *names):
        return _reverse(self.celltype, names, self._get_native_parameters)

    def _get_native_parameters(self, *names):
        return ParameterSpace({name: simplify(self._parameters[name]) for name in names},
                              shape=(self.size,))

    def set(self, **parameters):
        """As PyNN's ``Population.set``; numbers and per-cell arrays of float parameters take
        a short path (see ``_plain_values``)."""
        values = self._plain_values(parameters)
        if values is None:
            super().set(**parameters)
        else:
            self._update_parameters(values)

    def _plain_values(self, parameters) -> dict | None:
        """Numbers or arrays of one number per cell for plain float parameters, as arrays: what
        a closed loop sets every step, taken without PyNN's lazy parameter spaces (the native
        names are PyNN's, so nothing needs translating). None for anything else."""
        if not isinstance(self.celltype, StandardCellType):
            return None
        plain = _plain_float_parameters(self.celltype)
        values = {}
        for name, value in parameters.items():
            if name not in plain:
                return None
            if isinstance(value, (int, float, np.integer, np.floating)):
                values[name] = np.full(self.size, float(value))
            elif isinstance(value, (np.ndarray, list)) and np.shape(value) == (self.size,):
                values[name] = np.array(value, dtype=float)
            else:
                return None
        return values

    def _set_parameters(self, parameter_space):
        parameter_space.evaluate(simplify=False, mask=self._mask_local)
        self._update_parameters({
            name: np.broadcast_to(value, (self.size,)).copy()
            if not isinstance(value, np.ndarray) or value.shape != (self.size,) else value
            for name, value in parameter_space.items()})

    def _update_parameters(self, changed: dict):
        """Take new full-size parameter arrays, check them and push them to the engine."""
        updated = dict(self._parameters, **changed)
        validate_parameters(self.label, updated, changed.keys())
        self._parameters = updated
        simulator.state.write_parameters(self, changed.keys())

    def build_model(self) -> PopulationModel:
        """What the builder needs to know of this population."""
        parameters = {name: np.asarray(value) for name, value in self._parameters.items()}
        spike_times = None
        if "spike_times" in parameters:
            spike_times = [np.asarray(seq.value, dtype=float) for seq in parameters["spike_times"]]
        return PopulationModel(label=self.label, kind=engine_kind(self.celltype), size=self.size,
                               parameters=parameters, initial_values=dict(self._initial_values),
                               slices=[], spike_times=spike_times)


_PLAIN_FLOATS: dict[type, frozenset] = {}


def _plain_float_parameters(celltype: StandardCellType) -> frozenset:
    """A standard cell type's float parameters that translate one to one: PyNN's schema's
    floats less its computed parameters. PyNN rebuilds both on every call and a closed loop
    sets parameters every step, so they are kept per cell-type class."""
    cls = type(celltype)
    if cls not in _PLAIN_FLOATS:
        computed = celltype.computed_parameters()
        _PLAIN_FLOATS[cls] = frozenset(name for name, kind in celltype.get_schema().items()
                                       if kind is float and name not in computed)
    return _PLAIN_FLOATS[cls]


def _reverse(celltype, names, get_native):
    """PyNN-named parameters from native ones (identities here, but computed ones allowed)."""
    if isinstance(celltype, StandardCellType):
        if any(name in celltype.computed_parameters() for name in names):
            native_names = celltype.get_native_names()
        else:
            native_names = celltype.get_native_names(*names)
        return celltype.reverse_translate(get_native(*native_names))
    return get_native(*names)
