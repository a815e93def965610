"""Choosing a machine: named presets, ``n_boards=N``, and ``"auto"`` (as the board allocator does).

The EBRAINS service's allocator (spalloc) hands out a single board, or a rectangle of triads of
boards; ``"auto"`` asks for the smallest such allocation that has the cores a model needs.
"""

import math

from .geometry import triad_rectangle
from .hardware import MAX_BOARDS
from .machine import Machine

PRESETS = ("auto", "spinn3", "spinn5", "10-cabinet")


def cores_per_board(per_chip: int, per_ethernet_chip: int) -> int:
    """Application cores of one SpiNN-5 board."""
    return Machine.spinn5(1).n_app_cores(per_chip, per_ethernet_chip)


def boards_for(n_cores: int, per_chip: int, per_ethernet_chip: int) -> int:
    """Boards spalloc would allocate for `n_cores` application cores: 1, or 3 x triads.

    May exceed 1,200 (the largest machine); the caller reports that.
    """
    boards = math.ceil(n_cores / cores_per_board(per_chip, per_ethernet_chip))
    if boards <= 1:
        return 1
    t_width, t_height = triad_rectangle(math.ceil(boards / 3))
    return 3 * t_width * t_height


def get_machine(machine: "str | Machine" = "auto", n_boards: int | None = None) -> Machine | None:
    """The machine a ``setup(machine=..., n_boards=...)`` asks for; None for ``"auto"``.

    ``n_boards`` goes with ``"auto"`` or ``"spinn5"`` (that many SpiNN-5 boards).
    """
    if isinstance(machine, Machine):
        if n_boards is not None:
            raise ValueError("give either a Machine or n_boards, not both")
        return machine
    if machine not in PRESETS:
        raise ValueError(f"machine={machine!r} is not a machine; use one of {list(PRESETS)}, "
                         "a Machine, or n_boards=N")
    if n_boards is not None:
        if machine not in ("auto", "spinn5"):
            raise ValueError(f"n_boards={n_boards} makes a machine of SpiNN-5 boards; it does not "
                             f"go with machine={machine!r} (use machine='auto' or 'spinn5')")
        if not 1 <= n_boards <= MAX_BOARDS:
            raise ValueError(f"n_boards={n_boards} is outside 1..{MAX_BOARDS} "
                             "(the 10-cabinet machine has 1,200 boards)")
        return Machine.spinn5(n_boards)
    return {"auto": lambda: None, "spinn3": Machine.spinn3, "spinn5": Machine.spinn5,
            "10-cabinet": Machine.ten_cabinet}[machine]()
