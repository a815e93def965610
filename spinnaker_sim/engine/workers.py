"""Threads that stay together for a whole run: joining, and a barrier between the tick's phases.

Opening a numba parallel region costs ~4-7 us on the 2-core VM (numba's schedule, the GIL,
waking the other thread, the join), while a tick of CUBA-4000 at dt 0.1 is ~20 us of work for
one thread and two barriers cost ~0.2 us. So the parallel tick loop opens one region per run: each worker runs every tick for its share of
the core groups, and the workers meet at a barrier where a tick's phases hand data over.

numba has no atomics on the CPU; the few here are LLVM's, emitted by intrinsics. An atomic
read-modify-write is sequentially consistent, so every write a worker made before it reaches
the barrier is visible to the others after it.

Joining is safe however numba schedules the region's iterations: the first worker waits a
while for the others, then closes the door; a worker that arrives later does nothing, and the
ones inside share all the groups. (If numba ran the iterations one after another on a single
thread, the first would do all the work alone instead of waiting forever.)
"""

import platform

from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from .jit import KERNEL_OPTIONS

# slots of the int64 `sync` array a run's workers share, a cache line apart
JOINED, PARTICIPANTS, ARRIVED, GENERATION, RESULT = 0, 8, 16, 24, 32
SYNC_SIZE = 40
CLOSED = 1 << 32  # set in JOINED when the door closes; the low bits count who joined
SPINS_BEFORE_YIELD = 2_000  # then a waiting worker gives its CPU to runnable threads
JOIN_SPINS = 200_000  # how long the first worker waits for the others (~0.1 s)

_X86 = platform.machine().lower() in ("x86_64", "amd64", "i686", "x86")


def _is_int64_array(array_type) -> bool:
    return isinstance(array_type, types.Array) and array_type.dtype == types.int64


def _element_pointer(context, builder, array_type, array, index):
    array = context.make_array(array_type)(context, builder, array)
    return cgutils.get_item_pointer(context, builder, array_type, array, [index])


def _read_modify_write(operation: str, name: str, doc: str):
    """An intrinsic ``name(array, index, value)`` applying LLVM's atomic `operation` to an
    element of an int64 array; it returns the element's value before."""
    def typer(typingctx, array, index, value):
        if not _is_int64_array(array):
            return None

        def codegen(context, builder, signature, args):
            pointer = _element_pointer(context, builder, signature.args[0], args[0], args[1])
            operand = context.cast(builder, args[2], signature.args[2], types.int64)
            return builder.atomic_rmw(operation, pointer, operand, "seq_cst")
        return types.int64(array, index, value), codegen

    typer.__name__ = typer.__qualname__ = name
    typer.__doc__ = doc
    return intrinsic(typer)


atomic_add = _read_modify_write("add", "atomic_add",
                                "``array[index] += value`` atomically; returns the value before.")
atomic_or = _read_modify_write("or", "atomic_or",
                               "``array[index] |= value`` atomically; returns the value before.")
atomic_exchange = _read_modify_write("xchg", "atomic_exchange",
                                     "``array[index] = value`` atomically; returns the value before.")


@intrinsic
def atomic_load(typingctx, array, index):
    """``array[index]``, read afresh from memory on every call (acquire)."""
    if not _is_int64_array(array):
        return None

    def codegen(context, builder, signature, args):
        pointer = _element_pointer(context, builder, signature.args[0], args[0], args[1])
        return builder.load_atomic(pointer, "acquire", 8)
    return types.int64(array, index), codegen


@intrinsic
def _spin_pause(typingctx):
    """A hint to the CPU that this is a spin-wait loop (x86 ``pause``; elsewhere nothing)."""
    def codegen(context, builder, signature, args):
        if _X86:
            pause = cgutils.get_or_insert_function(
                builder.module, ir.FunctionType(ir.VoidType(), []), "llvm.x86.sse2.pause")
            builder.call(pause, [])
        return context.get_dummy_value()
    return types.none(), codegen


@intrinsic
def _yield_cpu(typingctx):
    """The C library's ``sched_yield``: let another runnable thread have this CPU."""
    def codegen(context, builder, signature, args):
        sched_yield = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.IntType(32), []), "sched_yield")
        builder.call(sched_yield, [])
        return context.get_dummy_value()
    return types.none(), codegen


@njit(**KERNEL_OPTIONS)
def _wait(spins):
    """One round of a wait loop: pause, and after a while yield the CPU."""
    if spins < SPINS_BEFORE_YIELD:
        _spin_pause()
    else:
        _yield_cpu()


@njit(**KERNEL_OPTIONS)
def reset(sync):
    """Ready `sync` for a new region (before it opens)."""
    for i in range(sync.shape[0]):
        sync[i] = 0


@njit(**KERNEL_OPTIONS)
def join(sync, n_workers):
    """Enter the region: (rank, participants), or (-1, 0) for a worker that came too late.

    The first worker waits until all `n_workers` have arrived (or JOIN_SPINS rounds passed),
    then closes the door; the participants are the workers that arrived before."""
    rank = atomic_add(sync, JOINED, 1)
    if rank & CLOSED:
        return -1, 0
    if rank == 0:
        spins = 0
        while atomic_load(sync, JOINED) < n_workers and spins < JOIN_SPINS:
            _wait(spins)
            spins += 1
        participants = atomic_or(sync, JOINED, CLOSED)
        atomic_exchange(sync, PARTICIPANTS, participants)
        return 0, participants
    spins = 0
    participants = atomic_load(sync, PARTICIPANTS)
    while participants == 0:
        _wait(spins)
        spins += 1
        participants = atomic_load(sync, PARTICIPANTS)
    return rank, participants


@njit(**KERNEL_OPTIONS)
def barrier(sync, participants):
    """Wait until all `participants` have reached this barrier (reusable: a generation count)."""
    if participants == 1:
        return
    generation = atomic_load(sync, GENERATION)
    if atomic_add(sync, ARRIVED, 1) == participants - 1:  # the last one lets the others go
        atomic_exchange(sync, ARRIVED, 0)
        atomic_add(sync, GENERATION, 1)
        return
    spins = 0
    while atomic_load(sync, GENERATION) == generation:
        _wait(spins)
        spins += 1
