"""Machine choice, capacity limits, placement, keys and router tables; huge dry runs."""

import numpy as np
import pytest
from mapping_models import population, projection
from pyNN import connectors as pc

from spinnaker_sim.errors import MappingError
from spinnaker_sim.machine import Machine
from spinnaker_sim.mapping import map_model


def chain(n_pops, size, connector, last_extra=0, profile="guide", machine="10-cabinet"):
    """`n_pops` populations, each projecting onto the next (a ring) with `connector`."""
    pops = [population(f"p{i}", size + (last_extra if i == n_pops - 1 else 0))
            for i in range(n_pops)]
    projs = [projection(pops[i], pops[(i + 1) % n_pops], connector) for i in range(n_pops)]
    return map_model(pops, projs, machine=machine, profile=profile, timestep_ms=1.0)


@pytest.mark.parametrize("profile, per_pop, cores", [("guide", 208_896, 979_200),
                                                     ("spynnaker7", 196_352, 920_400)])
def test_ten_cabinet_holds_its_capacity_and_refuses_one_atom_more(profile, per_pop, cores):
    sparse = pc.FixedProbabilityConnector(1e-5)    # about two synapses per neuron
    m = chain(1200, per_pop, sparse, profile=profile)
    assert 1200 * per_pop == cores * 256          # 250,675,200 / 235,622,400 atoms
    assert m.n_vertices == cores and m.n_boards == 1200
    assert len(m.slices["p0"]) == per_pop // 256
    # every application core is used once
    core_id = m.vertex_chip.astype(np.int64) * 18 + m.vertex_core
    assert np.unique(core_id).size == cores
    with pytest.raises(MappingError) as err:
        chain(1200, per_pop, sparse, last_extra=1, profile=profile)
    assert f"needs {cores + 1:,} application cores" in str(err.value)
    assert f"has {cores:,} under the '{profile}' rules" in str(err.value)


def test_spynnaker7_refuses_the_guides_capacity():
    with pytest.raises(MappingError, match="needs 979,200 application cores"):
        map_model([population("all", 250_675_200)], [], machine="10-cabinet",
                  profile="spynnaker7", timestep_ms=1.0)


def test_a_thousand_populations_of_250000_neurons_dry_run():
    m = chain(1000, 250_000, pc.FixedNumberPreConnector(100))
    assert m.n_vertices == 1000 * 977
    row = m.report().populations[0]
    assert row.cores == 977 and row.real_time and row.limit.startswith("default maximum")
    # each core's rows: 25,600 synapses from ~24,000 of 250,000 pre-synaptic neurons
    words = m.synaptic_words("p1")
    assert 25_600 < words[0] < 25_600 + 4 * 26_000
    assert m.router_entries.max() <= 1023


def test_too_big_for_one_board_names_the_numbers_and_fits_on_four():
    big = population("big", 300_000)
    with pytest.raises(MappingError) as err:
        map_model([big], [], machine="spinn5", profile="guide", timestep_ms=1.0)
    text = str(err.value)
    assert "needs 1,172 application cores" in text and "has 816" in text
    assert "'big' 1,172 cores (300,000 atoms at 256 per core)" in text
    assert "n_boards=2" in text
    with pytest.raises(MappingError, match="Use n_boards=2 or more"):
        map_model([big], [], n_boards=1, profile="guide", timestep_ms=1.0)
    m = map_model([big], [], n_boards=4, profile="guide", timestep_ms=1.0)
    assert m.n_boards == 4 and m.n_vertices == 1172
    assert m.report().totals.n_boards == 4


def test_auto_allocates_boards_as_spalloc_does():
    m = map_model([population("big", 300_000)], [], profile="guide", timestep_ms=1.0)
    assert m.n_boards == 3
    m = map_model([population("small", 300)], [], profile="guide", timestep_ms=1.0)
    assert m.n_boards == 1
    with pytest.raises(MappingError, match="Even the largest machine is too small"):
        map_model([population("all", 250_675_201)], [], profile="guide", timestep_ms=1.0)


