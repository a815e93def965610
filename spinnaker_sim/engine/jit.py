"""How the engine's kernels are compiled."""

from numba import njit

#: numba options of the engine's kernels. Kernels only read and write the arrays they are
#: given (they allocate nothing), so they are compiled without numba's reference counting:
#: with it, every call of a kernel costs two atomic operations per array argument, which was
#: half the tick time of a 4000-neuron network.
KERNEL_OPTIONS = {"cache": True, "_nrt": False}

#: decorator of an engine kernel (see KERNEL_OPTIONS)
kernel = njit(**KERNEL_OPTIONS)
