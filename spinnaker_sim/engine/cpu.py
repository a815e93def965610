"""CPU instructions numba has no name for, as intrinsics: atomics (the tick loop's workers meet
with them, see ``workers.py``), the spin-wait hint, yielding the CPU, prefetching, unaligned
loads, and a kernel's request for the CPU's widest vectors.

Each emits one LLVM instruction or intrinsic, or calls the C library. Those that touch memory
take an array and an index (the atomics an int64 array), so no raw pointer reaches Python.
"""

import platform

import llvmlite.binding as llvm
from llvmlite import ir
from numba import types
from numba.core import cgutils, config
from numba.extending import intrinsic

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
def spin_pause(typingctx):
    """A hint to the CPU that this is a spin-wait loop (x86 ``pause``; elsewhere nothing)."""
    def codegen(context, builder, signature, args):
        if _X86:
            pause = cgutils.get_or_insert_function(
                builder.module, ir.FunctionType(ir.VoidType(), []), "llvm.x86.sse2.pause")
            builder.call(pause, [])
        return context.get_dummy_value()
    return types.none(), codegen


@intrinsic
def yield_cpu(typingctx):
    """The C library's ``sched_yield``: let another runnable thread have this CPU."""
    def codegen(context, builder, signature, args):
        sched_yield = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.IntType(32), []), "sched_yield")
        builder.call(sched_yield, [])
        return context.get_dummy_value()
    return types.none(), codegen


@intrinsic
def prefetch(typingctx, array, index):
    """Start loading the cache line of ``array[index]`` (for reading; kept in every level)."""
    if not isinstance(array, types.Array):
        return None

    def codegen(context, builder, signature, args):
        pointer = _element_pointer(context, builder, signature.args[0], args[0], args[1])
        byte_pointer = ir.IntType(8).as_pointer()
        word = ir.IntType(32)
        llvm_prefetch = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [byte_pointer, word, word, word]),
            "llvm.prefetch.p0i8")
        # read (0), maximal temporal locality (3), data cache (1)
        builder.call(llvm_prefetch, [builder.bitcast(pointer, byte_pointer), word(0), word(3),
                                     word(1)])
        return context.get_dummy_value()
    return types.none(array, index), codegen


@intrinsic
def load_unaligned_u32(typingctx, array, index):
    """The four bytes of a uint8 array from `index` on as one little-endian uint32, read with
    a single load however they are aligned (x86 and ARM read unaligned words)."""
    if not (isinstance(array, types.Array) and array.dtype == types.uint8):
        return None

    def codegen(context, builder, signature, args):
        pointer = _element_pointer(context, builder, signature.args[0], args[0], args[1])
        word = builder.bitcast(pointer, ir.IntType(32).as_pointer())
        return builder.load(word, align=1)
    return types.uint32(array, index), codegen


#: LLVM's names of the CPUs whose clock drops while they run 512-bit multiplies (the first
#: AVX-512 generations): their kernels keep LLVM's 256-bit loops
CLOCKED_DOWN_BY_WIDE_VECTORS = frozenset({"skylake-avx512", "cascadelake", "cooperlake",
                                          "cannonlake"})


def _target_cpu() -> str:
    """The CPU numba compiles for: NUMBA_CPU_NAME where set, else this machine's."""
    return config.CPU_NAME or llvm.get_host_cpu_name()


@intrinsic
def prefer_wide_vectors(typingctx):
    """Let LLVM vectorise the calling kernel's loops with the widest vectors the CPU has.

    LLVM tunes for AVX-512 CPUs with 256-bit loops unless a function asks for more (its
    ``prefer-vector-width`` attribute); this asks, for the calling kernel only, where numba's
    process-wide CPU features would change every user's code too. The neuron loops' 64-bit
    products then run eight to an instruction: CUBA-4000 at dt 0.1 ~4% faster, COBA ~5%, a
    silent 4000-neuron model ~10% (2-core Emerald Rapids VM). A CPU without 512-bit vectors
    compiles as before, and one in CLOCKED_DOWN_BY_WIDE_VECTORS is not asked. (llvmlite
    accepts only the attributes it knows; this string one is added to the set as LLVM spells
    it.)"""
    def codegen(context, builder, signature, args):
        if _target_cpu() not in CLOCKED_DOWN_BY_WIDE_VECTORS:
            set.add(builder.function.attributes, '"prefer-vector-width"="512"')
        return context.get_dummy_value()
    return types.none(), codegen
