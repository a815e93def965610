"""The import aliases (and that a real sPyNNaker is never shadowed unless asked), sPyNNaker's
setup keywords and extra_models, and plotting on the emulator's Neo output."""

import subprocess
import sys

import matplotlib
import pytest
from spynnaker_helpers import ROOT

import spinnaker_sim as sim
from spinnaker_sim import spynnaker_alias

matplotlib.use("Agg")

FAKE_SPYNNAKER = {
    "spynnaker/__init__.py": "",
    "spynnaker/pyNN/__init__.py": "IS_REAL_SPYNNAKER = True\n",
}


def run_python(code: str, tmp_path, extra_path=None):
    path = str(ROOT) + (f":{extra_path}" if extra_path else "")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                          timeout=60, cwd=tmp_path, env={"PYTHONPATH": path, "PATH": "/usr/bin"})
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def fake_spynnaker(tmp_path):
    for name, text in FAKE_SPYNNAKER.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_aliases_answer_every_spynnaker_spelling(tmp_path):
    out = run_python(
        "import spinnaker_sim\n"
        "print(spinnaker_sim.install_as_spinnaker())\n"
        "import pyNN.spiNNaker as a, spynnaker.pyNN as b, spynnaker8 as c\n"
        "from spynnaker.pyNN import external_devices, extra_models\n"
        "import spynnaker.pyNN.external_devices as d\n"
        "print(a is b is c is spinnaker_sim, d is external_devices is a.external_devices)\n"
        "print(a.__spec__.name, extra_models.IFCurDelta is a.IF_curr_delta)\n", tmp_path)
    assert out.split() == ["True", "True", "True", "spinnaker_sim", "True"]


def test_no_alias_without_opt_in(tmp_path):
    out = run_python("import spinnaker_sim\ntry:\n import pyNN.spiNNaker\nexcept ImportError as e:"
                     "\n print('missing', e.name)\n", tmp_path)
    assert out.strip() == "missing spynnaker"


def test_real_spynnaker_is_not_shadowed_unless_forced(fake_spynnaker, tmp_path):
    out = run_python(
        "import warnings, spinnaker_sim\n"
        "with warnings.catch_warnings(record=True) as w:\n"
        "    warnings.simplefilter('always')\n"
        "    print(spinnaker_sim.install_as_spinnaker())\n"
        "print('real sPyNNaker is installed' in str(w[0].message))\n"
        "import pyNN.spiNNaker as sim\nprint(sim.IS_REAL_SPYNNAKER)\n", tmp_path, fake_spynnaker)
    assert out.split() == ["False", "True", "True"]
    out = run_python(
        "import spinnaker_sim\nprint(spinnaker_sim.install_as_spinnaker(force=True))\n"
        "import pyNN.spiNNaker as sim\nprint(sim.__name__)\n", tmp_path, fake_spynnaker)
    assert out.split() == ["True", "spinnaker_sim"]


def test_cli_uses_the_emulator_even_beside_a_real_spynnaker(fake_spynnaker, tmp_path):
    script = tmp_path / "which.py"
    script.write_text("import pyNN.spiNNaker as sim\nprint('module', sim.__name__)\n")
    done = subprocess.run([sys.executable, "-m", "spinnaker_sim", "run", "--no-report",
                           str(script)], capture_output=True, text=True, check=False, timeout=60, cwd=tmp_path,
                          env={"PYTHONPATH": f"{ROOT}:{fake_spynnaker}", "PATH": "/usr/bin"})
    assert done.returncode == 0, done.stderr
    assert "module spinnaker_sim" in done.stdout


def test_uninstall_restores_plain_imports():
    assert spynnaker_alias.install_as_spinnaker()
    import pyNN.spiNNaker as aliased
    assert aliased is sim
    spynnaker_alias.uninstall_as_spinnaker()
    assert not spynnaker_alias.installed()
    with pytest.raises(ImportError):
        import pyNN.spiNNaker  # noqa: F401


def test_spynnaker_setup_keywords():
    sim.setup(timestep="auto", time_scale_factor=None, n_boards_required=1,
              database_socket_addresses=[], report_folder=None)
    assert sim.get_time_step() == 1.0
    with pytest.raises(TypeError, match="unknown keyword"):
        sim.setup(timestep=1.0, not_a_spynnaker_option=3)
    assert sim.name().startswith("spinnaker_sim")
    sim.end()


def test_extra_models_run_or_say_why_not():
    sim.setup(timestep=1.0, report_folder=None)
    cells = sim.Population(1, sim.extra_models.IFCurDelta(i_offset=2.0), label="delta")
    cells.record("spikes")
    sim.run(50)
    assert len(cells.get_data("spikes").segments[0].spiketrains[0]) > 0
    with pytest.raises(NotImplementedError, match="IF_curr_dual_exp is a sPyNNaker model"):
        _ = sim.extra_models.IF_curr_dual_exp
    with pytest.raises(AttributeError):
        _ = sim.extra_models.no_such_model
    sim.end()


def test_pynn_plotting_and_plot_run_on_emulator_output():
    from pyNN.utility.plotting import Figure, Panel

    from spinnaker_sim.plotting import plot_run, population_rates
    sim.setup(timestep=1.0, report_folder=None)
    sim.set_number_of_neurons_per_core(sim.IF_curr_exp, 20)
    source = sim.Population(1, sim.SpikeSourceArray(spike_times=[5.0, 25.0]), label="source")
    cells = sim.Population(50, sim.IF_curr_exp(), label="cells")
    sim.Projection(source, cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=5.0))
    cells.record(["spikes", "v"])
    sim.run(40)
    data = cells.get_data().segments[0]
    figure = Figure(Panel(data.spiketrains, yticks=True),
                    Panel(data.filter(name="v")[0], ylabel="v (mV)", xticks=True))
    assert len(figure.fig.axes) == 2
    t, rate = population_rates(cells, bin_ms=10.0)
    assert list(t) == [0.0, 10.0, 20.0, 30.0]
    assert rate[1] == rate[2] == pytest.approx(100.0)    # every neuron at 12 and 29 ms
    assert rate[0] == rate[3] == 0.0
    fig = plot_run(bin_ms=10.0)
    raster, _, cores = fig.axes[:3]
    assert [bar.get_width() for bar in cores.patches[:2]] == [1, 3]   # 50 cells, 20 per core
    assert raster.get_ylabel() == "neuron (stacked)"
    sim.end()
    sim.setup(timestep=1.0, report_folder=None)
    sim.Population(1, sim.IF_curr_exp(), label="quiet")
    sim.run(1)
    with pytest.raises(ValueError, match="no population records spikes"):
        plot_run()
    sim.end()
