"""Place vertices on cores: fill each chip's application cores in chip order, vertex by vertex.

Vertices are never larger than a core's share of the chip's SDRAM (the partitioner sees to
that), so a chip full of them fits its SDRAM pool and placement is a matter of counting cores.
Done with arrays, so a million vertices place in milliseconds.
"""

import numpy as np

from ..machine import Machine
from .profiles import RuleProfile

#: core 0 of every chip runs the monitor; application cores are numbered from 1
FIRST_APP_CORE = 1


def capacity(machine: Machine, profile: RuleProfile) -> int:
    """Application cores of `machine` under `profile`."""
    return machine.n_app_cores(profile.app_cores_per_chip, profile.app_cores_per_ethernet_chip)


def place(n_vertices: int, machine: Machine, profile: RuleProfile) -> tuple[np.ndarray, np.ndarray]:
    """Chip number and core of vertices 0..n_vertices-1 (which must fit)."""
    per_chip = machine.app_cores(profile.app_cores_per_chip, profile.app_cores_per_ethernet_chip)
    chip_start = np.concatenate([[0], np.cumsum(per_chip)[:-1]])
    vertex = np.arange(n_vertices, dtype=np.int64)
    chip = np.searchsorted(chip_start, vertex, side="right") - 1
    core = vertex - chip_start[chip] + FIRST_APP_CORE
    return chip.astype(np.int32), core.astype(np.uint8)
