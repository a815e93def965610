"""The mapping report: per population what it costs and what limited it, machine totals, and
(after a run) per-core provenance with hints. ``str()`` is a readable table; ``write()`` puts
sPyNNaker-style report files in a folder; ``as_dict()`` gives the same as plain data.
"""

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..machine import ROUTER_ENTRIES_PER_CHIP, USABLE_SDRAM_BYTES_PER_CHIP
from .provenance import KNOWN_COUNTERS

#: above this many vertices, per-vertex report files list ranges instead of every vertex
MAX_LISTED_VERTICES = 10_000
#: chips listed in the router summary
MAX_LISTED_CHIPS = 1_000


@dataclass(frozen=True)
class PopulationRow:
    label: str
    model: str
    n_atoms: int
    atoms_per_core: int
    cores: int
    chips: int
    sdram_per_core: int
    dtcm_per_core: int
    delay_extension_cores: int
    cycles_per_tick: int
    real_time: bool
    ring_buffer_depth: int | None
    limit: str
    limit_detail: str


@dataclass(frozen=True)
class DelayRow:
    label: str
    source: str
    cores: int
    n_stages: int
    delay_per_stage: int
    projections: tuple[str, ...]
    sdram_per_core: int
    cycles_per_tick: int


@dataclass(frozen=True)
class Totals:
    rules: str
    machine: str
    n_boards: int
    n_chips: int
    chips_used: int
    app_cores: int
    cores_used: int
    population_cores: int
    delay_extension_cores: int
    sdram_used: int
    sdram_usable: int
    max_router_entries: int
    busiest_router_chip: tuple[int, int] | None
    timestep_ms: float
    time_scale_factor: float
    cycles_budget: int
    cores_over_budget: int
    recording_chunks: int | None


@dataclass(frozen=True)
class ProvenanceRow:
    label: str
    packets_received: int
    spikes_sent: int
    ring_buffer_saturations: int
    max_spikes_per_tick: int
    worst_tick_cycles: int
    cores_overrunning: int


