"""Top-down picture of the arena (numpy only): walls, cylinders, the rover with its heading and
the part of the floor its camera sees, and the camera image as a strip underneath."""

from __future__ import annotations

import math

import numpy as np

from envs.arena import FLOOR_COLOUR, WALL_COLOURS, Arena
from envs.retina import Retina

ROVER_COLOUR = (0.95, 0.95, 0.95)
HEADING_COLOUR = (0.1, 0.1, 0.1)
VIEW_COLOUR = (1.0, 1.0, 0.6)
VIEW_OPACITY = 0.3
SEPARATOR_COLOUR = (0.0, 0.0, 0.0)
STRIP_FRACTION = 0.08  # height of a 1-D retina's strip, relative to the picture's width


def to_uint8(colour: tuple[float, float, float] | np.ndarray) -> np.ndarray:
    """RGB in [0, 1] to uint8."""
    return np.round(np.clip(np.asarray(colour), 0.0, 1.0) * 255).astype(np.uint8)


class TopDownRenderer:
    """Draws frames of one arena; the static background is drawn once."""

    def __init__(self, arena_size: tuple[float, float], pixels: int) -> None:
        if int(pixels) != pixels or pixels < 16:
            raise ValueError(f"render_size must be an integer >= 16 pixels, got {pixels!r}")
        width, depth = arena_size
        self.pixels_per_metre = pixels / max(width, depth)
        n_cols = max(1, round(width * self.pixels_per_metre))
        n_rows = max(1, round(depth * self.pixels_per_metre))
        self._x = (np.arange(n_cols) + 0.5) / self.pixels_per_metre - width / 2
        self._y = depth / 2 - (np.arange(n_rows) + 0.5) / self.pixels_per_metre
        self._background = np.empty((n_rows, n_cols, 3), dtype=np.uint8)
        self._background[:] = to_uint8(WALL_COLOURS[0])
        border = max(2, round(0.05 * self.pixels_per_metre))
        self._background[border:-border, border:-border] = to_uint8(FLOOR_COLOUR)

    def frame(
        self,
        arena: Arena,
        pose: tuple[float, float, float],
        rover_radius: float,
        retina: Retina,
        retina_image: np.ndarray,
    ) -> np.ndarray:
        """A new uint8 (rows, cols, 3) picture of the scene, with the retina image below it."""
        x, y, heading = pose
        picture = self._background.copy()
        self._shade_view(picture, x, y, heading, retina, retina.depth(x, y, heading, arena))
        for (cx, cy), radius, colour in zip(arena.centres, arena.radii, arena.colours, strict=True):
            self._fill_disc(picture, cx, cy, radius, colour)
        self._fill_disc(picture, x, y, rover_radius, ROVER_COLOUR)
        tip = (x + rover_radius * math.cos(heading), y + rover_radius * math.sin(heading))
        self._draw_segment(picture, (x, y), tip, rover_radius / 4, HEADING_COLOUR)
        return np.concatenate([picture, self._strip(retina_image, picture.shape[1])], axis=0)

    def _window(
        self, cx: float, cy: float, reach: float
    ) -> tuple[slice, slice, np.ndarray, np.ndarray]:
        """Pixel rows/columns within ``reach`` metres of (cx, cy), and their world coordinates."""
        rows = np.flatnonzero(np.abs(self._y - cy) <= reach)
        cols = np.flatnonzero(np.abs(self._x - cx) <= reach)
        if rows.size == 0 or cols.size == 0:
            empty = slice(0, 0)
            return empty, empty, self._x[:0][None, :], self._y[:0][:, None]
        row_slice, col_slice = slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)
        return row_slice, col_slice, self._x[col_slice][None, :], self._y[row_slice][:, None]

    def _fill_disc(self, picture: np.ndarray, cx: float, cy: float, radius: float, colour) -> None:
        rows, cols, xs, ys = self._window(cx, cy, radius)
        inside = (xs - cx) ** 2 + (ys - cy) ** 2 <= radius**2
        picture[rows, cols][inside] = to_uint8(colour)

    def _draw_segment(self, picture: np.ndarray, start, end, half_width: float, colour) -> None:
        (x0, y0), (x1, y1) = start, end
        length = math.hypot(x1 - x0, y1 - y0)
        rows, cols, xs, ys = self._window((x0 + x1) / 2, (y0 + y1) / 2, length / 2 + half_width)
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        along = np.clip((xs - x0) * ux + (ys - y0) * uy, 0.0, length)
        off = np.hypot(xs - (x0 + along * ux), ys - (y0 + along * uy))
        picture[rows, cols][off <= half_width] = to_uint8(colour)

    def _shade_view(self, picture, x, y, heading, retina: Retina, depths: np.ndarray) -> None:
        """Tint the floor each camera column sees, up to the first object on its ray."""
        ends_x = x + depths * np.cos(heading + retina.column_angles)
        ends_y = y + depths * np.sin(heading + retina.column_angles)
        cols = np.flatnonzero((self._x >= min(x, ends_x.min())) & (self._x <= max(x, ends_x.max())))
        rows = np.flatnonzero((self._y >= min(y, ends_y.min())) & (self._y <= max(y, ends_y.max())))
        if cols.size == 0 or rows.size == 0:
            return
        rows, cols = slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)
        dx, dy = self._x[cols][None, :] - x, self._y[rows][:, None] - y
        cos, sin = math.cos(heading), math.sin(heading)
        column = retina.column_at(dx * cos + dy * sin, dy * cos - dx * sin)
        seen = column >= 0
        seen[seen] = np.hypot(dx, dy)[seen] <= depths[column[seen]]
        region = picture[rows, cols]
        tinted = (1 - VIEW_OPACITY) * region[seen] + VIEW_OPACITY * to_uint8(VIEW_COLOUR)
        region[seen] = np.round(tinted).astype(np.uint8)

    def _strip(self, retina_image: np.ndarray, n_cols: int) -> np.ndarray:
        """The retina image scaled (nearest pixel) to the picture's width, under a separator."""
        image = retina_image if retina_image.ndim == 3 else retina_image[None]
        height, width = image.shape[:2]
        n_rows = max(4, round(n_cols * (STRIP_FRACTION if height == 1 else height / width)))
        scaled = image[
            (np.arange(n_rows) * height // n_rows)[:, None],
            (np.arange(n_cols) * width // n_cols)[None, :],
        ]
        separator = np.empty((2, n_cols, 3), dtype=np.uint8)
        separator[:] = to_uint8(SEPARATOR_COLOUR)
        return np.concatenate([separator, to_uint8(scaled)], axis=0)