def test_delay_extensions_count_against_the_machine():
    a, b = population("a", 100_000), population("b", 100_000)
    fits = map_model([a, b], [projection(a, b, pc.OneToOneConnector(), delay_ticks=10)],
                     machine="spinn5", profile="guide", timestep_ms=1.0)
    assert fits.n_vertices == 2 * 391
    with pytest.raises(MappingError, match="391 of the cores are delay extensions"):
        map_model([a, b], [projection(a, b, pc.OneToOneConnector(), delay_ticks=20)],
                  machine="spinn5", profile="guide", timestep_ms=1.0)


def test_placement_fills_application_cores_chip_by_chip():
    m = map_model([population("a", 40 * 256)], [], machine="spinn5", profile="spynnaker7",
                  timestep_ms=1.0)
    per_chip = np.bincount(m.vertex_chip)
    assert list(per_chip) == [15, 16, 9]              # the Ethernet chip keeps extra monitors
    assert m.vertex_core.min() == 1                     # core 0 is the monitor
    assert m.placements[("a", 0)] == (0, 0, 1)
    assert m.placements[("a", 15)] == tuple(int(v) for v in m.machine.chip_xy[1]) + (1,)
    assert len(m.placements) == 40
    with pytest.raises(KeyError):
        m.placements[("a", 40)]


def test_routing_keys_are_unique_aligned_blocks():
    a, b, s = population("a", 1000), population("b", 300), population("s", 1000,
                                                                      "SpikeSourcePoisson")
    m = map_model([a, b, s], [projection(a, b, pc.FixedProbabilityConnector(0.1), delay_ticks=30)],
                  profile="guide", timestep_ms=1.0)
    key, mask = m.vertex_keys
    assert np.unique(key).size == m.n_vertices
    # each vertex's key block covers its atoms and no other vertex's key
    for v in range(m.n_vertices):
        assert key[v] & ~mask[v] & 0xFFFFFFFF == 0
        others = np.delete(key, v)
        assert not np.any((others & mask[v]) == key[v])
    lo, hi = m.slices["a"][1]
    msk = m.routing_keys[("a", 1)][1]
    assert (~msk & 0xFFFFFFFF) + 1 >= hi - lo
    # delay extensions need room for every stage of their atoms
    de_mask = m.routing_keys[("a_delayed", 0)][1]
    assert (~de_mask & 0xFFFFFFFF) + 1 >= 256 * 1


def test_router_entries_count_sources_per_chip():
    a, b = population("a", 256), population("b", 256)
    m = map_model([a, b], [projection(a, b, pc.AllToAllConnector())], machine="spinn5",
                  profile="guide", timestep_ms=1.0)
    assert m.router_table_sizes == {(0, 0): 1}          # both on chip (0, 0), one source
    # spread over chips: the source chip, every target chip, and where routes turn
    pops = [population(f"p{i}", 256 * 17) for i in range(3)]
    m = map_model(pops, [projection(pops[0], pops[2], pc.AllToAllConnector())],
                  machine="spinn5", profile="guide", timestep_ms=1.0)
    src, dst = m.chips_of("p0"), m.chips_of("p2")
    assert set(np.flatnonzero(m.router_entries)) >= set(src) | set(dst)
    assert m.router_entries.max() == 1


def test_model_errors():
    a, s = population("a", 10), population("s", 10, "SpikeSourcePoisson")
    with pytest.raises(MappingError, match="spike sources have no synapses"):
        map_model([a, s], [projection(a, s, pc.AllToAllConnector())], profile="guide",
                  timestep_ms=1.0)
    with pytest.raises(ValueError, match="labelled 'a'"):
        map_model([a, a], [], profile="guide", timestep_ms=1.0)
    with pytest.raises(ValueError, match="uses synapse type 2"):
        map_model([a], [projection(a, a, pc.AllToAllConnector(), synapse_type=2)],
                  profile="guide", timestep_ms=1.0)
    with pytest.raises(ValueError, match="not a rule profile"):
        map_model([a], [], profile="spynnaker9", timestep_ms=1.0)
    m = map_model([a], [], machine=Machine.spinn3(), profile="guide", timestep_ms=1.0)
    assert m.machine.n_chips == 4
