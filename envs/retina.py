"""The rover's camera: a pinhole "retina" rendered by casting rays into the arena.

One ray per pixel column is cast in the ground plane; each pixel row then picks the nearest
wall or cylinder its 3-D ray meets below that object's top, else the floor or the sky. A 1-D
retina is the single row on the horizon, so both shapes come from the same code.
Images are RGB in [0, 1], row 0 at the top and column 0 on the rover's left, as a camera sees.
"""

from __future__ import annotations

import math

import numpy as np

from envs.arena import Arena
from envs.raycast import cast_rays, shade_pixels


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
        self._floor_distance = np.divide(self.mount_height, descent, where=descent != 0,
                                         out=np.full_like(descent, np.inf))

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
        image = np.empty((*self._slopes.shape, 3))
        shade_pixels(distances, wall_face, self._slopes, self._floor_distance, self.mount_height,
                     arena.object_heights, arena.palette, image)
        return image.reshape(self.shape)

    def _cast(
        self, x: float, y: float, heading: float, arena: Arena
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per column: distances to each cylinder then the wall (inf where missed), and which
        wall face the ray meets (0: east/west, 1: north/south)."""
        angles = heading + self.column_angles
        return cast_rays(float(x), float(y), np.cos(angles), np.sin(angles), arena.centres,
                         arena.radii, arena.half_extent)

