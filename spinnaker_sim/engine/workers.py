"""Threads that stay together for a whole run: joining, and a barrier between the tick's phases.

Opening a numba parallel region costs ~4-7 us on the 2-core VM (numba's schedule, the GIL,
waking the other thread, the join), while a tick of CUBA-4000 at dt 0.1 is a few us of work
for each worker and a barrier costs ~0.25 us. So the parallel tick loop opens one region per
run: each worker runs every tick for its share of the core groups, and the workers meet at a
barrier where a tick's phases hand data over. The last worker to arrive may do a serial step
before it releases the others (``arrive``, ``release``, ``wait_for_release``).

The atomics are LLVM's (``cpu.py``): an atomic read-modify-write is sequentially consistent, so
every write a worker made before it arrives is visible to the last to arrive, and every write
that one made before it releases is visible to the others after.

Joining is safe however numba schedules the region's iterations: the first worker waits a
while for the others, then closes the door; a worker that arrives later does nothing, and the
ones inside share all the groups. (If numba ran the iterations one after another on a single
thread, the first would do all the work alone instead of waiting forever.)
"""

from numba import njit

from .cpu import atomic_add, atomic_exchange, atomic_load, atomic_or, spin_pause, yield_cpu
from .jit import KERNEL_OPTIONS

# slots of the int64 `sync` array a run's workers share, a cache line apart
JOINED, PARTICIPANTS, ARRIVED, GENERATION, RESULT = 0, 8, 16, 24, 32
SYNC_SIZE = 40
CLOSED = 1 << 32  # set in JOINED when the door closes; the low bits count who joined
SPINS_BEFORE_YIELD = 2_000  # then a waiting worker gives its CPU to runnable threads
JOIN_SPINS = 200_000  # how long the first worker waits for the others (~0.1 s)


@njit(**KERNEL_OPTIONS)
def _wait(spins):
    """One round of a wait loop: pause, and after a while yield the CPU."""
    if spins < SPINS_BEFORE_YIELD:
        spin_pause()
    else:
        yield_cpu()


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
def arrive(sync, participants):
    """Arrive at the barrier: the generation to wait for the end of, or -1 for the last worker
    to arrive, which sees every other worker's writes and must `release` the others (it may do
    a serial step first: the others wait one hand-over, not two). A worker alone is always
    the last, with nothing to hand over."""
    if participants == 1:
        return -1
    generation = atomic_load(sync, GENERATION)
    if atomic_add(sync, ARRIVED, 1) == participants - 1:
        atomic_exchange(sync, ARRIVED, 0)
        return -1
    return generation


@njit(**KERNEL_OPTIONS)
def release(sync):
    """The last worker to arrive lets the others go (its writes before this are theirs after)."""
    atomic_add(sync, GENERATION, 1)


@njit(**KERNEL_OPTIONS)
def wait_for_release(sync, generation):
    """Wait until the barrier's `generation` has ended."""
    spins = 0
    while atomic_load(sync, GENERATION) == generation:
        _wait(spins)
        spins += 1
