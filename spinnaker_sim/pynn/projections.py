"""Projection: connections (see ``connect.py``) with their weights, delays, ... as flat arrays."""

import warnings

import numpy as np
from pyNN import common, errors
from pyNN.parameters import ParameterSpace
from pyNN.space import Space

from ..mapping.builder import ProjectionModel
from ..mapping.connections import MappedConnections
from ..mapping.neuron_parameters import weight_scale
from ..mapping.synaptic_matrix import compact_uint
from ..mapping.weight_scaling import quantise
from . import simulator
from .connect import connect
from .standardmodels import STDPMechanism, StaticSynapse


COMBINE = {"sum": (np.add, 0.0), "min": (np.minimum, np.inf), "max": (np.maximum, -np.inf)}


class Connection(common.Connection):
    """One connection, as PyNN's ``Projection[i]`` returns it."""

    _OWN = ("projection", "i", "presynaptic_index", "postsynaptic_index")

    def __init__(self, projection, i, presynaptic_index, postsynaptic_index):
        self.projection = projection
        self.i = i
        self.presynaptic_index = int(presynaptic_index)
        self.postsynaptic_index = int(postsynaptic_index)

    def __getattr__(self, name):
        values = self.projection._attribute_values(name)
        if values is None:
            raise AttributeError(name)
        return float(values[self.i])

    def as_tuple(self, *attribute_names):
        return tuple(getattr(self, name) for name in attribute_names)

    def __setattr__(self, name, value):
        if name in self._OWN:
            object.__setattr__(self, name, value)
            return
        name = {"weights": "weight", "delays": "delay"}.get(name, name)
        if name not in self.projection._values:
            raise AttributeError(f"connections of this projection have no attribute {name!r}")
        simulator.state.require_unbuilt("Changing weights or delays")
        self.projection._writable_values(name)[self.i] = float(value)


