"""Per-core provenance after a run: the engine's counters, estimated tick overruns, and hints.

Like sPyNNaker's provenance report, each problem comes with what to change. Overruns are
estimated: the busiest tick's packets at the core's cost per packet, on top of its neuron
updates, against 200,000 cycles per ms x ``time_scale_factor``.
"""

from dataclasses import dataclass

import numpy as np

from .resources import INCOMING_SPIKE_BUFFER_SIZE

#: counters the engine reports and the report explains
KNOWN_COUNTERS = ("packets_received", "spikes_sent", "ring_buffer_saturations",
                  "max_spikes_per_tick")


@dataclass
class Provenance:
    """Counters per vertex (zero where the engine has none, e.g. delay extensions)."""

    counters: dict[str, np.ndarray]
    n_ticks: int | None
    budget: int
    worst_tick_cycles: np.ndarray   # estimated cycles of each core's busiest tick
    mean_tick_cycles: np.ndarray | None

    @property
    def overran(self) -> np.ndarray:
        """Cores whose busiest tick would not finish within the tick on the real machine."""
        return self.worst_tick_cycles > self.budget

    @classmethod
    def from_counters(cls, mapping, per_core: dict[str, np.ndarray],
                      n_ticks: int | None) -> "Provenance":
        n_all, n_pop = mapping.n_vertices, mapping.n_population_vertices
        counters = {}
        for name, values in per_core.items():
            values = np.asarray(values)
            if values.shape not in ((n_all,), (n_pop,)):
                raise ValueError(
                    f"provenance {name!r} has shape {values.shape}; it needs one value per "
                    f"vertex ({n_all}) or per population vertex ({n_pop}), in vertex order")
            full = np.zeros(n_all, dtype=values.dtype)
            full[:values.size] = values
            counters[name] = full
        n_ticks = n_ticks if n_ticks is not None else mapping.run_ticks
        busiest = counters.get("max_spikes_per_tick", np.zeros(n_all))
        worst = mapping.base_cycles + np.ceil(busiest * mapping.cycles_per_packet)
        mean = None
        if n_ticks and "packets_received" in counters:
            mean = (mapping.base_cycles
                    + counters["packets_received"] / n_ticks * mapping.cycles_per_packet)
        return cls(counters, n_ticks, mapping.cycles_budget, worst.astype(np.int64), mean)

    def total(self, name: str, vertices: slice) -> int:
        values = self.counters.get(name)
        return 0 if values is None else int(values[vertices].sum())

    def hints(self, label: str, vertices: slice) -> list[str]:
        """What sPyNNaker would tell the user about these cores."""
        hints = []
        saturated = self.counters.get("ring_buffer_saturations")
        if saturated is not None and saturated[vertices].any():
            cores = int(np.count_nonzero(saturated[vertices]))
            hints.append(
                f"{label}: synaptic input saturated the 16-bit ring buffer "
                f"{int(saturated[vertices].sum()):,} times on {cores} core(s). If this causes "
                "issues, increase spikes_per_second and/or ring_buffer_sigma (setup() or "
                "per-population options) so the weights are scaled down further.")
        over = self.overran[vertices]
        if over.any():
            hints.append(
                f"{label}: {int(over.sum())} core(s) would overrun the timer tick: their busiest "
                f"tick needs about {int(self.worst_tick_cycles[vertices].max()):,} cycles of the "
                f"{self.budget:,} available. Increase time_scale_factor (or the timestep), or "
                "put fewer neurons on each core with set_number_of_neurons_per_core.")
        busiest = self.counters.get("max_spikes_per_tick")
        if busiest is not None and busiest[vertices].max(initial=0) > INCOMING_SPIKE_BUFFER_SIZE:
            hints.append(
                f"{label}: up to {int(busiest[vertices].max()):,} spikes reached one core in a "
                f"tick, more than its {INCOMING_SPIKE_BUFFER_SIZE}-packet input buffer holds; the "
                "real machine may lose packets. Lower the input rate or the neurons per core, "
                "or increase time_scale_factor.")
        return hints
