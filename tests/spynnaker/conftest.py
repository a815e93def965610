"""Fixtures for the sPyNNaker-compatibility tests: the emulated kernel in a temporary Jupyter
path."""

import os
import subprocess
import sys

import pytest
from spynnaker_helpers import ROOT


@pytest.fixture(scope="session")
def jupyter_path(tmp_path_factory):
    """The emulated kernel installed with the CLI under a temporary prefix, found by Jupyter
    through JUPYTER_PATH for the rest of the session."""
    prefix = tmp_path_factory.mktemp("jupyter_prefix")
    done = subprocess.run([sys.executable, "-m", "spinnaker_sim", "install-kernel", "--prefix",
                           str(prefix)], capture_output=True, text=True, check=False, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    path = prefix / "share" / "jupyter"
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(path)
    yield path
    if old is None:
        os.environ.pop("JUPYTER_PATH", None)
    else:
        os.environ["JUPYTER_PATH"] = old
