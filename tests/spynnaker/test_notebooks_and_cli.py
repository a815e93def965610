"""The emulated kernel, the notebooks, the CLI runner and the IPython extension."""

import json
import subprocess
import sys

import nbformat
import pytest
from spynnaker_helpers import NOTEBOOKS, ROOT, execute, notebook_of_code, text_output

SCRIPT = NOTEBOOKS / "spynnaker_live_spikes.py"
SCRIPT_RESULT = ("recorded 50 spikes from 50 neurons", "received live 50 spikes from 50 neurons",
                 "live spikes match the recording: True")


def test_install_kernel_writes_spec_into_the_prefix(jupyter_path):
    spec = json.loads((jupyter_path / "kernels" / "spinnaker_sim" / "kernel.json").read_text())
    assert spec["display_name"] == "sPyNNaker (emulated)"
    assert spec["argv"][:3] == [sys.executable, "-m", "spinnaker_sim.kernel"]
    from jupyter_client.kernelspec import KernelSpecManager
    assert "spinnaker_sim" in KernelSpecManager().find_kernel_specs()


#: what each notebook prints (besides the assertions in its own cells)
NOTEBOOK_TEXT = {
    "synfire_chain.ipynb": ["first spike per population (ms): [7.0, 14.0, 21.0",
                            "set_number_of_neurons_per_core (50)"],
    "balanced_random.ipynb": ["mean rates: excitatory"],
    "stdp_curve.ipynb": [],
}


@pytest.mark.timeout(240)
@pytest.mark.parametrize("name", sorted(NOTEBOOK_TEXT))
def test_notebook_runs_top_to_bottom_on_the_emulated_kernel(jupyter_path, tmp_path, name):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert notebook.metadata.kernelspec.name == "spinnaker_sim"
    execute(notebook, "spinnaker_sim", tmp_path)   # the notebooks assert their own results
    images = [o for c in notebook.cells for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    assert images, f"{name} drew no figure"
    text = text_output(notebook)
    for line in NOTEBOOK_TEXT[name]:
        assert line in text


@pytest.mark.timeout(120)
def test_spynnaker_script_runs_unmodified_in_the_kernel(jupyter_path, tmp_path):
    notebook = execute(notebook_of_code(SCRIPT.read_text()), "spinnaker_sim", tmp_path)
    text = text_output(notebook)
    for line in SCRIPT_RESULT:
        assert line in text


@pytest.mark.timeout(120)
def test_spynnaker_script_runs_unmodified_via_the_cli(tmp_path):
    done = subprocess.run([sys.executable, "-m", "spinnaker_sim", "run", str(SCRIPT)],
                          capture_output=True, text=True, check=False, timeout=110, cwd=tmp_path,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    for line in SCRIPT_RESULT:
        assert line in done.stdout
    report = done.stdout.split("SpiNNaker mapping (emulated)")[1]
    assert "chain" in report and "set_number_of_neurons_per_core (25)" in report
    assert "injector    0                 5" in report   # provenance: 5 injected spikes


def test_cli_passes_arguments_and_exit_status(tmp_path):
    script = tmp_path / "args.py"
    script.write_text("import sys\nimport pyNN.spiNNaker as sim\nprint(sim.__name__, sys.argv[1:])"
                      "\nsys.exit(3)\n")
    done = subprocess.run([sys.executable, "-m", "spinnaker_sim", "run", str(script), "a", "--b"],
                          capture_output=True, text=True, check=False, timeout=60, cwd=tmp_path,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 3
    assert "spinnaker_sim ['a', '--b']" in done.stdout
    assert "the script mapped no model" in done.stdout


def test_cli_names_a_missing_script(tmp_path):
    done = subprocess.run([sys.executable, "-m", "spinnaker_sim", "run", "nope.py"],
                          capture_output=True, text=True, check=False, timeout=60, cwd=tmp_path,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2 and "no such script: nope.py" in done.stderr


@pytest.mark.timeout(120)
def test_load_ext_aliases_in_a_plain_python_kernel(tmp_path):
    notebook = execute(notebook_of_code(
        "%load_ext spinnaker_sim",
        "import pyNN.spiNNaker as sim\nprint('module', sim.__name__)"), "python3", tmp_path)
    assert "module spinnaker_sim" in text_output(notebook)
