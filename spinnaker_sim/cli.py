"""``spinnaker-sim``: run an unmodified sPyNNaker script on the emulator, or install the
emulated Jupyter kernel.

    spinnaker-sim run script.py [args ...]     run it, then print the mapping report summary
    spinnaker-sim install-kernel [--user | --prefix DIR]
"""

import argparse
import os
import runpy
import sys

from .spynnaker_alias import install_as_spinnaker


def run_script(script: str, args: list[str], report: bool = True) -> int:
    """Run `script` as ``__main__`` with sPyNNaker's imports aliased to the emulator; print
    the mapping report of its last simulation. Returns the script's exit status."""
    if not os.path.isfile(script):
        print(f"spinnaker-sim: no such script: {script}", file=sys.stderr)
        return 2
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        os.environ.setdefault("MPLBACKEND", "Agg")  # plt.show() in a script with no screen
    install_as_spinnaker(force=True)
    sys.argv = [script, *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    status = 0
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    if report:
        print_mapping_summary()
    return status


def print_mapping_summary() -> None:
    """The mapping report (with provenance) of the last model run, if any."""
    from .pynn import simulator
    state = simulator.state
    if state.mapping is None:
        print("\nspinnaker-sim: the script mapped no model, so there is no mapping report.")
        return
    state.attach_provenance()
    print("\n" + "=" * 30 + " SpiNNaker mapping (emulated) " + "=" * 30)
    print(state.mapping.report())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="spinnaker-sim", description="Run sPyNNaker scripts on the SpiNNaker emulator.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run an unmodified sPyNNaker/PyNN script")
    run.add_argument("script")
    run.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the script")
    run.add_argument("--no-report", action="store_true",
                     help="do not print the mapping report afterwards")
    kernel = commands.add_parser("install-kernel",
                                 help='install the Jupyter kernel "sPyNNaker (emulated)"')
    where = kernel.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="for this user only")
    where.add_argument("--prefix", help="under this prefix (e.g. a virtual environment)")
    where.add_argument("--sys-prefix", action="store_true", help="under sys.prefix")
    kernel.add_argument("--name", default=None, help="kernel name (default spinnaker_sim)")
    options = parser.parse_args(argv)
    if options.command == "run":
        return run_script(options.script, options.args, report=not options.no_report)
    from .kernel import KERNEL_NAME, install_kernel
    prefix = sys.prefix if options.sys_prefix else options.prefix
    path = install_kernel(user=options.user, prefix=prefix, name=options.name or KERNEL_NAME)
    print(f"Installed the kernel 'sPyNNaker (emulated)' in {path}")
    return 0
