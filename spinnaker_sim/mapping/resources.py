"""SDRAM, DTCM and CPU cycles a core needs, per vertex kind, as numpy arrays over its vertices.

The synaptic matrix is the real size of the rows the engine stores (:mod:`synaptic_rows`);
the other regions follow sPyNNaker's layout (system, neuron parameters, master population
table, bit fields, recording, STDP history) with sizes rounded to what the C code allocates.
CPU cycles are a model: a per-tick base, a per-atom update, and per received packet and
per synaptic event costs, the figures behind SpiNNaker's 1,000 synapses x 10 Hz design point.
"""

from dataclasses import dataclass

import numpy as np

from .row_stats import SliceStats
from .spec import PopulationSpec, ProjectionSpec

# ---- models ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelInfo:
    """Defaults of one cell type: what its cores run and cost."""

    kind: str                 # "neuron", "poisson", "array" or "injector"
    n_neuron_words: int       # 32-bit words of parameters and state per atom
    max_atoms_per_core: int   # sPyNNaker's default atoms per core
    cycles_per_atom: int      # update cost of one atom per tick


#: the row-based synapse code indexes at most 256 neurons per core (master population table)
NEURON_ATOMS_PER_CORE_CAP = 256

MODELS = {
    # LIF: V, V_rest, R, exp_TC, I_offset, refractory count, V_reset, T_refract (8 words),
    # two synapse types of (state, decay, init), and the threshold
    "IF_curr_exp": ModelInfo("neuron", 15, 256, 222),
    "IF_cond_exp": ModelInfo("neuron", 17, 256, 242),      # + reversal potentials
    "IF_curr_alpha": ModelInfo("neuron", 19, 256, 262),    # alpha synapses keep 5 words each
    "IF_curr_delta": ModelInfo("neuron", 11, 256, 152),    # delta synapses keep 1 word each
    "Izhikevich": ModelInfo("neuron", 15, 256, 292),       # a, b, c, d, v, u, I_offset, h
    "SpikeSourcePoisson": ModelInfo("poisson", 8, 500, 60),
    # sPyNNaker leaves spike arrays and injectors to the model-wide maximum; 256 keeps one
    # 8-bit atom field per core like the neuron models
    "SpikeSourceArray": ModelInfo("array", 1, 256, 8),
    "SpikeInjector": ModelInfo("injector", 0, 256, 4),
}
_GENERIC_NEURON = ModelInfo("neuron", 16, 256, 250)
_GENERIC_SOURCE = ModelInfo("array", 1, 256, 8)


def model_info(model: str, is_source: bool = False) -> ModelInfo:
    """Defaults of `model` (a PyNN cell type name); unknown models get generic figures."""
    return MODELS.get(model, _GENERIC_SOURCE if is_source else _GENERIC_NEURON)


def default_max_atoms_per_core(model: str, is_source: bool = False) -> int:
    """sPyNNaker's default atoms per core of a cell type (256 neurons, 500 Poisson sources)."""
    return model_info(model, is_source).max_atoms_per_core


def default_neuron_words(model: str, is_source: bool = False) -> int:
    """32-bit words of parameters and state per atom of a cell type."""
    return model_info(model, is_source).n_neuron_words


# ---- memory layout constants (bytes) --------------------------------------------------------

WORD = 4
#: system region, data-specification header and region table, provenance and profiling regions
CORE_BASE_SDRAM = 4_096
NEURON_PARAMS_HEADER = 64
SYNAPSE_PARAMS_BYTES = 32
MASTER_POP_TABLE_HEADER = 8
#: one master-population-table entry (key, mask, address, row length) plus its address-list word
MASTER_POP_TABLE_ENTRY = 16
#: per-core header of a delay extension (atoms, stages, delay per stage, keys)
DELAY_PARAMS_BYTES = 64
#: the spike buffer a SpikeSourceArray core streams from (front end's buffered region)
SPIKE_SOURCE_BUFFER = 1024 * 1024
#: STDP: global rule parameters and look-up tables, and per-neuron post-spike history
#: (count, 4 spike times, 4 16-bit traces)
STDP_PARAMS_BYTES = 1_024
POST_HISTORY_WORDS = 7
#: DTCM: stack and globals of any core, and the incoming-spike buffer (incoming_spike_buffer_size)
DTCM_BASE = 3_072
INCOMING_SPIKE_BUFFER_SIZE = 256
#: ring-buffer entries are unsigned 16-bit
RING_ENTRY_BYTES = 2
#: a recorded analog value and a spike-record tick header
RECORD_VALUE_BYTES = 4
RECORD_TICK_HEADER = 4

# ---- CPU cycle constants (per tick) ---------------------------------------------------------

