"""Split each population into vertices (cores) of equal slices, as large as the rules allow.

A slice is ``atoms_per_core`` atoms (the last one the remainder): the population's cap (the
default, or ``set_number_of_neurons_per_core``, at most 256 for neurons), made smaller only when
a slice's SDRAM (above all its synaptic matrix) exceeds its share of the chip's usable SDRAM,
its DTCM does not fit 64 KB, or a synaptic row would exceed 256 synapses. The largest size that
fits is found by bisection; the partition records which limit bound it.
"""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..errors import MappingError
from ..machine import DTCM_BYTES, USABLE_SDRAM_BYTES_PER_CHIP
from .profiles import RuleProfile
from .resources import (
    NEURON_ATOMS_PER_CORE_CAP,
    RING_ENTRY_BYTES,
    WORD,
    Incoming,
    VertexCosts,
    default_max_atoms_per_core,
    neuron_costs,
    source_costs,
)
from .spec import PopulationSpec, ProjectionSpec

#: the master population table holds rows of at most 256 synapses
MAX_ROW_LENGTH = 256


@dataclass(frozen=True)
class Rules:
    """What partitioning depends on besides the model."""

    profile: RuleProfile
    timestep_ms: float
    recording_ticks: int

    @property
    def sdram_share(self) -> int:
        """A core's share of its chip's usable SDRAM."""
        return USABLE_SDRAM_BYTES_PER_CHIP // self.profile.app_cores_per_chip


@dataclass(frozen=True)
class Shortfall:
    """Why a slice size does not fit: which limit, how much is needed, and what is allowed."""

    limit: str       # "SDRAM", "DTCM" or "row length"
    needed: int
    allowed: int
    detail: str

    def describe(self, n: int) -> str:
        unit = "synapses" if self.limit == "row length" else "bytes"
        return (f"{n} atoms per core need {self.needed:,} {unit} of {self.limit}, more than "
                f"{self.allowed:,} ({self.detail})")