class MappingReport:
    """What a mapping uses and why; see the module docstring."""

    def __init__(self, mapping):
        self.mapping = mapping
        m = mapping
        budget = m.cycles_budget
        self.populations: list[PopulationRow] = []
        self.delay_extensions: list[DelayRow] = []
        delay_cores = {}
        for g in m.groups:
            if g.delay is not None:
                delay_cores[g.delay.source] = delay_cores.get(g.delay.source, 0) + g.n_vertices
        for g in m.groups:
            v = slice(g.first_vertex, g.first_vertex + g.n_vertices)
            chips = int(np.unique(m.vertex_chip[v]).size)
            if g.delay is not None:
                self.delay_extensions.append(DelayRow(
                    g.label, g.delay.source, g.n_vertices, g.delay.n_stages,
                    g.delay.delay_per_stage, g.delay.projections, int(m.sdram[v].max()),
                    int(m.cycles[v].max())))
                continue
            cycles = int(m.cycles[v].max())
            self.populations.append(PopulationRow(
                g.label, g.model, g.n_atoms, g.atoms_per_core, g.n_vertices, chips,
                int(m.sdram[v].max()), int(m.dtcm[v].max()), delay_cores.get(g.label, 0),
                cycles, cycles <= budget, g.ring_buffer_depth, g.limit, g.limit_detail))
        self.totals = self._totals()
        self.provenance_rows, self.hints = self._provenance()

    # ---- data -----------------------------------------------------------------------------------
    def _totals(self) -> Totals:
        m = self.mapping
        chips_used = int(np.unique(m.vertex_chip).size)
        busiest = int(np.argmax(m.router_entries)) if m.router_entries.any() else None
        busiest_xy = None if busiest is None else tuple(int(c) for c in m.machine.chip_xy[busiest])
        delay = sum(g.n_vertices for g in m.groups if g.kind == "delay")
        return Totals(
            m.profile.name, m.machine.describe(), m.n_boards, m.machine.n_chips, chips_used,
            m.machine.n_app_cores(m.profile.app_cores_per_chip,
                                  m.profile.app_cores_per_ethernet_chip),
            m.n_vertices, m.n_vertices - delay, delay, int(m.sdram.sum()),
            chips_used * USABLE_SDRAM_BYTES_PER_CHIP, int(m.router_entries.max(initial=0)),
            busiest_xy, m.timestep_ms, m.time_scale_factor, m.cycles_budget,
            int(np.count_nonzero(m.cycles > m.cycles_budget)), m.recording_chunks)

    def _provenance(self):
        prov = self.mapping.provenance
        if prov is None:
            return None, []
        rows, hints = [], []
        for g in self.mapping.groups:
            v = slice(g.first_vertex, g.first_vertex + g.n_vertices)
            busiest = prov.counters.get("max_spikes_per_tick")
            rows.append(ProvenanceRow(
                g.label, prov.total("packets_received", v), prov.total("spikes_sent", v),
                prov.total("ring_buffer_saturations", v),
                0 if busiest is None else int(busiest[v].max()),
                int(prov.worst_tick_cycles[v].max()), int(prov.overran[v].sum())))
            hints.extend(prov.hints(g.label, v))
        return rows, hints

    def as_dict(self) -> dict:
        """Everything in the report as plain, JSON-ready data."""
        return {
            "totals": asdict(self.totals),
            "populations": [asdict(r) for r in self.populations],
            "delay_extensions": [asdict(r) for r in self.delay_extensions],
            "provenance": None if self.provenance_rows is None else {
                "populations": [asdict(r) for r in self.provenance_rows],
                "hints": list(self.hints)},
        }

    # ---- text -----------------------------------------------------------------------------------
    def __str__(self) -> str:
        t = self.totals
        lines = [f"SpiNNaker mapping under the {t.rules!r} rules on {t.machine}",
                 (f"timestep {t.timestep_ms:g} ms, time_scale_factor {t.time_scale_factor:g}: "
                  f"{t.cycles_budget:,} CPU cycles per core per tick"),
                 "", self._population_table()]
        details = [f"  {r.label}: {r.limit_detail}" for r in self.populations
                   if r.limit_detail != r.limit]
        if details:
            lines += ["", "limits:", *details]
        if self.delay_extensions:
            lines += ["", "delay extensions (one core per slice of the sending population):"]
            lines += [(f"  {d.label} for {d.source!r}: {d.cores:,} cores, {d.n_stages} stage(s) "
                       f"of {d.delay_per_stage} ticks, serving "
                       f"{', '.join(map(repr, d.projections))}") for d in self.delay_extensions]
        lines += ["", "machine totals:", *self._totals_lines()]
        if self.provenance_rows is not None:
            lines += ["", "provenance (per population, summed over its cores):",
                      self._provenance_table()]
            lines += [f"  hint: {h}" for h in self.hints] or ["  no problems found"]
        return "\n".join(lines)

    def _population_table(self) -> str:
        return _table(["population", "model", "atoms", "atoms/core", "cores", "chips",
                       "SDRAM/core", "delay ext.", "cycles/tick", "real time",
                       "atoms/core limited by"],
                      [[r.label, r.model, f"{r.n_atoms:,}", r.atoms_per_core, f"{r.cores:,}",
                        f"{r.chips:,}", _bytes(r.sdram_per_core), f"{r.delay_extension_cores:,}",
                        f"{r.cycles_per_tick:,}", "yes" if r.real_time else "NO", r.limit]
                       for r in self.populations])

    def _totals_lines(self) -> list[str]:
        t = self.totals
        busiest = f" (chip {t.busiest_router_chip})" if t.busiest_router_chip else ""
        if t.cores_over_budget == 0:
            real_time = "every core keeps up"
        else:
            real_time = (f"{t.cores_over_budget:,} core(s) need more than {t.cycles_budget:,} "
                         "cycles per tick; increase time_scale_factor or reduce neurons per core")
        lines = [(f"  boards {t.n_boards:,}; chips used {t.chips_used:,} of {t.n_chips:,}; "
                  f"application cores used {t.cores_used:,} of {t.app_cores:,} "
                  f"({t.population_cores:,} for populations, "
                  f"{t.delay_extension_cores:,} for delay extensions)"),
                 (f"  SDRAM {_bytes(t.sdram_used)} of {_bytes(t.sdram_usable)} usable on the "
                  "chips used"),
                 (f"  router entries: at most {t.max_router_entries:,} per chip{busiest}, "
                  f"limit {ROUTER_ENTRIES_PER_CHIP}"),
                 f"  real time: {real_time}"]
        if t.recording_chunks and t.recording_chunks > 1:
            lines.append(f"  recording does not fit SDRAM for the whole run: it is extracted "
                         f"in {t.recording_chunks} pieces (the run pauses between them)")
        return lines

    def _provenance_table(self) -> str:
        return _table(["population", "packets received", "spikes sent", "saturations",
                       "max spikes/tick", "worst tick cycles", "overrunning cores"],
                      [[r.label, f"{r.packets_received:,}", f"{r.spikes_sent:,}",
                        f"{r.ring_buffer_saturations:,}", f"{r.max_spikes_per_tick:,}",
                        f"{r.worst_tick_cycles:,}", r.cores_overrunning]
                       for r in self.provenance_rows])

    def __repr__(self) -> str:
        t = self.totals
        return (f"<MappingReport {len(self.populations)} populations on {t.cores_used:,} cores "
                f"of {t.machine}>")

    # ---- files ----------------------------------------------------------------------------------
    def write(self, folder) -> list[Path]:
        """Write the report files (sPyNNaker-like names) into `folder`; returns their paths."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        files = {
            "mapping_summary.rpt": str(self),
            "partitioned_by_vertex.rpt": self._partition_text(),
            "placement_by_vertex.rpt": self._placement_text(),
            "router_summary.rpt": self._router_text(),
            "sdram_usage_report_per_chip.rpt": self._sdram_text(),
            "mapping.json": json.dumps(self.as_dict(), indent=1),
        }
        if self.mapping.provenance is not None:
            files["provenance.rpt"] = self._provenance_text()
        paths = []
        for name, text in files.items():
            path = folder / name
            path.write_text(text + "\n")
            paths.append(path)
        return paths

    def _vertex_lines(self, line) -> list[str]:
        """One line per vertex, or per group when there are too many vertices to list."""
        m = self.mapping
        out = []
        for k, g in enumerate(m.groups):
            out.append(f"{g.label} ({g.model}, {g.n_atoms:,} atoms, {g.n_vertices:,} vertices "
                       f"of {g.atoms_per_core}; keys 0x{int(m.key_space.base[k]):08x} mask "
                       f"0x{m.key_space.group_mask(k):08x})")
            if m.n_vertices > MAX_LISTED_VERTICES:
                last = g.first_vertex + g.n_vertices - 1
                out.append(f"  vertices {g.first_vertex:,}..{last:,}: " + line(g, None))
                continue
            out += [f"  {line(g, k)}" for k in range(g.n_vertices)]
        return out

    def _partition_text(self) -> str:
        m = self.mapping

        def line(g, k):
            if k is None:
                return (f"slices of {g.atoms_per_core} atoms; limited by {g.limit_detail}")
            v = g.first_vertex + k
            lo = k * g.atoms_per_core
            hi = min(lo + g.atoms_per_core, g.n_atoms)
            return (f"vertex {k}: atoms [{lo}, {hi})  SDRAM {m.sdram[v]:,} B  DTCM "
                    f"{m.dtcm[v]:,} B  {m.cycles[v]:,} cycles/tick")
        return "\n".join(["Partitioning (vertex = one core)", ""] + self._vertex_lines(line))

    def _placement_text(self) -> str:
        m = self.mapping
        xy = m.machine.chip_xy

        def line(g, k):
            if k is None:
                chips = m.chips_of(g.label)
                return f"{chips.size:,} chips from {tuple(xy[chips[0]])} to {tuple(xy[chips[-1]])}"
            v = g.first_vertex + k
            x, y = xy[m.vertex_chip[v]]
            return f"vertex {k} -> ({x}, {y}, {m.vertex_core[v]})"
        return "\n".join([f"Placement on {m.machine.describe()}", ""] + self._vertex_lines(line))

    def _router_text(self) -> str:
        m = self.mapping
        entries = m.router_entries
        used = np.flatnonzero(entries)
        order = used[np.argsort(-entries[used], kind="stable")][:MAX_LISTED_CHIPS]
        xy = m.machine.chip_xy
        lines = [f"Multicast routing entries per chip (limit {ROUTER_ENTRIES_PER_CHIP})",
                 (f"chips with entries: {used.size:,}; most: {int(entries.max(initial=0)):,}; "
                  f"total: {int(entries.sum()):,}"), "", "chip        entries"]
        lines += [f"({xy[c][0]}, {xy[c][1]})".ljust(12) + f"{entries[c]:,}" for c in order]
        if used.size > order.size:
            lines.append(f"... {used.size - order.size:,} more chips")
        return "\n".join(lines)

    def _sdram_text(self) -> str:
        m = self.mapping
        per_chip = np.bincount(m.vertex_chip, weights=m.sdram, minlength=m.machine.n_chips)
        used = np.flatnonzero(per_chip)
        xy = m.machine.chip_xy
        lines = [f"SDRAM used per chip (usable {USABLE_SDRAM_BYTES_PER_CHIP:,} bytes)", ""]
        lines += [f"({xy[c][0]}, {xy[c][1]}): {int(per_chip[c]):,} bytes "
                  f"({100 * per_chip[c] / USABLE_SDRAM_BYTES_PER_CHIP:.1f}%)" for c in used]
        return "\n".join(lines)

    def _provenance_text(self) -> str:
        m = self.mapping
        prov = m.provenance
        names = list(KNOWN_COUNTERS) + sorted(set(prov.counters) - set(KNOWN_COUNTERS))
        names = [n for n in names if n in prov.counters]
        lines = [(f"Provenance per core ({prov.n_ticks or '?'} ticks, budget {prov.budget:,} "
                  "cycles per tick)"), ""]
        header = ["vertex", "(x, y, p)"] + names + ["est. worst tick cycles"]
        rows = []
        listed = range(m.n_vertices) if m.n_vertices <= MAX_LISTED_VERTICES else \
            np.flatnonzero(prov.overran | (prov.counters.get("ring_buffer_saturations", 0) > 0))
        xy = m.machine.chip_xy
        for v in listed:
            g = m.groups[m.vertex_group[v]]
            x, y = xy[m.vertex_chip[v]]
            rows.append([f"{g.label}[{v - g.first_vertex}]", f"({x}, {y}, {m.vertex_core[v]})"]
                        + [f"{int(prov.counters[n][v]):,}" for n in names]
                        + [f"{int(prov.worst_tick_cycles[v]):,}"])
        lines.append(_table(header, rows))
        lines += [""] + [f"hint: {h}" for h in self.hints]
        return "\n".join(lines)


def _table(header: list[str], rows: list[list]) -> str:
    cells = [header] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[k]) for r in cells) for k in range(len(header))]
    text = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    text.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(text)


def _bytes(n: int) -> str:
    """Bytes in binary units (B, KiB, MiB, GiB)."""
    if n < 1024:
        return f"{n} B"
    power = min(3, int(math.log(n, 1024)))
    return f"{n / 1024 ** power:.1f} {('B', 'KiB', 'MiB', 'GiB')[power]}"
