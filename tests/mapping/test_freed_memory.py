"""glibc's thresholds kept fixed: freed large arrays go back to the operating system."""

import subprocess
import sys

SCRIPT = """
import sys
import numpy as np
from spinnaker_sim.mapping.freed_memory import keep_large_arrays_mapped
if sys.argv[1] == "fixed":
    keep_large_arrays_mapped()

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096

first = np.ones(16 << 20, np.uint8)  # freed, it lets glibc serve arrays up to 16 MB from the heap
del first
before = rss()
arrays = [np.ones(2 << 20, np.uint8) for _ in range(10)]  # 20 MB in 2 MB arrays
del arrays
print((rss() - before) >> 20)
"""


def resident_mb_after_freeing(thresholds: str) -> int:
    """MB still resident after 20 MB of 2 MB arrays were freed, in a fresh process."""
    out = subprocess.run([sys.executable, "-c", SCRIPT, thresholds], capture_output=True,
                         text=True, check=True)
    return int(out.stdout)


def test_freed_large_arrays_go_back_with_fixed_thresholds():
    assert resident_mb_after_freeing("dynamic") >= 15  # glibc's own thresholds: they stay
    assert resident_mb_after_freeing("fixed") < 4
