"""What the mapper is told about a model: populations, projections and their synaptic rows.

Plain frozen dataclasses with no PyNN in them, so a model can be described (and mapped as a dry
run) without building a single synapse.
"""

from dataclasses import dataclass, field

from .row_stats import BlockStats, RowStats, SliceStats  # noqa: F401  (part of the spec API)

#: what sPyNNaker assumes a neuron fires at when nothing better is known (spikes_per_second)
DEFAULT_SPIKES_PER_SECOND = 30.0


@dataclass(frozen=True)
class PopulationSpec:
    """One population: its cell type, size, the atoms-per-core cap and what it records.

    ``max_atoms_per_core`` is what ``set_number_of_neurons_per_core`` set, or the model's
    default (:func:`resources.default_max_atoms_per_core`); ``n_neuron_words`` is the 32-bit
    words of parameters and state per atom. ``spikes_per_second`` is the expected firing rate
    used for CPU estimates (for a Poisson source, its mean rate).
    """

    label: str
    model: str
    n_atoms: int
    max_atoms_per_core: int
    is_source: bool
    n_synapse_types: int
    recorded: frozenset[str]
    n_neuron_words: int
    spikes_per_second: float = DEFAULT_SPIKES_PER_SECOND

    def __post_init__(self):
        if not self.label:
            raise ValueError("a population needs a non-empty label")
        if self.n_atoms < 1:
            raise ValueError(f"population {self.label!r} has {self.n_atoms} atoms; it needs >= 1")
        if self.max_atoms_per_core < 1:
            raise ValueError(f"population {self.label!r}: max_atoms_per_core="
                             f"{self.max_atoms_per_core} must be >= 1")
        if self.n_synapse_types < (0 if self.is_source else 1):
            raise ValueError(f"population {self.label!r}: n_synapse_types="
                             f"{self.n_synapse_types} is too small")
        if self.n_neuron_words < 0 or self.spikes_per_second < 0:
            raise ValueError(f"population {self.label!r}: n_neuron_words and spikes_per_second "
                             "must be >= 0")


@dataclass(frozen=True)
class ProjectionSpec:
    """One projection: its populations, receptor, plasticity, longest delay and row statistics."""

    label: str
    pre: str
    post: str
    synapse_type: int
    plastic: bool
    max_delay_ticks: int
    rows: RowStats = field(compare=False)

    def __post_init__(self):
        if self.max_delay_ticks < 1:
            raise ValueError(f"projection {self.label!r}: max_delay_ticks={self.max_delay_ticks}; "
                             "delays are at least 1 tick")
        if self.synapse_type < 0:
            raise ValueError(f"projection {self.label!r}: synapse_type must be >= 0")

    def describe(self) -> str:
        return f"projection {self.label!r} ({self.pre} -> {self.post})"
