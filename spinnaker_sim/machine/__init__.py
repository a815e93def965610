"""The virtual SpiNNaker hardware: chips, cores, SDRAM, links, routers, and board presets."""

from .allocator import PRESETS, boards_for, cores_per_board, get_machine
from .hardware import (
    CLOCK_HZ,
    CORES_PER_CHIP,
    CYCLES_PER_MS,
    DTCM_BYTES,
    ITCM_BYTES,
    MAX_BOARDS,
    MONITOR_CORES_PER_CHIP,
    ROUTER_ENTRIES_PER_CHIP,
    SDRAM_BYTES_PER_CHIP,
    USABLE_SDRAM_BYTES_PER_CHIP,
    cycles_per_tick,
)
from .machine import Machine

__all__ = [
    "CLOCK_HZ", "CORES_PER_CHIP", "CYCLES_PER_MS", "DTCM_BYTES", "ITCM_BYTES", "MAX_BOARDS",
    "MONITOR_CORES_PER_CHIP", "PRESETS", "ROUTER_ENTRIES_PER_CHIP", "SDRAM_BYTES_PER_CHIP",
    "USABLE_SDRAM_BYTES_PER_CHIP", "Machine", "boards_for", "cores_per_board", "cycles_per_tick",
    "get_machine",
]
