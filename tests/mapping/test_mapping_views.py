"""The lazy views of a mapping behave like the lists and dicts they stand for."""

import pytest
from mapping_models import population, projection
from pyNN import connectors as pc

from spinnaker_sim.mapping import map_model
from spinnaker_sim.mapping.views import SliceList


def test_slice_list_is_a_sequence_of_ranges():
    slices = SliceList(1000, 256)
    assert len(slices) == 4
    assert slices[-1] == (768, 1000) and slices[1:3] == [(256, 512), (512, 768)]
    assert slices == [(0, 256), (256, 512), (512, 768), (768, 1000)]
    assert slices != [(0, 256)]
    assert SliceList(10**9, 256) == SliceList(10**9, 256)
    assert "3906250 slices of 256" in repr(SliceList(10**9, 256))
    with pytest.raises(IndexError, match="vertex 4 out of range"):
        slices[4]


def test_vertex_views_follow_the_vertex_order():
    a, b = population("a", 600), population("b", 300)
    m = map_model([a, b], [projection(a, b, pc.AllToAllConnector(), delay_ticks=40)],
                  profile="guide", timestep_ms=1.0)
    assert list(m.placements) == [("a", 0), ("a", 1), ("a", 2), ("b", 0), ("b", 1),
                                  ("a_delayed", 0), ("a_delayed", 1), ("a_delayed", 2)]
    extensions = m.delay_extensions
    assert len(extensions) == 3 and extensions[-1].lo == 512 and extensions[-1].hi == 600
    assert [e.vertex for e in extensions[0:2]] == [5, 6]
    assert extensions[0].n_stages == 2                 # 40 ticks: 16 + 2 stages of 16
    assert dict(m.routing_keys)[("b", 1)] == m.routing_keys[("b", 1)]
    assert m.n_population_vertices == 5 and m.n_vertices == 8


def test_an_empty_model_maps_to_an_empty_board():
    m = map_model([], [], profile="guide", timestep_ms=1.0)
    assert m.n_vertices == 0 and m.n_boards == 1
    assert "application cores used 0 of 816" in str(m.report())
