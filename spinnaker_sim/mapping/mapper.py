"""Map a model onto a (virtual) SpiNNaker machine: partition, delay extensions, machine choice,
placement, routing keys and router tables, all as arrays over vertices.

``map_model`` raises :class:`~spinnaker_sim.errors.MappingError` wherever the real toolchain
would refuse the model, with the population or projection, the limit, the amount and the fix.
The result is a :class:`~spinnaker_sim.mapping.mapping_result.Mapping`.
"""

import math

import numpy as np

from ..errors import MappingError
from ..machine import (
    MAX_BOARDS,
    ROUTER_ENTRIES_PER_CHIP,
    Machine,
    boards_for,
    cores_per_board,
    get_machine,
)
from .delays import check_delay, plan_delay_extensions
from .mapping_result import Group, Mapping
from .partitioner import Partition, Rules, partition, ring_buffer_depth
from .placer import capacity, place
from .profiles import RuleProfile, get_profile
from .resources import delay_costs
from .router import Edge, allocate_keys, router_entries
from .row_stats import one_to_one_pairs
from .spec import PopulationSpec, ProjectionSpec


def map_model(populations: list[PopulationSpec], projections: list[ProjectionSpec], *,
              machine: "str | Machine" = "auto", n_boards: int | None = None,
              profile: "RuleProfile | str", timestep_ms: float, time_scale_factor: float = 1.0,
              run_ticks: int | None = None) -> Mapping:
    """Map the model; raise MappingError (or DelayTooLongError) where SpiNNaker would refuse it."""
    profile = get_profile(profile) if isinstance(profile, str) else profile
    if timestep_ms <= 0 or time_scale_factor <= 0:
        raise ValueError("timestep_ms and time_scale_factor must be > 0")
    chosen = get_machine(machine, n_boards)
    pops = _check_model(populations, projections)
    incoming: dict[str, list[ProjectionSpec]] = {p.label: [] for p in populations}
    for proj in projections:
        incoming[proj.post].append(proj)
    rules = Rules(profile, timestep_ms, run_ticks or 1)
    for proj in projections:     # fail fast: no slice size could hold these delays
        post = pops[proj.post]
        deepest = ring_buffer_depth(post, incoming[post.label], 1, profile)
        check_delay(proj, post, deepest, profile, timestep_ms, 1)
    partitions = {p.label: partition(p, incoming[p.label], pops, rules) for p in populations}
    order = {p.label: k for k, p in enumerate(populations)}
    delays = plan_delay_extensions(projections, partitions, order, profile, timestep_ms)
    groups, costs = _groups(populations, partitions, delays, pops, timestep_ms)
    n_vertices = sum(g.n_vertices for g in groups)
    chosen = _machine_for(chosen, n_vertices, groups, profile)
    chip, core = place(n_vertices, chosen, profile)
    keys = allocate_keys(np.array([g.n_vertices for g in groups]),
                         np.array([g.atoms_per_core * (g.delay.n_stages if g.delay else 1)
                                   for g in groups]),
                         [g.label for g in groups])
    index = {g.label: k for k, g in enumerate(groups)}
    first = np.array([g.first_vertex for g in groups], dtype=np.int64)
    count = np.array([g.n_vertices for g in groups], dtype=np.int64)
    entries = router_entries(chosen, chip, first, count,
                             _edges(projections, partitions, delays, index))
    _check_routers(chosen, entries)
    return Mapping(chosen, profile, timestep_ms, time_scale_factor, run_ticks, populations,
                   projections, groups, costs, chip, core, keys, entries)


def _check_model(populations, projections) -> dict[str, PopulationSpec]:
    pops: dict[str, PopulationSpec] = {}
    for pop in populations:
        if pop.label in pops:
            raise ValueError(f"two populations are labelled {pop.label!r}; labels must be unique")
        pops[pop.label] = pop
    for proj in projections:
        for end in (proj.pre, proj.post):
            if end not in pops:
                raise ValueError(f"{proj.describe()} refers to population {end!r}, "
                                 "which is not in the model")
        pre, post = pops[proj.pre], pops[proj.post]
        if post.is_source:
            raise MappingError(f"{proj.describe()} targets {post.label!r}, a {post.model}; "
                               "spike sources have no synapses to receive a projection.")
        if proj.synapse_type >= post.n_synapse_types:
            raise ValueError(f"{proj.describe()} uses synapse type {proj.synapse_type} but "
                             f"{post.label!r} has {post.n_synapse_types}")
        if (proj.rows.n_pre, proj.rows.n_post) != (pre.n_atoms, post.n_atoms):
            raise ValueError(f"{proj.describe()}: its rows describe {proj.rows.n_pre} x "
                             f"{proj.rows.n_post} atoms but the populations have "
                             f"{pre.n_atoms} x {post.n_atoms}")
    return pops


