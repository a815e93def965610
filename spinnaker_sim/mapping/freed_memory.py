"""Hand the pages of freed arrays back to the operating system while a large model is built.

glibc keeps freed heap memory resident for reuse, and after numpy frees a large array it
serves arrays of up to that size from the heap instead of fresh mappings (its dynamic mmap
threshold), and keeps up to twice that free at the heap's top. Building a model allocates and
frees many arrays of a few to tens of MB, so the holes they leave stayed resident: at 64k
neurons x 80 synapses the build's peak RSS was 60 MB higher, and the RSS held afterwards 120 MB
higher, than with the holes trimmed; and with the trim alone the RSS held after the runs was
still 5.5 MB (1.1 bytes a synapse) higher, and the peak 1.7 MB, than with the thresholds fixed
(`keep_large_arrays_mapped`). Elsewhere (no glibc) this does nothing.
"""

import ctypes
import ctypes.util
import functools

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # mallopt's parameter numbers
MMAP_THRESHOLD = 1 << 20   # bytes: arrays this large get pages of their own
TRIM_THRESHOLD = 128 << 10  # bytes: glibc's default, the most the heap keeps free at its top


@functools.cache
def _glibc_function(name: str):
    """glibc's function `name`, or None where the C library has none."""
    library = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(library), name) if library else None
    except (OSError, AttributeError):
        return None


def release_freed_memory() -> None:
    """Return the free pages of the C heap to the operating system (a few ms)."""
    trim = _glibc_function("malloc_trim")
    if trim is not None:
        trim(0)


def keep_large_arrays_mapped() -> None:
    """Fix glibc's thresholds instead of letting them grow with each large array freed: an
    array of 1 MiB or more then gets pages of its own, given back when it is freed, and the
    heap gives back what is free at its top beyond 128 KiB. Smaller temporaries (a build's
    parts of 64k connections) are still reused from the heap: a threshold of 128 KiB made each
    of them fault its pages in anew, 0.3 s more in the 64k model's first run()."""
    mallopt = _glibc_function("mallopt")
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
