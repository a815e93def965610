"""Spike records of a run grouped by the population that sent them."""

from .jit import kernel


@kernel
def group_by_owner(records, owner_of_atom, first_atom, grouped, bounds):
    """Counting sort of (tick, atom, count) `records` by owner (``owner_of_atom[atom]``) into
    `grouped`, each owner's records in their order (time order), atoms made indices in the
    owner (``atom - first_atom[owner]``); owner p's records end up in
    ``grouped[bounds[p]:bounds[p + 1]]`` (`bounds` comes zeroed, one longer than the owners).
    One pass each way instead of a sort: a closed loop hands a run's spikes over every step."""
    for i in range(records.shape[0]):
        bounds[owner_of_atom[records[i, 1]] + 1] += 1
    for p in range(1, bounds.shape[0]):
        bounds[p] += bounds[p - 1]
    for i in range(records.shape[0]):  # bounds[p] walks from owner p's start to its end
        atom = records[i, 1]
        p = owner_of_atom[atom]
        row = bounds[p]
        grouped[row, 0] = records[i, 0]
        grouped[row, 1] = atom - first_atom[p]
        grouped[row, 2] = records[i, 2]
        bounds[p] = row + 1
    for p in range(bounds.shape[0] - 1, 0, -1):  # back to starts: p's end is p + 1's start
        bounds[p] = bounds[p - 1]
    bounds[0] = 0
