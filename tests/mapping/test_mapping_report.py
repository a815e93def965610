"""The mapping report: the table, the files, the data, and provenance with hints."""

import json

import numpy as np
import pytest
from mapping_models import population, projection
from pyNN import connectors as pc

from spinnaker_sim.mapping import map_model


@pytest.fixture
def mapping():
    exc = population("exc", 1000, recorded=frozenset({"spikes", "v"}))
    inh = population("inh", 250)
    noise = population("noise", 1000, "SpikeSourcePoisson", spikes_per_second=10.0)
    projs = [projection(noise, exc, pc.OneToOneConnector()),
             projection(exc, inh, pc.FixedProbabilityConnector(0.1), delay_ticks=20),
             projection(inh, exc, pc.FixedProbabilityConnector(0.1), synapse_type=1)]
    return map_model([exc, inh, noise], projs, profile="guide", timestep_ms=1.0, run_ticks=1000)


def test_report_table_shows_populations_limits_delays_and_totals(mapping):
    report = mapping.report()
    text = str(report)
    assert "SpiNNaker mapping under the 'guide' rules on spinn5 (1 board" in text
    header = next(line for line in text.splitlines() if line.startswith("population"))
    for column in ("atoms/core", "cores", "chips", "SDRAM/core", "delay ext.", "cycles/tick",
                   "real time", "atoms/core limited by"):
        assert column in header
    exc_line = next(line for line in text.splitlines() if line.startswith("exc "))
    assert "1,000" in exc_line and "256" in exc_line and "default maximum" in exc_line
    assert "exc_delayed for 'exc': 4 cores" in text
    assert "application cores used 11 of 816 (7 for populations, 4 for delay extensions)" in text
    assert "limit 1023" in text and "real time: every core keeps up" in text
    rows = {r.label: r for r in report.populations}
    assert rows["exc"].cores == 4 and rows["exc"].delay_extension_cores == 4
    assert rows["inh"].cores == 1 and rows["inh"].limit.startswith("population size")
    assert rows["noise"].atoms_per_core == 500
    assert all(r.real_time for r in report.populations)
    assert rows["exc"].sdram_per_core == mapping.sdram[:4].max()
    assert report.totals.cores_used == 11 and report.totals.n_boards == 1


def test_real_time_fails_when_the_tick_is_short(mapping):
    fast = map_model(mapping.populations, mapping.projections, profile="guide", timestep_ms=0.1)
    report = fast.report()
    assert fast.cycles_budget == 20_000
    assert not next(r for r in report.populations if r.label == "exc").real_time
    assert "need more than 20,000 cycles per tick" in str(report)
    slow = map_model(mapping.populations, mapping.projections, profile="guide", timestep_ms=0.1,
                     time_scale_factor=10)
    assert all(r.real_time for r in slow.report().populations)


def test_report_files_and_data(mapping, tmp_path):
    report = mapping.report()
    paths = report.write(tmp_path / "reports" / "run_1")
    names = {p.name for p in paths}
    assert names == {"mapping_summary.rpt", "partitioned_by_vertex.rpt", "placement_by_vertex.rpt",
                     "router_summary.rpt", "sdram_usage_report_per_chip.rpt", "mapping.json"}
    assert (tmp_path / "reports/run_1/mapping_summary.rpt").read_text().strip() == str(report)
    placement = (tmp_path / "reports/run_1/placement_by_vertex.rpt").read_text()
    assert "vertex 0 -> (0, 0, 1)" in placement
    partition = (tmp_path / "reports/run_1/partitioned_by_vertex.rpt").read_text()
    assert "vertex 3: atoms [768, 1000)" in partition
    data = json.loads((tmp_path / "reports/run_1/mapping.json").read_text())
    assert data == json.loads(json.dumps(report.as_dict()))
    assert data["totals"]["delay_extension_cores"] == 4
    assert [p["label"] for p in data["populations"]] == ["exc", "inh", "noise"]
    assert data["provenance"] is None


def test_provenance_hints_and_overrun_estimates(mapping, tmp_path):
    n = mapping.n_population_vertices
    saturations = np.zeros(n, dtype=np.int64)
    saturations[4] = 12                              # the core of 'inh'
    busiest = np.zeros(n, dtype=np.int64)
    busiest[1] = 5_000                               # a core of 'exc' flooded in one tick
    provenance = mapping.attach_provenance({
        "packets_received": np.full(n, 3_000), "spikes_sent": np.arange(n),
        "ring_buffer_saturations": saturations, "max_spikes_per_tick": busiest}, n_ticks=1000)
    assert provenance.overran[1] and not provenance.overran[0]
    assert provenance.worst_tick_cycles[1] > mapping.cycles_budget
    assert provenance.counters["spikes_sent"].size == mapping.n_vertices  # delay cores: zeros
    report = mapping.report()
    text = str(report)
    assert "provenance (per population" in text
    assert "saturated the 16-bit ring buffer 12 times on 1 core(s)" in text
    assert "increase spikes_per_second and/or ring_buffer_sigma" in text
    assert "1 core(s) would overrun the timer tick" in text
    assert "Increase time_scale_factor" in text
    assert "more than its 256-packet input buffer" in text
    rows = {r.label: r for r in report.provenance_rows}
    assert rows["inh"].ring_buffer_saturations == 12
    assert rows["exc"].packets_received == 4 * 3_000 and rows["exc"].cores_overrunning == 1
    assert report.as_dict()["provenance"]["hints"] == report.hints
    written = report.write(tmp_path)
    assert (tmp_path / "provenance.rpt") in written
    assert "exc[1]" in (tmp_path / "provenance.rpt").read_text()


def test_quiet_provenance_reports_no_problems(mapping):
    n = mapping.n_vertices
    mapping.attach_provenance({"packets_received": np.zeros(n), "max_spikes_per_tick":
                               np.ones(n)}, n_ticks=10)
    assert "no problems found" in str(mapping.report())


def test_provenance_arrays_must_align_with_vertices(mapping):
    with pytest.raises(ValueError, match="'spikes_sent' has shape \\(3,\\)"):
        mapping.attach_provenance({"spikes_sent": np.zeros(3)})


def test_recording_that_cannot_fit_is_split_into_chunks():
    pre = population("inputs", 10_000, "SpikeSourcePoisson")
    post = population("target", 256, recorded=frozenset({"spikes", "v", "gsyn_exc"}))
    m = map_model([pre, post], [projection(pre, post, pc.FixedNumberPreConnector(10_000))],
                  profile="guide", timestep_ms=1.0, run_ticks=100_000)
    assert m.recording_chunks > 1
    assert f"extracted in {m.recording_chunks} pieces" in str(m.report())


def test_big_models_write_summaries_instead_of_every_vertex(tmp_path):
    m = map_model([population("huge", 256 * 20_000)], [], profile="guide", timestep_ms=1.0)
    m.report().write(tmp_path)
    partition = (tmp_path / "partitioned_by_vertex.rpt").read_text()
    assert "vertices 0..19,999: slices of 256 atoms" in partition
    assert len(partition.splitlines()) < 10
