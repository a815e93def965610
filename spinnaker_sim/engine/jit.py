"""How the engine's kernels are compiled."""

from numba import njit

#: numba options of the engine's kernels. Kernels only read and write the arrays they are
#: given (they allocate nothing), so they are compiled without numba's reference counting:
#: with it, every call of a kernel costs two atomic operations per array argument, which was
#: half the tick time of a 4000-neuron network.
KERNEL_OPTIONS = {"cache": True, "_nrt": False}

#: decorator of an engine kernel (see KERNEL_OPTIONS)
kernel = njit(**KERNEL_OPTIONS)

#: decorator of a kernel the tick loop calls for every core or every tick: compiled (and
#: cached) as any kernel, then always inlined by LLVM into its caller. A call passes each array
#: as its seven fields, ~180 values for the neuron update, and keeps LLVM from optimising
#: across it: with these calls inlined, CUBA-4000 at dt 0.1 on two workers ran in 46 ms, not
#: 58.5 (numba's own inlining, ``inline="always"``, did as well but tripled the cold compile).
inlined_kernel = njit(**KERNEL_OPTIONS, forceinline=True)


def named_variant(function, variant: str):
    """`function` (a closure a factory compiles once per variant) renamed ``<name>_<variant>``.

    numba names compiled code after the function's qualified name, a per-process counter and
    the argument types, and a cached object's functions are weak symbols. Two variants of one
    closure take the same arguments, so compiled in different processes they can get the same
    name; loaded together from the cache, calls meant for one then run the other (an alpha
    synapse model ran the exponential synapses' code). A name per variant rules that out.
    """
    function.__name__ = f"{function.__name__}_{variant}"
    function.__qualname__ = f"{function.__qualname__}_{variant}"
    return function
