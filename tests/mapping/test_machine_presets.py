"""The virtual machine: board layouts, presets, sizes under both rule profiles, the allocator."""

import numpy as np
import pytest

from spinnaker_sim.machine import (
    MAX_BOARDS,
    USABLE_SDRAM_BYTES_PER_CHIP,
    Machine,
    boards_for,
    cycles_per_tick,
    get_machine,
)
from spinnaker_sim.machine.geometry import hex_displacement, hex_length
from spinnaker_sim.mapping import GUIDE, SPYNNAKER7


def coords(machine):
    return {tuple(int(v) for v in xy) for xy in machine.chip_xy}


def test_spinn5_board_is_the_48_chip_hexagon():
    board = Machine.spinn5()
    assert (board.n_chips, board.n_cores, board.width, board.height) == (48, 864, 8, 8)
    chips = coords(board)
    assert len(chips) == 48
    # corners of the hexagon exist, the cut-off corners do not
    assert {(0, 0), (7, 7), (4, 0), (0, 3), (7, 3), (3, 6)} <= chips
    assert not {(7, 0), (0, 7), (5, 0), (0, 4)} & chips
    assert board.is_ethernet.sum() == 1 and tuple(board.chip_xy[0]) == (0, 0)


def test_spinn3_has_four_chips_of_18_cores():
    board = Machine.spinn3()
    assert (board.n_chips, board.n_cores) == (4, 72)
    assert coords(board) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert board.n_app_cores(17, 17) == 68
    assert board.n_app_cores(16, 15) == 63


def test_ten_cabinet_machine_sizes_and_capacity():
    machine = Machine.ten_cabinet()
    assert (machine.n_boards, machine.n_chips, machine.n_cores) == (1200, 57_600, 1_036_800)
    assert (machine.width, machine.height, machine.wrap) == (240, 240, True)
    # the lazily built coordinates tile the whole torus exactly once
    assert "chip_xy" not in machine.__dict__
    assert len(coords(machine)) == 240 * 240
    assert machine.is_ethernet.sum() == 1200
    guide = machine.n_app_cores(GUIDE.app_cores_per_chip, GUIDE.app_cores_per_ethernet_chip)
    spynnaker7 = machine.n_app_cores(SPYNNAKER7.app_cores_per_chip,
                                     SPYNNAKER7.app_cores_per_ethernet_chip)
    assert guide * 256 == 250_675_200
    assert spynnaker7 * 256 == 235_622_400
    assert machine.app_cores(16, 15).sum() == spynnaker7


def test_triads_tile_without_overlap():
    for n in (2, 3, 4, 5, 6, 7, 12):
        machine = Machine.spinn5(n)
        assert len(coords(machine)) == 48 * n, n
        assert machine.wrap == (n % 3 == 0 and n in (3, 6, 12))
    assert (Machine.spinn5(3).width, Machine.spinn5(3).height) == (12, 12)


def test_links_and_wrap_around():
    board = Machine.spinn5()
    assert board.neighbour(0, 0, 0) == (1, 0)       # east
    assert board.neighbour(0, 0, 1) == (1, 1)       # north-east
    assert board.neighbour(0, 0, 3) is None         # no wrap on a single board
    big = Machine.ten_cabinet()
    assert big.neighbour(0, 0, 3) == (239, 0)       # west wraps around the torus
    assert big.neighbour(239, 239, 1) == (0, 0)
    assert int(big.chip_index(240, 5)) == int(big.chip_index(0, 5))
    assert int(board.chip_index(7, 0)) == -1


def test_hex_distances_use_diagonal_links_and_wrap():
    assert int(hex_length(3, 3)) == 3
    assert int(hex_length(3, -3)) == 6
    dx, dy = hex_displacement(0, 0, 239, 239, 240, 240, True)
    assert (int(dx), int(dy)) == (-1, -1)
    dx, dy = hex_displacement(0, 0, 7, 3, 8, 8, False)
    assert (int(dx), int(dy)) == (7, 3)


def test_cycles_per_tick_follow_timestep_and_time_scale():
    assert cycles_per_tick(1.0) == 200_000
    assert cycles_per_tick(0.1) == 20_000
    assert cycles_per_tick(0.1, 10) == 200_000
    assert USABLE_SDRAM_BYTES_PER_CHIP == 123_469_792


def test_allocator_gives_a_board_or_whole_triads():
    assert boards_for(816, 17, 17) == 1
    assert boards_for(817, 17, 17) == 3
    assert boards_for(4 * 816, 17, 17) == 6          # 2 triads
    assert boards_for(10 * 816, 17, 17) == 12         # 4 triads: a 2 x 2 rectangle
    assert boards_for(979_200, 17, 17) == MAX_BOARDS
    assert boards_for(979_201, 17, 17) > MAX_BOARDS
    assert boards_for(767, 16, 15) == 1 and boards_for(768, 16, 15) == 3


def test_get_machine_presets_and_errors():
    assert get_machine("auto") is None
    assert get_machine("spinn3").n_chips == 4
    assert get_machine("spinn5").n_boards == 1
    assert get_machine("auto", n_boards=4).n_boards == 4
    assert get_machine("10-cabinet").n_chips == 57_600
    with pytest.raises(ValueError, match="'spinn7' is not a machine"):
        get_machine("spinn7")
    with pytest.raises(ValueError, match="does not go with machine='spinn3'"):
        get_machine("spinn3", n_boards=2)
    with pytest.raises(ValueError, match="outside 1..1200"):
        get_machine("auto", n_boards=1201)
    board = Machine.spinn5()
    assert get_machine(board) is board
    np.testing.assert_array_equal(board.app_cores(16, 15)[:2], [15, 16])