@dataclass
class Partition:
    """A population split into ``n_vertices`` slices of ``atoms_per_core`` atoms."""

    spec: PopulationSpec
    atoms_per_core: int
    limit: str                      # what bound atoms_per_core, in a few words
    limit_detail: str               # the numbers behind it
    ring_buffer_depth: int | None   # neuron populations only
    incoming: list[Incoming]
    costs: VertexCosts

    @property
    def n_vertices(self) -> int:
        return -(-self.spec.n_atoms // self.atoms_per_core)

    @property
    def sizes(self) -> np.ndarray:
        return slice_sizes(self.spec.n_atoms, self.atoms_per_core)


def slice_sizes(n_atoms: int, atoms_per_core: int) -> np.ndarray:
    """Atoms of each slice: full slices and the remainder."""
    count = -(-n_atoms // atoms_per_core)
    sizes = np.full(count, atoms_per_core, dtype=np.int64)
    sizes[-1] = n_atoms - (count - 1) * atoms_per_core
    return sizes


def max_incoming_delay(incoming: list[ProjectionSpec]) -> int:
    return max((p.max_delay_ticks for p in incoming), default=0)


def ring_buffer_depth(pop: PopulationSpec, incoming: list[ProjectionSpec], atoms_per_core: int,
                      profile: RuleProfile) -> int:
    """Delay slots of the population's cores at this slice size."""
    return profile.ring_buffer_depth(max_incoming_delay(incoming), atoms_per_core,
                                     pop.n_synapse_types)


class Evaluation(NamedTuple):
    """One slice size of one population: its costs, ring depth, incoming rows and shortfall."""

    costs: VertexCosts
    depth: int | None
    arriving: list[Incoming]
    shortfall: Shortfall | None


class _Sizer:
    """Evaluates slice sizes of one population."""

    def __init__(self, pop: PopulationSpec, incoming: list[ProjectionSpec],
                 pops: dict[str, PopulationSpec], rules: Rules):
        self.pop, self.incoming, self.pops, self.rules = pop, incoming, pops, rules

    def evaluate(self, n: int) -> Evaluation:
        pop, rules = self.pop, self.rules
        sizes = slice_sizes(pop.n_atoms, n)
        if pop.is_source:
            costs = source_costs(pop, sizes, rules.timestep_ms, rules.recording_ticks,
                                 rules.sdram_share)
            return Evaluation(costs, None, [], self._shortfall(costs, [], n, 0))
        depth = ring_buffer_depth(pop, self.incoming, n, rules.profile)
        arriving = [Incoming(p, p.rows.slices(n, depth), self.pops[p.pre].spikes_per_second,
                             self.pops[p.pre].n_atoms) for p in self.incoming]
        costs = neuron_costs(pop, sizes, arriving, depth, rules.timestep_ms,
                             rules.recording_ticks, rules.sdram_share)
        return Evaluation(costs, depth, arriving, self._shortfall(costs, arriving, n, depth))

    def _shortfall(self, costs: VertexCosts, arriving: list[Incoming], n: int,
                   depth: int) -> Shortfall | None:
        longest = int(costs.longest_row.max(initial=0))
        if longest > MAX_ROW_LENGTH:
            worst = max(arriving, key=lambda a: max(a.rows.undelayed.max_row.max(),
                                                    a.rows.delayed.max_row.max()))
            return Shortfall("row length", longest, MAX_ROW_LENGTH,
                             f"{worst.spec.describe()} makes rows of {longest} synapses from one "
                             "pre-synaptic neuron onto one core")
        sdram = costs.sdram_total
        if sdram.max() > self.rules.sdram_share:
            v = int(np.argmax(sdram))
            return Shortfall("SDRAM", int(sdram[v]), self.rules.sdram_share,
                             self._sdram_detail(arriving, v))
        if costs.dtcm.max() > DTCM_BYTES:
            pop = self.pop
            ring = RING_ENTRY_BYTES * depth * pop.n_synapse_types * n
            return Shortfall("DTCM", int(costs.dtcm.max()), DTCM_BYTES,
                             f"a core's DTCM; its ring buffers take {ring:,} bytes ({depth} "
                             f"slots x {pop.n_synapse_types} synapse types x {n} atoms) and "
                             f"neuron state {WORD * pop.n_neuron_words * n:,} bytes")
        return None

    def _sdram_detail(self, arriving: list[Incoming], v: int) -> str:
        profile = self.rules.profile
        share = (f"a core's share of the chip's {USABLE_SDRAM_BYTES_PER_CHIP:,} usable bytes "
                 f"over {profile.app_cores_per_chip} application cores")
        matrices = [(WORD * (a.rows.undelayed.words(a.spec.plastic)[v]
                             + a.rows.delayed.words(a.spec.plastic)[v]), a) for a in arriving]
        if not matrices:
            return share
        size, worst = max(matrices, key=lambda m: m[0])
        synapses = worst.rows.undelayed.synapses[v] + worst.rows.delayed.synapses[v]
        kind = "plastic" if worst.spec.plastic else "static"
        return (f"{share}; the synaptic matrix of {worst.spec.describe()} alone takes "
                f"{size:,} bytes for {synapses:,} {kind} synapses")


def _cap(pop: PopulationSpec) -> tuple[int, str]:
    """The atoms-per-core cap before resources are considered, and what sets it."""
    default = default_max_atoms_per_core(pop.model, pop.is_source)
    cap, reason = pop.max_atoms_per_core, (
        f"default maximum ({default} per core)" if pop.max_atoms_per_core == default
        else f"set_number_of_neurons_per_core ({pop.max_atoms_per_core})")
    if not pop.is_source and cap > NEURON_ATOMS_PER_CORE_CAP:
        cap, reason = NEURON_ATOMS_PER_CORE_CAP, (
            f"row-based synapses ({NEURON_ATOMS_PER_CORE_CAP} neurons per core at most)")
    if pop.n_atoms < cap:
        return pop.n_atoms, f"population size (all {pop.n_atoms} atoms on one core)"
    return cap, reason


def partition(pop: PopulationSpec, incoming: list[ProjectionSpec],
              pops: dict[str, PopulationSpec], rules: Rules) -> Partition:
    """The largest slice size that fits (a :class:`Partition`), or a MappingError."""
    sizer = _Sizer(pop, incoming, pops, rules)
    top, reason = _cap(pop)
    best = sizer.evaluate(top)
    if best.shortfall is None:
        return Partition(pop, top, reason, reason, best.depth, best.arriving, best.costs)
    good, bad, too_big = 1, top, best.shortfall
    best = sizer.evaluate(1)
    if best.shortfall is not None:
        raise MappingError(_no_fit_message(pop, best.shortfall))
    while bad - good > 1:
        mid = (good + bad) // 2
        trial = sizer.evaluate(mid)
        if trial.shortfall is None:
            good, best = mid, trial
        else:
            bad, too_big = mid, trial.shortfall
    return Partition(pop, good, too_big.limit, too_big.describe(bad), best.depth, best.arriving,
                     best.costs)


def _no_fit_message(pop: PopulationSpec, short: Shortfall) -> str:
    advice = {
        "SDRAM": "Give its neurons fewer incoming connections (a smaller pre-synaptic population "
                 "or connection probability), or split the incoming projection's source.",
        "DTCM": "Use fewer synapse types, shorter delays (a smaller ring buffer) or fewer "
                "recorded variables.",
        "row length": "Make fewer synapses between the same pair of neurons "
                      "(with_replacement=False) or split the projection.",
    }[short.limit]
    return (f"Population {pop.label!r} ({pop.model}, {pop.n_atoms:,} atoms) does not fit "
            f"SpiNNaker even at 1 atom per core: {short.describe(1)}. {advice}")