def _groups(populations, partitions: dict[str, Partition], delays, pops, timestep_ms):
    groups, costs, first = [], [], 0
    for pop in populations:
        part = partitions[pop.label]
        kind = "source" if pop.is_source else "neuron"
        groups.append(Group(pop.label, kind, pop.model, pop.n_atoms, part.atoms_per_core, first,
                            part.n_vertices, part.limit, part.limit_detail,
                            part.ring_buffer_depth))
        costs.append(part.costs)
        first += part.n_vertices
    for de in delays:
        sender = partitions[de.source]
        groups.append(Group(de.label, "delay", "DelayExtension", sender.spec.n_atoms,
                            sender.atoms_per_core, first, sender.n_vertices,
                            f"follows {de.source!r}", f"one core per slice of {de.source!r}",
                            None, de))
        costs.append(delay_costs(pops[de.source], sender.sizes, de.n_stages, de.delay_per_stage,
                                 timestep_ms))
        first += sender.n_vertices
    return groups, costs


def _machine_for(chosen: Machine | None, n_vertices: int, groups, profile) -> Machine:
    """The machine to place on: the one asked for, or (None: "auto") as many boards as needed."""
    auto = chosen is None
    if auto:
        boards = boards_for(n_vertices, profile.app_cores_per_chip,
                            profile.app_cores_per_ethernet_chip)
        if boards <= MAX_BOARDS:
            return Machine.spinn5(boards)
        chosen = Machine.ten_cabinet()
    if n_vertices > capacity(chosen, profile):
        raise MappingError(_too_big(n_vertices, groups, chosen, profile, auto))
    return chosen


def _too_big(n_vertices: int, groups, machine: Machine, profile, auto: bool) -> str:
    cap = capacity(machine, profile)
    eth = ("" if profile.app_cores_per_ethernet_chip == profile.app_cores_per_chip else
           f", {profile.app_cores_per_ethernet_chip} on each board's Ethernet chip")
    largest = sorted(groups, key=lambda g: -g.n_vertices)[:3]
    users = "; ".join(f"{g.label!r} {g.n_vertices:,} cores ({g.n_atoms:,} atoms at "
                      f"{g.atoms_per_core} per core)" for g in largest)
    delay_cores = sum(g.n_vertices for g in groups if g.kind == "delay")
    boards = math.ceil(n_vertices / cores_per_board(profile.app_cores_per_chip,
                                                    profile.app_cores_per_ethernet_chip))
    advice = ("Even the largest machine is too small: use fewer neurons"
              if auto or machine.n_boards == MAX_BOARDS or boards > MAX_BOARDS else
              f"Use n_boards={boards} or more (or machine='auto'), or fewer neurons")
    if delay_cores:
        advice += (f"; {delay_cores:,} of the cores are delay extensions, which delays within "
                   "the ring buffer avoid")
    return (f"The model needs {n_vertices:,} application cores but {machine.describe()} has "
            f"{cap:,} under the {profile.name!r} rules ({profile.app_cores_per_chip} application "
            f"cores per chip{eth}). Largest: {users}. {advice}.")


def _edges(projections, partitions, delays, index) -> list[Edge]:
    """Which groups' spikes reach which groups' vertices."""
    edges = []
    de_of = {(d.source, d.delay_per_stage): d.label for d in delays}
    for proj in projections:
        pre, post = partitions[proj.pre], partitions[proj.post]
        depth = post.ring_buffer_depth
        undelayed, delayed = proj.rows.vertex_pairs(pre.atoms_per_core, post.atoms_per_core, depth)
        edges.append(Edge(index[proj.pre], index[proj.post], undelayed))
        if not delayed.empty:
            edges.append(Edge(index[de_of[(proj.pre, depth)]], index[proj.post], delayed))
    for d in delays:
        n = partitions[d.source].spec.n_atoms
        apc = partitions[d.source].atoms_per_core
        edges.append(Edge(index[d.source], index[d.label], one_to_one_pairs(n, apc, apc)))
    return edges


def _check_routers(machine: Machine, entries: np.ndarray) -> None:
    worst = int(np.argmax(entries)) if entries.size else 0
    if entries.size and entries[worst] > ROUTER_ENTRIES_PER_CHIP:
        x, y = machine.chip_xy[worst]
        raise MappingError(
            f"Chip ({x}, {y}) needs {int(entries[worst]):,} multicast routing entries (one per "
            f"population whose spikes start, turn or arrive there), more than its router's "
            f"{ROUTER_ENTRIES_PER_CHIP}. Use fewer, larger populations, or more boards so "
            "traffic spreads out.")

