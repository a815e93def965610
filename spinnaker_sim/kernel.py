"""The Jupyter kernel "sPyNNaker (emulated)": IPython with ``pyNN.spiNNaker`` answered by the
emulator, and ``%load_ext spinnaker_sim`` for the same in a kernel already running.
"""

import json
import sys
import tempfile
from pathlib import Path

from .spynnaker_alias import install_as_spinnaker

KERNEL_NAME = "spinnaker_sim"
DISPLAY_NAME = "sPyNNaker (emulated)"


def kernel_spec() -> dict:
    """The kernel.json of the emulated kernel (this Python, this package)."""
    return {"argv": [sys.executable, "-m", "spinnaker_sim.kernel", "-f", "{connection_file}"],
            "display_name": DISPLAY_NAME, "language": "python",
            "metadata": {"debugger": False}}


def install_kernel(user: bool = False, prefix: str | None = None,
                   name: str = KERNEL_NAME) -> str:
    """Install the kernel spec (system-wide, per `user`, or under `prefix`); returns its folder."""
    from jupyter_client.kernelspec import KernelSpecManager
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "kernel.json").write_text(json.dumps(kernel_spec(), indent=1))
        return KernelSpecManager().install_kernel_spec(folder, kernel_name=name, user=user,
                                                       prefix=prefix)


def load_extension(ipython) -> None:
    """What ``%load_ext spinnaker_sim`` does: alias sPyNNaker's modules to the emulator."""
    install_as_spinnaker(force=True)
    print("spinnaker_sim: `import pyNN.spiNNaker as sim` now runs on the SpiNNaker emulator")


def main() -> None:
    """Start the kernel (Jupyter runs ``python -m spinnaker_sim.kernel -f <connection file>``)."""
    install_as_spinnaker(force=True)
    from ipykernel.kernelapp import IPKernelApp
    IPKernelApp.launch_instance()


if __name__ == "__main__":
    main()
