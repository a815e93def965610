"""The engine: numba kernels over the network's arrays (see engine.py).

Importing it drops cached kernels compiled from older sources (see compiled_cache.py).
"""

from .compiled_cache import drop_stale_compiled_code

drop_stale_compiled_code()
