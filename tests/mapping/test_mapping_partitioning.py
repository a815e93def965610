"""Partitioning: atoms per core, and the SDRAM / DTCM / row limits that shrink slices."""

import numpy as np
import pytest
from mapping_models import population, projection
from pyNN import connectors as pc

from spinnaker_sim.errors import MappingError
from spinnaker_sim.mapping import map_model
from spinnaker_sim.mapping.partitioner import Rules, partition
from spinnaker_sim.mapping.profiles import GUIDE, SPYNNAKER7
from spinnaker_sim.mapping.resources import DTCM_BASE


def mapped(pops, projs=(), profile="guide", **kwargs):
    return map_model(list(pops), list(projs), profile=profile, timestep_ms=1.0, **kwargs)


def test_1000_neurons_take_4_cores():
    m = mapped([population("exc", 1000)])
    assert m.slices["exc"] == [(0, 256), (256, 512), (512, 768), (768, 1000)]
    assert m.groups[0].limit == "default maximum (256 per core)"


def test_100_neurons_per_core_take_10_cores():
    m = mapped([population("exc", 1000, max_atoms_per_core=100)])
    assert len(m.slices["exc"]) == 10
    assert m.slices["exc"][-1] == (900, 1000)
    assert m.groups[0].limit == "set_number_of_neurons_per_core (100)"


def test_1000_poisson_sources_take_2_cores():
    m = mapped([population("noise", 1000, "SpikeSourcePoisson")])
    assert m.slices["noise"] == [(0, 500), (500, 1000)]


def test_neuron_cores_never_exceed_256_and_small_populations_take_one_core():
    m = mapped([population("a", 1000, max_atoms_per_core=1000), population("b", 10)])
    assert len(m.slices["a"]) == 4
    assert "row-based synapses" in m.groups[0].limit
    assert m.slices["b"] == [(0, 10)]
    assert m.groups[1].limit.startswith("population size")


def ten_thousand_inputs(plastic: bool, profile="guide"):
    """256 neurons, each receiving 10,000 connections."""
    pre = population("inputs", 10_000, "SpikeSourcePoisson")
    post = population("target", 256)
    return mapped([pre, post], [projection(pre, post, pc.FixedNumberPreConnector(10_000),
                                           plastic=plastic)], profile=profile)


@pytest.mark.parametrize("profile", ["guide", "spynnaker7"])
def test_many_incoming_connections_shrink_slices_and_stdp_shrinks_them_more(profile):
    static = ten_thousand_inputs(False, profile)
    stdp = ten_thousand_inputs(True, profile)
    static_apc = static.slices["target"].atoms_per_core
    stdp_apc = stdp.slices["target"].atoms_per_core
    assert static_apc < 256
    assert stdp_apc < static_apc
    for m in (static, stdp):
        target = m.groups[m.group_index["target"]]
        assert target.limit == "SDRAM"
        assert "synaptic matrix of projection 'inputs->target'" in target.limit_detail
        # the chosen slice fits its SDRAM share and one more atom would not
        share = Rules(m.profile, 1.0, 1).sdram_share
        assert m.sdram[target.first_vertex:target.first_vertex + target.n_vertices].max() <= share
        row = next(r for r in m.report().populations if r.label == "target")
        assert row.limit == "SDRAM"
    # about 7,000 static synapses per neuron fit a core's ~7 MB share at 4 bytes each
    assert static_apc * 10_000 * 4 < Rules(static.profile, 1.0, 1).sdram_share


def test_slices_take_one_more_atom_when_the_share_allows():
    pre = population("inputs", 10_000, "SpikeSourcePoisson")
    post = population("target", 256)
    rules = Rules(GUIDE, 1.0, 1)
    prj = projection(pre, post, pc.FixedNumberPreConnector(10_000))
    part = partition(post, [prj], {"inputs": pre, "target": post}, rules)
    n = part.atoms_per_core
    assert part.limit_detail.startswith(f"{n + 1} atoms per core need ")
    assert int(part.limit_detail.split(" need ")[1].split()[0].replace(",", "")) > \
        rules.sdram_share


def test_dtcm_binds_with_deep_ring_buffers_stdp_and_full_recording():
    # sPyNNaker 7: 32-slot ring buffers of 2 synapse types, alpha synapses, STDP history and
    # three recorded analog variables overflow 64 KB of DTCM at 256 neurons
    pre = population("in", 100, "SpikeSourcePoisson")
    post = population("alpha", 256, "IF_curr_alpha",
                      recorded=frozenset({"spikes", "v", "gsyn_exc", "gsyn_inh"}))
    m = mapped([pre, post], [projection(pre, post, pc.FixedProbabilityConnector(0.1),
                                        delay_ticks=20, plastic=True)], profile="spynnaker7")
    group = m.groups[m.group_index["alpha"]]
    assert group.limit == "DTCM"
    assert group.atoms_per_core < 256
    assert m.dtcm[group.first_vertex:].max() <= 64 * 1024
    assert m.dtcm.min() > DTCM_BASE
    # the guide's 16-slot ring buffer leaves room
    m = mapped([pre, post], [projection(pre, post, pc.FixedProbabilityConnector(0.1),
                                        delay_ticks=10, plastic=True)])
    assert m.slices["alpha"].atoms_per_core == 256


def test_rows_longer_than_256_synapses_shrink_slices():
    # multapses: 600 synapses from each pre atom onto a 256-atom slice on average
    pre = population("pre", 10, "SpikeSourceArray")
    post = population("post", 256)
    connector = pc.FixedTotalNumberConnector(6_000, with_replacement=True)
    m = mapped([pre, post], [projection(pre, post, connector)])
    group = m.groups[m.group_index["post"]]
    assert group.limit == "row length"
    assert group.atoms_per_core < 256


def test_a_neuron_too_big_for_any_core_is_refused_with_numbers():
    pre = population("huge", 2_000_000, "SpikeSourcePoisson")
    post = population("target", 10)
    with pytest.raises(MappingError) as err:
        mapped([pre, post], [projection(pre, post, pc.AllToAllConnector())])
    text = str(err.value)
    assert "'target'" in text and "even at 1 atom per core" in text
    assert "SDRAM" in text and "7,262,928" in text and "fewer incoming connections" in text


def test_spynnaker7_core_share_is_larger():
    assert Rules(SPYNNAKER7, 1.0, 1).sdram_share == 123_469_792 // 16
    assert Rules(GUIDE, 1.0, 1).sdram_share == 123_469_792 // 17


def test_estimates_and_exact_rows_agree_on_the_words_they_store():
    rng = np.random.default_rng(7)
    pre = population("pre", 300, "SpikeSourcePoisson")
    post = population("post", 500)
    conn = np.nonzero(rng.random((300, 500)) < 0.2)
    from spinnaker_sim.mapping import ProjectionSpec, RowStats
    exact = ProjectionSpec("p", "pre", "post", 0, False, 1,
                           RowStats.from_connections(conn[0], conn[1], 1, 300, 500))
    m = mapped([pre, post], [exact])
    words = m.synaptic_words("post")
    built = RowStats.from_connections(conn[0], conn[1], 1, 300, 500).slices(256, 16)
    np.testing.assert_array_equal(words, built.undelayed.static_words)
    sdram = m.sdram_breakdown("post")
    np.testing.assert_array_equal(sdram["synaptic_matrix"], 4 * words)
