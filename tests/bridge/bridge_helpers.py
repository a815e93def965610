"""Helpers shared by the bridge tests."""

from __future__ import annotations

import time
from pathlib import Path


def wait_gone(pid: int, timeout: float = 10.0) -> bool:
    """True once process ``pid`` has ended (a zombie waiting to be reaped counts as ended)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.02)
    return False
