"""Shared helpers for the benchmarks: backend import, isolated worker runs, machine description.

Each measurement runs in its own subprocess so peak memory (ru_maxrss) belongs to one backend
and one simulator's global state cannot leak into another's.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import resource
import socket
import subprocess
import sys
from pathlib import Path

BACKENDS = {"spinnaker_sim": "spinnaker_sim", "nest": "pyNN.nest", "brian2": "pyNN.brian2"}
REPO_ROOT = Path(__file__).resolve().parent.parent


def import_backend(name: str):
    """Import the PyNN module for a backend short name (spinnaker_sim, nest, brian2)."""
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; choose one of {sorted(BACKENDS)}")
    return importlib.import_module(BACKENDS[name])


def _status_mb(field: str) -> float | None:
    """One memory field of /proc/self/status (VmHWM, VmRSS) in MiB; None where there is none."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MiB.

    VmHWM belongs to this process image; ru_maxrss would carry over the parent's peak across
    fork+exec and so overstate small workers.
    """
    peak = _status_mb("VmHWM")
    if peak is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return peak


def rss_mb() -> float | None:
    """Resident memory of this process now, in MiB (what it holds, not its peak)."""
    return _status_mb("VmRSS")


def run_worker(script: str, args: list[str], timeout: float, env: dict | None = None) -> dict:
    """Run ``python bench/<script> --worker ...`` and return the JSON it prints last.

    A crash or timeout comes back as ``{"error": ...}`` so one failing backend does not
    lose the other backends' numbers.
    """
    cmd = [sys.executable, str(REPO_ROOT / "bench" / script), "--worker", *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              cwd=REPO_ROOT, env=env, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"error": f"exit {proc.returncode}: " + " | ".join(tail)}
    return json.loads(lines[-1])


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_total_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return round(int(line.split()[1]) / 1024 ** 2, 1)
    except OSError:
        pass
    return None


def _version(module: str) -> str:
    try:
        return str(importlib.import_module(module).__version__)
    except (ImportError, AttributeError) as exc:  # a missing simulator is reported, not fatal
        return f"unavailable ({type(exc).__name__})"


def _cpu_idle() -> str:
    """How an idle CPU waits: the cpuidle governor and, in a KVM guest with the haltpoll
    driver, how long it polls before it halts. Waking a thread on a halted vCPU goes through
    the hypervisor (~40 us a wake-up where ``guest_halt_poll_ns`` is 0), which sets the floor
    of every round trip between processes on different CPUs: the ipc numbers need this."""
    found = []
    for name, path in (("governor", "/sys/devices/system/cpu/cpuidle/current_governor"),
                       ("guest_halt_poll_ns", "/sys/module/haltpoll/parameters/guest_halt_poll_ns")):
        try:
            found.append(f"{name} {Path(path).read_text().strip()}")
        except OSError:
            pass
    return ", ".join(found) or "unknown"


def _numba_cpu_target() -> str:
    """The CPU numba compiles for, as LLVM names it (e.g. znver3, emeraldrapids): a VM's
    model name is often generic, and vector width and instruction set follow from this."""
    import llvmlite.binding as llvm
    return llvm.get_host_cpu_name()


def machine_description() -> dict:
    """CPU, cores, memory, load and library versions: what the numbers were measured on."""
    return {
        "hostname": socket.gethostname(),
        "cpu": _cpu_model(),
        "cpu_target": _numba_cpu_target(),
        "cores": os.cpu_count(),
        "memory_gb": _mem_total_gb(),
        "cpu_idle": _cpu_idle(),
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "versions": {name: _version(name) for name in
                     ("numpy", "numba", "pyNN", "nest", "brian2", "spinnaker_sim")},
    }


def add_ratios_vs_nest(results: list[dict], keys: tuple[str, ...]) -> None:
    """Add ``<key>_vs_nest`` to each result, against NEST's at the same model, n and dt."""
    def where(r: dict) -> tuple:
        return r.get("model"), r["n"], r["dt"]
    nest = {where(r): r for r in results if r["backend"] == "nest" and "error" not in r}
    for res in results:
        ref = nest.get(where(res))
        if ref is None or "error" in res:
            continue
        for key in keys:
            if ref.get(key) and res.get(key) is not None:
                res[f"{key}_vs_nest"] = res[key] / ref[key]