class Projection(common.Projection):
    __doc__ = common.Projection.__doc__
    _simulator = simulator
    _static_synapse_class = StaticSynapse

    def __init__(self, presynaptic_population, postsynaptic_population, connector,
                 synapse_type=None, source=None, receptor_type=None, space=Space(), label=None):
        state = simulator.state
        state.require_setup("Projection()")
        for pop in (presynaptic_population, postsynaptic_population):
            if not _belongs_to_current_simulation(pop):
                raise errors.ConnectionError(
                    f"Population {pop.label!r} belongs to an earlier setup(); create the "
                    "populations again after the latest setup() before projecting between them.")
        state.require_unbuilt("Adding a Projection")
        super().__init__(presynaptic_population, postsynaptic_population, connector,
                         synapse_type, source, receptor_type, space, label)
        self._connections, parameters = connect(self)
        self._values = {name: _shared_if_equal(v) for name, v in parameters.items()}
        state.projections.append(self)

    def __len__(self):
        return self._connections.size

    @property
    def connections(self):
        """An iterator over the connections, as pyNN.nest's Projection.connections."""
        pre, post = self._connections.arrays()
        return (Connection(self, i, pre[i], post[i]) for i in range(len(self)))

    def __getitem__(self, i):
        if isinstance(i, int) and not 0 <= i < len(self):
            raise IndexError(f"connection index {i} out of range")
        pre, post = self._connections.arrays()
        if isinstance(i, int):
            return Connection(self, i, pre[i], post[i])
        return [Connection(self, j, pre[j], post[j]) for j in range(len(self))[i]]

    def _convergent_connect(self, presynaptic_indices, postsynaptic_index, **parameters):
        raise NotImplementedError  # replaced while PyNN's generic connect() runs

    # ---- attributes -------------------------------------------------------------------------
    def _attribute_values(self, name):
        """Current values of one attribute per connection (weights read back once built)."""
        name = {"weights": "weight", "delays": "delay"}.get(name, name)
        if name == "weight":
            return self._current_weights()
        return self._values.get(name)

    def _current_weights(self):
        """The weights as the machine holds them once built: 16-bit in fixed point, and as
        STDP left them on a plastic projection."""
        state = simulator.state
        weights = self._values["weight"]
        plastic = isinstance(self.synapse_type, STDPMechanism)
        if state.built is None or not (plastic or state.fixed):
            return weights
        j = state.projections.index(self)
        post_parent, post_map = _parent_map(self.post)
        post_index = self._connections.arrays()[1]
        if post_map is not None:
            post_index = post_map[np.asarray(post_index)]
        model = post_parent.build_model()
        receptor = self.post.receptor_types.index(self.receptor_type)
        scale = weight_scale(model.kind, receptor, model.parameters, post_index)
        if plastic:
            stored = state.engine.net.plastic_weights[state.built.synapse_position[j]]
        else:  # static weights do not change in a run: the builder's quantised ones
            shift = state.built.shifts[state.populations.index(post_parent), receptor]
            stored = quantise(weights * scale, shift)
        sign = -1.0 if np.any(weights < 0) else 1.0
        return sign * stored * (state.built.weight_to_real[j] if state.fixed else 1.0) / scale

    def _get_attributes_as_list(self, names):
        columns = []
        indices = ("presynaptic_index", "postsynaptic_index")
        # (a generated projection's indices are drawn again: only when asked for)
        pre, post = self._connections.arrays() if set(names) & set(indices) else (None, None)
        for name in names:
            if name == indices[0]:
                columns.append(pre)
            elif name == indices[1]:
                columns.append(post)
            else:
                values = self._attribute_values(name)
                if values is None:
                    raise errors.NonExistentParameterError(
                        name, self.synapse_type, list(self._values))
                columns.append(values)
        return list(zip(*[c.tolist() for c in columns]))

    def _get_attributes_as_arrays(self, names, multiple_synapses="sum"):
        """(pre x post) arrays, NaN where unconnected; repeated pairs combined as PyNN says."""
        pre, post = self._connections.arrays()
        post = np.asarray(post)
        connected = np.zeros((self.pre.size, self.post.size), dtype=bool)
        connected[pre, post] = True
        arrays = []
        for name in names:
            values = self._attribute_values(name)
            if multiple_synapses in ("first", "last"):
                out = np.full(connected.shape, np.nan)
                order = slice(None, None, -1) if multiple_synapses == "first" else slice(None)
                out[pre[order], post[order]] = values[order]
            else:
                ufunc, start = COMBINE[multiple_synapses]
                out = np.full(connected.shape, start)
                ufunc.at(out, (pre, post), values)
                out[~connected] = np.nan
            arrays.append(out)
        return arrays

    def _set_attributes(self, parameter_space):
        simulator.state.require_unbuilt("Changing weights or delays")
        parameter_space.evaluate(simplify=False)
        for name, value in parameter_space.items():
            if np.isscalar(value) or np.ndim(value) == 0:
                self._values[name] = np.broadcast_to(float(value), (len(self),))
                continue
            matrix = np.asarray(value, dtype=float)
            if matrix.ndim == 2:
                pre, post = self._connections.arrays()
                self._values[name] = matrix[pre, np.asarray(post)]
            else:
                self._values[name] = np.asarray(value, dtype=float).copy()

    def _writable_values(self, name) -> np.ndarray:
        """One value per connection that can be changed in place (a shared value is copied)."""
        if not self._values[name].flags.writeable:
            self._values[name] = self._values[name].copy()
        return self._values[name]

    def _set_initial_value_array(self, variable, initial_value):
        raise NotImplementedError("SpiNNaker's plastic synapses have no initial state to set")

    # ---- build -----------------------------------------------------------------------------
    def build_model(self, populations) -> ProjectionModel:
        """Connections in terms of whole parent populations, delays in ticks."""
        state = simulator.state
        pre_parent, pre_map = _parent_map(self.pre)
        post_parent, post_map = _parent_map(self.post)
        connections = self._connections
        if pre_map is not None or post_map is not None:
            connections = MappedConnections(connections, pre_map, post_map, pre_parent.size,
                                            post_parent.size)
        delay_ticks = delays_in_ticks(self._values["delay"], state.dt, self.label)
        stdp = None
        if isinstance(self.synapse_type, STDPMechanism):
            stdp = _stdp_parameters(self.synapse_type)
        return ProjectionModel(
            label=self.label or f"projection {state.projections.index(self)}",
            pre=populations.index(pre_parent), post=populations.index(post_parent),
            connections=connections, weight=self._values["weight"],
            delay_ticks=delay_ticks,
            receptor=self.post.receptor_types.index(self.receptor_type), stdp=stdp)


