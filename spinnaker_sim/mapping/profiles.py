"""The two rule profiles of SPINNAKER_FACTS.md: the user's guide (default) and sPyNNaker 7."""

from dataclasses import dataclass

#: ring buffer + 8 delay-extension stages
DELAY_STAGES = 9
GUIDE_RING_BUFFER_DEPTH = 16
#: index bits + synapse-type bits + delay bits of a ring-buffer address (sPyNNaker 7)
SPYNNAKER7_RING_BUFFER_ADDRESS_BITS = 14


def bits_for(n: int) -> int:
    """Bits needed to store the values 0..n-1 (at least 0), as sPyNNaker's ``get_n_bits``."""
    n = int(n)
    return 0 if n <= 1 else (n - 1).bit_length()


@dataclass(frozen=True)
class RuleProfile:
    """Which machine rules the mapper and engine follow."""

    name: str
    app_cores_per_chip: int
    app_cores_per_ethernet_chip: int

    def ring_buffer_depth(self, max_delay_ticks: int, n_atoms: int, n_synapse_types: int) -> int:
        """Delay slots of a neuron core's ring buffer."""
        if self.name == "guide":
            return GUIDE_RING_BUFFER_DEPTH
        spare_bits = (SPYNNAKER7_RING_BUFFER_ADDRESS_BITS - bits_for(n_atoms)
                      - bits_for(n_synapse_types))
        delay_bits = max(1, int(max_delay_ticks).bit_length())
        return 2 ** max(1, min(delay_bits, spare_bits))

    def max_delay_ticks(self, ring_buffer_depth: int) -> int:
        """Longest delay the ring buffer plus all extension stages can hold."""
        return DELAY_STAGES * ring_buffer_depth


GUIDE = RuleProfile("guide", app_cores_per_chip=17, app_cores_per_ethernet_chip=17)
SPYNNAKER7 = RuleProfile("spynnaker7", app_cores_per_chip=16, app_cores_per_ethernet_chip=15)
PROFILES = {p.name: p for p in (GUIDE, SPYNNAKER7)}


def get_profile(name: str) -> RuleProfile:
    """The profile called `name`, with an error listing the valid names."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"rules={name!r} is not a rule profile; use one of {sorted(PROFILES)}")


def delay_stage(delay_ticks, depth: int):
    """Delay-extension stage of each delay (0: the ring buffer holds it) and the delay left
    for the ring buffer after the extension re-sends the spike (1..depth)."""
    import numpy as np
    delay_ticks = np.asarray(delay_ticks, dtype=np.int64)
    stage = np.maximum(0, (delay_ticks - 1) // depth)
    return stage, delay_ticks - stage * depth