NEURON_TICK_CYCLES = 1_000      # timer callback, ring-buffer transfer, recording flush
SOURCE_TICK_CYCLES = 500
RECORD_CYCLES_PER_VARIABLE = 10  # per atom per recorded variable
PACKET_CYCLES = 130             # spike interrupt, master population table search, DMA setup
STATIC_SYNAPSE_CYCLES = 24      # one synaptic event into the ring buffer
PLASTIC_ROW_CYCLES = 300        # pre-trace update and write-back DMA of a plastic row
PLASTIC_SYNAPSE_CYCLES = 120    # STDP weight update of one synapse
SPIKE_SEND_CYCLES = 50          # emitting one multicast packet
DELAY_CYCLES_PER_ATOM_STAGE = 4  # a delay extension scanning its spike bits
DELAY_PACKET_CYCLES = 40


@dataclass(frozen=True)
class Incoming:
    """A projection arriving at a population, with its rows for the chosen slicing."""

    spec: ProjectionSpec
    rows: SliceStats
    pre_rate_hz: float
    n_pre: int


@dataclass
class VertexCosts:
    """Resources of each vertex of one group; every array has one entry per vertex."""

    sdram: dict[str, np.ndarray]
    dtcm: np.ndarray
    cycles: np.ndarray
    base_cycles: np.ndarray        # cycles without any received spike
    cycles_per_packet: np.ndarray  # mean cost of one received packet
    longest_row: np.ndarray        # synapses in the longest incoming row
    recording_per_tick: np.ndarray  # bytes recorded per tick

    @property
    def sdram_total(self) -> np.ndarray:
        return sum(self.sdram.values())


