"""A virtual SpiNNaker machine: boards of chips, each with cores, shared SDRAM and a router.

The machine is a description, not a set of objects: chip coordinates are numpy arrays built on
first use, and totals are closed-form, so the 10-cabinet machine (1,200 boards, 57,600 chips,
1,036,800 cores) costs a few hundred kilobytes.
"""

from functools import cached_property

import numpy as np

from . import geometry
from .hardware import (
    CORES_PER_CHIP,
    MAX_BOARDS,
)


class Machine:
    """Boards of identical chips; chip ``i`` is ``(chip_x[i], chip_y[i])``, board by board.

    Within a board the Ethernet chip comes first, so chip ``i`` is an Ethernet chip exactly
    when ``i % chips_per_board == 0``.
    """

    def __init__(self, name: str, n_boards: int, board_chips: np.ndarray,
                 board_origins: np.ndarray, width: int, height: int, wrap: bool):
        if not 1 <= n_boards <= MAX_BOARDS:
            raise ValueError(f"n_boards={n_boards} is outside 1..{MAX_BOARDS} "
                             "(the 10-cabinet machine has 1,200 boards)")
        self.name = name
        self.n_boards = n_boards
        self.width = width
        self.height = height
        self.wrap = wrap
        self._board_chips = board_chips
        self._board_origins = board_origins

    # presets -------------------------------------------------------------------------------
    @classmethod
    def spinn3(cls) -> "Machine":
        """A SpiNN-3 board: 4 chips with wrap-around links."""
        return cls("spinn3", 1, geometry.SPINN3_CHIPS, np.zeros((1, 2), np.int32), 2, 2, True)

    @classmethod
    def spinn5(cls, n_boards: int = 1) -> "Machine":
        """`n_boards` 48-chip SpiNN-5 boards, arranged in triads as spalloc does."""
        origins, width, height, wrap = geometry.board_origins(n_boards)
        name = {1: "spinn5", MAX_BOARDS: "10-cabinet"}.get(n_boards, f"{n_boards} spinn5 boards")
        return cls(name, n_boards, geometry.SPINN5_CHIPS, origins, width, height, wrap)

    @classmethod
    def ten_cabinet(cls) -> "Machine":
        """The million-core machine: 1,200 SpiNN-5 boards, a 240 x 240 torus of chips."""
        return cls.spinn5(MAX_BOARDS)

    # sizes ---------------------------------------------------------------------------------
    @property
    def chips_per_board(self) -> int:
        return len(self._board_chips)

    @property
    def n_chips(self) -> int:
        return self.n_boards * self.chips_per_board

    @property
    def n_cores(self) -> int:
        return self.n_chips * CORES_PER_CHIP

    def n_app_cores(self, per_chip: int, per_ethernet_chip: int) -> int:
        """Application cores of the whole machine, given how many each kind of chip offers."""
        return (self.n_chips - self.n_boards) * per_chip + self.n_boards * per_ethernet_chip

    def app_cores(self, per_chip: int, per_ethernet_chip: int) -> np.ndarray:
        """Application cores of each chip, in chip order."""
        cores = np.full(self.n_chips, per_chip, dtype=np.int32)
        cores[self.is_ethernet] = per_ethernet_chip
        return cores

    # chips ---------------------------------------------------------------------------------
    @cached_property
    def chip_xy(self) -> np.ndarray:
        """(n_chips, 2) coordinates, board by board, Ethernet chip first on each board."""
        xy = (self._board_origins[:, None, :] + self._board_chips[None, :, :]).reshape(-1, 2)
        if self.wrap:
            xy = xy % np.array([self.width, self.height], dtype=np.int32)
        return xy.astype(np.int32)

    @property
    def chip_x(self) -> np.ndarray:
        return self.chip_xy[:, 0]

    @property
    def chip_y(self) -> np.ndarray:
        return self.chip_xy[:, 1]

    @cached_property
    def is_ethernet(self) -> np.ndarray:
        return np.arange(self.n_chips) % self.chips_per_board == 0

    @cached_property
    def _chip_grid(self) -> np.ndarray:
        grid = np.full((self.width, self.height), -1, dtype=np.int32)
        grid[self.chip_x, self.chip_y] = np.arange(self.n_chips, dtype=np.int32)
        return grid

    def chip_index(self, x, y) -> np.ndarray:
        """Chip numbers of coordinates (wrapped on a torus); -1 where there is no chip."""
        x = np.asarray(x, dtype=np.int64)
        y = np.asarray(y, dtype=np.int64)
        if self.wrap:
            x = x % self.width
            y = y % self.height
        inside = (x >= 0) & (x < self.width) & (y >= 0) & (y < self.height)
        index = np.full(np.broadcast(x, y).shape, -1, dtype=np.int32)
        index[inside] = self._chip_grid[x[inside], y[inside]]
        return index

    def neighbour(self, x: int, y: int, link: int) -> tuple[int, int] | None:
        """The chip at the other end of `link` (0..5: E, NE, N, W, SW, S), or None."""
        dx, dy = geometry.LINK_DIRECTIONS[link]
        index = int(self.chip_index(x + dx, y + dy))
        return None if index < 0 else tuple(int(v) for v in self.chip_xy[index])

    def describe(self) -> str:
        """One line: name, boards, chips, cores."""
        boards = "1 board" if self.n_boards == 1 else f"{self.n_boards:,} boards"
        return (f"{self.name} ({boards}, {self.n_chips:,} chips, {self.n_cores:,} cores, "
                f"{self.width} x {self.height}{' torus' if self.wrap else ''})")

    def __repr__(self) -> str:
        return f"Machine({self.describe()})"
