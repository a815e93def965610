"""The rover's camera: a pinhole "retina" rendered by casting rays into the arena.

One ray per pixel column is cast in the ground plane; each pixel row then picks the nearest
wall or cylinder its 3-D ray meets below that object's top, else the floor or the sky. A 1-D
retina is the single row on the horizon, so both shapes come from the same code.
Images are RGB in [0, 1], row 0 at the top and column 0 on the rover's left, as a camera sees.
"""

from __future__ import annotations

import math

import numpy as np

from envs.arena import FLOOR_COLOUR, SKY_COLOUR, WALL_COLOURS, Arena


class Retina:
    """A forward-looking pinhole camera of ``width`` x ``height`` pixels mounted on the rover."""

    def __init__(
        self, width: int, height: int | None, field_of_view: float, mount_height: float
    ) -> None:
        if int(width) != width or width < 2:
            raise ValueError(f"retina_width must be an integer >= 2, got {width!r}")
        if height is not None and (int(height) != height or height < 1):
            raise ValueError(f"retina_height must be None (1-D) or an integer >= 1, got {height!r}")
        if not 0.0 < field_of_view < 180.0:
            raise ValueError(
                "field_of_view must be in (0, 180) degrees for a pinhole camera, "
                f"got {field_of_view}"
            )
        self.width = int(width)
        self.height = None if height is None else int(height)
        self.field_of_view = float(field_of_view)
        self.mount_height = float(mount_height)
        self.shape = (self.width, 3) if self.height is None else (self.height, self.width, 3)
        half_span = math.tan(math.radians(self.field_of_view) / 2)
        self._half_span = half_span
        # image-plane coordinates at unit focal distance: x to the right, y up (square pixels)
        image_x = ((np.arange(self.width) + 0.5) * 2 / self.width - 1) * half_span
        self.column_angles = -np.arctan(image_x)  # relative to the heading, left positive
        self._column_norm = np.hypot(1.0, image_x)
        if self.height is None:
            image_y = np.zeros(1)
        else:
            rows = np.arange(self.height) + 0.5
            image_y = (1 - rows * 2 / self.height) * half_span * self.height / self.width
        # height gained per metre travelled in the ground plane, per (row, column)
        self._slopes = image_y[:, None] / self._column_norm[None, :]
        # where each pixel's ray meets the floor (inf for rays at or above the horizon)
        descent = np.maximum(-self._slopes, 0.0)
        self._floor_distance = _divide_or_inf(np.full_like(descent, self.mount_height), descent)

    def depth(self, x: float, y: float, heading: float, arena: Arena) -> np.ndarray:
        """Ground-plane distance (m) to the nearest wall or cylinder along each column's ray."""
        distances, _ = self._cast(x, y, heading, arena)
        return distances.min(axis=1)

    def column_at(self, forward: np.ndarray, left: np.ndarray) -> np.ndarray:
        """Pixel column that sees the ground-plane point ``forward`` m ahead and ``left`` m to
        the left of the camera, or -1 where the point is outside the field of view."""
        with np.errstate(divide="ignore", invalid="ignore"):
            image_x = -left / (forward * self._half_span)
        inside = (forward > 0) & (np.abs(image_x) < 1)
        column = np.floor((np.where(inside, image_x, 0.0) + 1) * (self.width / 2)).astype(int)
        return np.where(inside, column.clip(0, self.width - 1), -1)

    def render(self, x: float, y: float, heading: float, arena: Arena) -> np.ndarray:
        """The noise-free image (float64, ``self.shape``) seen from pose (x, y, heading)."""
        distances, wall_face = self._cast(x, y, heading, arena)
        n_cylinders = len(arena.centres)
        hit = np.isfinite(distances)
        heights = np.append(arena.heights, arena.wall_height)
        # elevation of each (row, column) ray where it meets each object: (rows, cols, objects)
        elevation = self.mount_height + np.where(hit, distances, 0.0) * self._slopes[:, :, None]
        visible = hit & (elevation >= 0.0) & (elevation <= heights)
        visible_distance = np.where(visible, distances, np.inf)
        nearest = visible_distance.argmin(axis=2)
        nearest_distance = visible_distance.min(axis=2)
        # palette: cylinders, the two wall faces, floor, sky
        palette = np.vstack([arena.colours, WALL_COLOURS, FLOOR_COLOUR, SKY_COLOUR])
        index = np.where(nearest < n_cylinders, nearest, n_cylinders + wall_face)
        index[self._floor_distance < nearest_distance] = n_cylinders + 2
        index[np.isinf(nearest_distance) & np.isinf(self._floor_distance)] = n_cylinders + 3
        return palette[index].reshape(self.shape)

    def _cast(
        self, x: float, y: float, heading: float, arena: Arena
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per column: distances to each cylinder then the wall (inf where missed), and which
        wall face the ray meets (0: east/west, 1: north/south)."""
        angles = heading + self.column_angles
        dx, dy = np.cos(angles), np.sin(angles)
        # cylinders: solve |o + t d - c| = r for the first t > 0 (the camera is never inside one)
        offset = arena.centres - (x, y)
        along = dx[:, None] * offset[:, 0] + dy[:, None] * offset[:, 1]
        discriminant = along**2 - ((offset**2).sum(axis=1) - arena.radii**2)
        in_front = (discriminant >= 0.0) & (along > 0.0)
        cylinders = np.where(in_front, along - np.sqrt(np.abs(discriminant)), np.inf)
        # walls: leave the box [-hx, hx] x [-hy, hy] from the inside
        hx, hy = arena.half_extent
        to_x = _divide_or_inf(np.where(dx > 0, hx, -hx) - x, dx)
        to_y = _divide_or_inf(np.where(dy > 0, hy, -hy) - y, dy)
        wall = np.minimum(to_x, to_y)
        return np.concatenate([cylinders, wall[:, None]], axis=1), (to_x > to_y).astype(int)


def _divide_or_inf(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Elementwise ``numerator / denominator``, inf where the denominator is zero."""
    return np.divide(
        numerator, denominator, out=np.full_like(numerator, np.inf), where=denominator != 0
    )