def _recording_per_tick(n: np.ndarray, recorded: frozenset[str]) -> np.ndarray:
    spikes = (RECORD_TICK_HEADER + WORD * -(-n // 32)) if "spikes" in recorded else 0
    analog = len(recorded - {"spikes"}) * (RECORD_TICK_HEADER + RECORD_VALUE_BYTES * n)
    return np.asarray(spikes + analog, dtype=np.int64)


def _reserve_recording(sdram: dict, per_tick: np.ndarray, ticks: int, share: int) -> None:
    """Recording gets the whole run if it fits beside the rest, else what is left (>= 1 tick):
    like sPyNNaker, a run whose recording does not fit is split into chunks."""
    rest = sum(sdram.values())
    sdram["recording"] = np.minimum(per_tick * max(1, ticks), np.maximum(per_tick, share - rest))


@dataclass
class _SynapticLoad:
    """What a vertex's incoming rows add up to (arrays over the vertices)."""

    matrix: np.ndarray       # bytes of undelayed rows
    delayed: np.ndarray      # bytes of rows re-sent by delay extensions
    table: np.ndarray        # master population table entries, bytes
    bitfields: np.ndarray    # one bit per pre-synaptic atom of each incoming matrix, bytes
    row_words: np.ndarray    # words of the longest row (its DMA buffer)
    longest: np.ndarray      # synapses in the longest row
    packets: np.ndarray      # expected packets received per tick
    event_cycles: np.ndarray  # expected cycles per tick handling them
    plastic: bool


def _synaptic_load(incoming: list[Incoming], n: np.ndarray, timestep_ms: float) -> _SynapticLoad:
    zeros = np.zeros_like(n)
    load = _SynapticLoad(zeros.copy(), zeros.copy(), zeros.copy(), zeros.copy(), zeros.copy(),
                         zeros.copy(), zeros.astype(float), zeros.astype(float), False)
    for inc in incoming:
        plastic = inc.spec.plastic
        load.plastic |= plastic
        per_tick = inc.pre_rate_hz * timestep_ms / 1000.0
        row_cost = PACKET_CYCLES + (PLASTIC_ROW_CYCLES if plastic else 0)
        synapse_cost = PLASTIC_SYNAPSE_CYCLES if plastic else STATIC_SYNAPSE_CYCLES
        for part, total in ((inc.rows.undelayed, load.matrix), (inc.rows.delayed, load.delayed)):
            total += WORD * part.words(plastic)
            present = part.rows > 0
            load.table += MASTER_POP_TABLE_ENTRY * present
            load.bitfields += present * WORD * -(-inc.n_pre // 32)
            load.row_words = np.maximum(load.row_words, part.max_row_words(plastic))
            load.longest = np.maximum(load.longest, part.max_row)
            load.packets += part.rows * per_tick
            load.event_cycles += per_tick * (part.rows * row_cost + part.synapses * synapse_cost)
    return load


def neuron_costs(pop: PopulationSpec, sizes: np.ndarray, incoming: list[Incoming], depth: int,
                 timestep_ms: float, recording_ticks: int, share: int) -> VertexCosts:
    """Costs of a neuron population's vertices of `sizes` atoms, with their incoming rows."""
    n = np.asarray(sizes, dtype=np.int64)
    load = _synaptic_load(incoming, n, timestep_ms)
    state = WORD * pop.n_neuron_words * n
    stdp_history = WORD * POST_HISTORY_WORDS * n if load.plastic else np.zeros_like(n)
    recording = _recording_per_tick(n, pop.recorded)
    sdram = {
        "system": np.full_like(n, CORE_BASE_SDRAM),
        "neuron_params": NEURON_PARAMS_HEADER + state,
        "synapse_params": np.full_like(n, SYNAPSE_PARAMS_BYTES),
        "master_pop_table": MASTER_POP_TABLE_HEADER + load.table,
        "bitfields": load.bitfields,
        "synaptic_matrix": load.matrix,
        "delayed_synaptic_matrix": load.delayed,
        "stdp": stdp_history + (STDP_PARAMS_BYTES if load.plastic else 0),
    }
    _reserve_recording(sdram, recording, recording_ticks, share)
    dtcm = (DTCM_BASE + state + RING_ENTRY_BYTES * depth * pop.n_synapse_types * n
            + WORD * INCOMING_SPIKE_BUFFER_SIZE + 2 * WORD * load.row_words + stdp_history
            + recording)
    per_atom = model_info(pop.model).cycles_per_atom + RECORD_CYCLES_PER_VARIABLE * len(
        pop.recorded)
    base = NEURON_TICK_CYCLES + n * per_atom
    cycles = base + np.ceil(load.event_cycles).astype(np.int64)
    per_packet = np.divide(load.event_cycles, load.packets,
                           out=np.zeros_like(load.event_cycles), where=load.packets > 0)
    return VertexCosts(sdram, dtcm.astype(np.int64), cycles, base, per_packet, load.longest,
                       recording)


def source_costs(pop: PopulationSpec, sizes: np.ndarray, timestep_ms: float,
                 recording_ticks: int, share: int) -> VertexCosts:
    """Costs of a spike source's vertices (Poisson, array or injector)."""
    n = np.asarray(sizes, dtype=np.int64)
    info = model_info(pop.model, is_source=True)
    state = WORD * pop.n_neuron_words * n
    recording = _recording_per_tick(n, pop.recorded)
    sdram = {"system": np.full_like(n, CORE_BASE_SDRAM), "source_params": NEURON_PARAMS_HEADER
             + state}
    if info.kind == "array":
        sdram["spike_buffer"] = np.full_like(n, SPIKE_SOURCE_BUFFER)
    _reserve_recording(sdram, recording, recording_ticks, share)
    spikes = n * pop.spikes_per_second * timestep_ms / 1000.0
    base = SOURCE_TICK_CYCLES + n * (info.cycles_per_atom + RECORD_CYCLES_PER_VARIABLE
                                     * len(pop.recorded))
    cycles = base + np.ceil(spikes * SPIKE_SEND_CYCLES).astype(np.int64)
    zeros = np.zeros_like(n)
    return VertexCosts(sdram, DTCM_BASE + state + recording, cycles, base, zeros.astype(float),
                       zeros, recording)


def delay_costs(sender: PopulationSpec, sizes: np.ndarray, n_stages: int, delay_per_stage: int,
                timestep_ms: float) -> VertexCosts:
    """Costs of a delay extension's vertices: each holds its sender slice's spikes for up to
    ``n_stages`` x ``delay_per_stage`` ticks and re-sends them once per stage."""
    n = np.asarray(sizes, dtype=np.int64)
    bits = WORD * -(-(n * n_stages) // 32)
    sdram = {"system": np.full_like(n, CORE_BASE_SDRAM),
             "delay_params": DELAY_PARAMS_BYTES + bits}
    history = -(-(n * n_stages * delay_per_stage) // 8)   # one bit per atom per delay slot
    dtcm = DTCM_BASE + WORD * INCOMING_SPIKE_BUFFER_SIZE + history + bits
    spikes_in = n * sender.spikes_per_second * timestep_ms / 1000.0
    base = SOURCE_TICK_CYCLES + n * n_stages * DELAY_CYCLES_PER_ATOM_STAGE
    per_packet = float(DELAY_PACKET_CYCLES + n_stages * SPIKE_SEND_CYCLES)
    cycles = base + np.ceil(spikes_in * per_packet).astype(np.int64)
    zeros = np.zeros_like(n)
    return VertexCosts(sdram, dtcm.astype(np.int64), cycles, base, np.full(n.shape, per_packet),
                       zeros, zeros)
