"""Routing keys for every vertex, and how many multicast entries each chip's router needs.

Keys: each population (and delay extension) gets an aligned block of the 32-bit key space,
``| population | core | atom |``, so one key/mask covers a core and one covers the population.
Routes: a packet goes from its source chip along one direction and turns once onto a second
(shortest path on the triangular mesh). A router needs an entry where the route starts, turns
or delivers; chips it only passes straight through use default routing. Entries are counted per
(source population, chip), as sPyNNaker 7 merges a population's cores under one key/mask.
"""

from dataclasses import dataclass

import numpy as np

from ..errors import MappingError
from ..machine import Machine
from ..machine.geometry import hex_displacement
from .profiles import bits_for
from .row_stats import VertexPairs

KEY_SPACE_BITS = 32
#: above this many (source chip, target chip) pairs an edge is assumed to reach every chip
_PAIR_LIMIT = 1_000_000


@dataclass(frozen=True)
class KeySpace:
    """Key blocks of each group: ``base + (vertex << atom_bits) + atom``."""

    base: np.ndarray
    atom_bits: np.ndarray
    core_bits: np.ndarray

    def group_mask(self, g: int) -> int:
        """The mask matching every key of group `g`."""
        return _mask(int(self.atom_bits[g] + self.core_bits[g]))


def _mask(low_bits: int) -> int:
    return (0xFFFFFFFF << low_bits) & 0xFFFFFFFF


def allocate_keys(n_vertices: np.ndarray, keys_per_vertex: np.ndarray,
                  labels: list[str]) -> KeySpace:
    """Aligned key blocks, largest first (so no space is lost to alignment)."""
    atom_bits = np.array([bits_for(k) for k in keys_per_vertex], dtype=np.int64)
    core_bits = np.array([bits_for(v) for v in n_vertices], dtype=np.int64)
    block = np.left_shift(np.int64(1), atom_bits + core_bits)
    order = np.argsort(-block, kind="stable")
    base = np.zeros(len(block), dtype=np.int64)
    base[order] = np.cumsum(block[order]) - block[order]
    total = int(block.sum())
    if total > 2 ** KEY_SPACE_BITS:
        biggest = labels[int(order[0])]
        raise MappingError(
            f"The model needs {total:,} routing keys but SpiNNaker keys have {KEY_SPACE_BITS} bits "
            f"({2 ** KEY_SPACE_BITS:,} keys); the largest block is {biggest!r}'s. Use fewer, "
            "fuller populations or fewer delay-extension stages.")
    return KeySpace(base, atom_bits, core_bits)


def vertex_keys(keys: KeySpace, group: np.ndarray, index: np.ndarray):
    """(key, mask) arrays of vertices given by group and index within the group."""
    atom_bits = keys.atom_bits[group]
    key = keys.base[group] + np.left_shift(index.astype(np.int64), atom_bits)
    mask = np.left_shift(np.int64(0xFFFFFFFF), atom_bits) & 0xFFFFFFFF
    return key.astype(np.uint32), mask.astype(np.uint32)


@dataclass(frozen=True)
class Edge:
    """Spikes of group `source` reach group `target`'s vertices as `pairs` (group-local)."""

    source: int
    target: int
    pairs: VertexPairs


def router_entries(machine: Machine, vertex_chip: np.ndarray, group_first: np.ndarray,
                   group_count: np.ndarray, edges: list[Edge]) -> np.ndarray:
    """Multicast routing entries each chip needs (an array over the machine's chips)."""
    chips_of: dict[int, list[np.ndarray]] = {}
    for edge in edges:
        if edge.pairs.empty:
            continue
        chips_of.setdefault(edge.source, []).append(
            _edge_chips(machine, vertex_chip, group_first, group_count, edge))
    entries = np.zeros(machine.n_chips, dtype=np.int64)
    for chip_lists in chips_of.values():
        entries[np.unique(np.concatenate(chip_lists))] += 1
    return entries


def _group_chips(vertex_chip, group_first, group_count, g: int) -> np.ndarray:
    return np.unique(vertex_chip[group_first[g]:group_first[g] + group_count[g]])


def _edge_chips(machine, vertex_chip, group_first, group_count, edge: Edge) -> np.ndarray:
    """Chips where one edge's routes start, turn or deliver."""
    if edge.pairs.dense:
        src = _group_chips(vertex_chip, group_first, group_count, edge.source)
        dst = _group_chips(vertex_chip, group_first, group_count, edge.target)
        if src.size * dst.size > _PAIR_LIMIT:
            return np.arange(machine.n_chips)
        src_chip, dst_chip = (a.ravel() for a in np.meshgrid(src, dst, indexing="ij"))
    else:
        src_chip = vertex_chip[group_first[edge.source] + edge.pairs.pre]
        dst_chip = vertex_chip[group_first[edge.target] + edge.pairs.post]
        pair = np.unique(src_chip.astype(np.int64) * machine.n_chips + dst_chip)
        src_chip, dst_chip = pair // machine.n_chips, pair % machine.n_chips
    corners = _turns(machine, src_chip, dst_chip)
    return np.concatenate([src_chip, dst_chip, corners[corners >= 0]])


def _turns(machine: Machine, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The chip where each route turns (-1 for straight routes)."""
    sx, sy = machine.chip_x[src].astype(np.int64), machine.chip_y[src].astype(np.int64)
    tx, ty = machine.chip_x[dst], machine.chip_y[dst]
    dx, dy = hex_displacement(sx, sy, tx, ty, machine.width, machine.height, machine.wrap)
    same_sign = (dx > 0) == (dy > 0)
    diagonal = np.where(same_sign, np.sign(dx) * np.minimum(np.abs(dx), np.abs(dy)), 0)
    # first choice: diagonal then straight (or x then y); second: the other order
    first = machine.chip_index(np.where(same_sign, sx + diagonal, sx + dx),
                               np.where(same_sign, sy + diagonal, sy))
    second = machine.chip_index(np.where(same_sign, sx + dx - diagonal, sx),
                                np.where(same_sign, sy + dy - diagonal, sy + dy))
    corner = np.where(first >= 0, first, second)
    straight = (dx == 0) | (dy == 0) | (same_sign & (np.abs(dx) == np.abs(dy)))
    return np.where(straight, -1, corner)
