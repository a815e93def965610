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


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MiB.

    VmHWM belongs to this process image; ru_maxrss would carry over the parent's peak across
    fork+exec and so overstate small workers.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


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


def machine_description() -> dict:
    """CPU, cores, memory, load and library versions: what the numbers were measured on."""
    return {
        "hostname": socket.gethostname(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": _mem_total_gb(),
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "versions": {name: _version(name) for name in
                     ("numpy", "numba", "pyNN", "nest", "brian2", "spinnaker_sim")},
    }
