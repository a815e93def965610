"""Where chips sit: the SpiNN-3 and SpiNN-5 board layouts, triads of boards, links, distances.

SpiNNaker chips form a triangular mesh: each chip links to (x+1, y) E, (x+1, y+1) NE, (x, y+1) N,
(x-1, y) W, (x-1, y-1) SW and (x, y-1) S. A 48-chip SpiNN-5 board is a hexagon of that mesh;
three boards tile a 12 x 12 torus (a "triad"), with Ethernet chips at (0, 0), (4, 8) and (8, 4)
(``spinn_machine/spinnaker_triad_geometry.py``, ``version_48_chips.py``). Everything here is
vectorised over numpy arrays so a 57,600-chip machine never needs per-chip objects.
"""

import math

import numpy as np

#: (dx, dy) of the six links, in SpiNNaker's link order E, NE, N, W, SW, S
LINK_DIRECTIONS = ((1, 0), (1, 1), (0, 1), (-1, 0), (-1, -1), (0, -1))

TRIAD_SIZE = 12
#: Ethernet (board-origin) chips of the three boards of a triad
TRIAD_ROOTS = ((0, 0), (4, 8), (8, 4))
BOARD_SIZE = 8


def _spinn5_local_chips() -> np.ndarray:
    """Local (x, y) of the 48 chips of a SpiNN-5 board: the hexagon -4 <= y - x <= 3."""
    xy = [(x, y) for x in range(BOARD_SIZE) for y in range(BOARD_SIZE) if -4 <= y - x <= 3]
    return np.array(xy, dtype=np.int32)


#: local chip coordinates of one SpiNN-5 board; row 0 is the Ethernet chip (0, 0)
SPINN5_CHIPS = _spinn5_local_chips()
#: local chip coordinates of a SpiNN-3 board (2 x 2, Ethernet chip (0, 0))
SPINN3_CHIPS = np.array([(0, 0), (0, 1), (1, 0), (1, 1)], dtype=np.int32)


def triad_rectangle(n_triads: int) -> tuple[int, int]:
    """Width and height, in triads, of the rectangle spalloc allocates for `n_triads` triads."""
    width = math.ceil(math.sqrt(n_triads))
    return width, math.ceil(n_triads / width)


def board_origins(n_boards: int) -> tuple[np.ndarray, int, int, bool]:
    """Ethernet-chip coordinates of `n_boards` SpiNN-5 boards, and the machine's size and wrap.

    One board is a plain 8 x 8 board. More boards fill triads of a spalloc-style rectangle in
    order; a complete rectangle of triads is a torus (wrap-around links), a partial one is not.
    """
    if n_boards == 1:
        return np.zeros((1, 2), dtype=np.int32), BOARD_SIZE, BOARD_SIZE, False
    t_width, t_height = triad_rectangle(math.ceil(n_boards / 3))
    board = np.arange(n_boards)
    triad = board // 3
    roots = np.array(TRIAD_ROOTS, dtype=np.int32)[board % 3]
    origins = np.stack([TRIAD_SIZE * (triad % t_width) + roots[:, 0],
                        TRIAD_SIZE * (triad // t_width) + roots[:, 1]], axis=1).astype(np.int32)
    if n_boards == 3 * t_width * t_height:
        return origins, TRIAD_SIZE * t_width, TRIAD_SIZE * t_height, True
    # a partial rectangle: boards of the top/right triads reach 4 chips past it
    return origins, TRIAD_SIZE * t_width + 4, TRIAD_SIZE * t_height + 4, False


def hex_displacement(sx, sy, tx, ty, width: int, height: int, wrap: bool):
    """Shortest (dx, dy) from chip (sx, sy) to (tx, ty), through wrap-around links if any."""
    dx = np.asarray(tx, dtype=np.int64) - np.asarray(sx, dtype=np.int64)
    dy = np.asarray(ty, dtype=np.int64) - np.asarray(sy, dtype=np.int64)
    if not wrap:
        return dx, dy
    # on a torus each axis has two candidates: forwards, or backwards through the wrap
    dx, dy = dx % width, dy % height
    best_dx, best_dy, best = dx, dy, hex_length(dx, dy)
    for cx, cy in ((dx - width, dy), (dx, dy - height), (dx - width, dy - height)):
        length = hex_length(cx, cy)
        better = length < best
        best = np.where(better, length, best)
        best_dx = np.where(better, cx, best_dx)
        best_dy = np.where(better, cy, best_dy)
    return best_dx, best_dy


def hex_length(dx, dy):
    """Hops of a displacement on the triangular mesh (diagonal NE/SW links count once)."""
    dx = np.asarray(dx)
    dy = np.asarray(dy)
    same_sign = (dx >= 0) == (dy >= 0)
    return np.where(same_sign, np.maximum(np.abs(dx), np.abs(dy)), np.abs(dx) + np.abs(dy))
