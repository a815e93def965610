"""Describe the PyNN model to the mapper (specs with exact row statistics) and map it."""

import numpy as np

from ..engine import layout as L
from ..mapping import PopulationSpec, ProjectionSpec, default_neuron_words, map_model
from ..mapping.row_stats import ExactRowStats

SOURCE_KINDS = (L.SPIKE_SOURCE_POISSON, L.SPIKE_SOURCE_ARRAY, L.SPIKE_INJECTOR)


def unique_labels(populations) -> list[str]:
    """The populations' labels, made unique (the mapper and reports key on them)."""
    labels, seen = [], {}
    for k, population in enumerate(populations):
        label = population.label or f"population{k}"
        seen[label] = seen.get(label, 0) + 1
        labels.append(label if seen[label] == 1 else f"{label}#{seen[label]}")
    return labels


def map_network(state, populations, pop_models, proj_models, labels):
    """Map the model onto the virtual machine of `state`'s setup()."""
    pop_specs = []
    for population, model, label in zip(populations, pop_models, labels):
        name = type(population.celltype).__name__
        is_source = model.kind in SOURCE_KINDS
        rate = float(np.mean(model.parameters["rate"])) if model.kind == L.SPIKE_SOURCE_POISSON \
            else state.spikes_per_second
        pop_specs.append(PopulationSpec(
            label=label, model=name, n_atoms=model.size,
            max_atoms_per_core=state.atoms_per_core(population.celltype), is_source=is_source,
            n_synapse_types=0 if is_source else 2,
            recorded=frozenset(v.name for v, ids in population.recorder.recorded.items() if ids),
            n_neuron_words=default_neuron_words(name, is_source), spikes_per_second=rate))
    proj_specs = [
        ProjectionSpec(label=prj.label, pre=labels[prj.pre], post=labels[prj.post],
                       synapse_type=prj.receptor, plastic=prj.stdp is not None,
                       max_delay_ticks=int(prj.delay_ticks.max()) if prj.delay_ticks.size else 1,
                       rows=ExactRowStats(prj.connections, prj.delay_ticks))
        for prj in proj_models]
    return map_model(pop_specs, proj_specs, machine=state.machine, n_boards=state.n_boards,
                     profile=state.profile, timestep_ms=state.dt,
                     time_scale_factor=state.time_scale_factor)
