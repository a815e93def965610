"""Model -> machine: partitioning, resource estimates, delay extensions, placement, routing keys,
router tables, limit errors and the mapping report. See :func:`map_model`."""

from .mapper import map_model
from .mapping_result import Group, Mapping
from .profiles import GUIDE, SPYNNAKER7, RuleProfile, get_profile
from .report import MappingReport
from .resources import default_max_atoms_per_core, default_neuron_words
from .row_stats import RowLaw, RowStats
from .spec import PopulationSpec, ProjectionSpec

__all__ = [
    "GUIDE", "SPYNNAKER7", "Group", "Mapping", "MappingReport", "PopulationSpec",
    "ProjectionSpec", "RowLaw", "RowStats", "RuleProfile", "default_max_atoms_per_core",
    "default_neuron_words", "get_profile", "map_model",
]
