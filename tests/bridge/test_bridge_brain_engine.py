"""The brain engine: the same experiment code on spinnaker_sim, pyNN.nest and pyNN.brian2."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nrp_bridge.engines.brain import BrainEngine

BACKENDS = [
    "spinnaker_sim",
    pytest.param("pyNN.nest", marks=pytest.mark.reference),
    pytest.param("pyNN.brian2", marks=[pytest.mark.reference, pytest.mark.slow]),
]


@pytest.fixture
def brain():
    """A brain engine, ended after the test (PyNN backends are global state)."""
    engines = []

    def make(backend, build="bridge_brains:poisson_relay", **config):
        engine = BrainEngine()
        engine.info = engine.initialize({"backend": backend, "brain": build, "seed": 11,
                                         **config})
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.shutdown()


def check_spikes_match_counts(spikes, counts, t_start_ms, t_end_ms, timestep_ms=1.0):
    assert spikes.shape == (counts.sum(), 2)
    assert np.array_equal(np.bincount(spikes[:, 0].astype(int), minlength=counts.size), counts)
    if len(spikes):
        assert np.all(np.diff(spikes[:, 1]) >= 0)  # sorted by time
        assert spikes[:, 1].min() >= t_start_ms - timestep_ms
        assert spikes[:, 1].max() <= t_end_ms + timestep_ms


@pytest.mark.parametrize("backend", BACKENDS)
def test_rates_currents_and_spike_readouts(brain, backend):
    engine = brain(backend)
    assert engine.info["timestep"] == pytest.approx(0.001)
    assert engine.info["populations"] == {
        "motors": {"size": 10, "celltype": "IF_curr_exp"},
        "sensors": {"size": 10, "celltype": "SpikeSourcePoisson"}}
    start = engine.get(["motors:spike_counts", "motors:spikes", "motors:v", "sensors:rate"])
    assert start["motors:spike_counts"].tolist() == [0] * 10
    assert start["motors:spikes"].shape == (0, 2)
    assert start["motors:v"] == pytest.approx([-65.0] * 10)
    assert start["sensors:rate"].tolist() == [0.0] * 10

    engine.set({"sensors:rate": np.array([0.0] * 5 + [300.0] * 5)})  # per neuron
    for k in range(1, 4):
        assert engine.step(0.02) == pytest.approx(0.02 * k, abs=1e-9)
        out = engine.get(["sensors:spike_counts", "motors:spike_counts", "motors:spikes",
                          "motors:v", "sensors:rate"])
        sensors, motors = out["sensors:spike_counts"], out["motors:spike_counts"]
        assert sensors[:5].sum() == 0 and sensors[5:].sum() > 0
        assert motors[:5].sum() == 0 and motors[5:].sum() > 0
        check_spikes_match_counts(out["motors:spikes"], motors, 20.0 * (k - 1), 20.0 * k)
        assert out["motors:v"].shape == (10,) and np.all(np.isfinite(out["motors:v"]))
        assert out["sensors:rate"].tolist() == [0.0] * 5 + [300.0] * 5

    engine.set({"sensors:rate": 0.0, "motors:i_offset": [0.0] * 5 + [2.0] * 5})  # scalar too
    engine.step(0.02)  # input spikes still in flight may arrive early in this step
    engine.step(0.02)
    out = engine.get(["sensors:spike_counts", "motors:spike_counts", "motors:i_offset"])
    assert out["sensors:spike_counts"].sum() == 0  # the new rate took effect
    assert out["motors:spike_counts"][:5].sum() == 0  # 2 nA drives a LIF past threshold:
    assert np.all(out["motors:spike_counts"][5:] >= 1)  # these fire without any input
    assert out["motors:i_offset"] == pytest.approx([0.0] * 5 + [2.0] * 5)


@pytest.mark.parametrize("backend", BACKENDS)
def test_poisson_rates_change_between_steps(brain, backend):
    """20 -> 0 -> 200 Hz: pyNN.brian2 alone would stay at 20 Hz (see pynn_compat)."""
    engine = brain(backend, "bridge_brains:poisson_bank")
    measured = []
    for rate in (20.0, 0.0, 200.0):
        engine.set({"bank:rate": rate})
        engine.step(0.2)
        measured.append(engine.get(["bank:spike_counts"])["bank:spike_counts"].mean() / 0.2)
        assert engine.get(["bank:rate"])["bank:rate"] == pytest.approx([rate] * 100)
    assert measured[0] == pytest.approx(20.0, abs=3.0)  # 400 expected spikes: sd ~1 Hz
    assert measured[1] == 0.0
    assert measured[2] == pytest.approx(200.0, abs=10.0)


@pytest.mark.parametrize("backend", [BACKENDS[0], BACKENDS[2]])
def test_reset_replays_the_same_run(brain, backend):
    engine = brain(backend, "bridge_brains:poisson_bank")

    def two_steps():
        counts = []
        for _ in range(2):
            engine.step(0.02)
            counts.append(engine.get(["bank:spike_counts"])["bank:spike_counts"])
        return np.array(counts)

    first = two_steps()
    engine.reset()
    assert engine.get(["bank:spike_counts"])["bank:spike_counts"].sum() == 0
    assert np.array_equal(first, two_steps()) and first.sum() > 0


def test_a_script_file_builds_the_brain_with_sim_bound(brain, tmp_path: Path):
    script = tmp_path / "brain.py"
    script.write_text("eyes = sim.Population(3, sim.SpikeSourcePoisson(rate=5.0), label='eyes')\n"
                      "cells = [sim.Population(2, sim.IF_curr_exp(), label='left')]\n")
    engine = brain("pyNN.nest", str(script), record={"left": ["v"]})
    assert sorted(engine.populations) == ["eyes", "left"]
    engine.step(0.01)
    assert engine.get(["left:v"])["left:v"].shape == (2,)
    assert engine.get(["eyes:rate"])["eyes:rate"] == pytest.approx([5.0] * 3)


def test_extensions_own_their_datapacks_and_get_the_step_hooks(brain):
    engine = brain("pyNN.nest", extensions=[{"factory": "bridge_brains:DoubledCounts",
                                             "factor": 3}])
    engine.set({"sensors:rate": 400.0, "gain:any": 2})  # routed to the population / extension
    engine.step(0.02)
    first = engine.get(["sensors:spike_counts"])["sensors:spike_counts"].sum()
    engine.step(0.02)
    out = engine.get(["twice:sensors", "sensors:spike_counts", "hooks:x"])
    assert out["hooks:x"] == {"before_step": 2, "after_step": 2, "reset": 0}
    assert out["twice:sensors"] == 2 * (first + out["sensors:spike_counts"].sum()) > 0


def test_datapack_mistakes_are_named(brain):
    engine = brain("pyNN.nest")
    with pytest.raises(KeyError, match=r"no population labelled 'eyes'; the brain has "
                                       r"\['motors', 'sensors'\]"):
        engine.get(["eyes:spike_counts"])
    with pytest.raises(KeyError, match="must be '<population label>:<variable>'"):
        engine.get(["motors"])
    with pytest.raises(KeyError, match="has no variable or parameter 'colour'"):
        engine.get(["motors:colour"])
    with pytest.raises(ValueError, match=r"needs a scalar or 10 values \(one per neuron\), got "
                                         r"shape \(3,\)"):
        engine.set({"sensors:rate": [1.0, 2.0, 3.0]})


def test_config_mistakes_are_named(tmp_path: Path):
    with pytest.raises(ValueError, match=r"unknown brain engine config keys \['brian'\]"):
        BrainEngine().initialize({"brian": "x.py"})
    with pytest.raises(ValueError, match="needs config 'brain'"):
        BrainEngine().initialize({"backend": "pyNN.nest"})
    with pytest.raises(FileNotFoundError, match="brain script .*missing.py' does not exist"):
        BrainEngine().initialize({"backend": "pyNN.nest", "brain": str(tmp_path / "missing.py")})
    with pytest.raises(ImportError, match="cannot import PyNN backend 'pyNN.loihi'"):
        BrainEngine().initialize({"backend": "pyNN.loihi", "brain": "x:y"})
    duplicate = tmp_path / "twins.py"
    duplicate.write_text("a = sim.Population(1, sim.IF_curr_exp(), label='twin')\n"
                         "b = sim.Population(1, sim.IF_curr_exp(), label='twin')\n")
    with pytest.raises(ValueError, match="two populations are labelled 'twin'"):
        BrainEngine().initialize({"backend": "pyNN.nest", "brain": str(duplicate)})


@pytest.mark.reference
def test_a_nest_brain_runs_as_in_a_fresh_process_whatever_nest_ran_before(brain):
    """pyNN.nest keeps spike_precision from the last setup() that named it (see pynn_compat)."""
    import pyNN.nest

    def counts_after(spike_precision):
        pyNN.nest.setup(spike_precision=spike_precision)  # a model run earlier in the process
        pyNN.nest.end()
        engine = brain("pyNN.nest", "bridge_brains:poisson_relay")
        assert pyNN.nest.simulator.state.spike_precision == "off_grid"
        engine.step(0.2)
        return engine.get(["motors:spike_counts"])["motors:spike_counts"]

    assert np.array_equal(counts_after("on_grid"), counts_after("off_grid"))
