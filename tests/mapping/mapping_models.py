"""Builders of model descriptions for the mapping tests."""

from spinnaker_sim.mapping import (
    PopulationSpec,
    ProjectionSpec,
    RowStats,
    default_max_atoms_per_core,
    default_neuron_words,
)

SOURCES = ("SpikeSourcePoisson", "SpikeSourceArray", "SpikeInjector")


def population(label: str, n_atoms: int, model: str = "IF_curr_exp",
               max_atoms_per_core: int | None = None,
               recorded: frozenset = frozenset(), **kwargs) -> PopulationSpec:
    source = model in SOURCES
    return PopulationSpec(
        label, model, n_atoms,
        max_atoms_per_core or default_max_atoms_per_core(model, source), source,
        0 if source else 2, frozenset(recorded), default_neuron_words(model, source), **kwargs)


def projection(pre: PopulationSpec, post: PopulationSpec, connector, delay_ticks: int = 1,
               plastic: bool = False, label: str | None = None,
               synapse_type: int = 0) -> ProjectionSpec:
    rows = RowStats.from_connector(connector, pre.n_atoms, post.n_atoms, delay_ticks)
    return ProjectionSpec(label or f"{pre.label}->{post.label}", pre.label, post.label,
                          synapse_type, plastic, delay_ticks, rows)