def delays_in_ticks(delays_ms: np.ndarray, dt: float, label) -> np.ndarray:
    """Delays rounded to whole ticks (at least 1), as SpiNNaker stores them; warns when that
    changes them. A delay shared by every connection (a broadcast view) stays shared."""
    delays_ms = np.asarray(delays_ms, dtype=float)
    if delays_ms.ndim == 1 and delays_ms.size > 1 and delays_ms.strides[0] == 0:
        return np.broadcast_to(delays_in_ticks(delays_ms[:1], dt, label), delays_ms.shape)
    exact = delays_ms / dt
    ticks = np.maximum(1, np.rint(exact)).astype(np.int32)
    if ticks.size and np.abs(ticks - exact).max() > 1e-6:
        warnings.warn(f"Projection {label!r}: delays rounded to whole {dt:g} ms ticks (at least "
                      "one tick) as on SpiNNaker; e.g. "
                      f"{exact[np.argmax(np.abs(ticks - exact))] * dt:g} ms -> "
                      f"{ticks[np.argmax(np.abs(ticks - exact))] * dt:g} ms.")
    return ticks


def _shared_if_equal(values) -> np.ndarray:
    """Per-connection float values; a value shared by every connection is stored once (a
    read-only broadcast view), as most projections' weights and delays are."""
    values = np.asarray(values, dtype=float)
    if values.ndim == 1 and values.strides[0] == 0:
        return values
    if values.size > 1 and np.all(values == values.flat[0]):
        return np.broadcast_to(values.flat[0], values.shape)
    return values


def _parent_map(population):
    """A Population or (nested) PopulationView -> (its Population, the Population's index of
    each of its cells, or None for a Population)."""
    if isinstance(population, common.Assembly):
        raise NotImplementedError(
            "Projections from or to an Assembly are not supported on SpiNNaker (sPyNNaker has "
            "no Assembly); make one projection per population.")
    if not hasattr(population, "parent"):
        return population, None
    index = np.arange(population.size)
    while hasattr(population, "parent"):
        index = np.arange(population.parent.size)[population.mask][index]
        population = population.parent
    return population, index.astype(compact_uint(population.size))


def _belongs_to_current_simulation(population) -> bool:
    state = simulator.state
    root = population
    while hasattr(root, "parent"):
        root = root.parent
    if isinstance(root, common.Assembly):
        return all(_belongs_to_current_simulation(p) for p in root.populations)
    return any(root is p for p in state.populations)


def _stdp_parameters(mechanism):
    timing = mechanism.timing_dependence.parameter_space
    weight = mechanism.weight_dependence.parameter_space
    values = {}
    for space in (timing, weight):  # evaluated in a copy: one mechanism may serve many projections
        own = ParameterSpace(dict(space.items()), shape=(1,))
        own.evaluate(simplify=True)
        values.update({name: float(own[name]) for name in own.keys()})
    return (values["tau_plus"], values["tau_minus"], values["A_plus"], values["A_minus"],
            values["w_min"], values["w_max"], mechanism.weight_dependence.dependence)
