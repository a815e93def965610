"""The example notebooks run top to bottom (they assert their own results) and
``nrp-bridge demo`` runs the closed loop end to end in separate processes."""

import os
import subprocess
import sys

import nbformat
import pytest
from helpers import BRAITENBERG, CARTPOLE, ROOT
from nbclient import NotebookClient


@pytest.mark.timeout(240)
@pytest.mark.parametrize("path", [BRAITENBERG / "braitenberg.ipynb", CARTPOLE / "cartpole.ipynb"],
                         ids=["braitenberg", "cartpole"])
def test_notebook_runs_top_to_bottom(path, tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the kernel imports this checkout
    notebook = nbformat.read(path, as_version=4)
    assert notebook.metadata.kernelspec.name == "python3"
    work = tmp_path / path.parent.name  # outputs go here, not into the examples folder
    work.mkdir()
    for name in os.listdir(path.parent):
        if name.endswith(".py"):
            (work / name).write_text((path.parent / name).read_text())
    NotebookClient(notebook, kernel_name="python3", timeout=200,
                   resources={"metadata": {"path": str(work)}}).execute()
    images = [o for c in notebook.cells for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    assert images, f"{path.name} drew no figure"


@pytest.mark.timeout(120)
def test_nrp_bridge_demo_reaches_the_target_over_zeromq(tmp_path):
    done = subprocess.run([sys.executable, "-m", "nrp_bridge", "demo", "--headless", "--seed", "1",
                           "--out", str(tmp_path / "demo")],
                          capture_output=True, text=True, check=False, timeout=110, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "rover reached the red target after" in done.stdout
    assert "transport ipc" in done.stdout and "real-time factor" in done.stdout
    spikes = int(done.stdout.split("brain spikes: ")[1].split()[0])
    assert spikes > 0
    png = tmp_path / "demo" / "braitenberg.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
