"""Delay extensions: extra cores that hold spikes for delays longer than the ring buffer.

A projection whose delays exceed its target's ring-buffer depth needs a delay extension of its
sending population: one extra core per slice of the sender, with up to 8 stages of ``depth``
ticks each (``delay_support_adder.py``). Delays beyond 9 x depth cannot be delivered at all.
One extension serves every projection of a sender onto targets of the same depth.
"""

from dataclasses import dataclass

from ..errors import DelayTooLongError
from .partitioner import Partition
from .profiles import DELAY_STAGES, SPYNNAKER7_RING_BUFFER_ADDRESS_BITS, RuleProfile
from .spec import PopulationSpec, ProjectionSpec

#: stages a delay extension can add beyond the ring buffer
MAX_EXTENSION_STAGES = DELAY_STAGES - 1


@dataclass(frozen=True)
class DelayExtensionGroup:
    """The delay-extension cores of one sending population (one per slice of the sender)."""

    label: str
    source: str
    delay_per_stage: int
    n_stages: int
    projections: tuple[str, ...]


def check_delay(proj: ProjectionSpec, post: PopulationSpec, depth: int, profile: RuleProfile,
                timestep_ms: float, atoms_per_core: int) -> None:
    """Raise DelayTooLongError if `proj`'s longest delay is beyond 9 x `depth` ticks."""
    longest = profile.max_delay_ticks(depth)
    if proj.max_delay_ticks <= longest:
        return
    hint = "Use shorter delays or a larger timestep."
    if profile.name != "guide":
        hint = (f"Use shorter delays or a larger timestep; under the {profile.name!r} rules the "
                "ring buffer deepens with the longest delay only while neuron-index, "
                f"synapse-type and delay bits fit in {SPYNNAKER7_RING_BUFFER_ADDRESS_BITS}, so "
                f"fewer neurons per core allow a deeper one (it has {depth} slots at "
                f"{atoms_per_core} atom{'s' if atoms_per_core > 1 else ''} per core).")
    raise DelayTooLongError(
        f"{proj.describe()} has delays up to {proj.max_delay_ticks} ticks "
        f"({proj.max_delay_ticks * timestep_ms:g} ms at timestep {timestep_ms:g} ms), but "
        f"{post.label!r} has a {depth}-slot ring buffer and with {MAX_EXTENSION_STAGES} "
        f"delay-extension stages SpiNNaker delivers at most {longest} ticks "
        f"({longest * timestep_ms:g} ms). {hint}")


def plan_delay_extensions(projections: list[ProjectionSpec], partitions: dict[str, Partition],
                          order: dict[str, int], profile: RuleProfile,
                          timestep_ms: float) -> list[DelayExtensionGroup]:
    """The delay extensions the model needs, ordered by (sender, depth) like the engine."""
    needed: dict[tuple[int, int], tuple[str, int, list[str]]] = {}
    for proj in projections:
        post = partitions[proj.post]
        depth = post.ring_buffer_depth
        check_delay(proj, post.spec, depth, profile, timestep_ms, post.atoms_per_core)
        stages = (proj.max_delay_ticks - 1) // depth
        if stages == 0:
            continue
        key = (order[proj.pre], depth)
        _, most, served = needed.get(key, (proj.pre, 0, []))
        needed[key] = (proj.pre, max(most, stages), served + [proj.label])
    depths_per_sender: dict[str, int] = {}
    for source, _, _ in needed.values():
        depths_per_sender[source] = depths_per_sender.get(source, 0) + 1
    groups = []
    for (_, depth), (source, stages, served) in sorted(needed.items()):
        label = (f"{source}_delayed" if depths_per_sender[source] == 1
                 else f"{source}_delayed_{depth}")
        groups.append(DelayExtensionGroup(label, source, depth, stages, tuple(served)))
    return groups
