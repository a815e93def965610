"""Start engine processes (``python -m nrp_bridge serve-engine``) and make sure none outlives us.

Parent side: each process gets a private temp folder (ipc socket, ready file, log) and is
stopped on close, on garbage collection and at interpreter exit. Child side
(:func:`guard_child`): it dies with its parent (PR_SET_PDEATHSIG on Linux, plus polling the
parent pid) and ignores Ctrl-C, which the parent handles by shutting it down.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path

from .errors import EngineDied, EngineTimeout
from .transport import check_spin

TRANSPORTS = ("ipc", "tcp")
BRAIN_SPIN = 0.001  # s a brain engine's server busy-polls for its next step by default
CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")  # "<quota> <period>" or "max <period>"
_PR_SET_PDEATHSIG = 1
_PARENT_POLL = 0.5  # s


def default_spin(kinds: dict[str, str]) -> dict[str, float]:
    """Which engine processes busy-poll between steps unless told otherwise: the brains.

    In a closed loop the brain is the slow engine, so its next request is on every step's
    critical path; taken by a server that polls instead of sleeping, it saves a thread's
    wake-up and finds the engine's caches warm (the Braitenberg demo over ipc on a 2-core VM:
    19-22x real time with no engine polling, 32-36x with the brain polling, 25-26x with only
    the env polling). Polling both made it slower there (20-24x: three busy threads on two
    cores), and on one core no engine polls.
    """
    brains = [name for name, kind in kinds.items() if kind == "brain"]
    if len(brains) >= usable_cpus():
        return {}
    return dict.fromkeys(brains, BRAIN_SPIN)


def usable_cpus() -> int:
    """CPUs this process may keep busy: its affinity mask where the OS has one, capped by a
    cgroup v2 CPU quota (``docker --cpus 1`` leaves every CPU in the mask)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        (os.cpu_count() or 1)
    try:
        quota, period = CGROUP_CPU_MAX.read_text().split()[:2]
        if quota == "max":
            return cpus
        share = math.ceil(int(quota) / int(period))
    except (OSError, ValueError, ZeroDivisionError):  # no cgroup v2 quota to honour
        return cpus
    return max(1, min(cpus, share))


class EngineProcess:
    """One engine server in a child process; started at construction, ready after
    :meth:`wait_ready`. ``output="file"`` keeps its output in ``log_path`` for error messages;
    ``spin`` is the server's busy-poll time (``serve-engine --spin``)."""

    def __init__(self, kind: str, *, name: str, transport: str = "ipc", output: str = "file",
                 python: str = sys.executable, spin: float = 0.0) -> None:
        if transport not in TRANSPORTS:
            raise ValueError(f"transport {transport!r} does not start processes; use one of "
                             f"{TRANSPORTS} (or 'inproc' for engines in this process)")
        if output not in ("file", "inherit"):
            raise ValueError(f"output must be 'file' or 'inherit', got {output!r}")
        check_spin(spin)
        self.name = name
        self.folder = Path(tempfile.mkdtemp(prefix=f"nrp-{name[:12]}-"))
        self.log_path = self.folder / "engine.log" if output == "file" else None
        self._ready_file = self.folder / "endpoint"
        endpoint = (f"ipc://{self.folder / 'engine.sock'}" if transport == "ipc"
                    else "tcp://127.0.0.1:*")
        cmd = [python, "-m", "nrp_bridge", "serve-engine", "--engine", kind,
               "--endpoint", endpoint, "--ready-file", str(self._ready_file),
               "--parent-pid", str(os.getpid()), "--owned-folder", str(self.folder),
               "--spin", repr(float(spin))]
        try:
            with (open(self.log_path, "wb") if self.log_path else contextlib.nullcontext()) as log:
                self.popen = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                                              stderr=subprocess.STDOUT if log else None,
                                              env=_child_environment())
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        self._finalizer = weakref.finalize(self, _kill, self.popen, self.folder)

    @property
    def pid(self) -> int:
        """The child's process id."""
        return self.popen.pid

    def wait_ready(self, timeout: float) -> str:
        """Wait until the server is bound; returns its endpoint (with the real tcp port)."""
        deadline = time.monotonic() + timeout
        while not self._ready_file.exists():
            reason = self.exit_reason()
            if reason is not None:
                self.stop(0)
                raise EngineDied(f"engine {self.name!r} failed to start: {reason}", self.name)
            if time.monotonic() > deadline:
                tail = self.log_tail()
                self.stop(0)
                raise EngineTimeout(f"engine {self.name!r} was not serving {timeout:g} s after "
                                    f"starting; raise start_timeout if its imports are slow"
                                    f"{tail}", self.name)
            time.sleep(0.005)
        return self._ready_file.read_text()

    def exit_reason(self) -> str | None:
        """None while running, else how the process ended and the end of its log."""
        code = self.popen.poll()
        if code is None:
            return None
        how = (f"killed by signal {signal.Signals(-code).name}" if code < 0
               else f"exit code {code}")
        return f"its process (pid {self.pid}) ended ({how}){self.log_tail()}"

    def log_tail(self, lines: int = 15) -> str:
        """The last lines of the engine's output, formatted for an error message."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        text = self.log_path.read_text(errors="replace").rstrip().splitlines()[-lines:]
        return ("; last lines of its output:\n  " + "\n  ".join(text)) if text else ""

    def stop(self, grace: float = 2.0) -> None:
        """Wait up to ``grace`` s for a voluntary exit, then terminate, then kill; clean up."""
        try:
            self.popen.wait(grace)
        except subprocess.TimeoutExpired:
            pass
        self._finalizer()


def _kill(popen: subprocess.Popen, folder: Path) -> None:
    if popen.poll() is None:
        popen.terminate()
        try:
            popen.wait(1.0)
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait()
    shutil.rmtree(folder, ignore_errors=True)


def _child_environment() -> dict[str, str]:
    """The child imports what we can import: our sys.path goes first on its PYTHONPATH."""
    env = dict(os.environ)
    paths = [p for p in sys.path if p and os.path.isdir(p)]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


def guard_child(parent_pid: int, folder: Path | None = None) -> None:
    """In a managed engine process: exit when the parent dies or sends SIGTERM, removing
    ``folder`` (the parent's private folder for us, which a dead parent cannot clean up);
    ignore Ctrl-C, which the parent handles by shutting us down."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: _exit(parent_pid, folder))
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the polling below still works
            pass
    if os.getppid() != parent_pid:  # it died before we could ask to be told
        _exit(parent_pid, folder)
    threading.Thread(target=_watch_parent, args=(parent_pid, folder), name="nrp-parent-watch",
                     daemon=True).start()


def _watch_parent(parent_pid: int, folder: Path | None) -> None:
    while os.getppid() == parent_pid:
        time.sleep(_PARENT_POLL)
    _exit(parent_pid, folder)


def _exit(parent_pid: int, folder: Path | None) -> None:
    if os.getppid() != parent_pid:
        print(f"nrp_bridge: parent process {parent_pid} is gone; engine exiting",
              file=sys.stderr, flush=True)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
    os._exit(3)
