"""Delay extensions under both rule profiles, and delays SpiNNaker cannot deliver."""

import numpy as np
import pytest
from mapping_models import population, projection
from pyNN import connectors as pc

from spinnaker_sim.errors import DelayTooLongError, MappingError
from spinnaker_sim.mapping import map_model


def two_populations(delay_ticks, profile, n=1000, extra=()):
    a, b = population("a", n), population("b", n)
    projs = [projection(a, b, pc.FixedProbabilityConnector(0.1), delay_ticks=delay_ticks)]
    projs += [projection(a, b, pc.FixedProbabilityConnector(0.1), delay_ticks=d, label=f"d{d}")
              for d in extra]
    return map_model([a, b], projs, profile=profile, timestep_ms=1.0)


def test_guide_rules_add_one_extension_core_per_sender_slice_for_20ms_delays():
    m = two_populations(20, "guide")
    assert m.ring_buffer_depth == {"a": 16, "b": 16}
    assert len(m.delay_extensions) == 4
    assert [(d.source, d.lo, d.hi) for d in m.delay_extensions] == \
        [("a", lo, hi) for lo, hi in m.slices["a"]]
    first = m.delay_extensions[0]
    assert (first.label, first.n_stages, first.delay_per_stage) == ("a_delayed", 1, 16)
    # extension cores come after the population cores, and the receiving slices are untouched
    assert [d.vertex for d in m.delay_extensions] == [8, 9, 10, 11]
    assert len(m.slices["b"]) == 4
    assert m.n_vertices == 12
    report = m.report()
    row = next(r for r in report.populations if r.label == "a")
    assert row.delay_extension_cores == 4
    assert report.delay_extensions[0].cores == 4
    assert "a_delayed for 'a': 4 cores, 1 stage(s) of 16 ticks" in str(report)
    # the delayed synapses are stored as delayed rows on the receiving cores
    sdram = m.sdram_breakdown("b")
    assert np.all(sdram["delayed_synaptic_matrix"] > 0) and not sdram["synaptic_matrix"].any()


def test_spynnaker7_rules_hold_20ms_delays_in_a_32_slot_ring_buffer():
    m = two_populations(20, "spynnaker7")
    assert m.ring_buffer_depth["b"] == 32
    assert len(m.delay_extensions) == 0
    assert m.n_vertices == 8
    assert m.report().delay_extensions == []


def test_stages_grow_with_the_delay_and_one_extension_serves_all_projections():
    m = two_populations(20, "guide", extra=(40, 144))
    groups = m.delay_extension_groups
    assert len(groups) == 1
    assert groups[0].n_stages == 8                  # 144 ticks = ring buffer + 8 stages of 16
    assert set(groups[0].projections) == {"a->b", "d40", "d144"}
    assert len(m.delay_extensions) == 4


@pytest.mark.parametrize("profile, longest", [("guide", 144), ("spynnaker7", 9 * 32)])
def test_delays_beyond_nine_ring_buffers_raise(profile, longest):
    two_populations(longest, profile)
    with pytest.raises(DelayTooLongError) as err:
        two_populations(longest + 1, profile)
    text = str(err.value)
    assert f"delays up to {longest + 1} ticks" in text
    assert f"at most {longest} ticks" in text and "'a->b'" in text
    assert isinstance(err.value, MappingError)


def test_spynnaker7_error_points_at_neurons_per_core():
    # 2 synapse types and 256 atoms leave 5 bits: 32 slots, 288 ticks; at 1 atom per core
    # the buffer could be deeper, so the hint says so
    with pytest.raises(DelayTooLongError, match="fewer neurons per core allow a deeper one"):
        two_populations(300, "spynnaker7")


def test_delay_hint_for_delays_no_slice_size_could_hold():
    with pytest.raises(DelayTooLongError, match="it has 8192 slots at 1 atom per core"):
        two_populations(9 * 2 ** 13 + 1, "spynnaker7")
