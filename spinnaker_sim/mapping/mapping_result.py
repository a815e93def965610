"""The result of mapping: vertices (one per core) with their placement, keys and resources.

Everything per vertex is a numpy array in vertex order: every population's vertices in the
order given to ``map_model``, then the delay extensions (by sender, then ring-buffer depth, as
the engine numbers its cores). Dict- and list-like views build Python objects only on access,
so a million-vertex dry run stays cheap.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..machine import Machine, cycles_per_tick
from .delays import DelayExtensionGroup
from .profiles import RuleProfile
from .provenance import Provenance
from .report import MappingReport
from .resources import VertexCosts
from .router import KeySpace, vertex_keys
from .spec import PopulationSpec, ProjectionSpec
from .views import DelayExtensionVertices, SliceList, VertexLookup


@dataclass(frozen=True)
class Group:
    """A population or a delay extension as mapped: ``n_vertices`` consecutive vertices."""

    label: str
    kind: str                        # "neuron", "source" or "delay"
    model: str
    n_atoms: int
    atoms_per_core: int
    first_vertex: int
    n_vertices: int
    limit: str
    limit_detail: str
    ring_buffer_depth: int | None
    delay: DelayExtensionGroup | None = None


class Mapping:
    """A model placed on a machine: vertices, their cores, keys, resources and the routers."""

    def __init__(self, machine: Machine, profile: RuleProfile, timestep_ms: float,
                 time_scale_factor: float, run_ticks: int | None, populations, projections,
                 groups: list[Group], costs: list[VertexCosts], chip: np.ndarray,
                 core: np.ndarray, keys: KeySpace, router: np.ndarray):
        self.machine = machine
        self.profile = profile
        self.timestep_ms = timestep_ms
        self.time_scale_factor = time_scale_factor
        self.run_ticks = run_ticks
        self.populations: list[PopulationSpec] = populations
        self.projections: list[ProjectionSpec] = projections
        self.groups = groups
        self.group_index = {g.label: k for k, g in enumerate(groups)}
        self._costs = costs
        self.vertex_chip = chip
        self.vertex_core = core
        self.key_space = keys
        self.router_entries = router
        self.provenance: Provenance | None = None

    # sizes -----------------------------------------------------------------------------------
    @property
    def n_boards(self) -> int:
        return self.machine.n_boards

    @property
    def n_vertices(self) -> int:
        return len(self.vertex_chip)

    @property
    def n_population_vertices(self) -> int:
        """Vertices of populations (a prefix of the vertex order; the rest are delays)."""
        return sum(g.n_vertices for g in self.groups if g.kind != "delay")

    @property
    def cycles_budget(self) -> int:
        """CPU cycles a core has per tick (200,000 per ms x time_scale_factor)."""
        return cycles_per_tick(self.timestep_ms, self.time_scale_factor)

    # per-vertex arrays -------------------------------------------------------------------------
    @cached_property
    def vertex_group(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.groups), dtype=np.int32),
                         [g.n_vertices for g in self.groups])

    @cached_property
    def vertex_index(self) -> np.ndarray:
        """Index of each vertex within its group."""
        first = np.array([g.first_vertex for g in self.groups], dtype=np.int64)
        return (np.arange(self.n_vertices) - first[self.vertex_group]).astype(np.int32)

    def _per_vertex(self, field: str) -> np.ndarray:
        return np.concatenate([np.zeros(0)] + [np.asarray(getattr(c, field))
                                               for c in self._costs])

    @cached_property
    def sdram(self) -> np.ndarray:
        """Estimated SDRAM bytes of each vertex."""
        return self._per_vertex("sdram_total").astype(np.int64)

    @cached_property
    def dtcm(self) -> np.ndarray:
        return self._per_vertex("dtcm").astype(np.int64)

    @cached_property
    def cycles(self) -> np.ndarray:
        """Estimated CPU cycles per tick of each vertex."""
        return self._per_vertex("cycles").astype(np.int64)

    @cached_property
    def base_cycles(self) -> np.ndarray:
        return self._per_vertex("base_cycles").astype(np.int64)

    @cached_property
    def cycles_per_packet(self) -> np.ndarray:
        return self._per_vertex("cycles_per_packet").astype(float)

    @cached_property
    def vertex_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """(key, mask) of each vertex."""
        return vertex_keys(self.key_space, self.vertex_group, self.vertex_index)

    def sdram_breakdown(self, label: str) -> dict[str, np.ndarray]:
        """SDRAM bytes by region (system, synaptic_matrix, ...) of each vertex of a group."""
        return dict(self._costs[self.group_index[label]].sdram)

    def synaptic_words(self, label: str) -> np.ndarray:
        """32-bit words of synaptic rows (undelayed and delayed) stored on each vertex."""
        parts = self._costs[self.group_index[label]].sdram
        return (parts.get("synaptic_matrix", 0) + parts.get("delayed_synaptic_matrix", 0)) // 4

    @cached_property
    def recording_chunks(self) -> int | None:
        """Pieces the longest recording is split into because SDRAM cannot hold the whole run
        (None before the run length is known)."""
        if not self.run_ticks:
            return None
        chunks = 1
        for costs in self._costs:
            reserved = costs.sdram.get("recording")
            if reserved is not None and costs.recording_per_tick.any():
                needed = costs.recording_per_tick * self.run_ticks
                chunks = max(chunks, int(np.max(-(-needed // np.maximum(reserved, 1)))))
        return chunks

    # the documented views ----------------------------------------------------------------------
    @cached_property
    def slices(self) -> dict[str, SliceList]:
        """Per population, the [lo, hi) atoms of each vertex."""
        return {g.label: SliceList(g.n_atoms, g.atoms_per_core)
                for g in self.groups if g.kind != "delay"}

    @cached_property
    def ring_buffer_depth(self) -> dict[str, int]:
        """Per neuron population, the delay slots of its cores' ring buffers."""
        return {g.label: g.ring_buffer_depth for g in self.groups if g.kind == "neuron"}

    @property
    def delay_extension_groups(self) -> list[DelayExtensionGroup]:
        return [g.delay for g in self.groups if g.delay is not None]

    @cached_property
    def delay_extensions(self) -> DelayExtensionVertices:
        """Every delay-extension vertex: its label, sending population and slice."""
        first = {g.label: g.first_vertex for g in self.groups}
        return DelayExtensionVertices(self.delay_extension_groups, self.slices, first)

    def _lookup(self, value) -> VertexLookup:
        return VertexLookup({g.label: g.first_vertex for g in self.groups},
                            {g.label: g.n_vertices for g in self.groups}, value)

    @cached_property
    def placements(self) -> VertexLookup:
        """``(label, vertex index) -> (x, y, p)``."""
        xy = self.machine.chip_xy

        def where(v):
            x, y = xy[self.vertex_chip[v]]
            return int(x), int(y), int(self.vertex_core[v])
        return self._lookup(where)

    @cached_property
    def routing_keys(self) -> VertexLookup:
        """``(label, vertex index) -> (key, mask)``."""
        key, mask = self.vertex_keys
        return self._lookup(lambda v: (int(key[v]), int(mask[v])))

    @cached_property
    def router_table_sizes(self) -> dict[tuple[int, int], int]:
        """Routing entries of each chip that needs any."""
        used = np.flatnonzero(self.router_entries)
        xy = self.machine.chip_xy[used]
        return {(int(x), int(y)): int(n) for (x, y), n in zip(xy, self.router_entries[used])}

    def chips_of(self, label: str) -> np.ndarray:
        """Distinct chips holding a group's vertices."""
        g = self.groups[self.group_index[label]]
        return np.unique(self.vertex_chip[g.first_vertex:g.first_vertex + g.n_vertices])

    # after a run ---------------------------------------------------------------------------------
    def attach_provenance(self, per_core: dict[str, np.ndarray],
                          n_ticks: int | None = None) -> Provenance:
        """Take the engine's per-core counters (aligned with the vertex order: all vertices, or
        the population vertices only) for the report's provenance section."""
        self.provenance = Provenance.from_counters(self, per_core, n_ticks)
        return self.provenance

    def report(self) -> MappingReport:
        """What this mapping uses and why, as a table, files and data."""
        return MappingReport(self)
