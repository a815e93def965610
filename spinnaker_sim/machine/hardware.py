"""Resources of one SpiNNaker-1 chip and core, as the toolchain budgets them.

Sources: ``spinnaker.h`` (spinnaker_tools), ``spinn_machine/version/version_spin1.py`` and the
front end's ``spinnaker.cfg``. Every chip of a machine is alike, so these are module constants
rather than per-chip objects.
"""

#: ARM968 cores on a chip; one of them runs the monitor (SC&MP)
CORES_PER_CHIP = 18
MONITOR_CORES_PER_CHIP = 1
#: core clock; one 1 ms tick is 200,000 cycles
CLOCK_HZ = 200_000_000
CYCLES_PER_MS = CLOCK_HZ // 1000
#: tightly-coupled memories of each core
DTCM_BYTES = 64 * 1024
ITCM_BYTES = 32 * 1024
#: SDRAM per chip, and the part the toolchain lets applications use (a pool shared by the cores)
SDRAM_BYTES_PER_CHIP = 128 * 1024 * 1024
USABLE_SDRAM_BYTES_PER_CHIP = 123_469_792
#: multicast routing-table entries of a chip's router
ROUTER_ENTRIES_PER_CHIP = 1023
#: the largest machine: 10 cabinets x 5 frames x 24 boards
MAX_BOARDS = 1200


def cycles_per_tick(timestep_ms: float, time_scale_factor: float = 1.0) -> int:
    """CPU cycles a core has for one tick: 200,000 per ms, stretched by ``time_scale_factor``."""
    return round(CYCLES_PER_MS * timestep_ms * time_scale_factor)
