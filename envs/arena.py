"""The rover's world: a walled rectangle with coloured cylinders standing in it.

Coordinates are metres with the origin at the arena's centre, x to the east, y to the north,
headings counter-clockwise from +x. Cylinder 0 is always the red target; the rest are
distractors. Cylinders are solid: the rover is pushed out of them and out of the walls.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

RED = (1.0, 0.0, 0.0)
DISTRACTOR_COLOURS = ((0.0, 0.75, 0.0), (0.1, 0.3, 1.0), (1.0, 0.85, 0.0))
WALL_COLOURS = ((0.62, 0.62, 0.62), (0.5, 0.5, 0.5))  # east/west faces, north/south faces
FLOOR_COLOUR = (0.3, 0.3, 0.3)
SKY_COLOUR = (0.78, 0.82, 0.86)

PLACEMENT_ATTEMPTS = 10_000


class Arena:
    """Walls and cylinders of one arena; cylinders move between episodes, the rest is fixed."""

    def __init__(
        self,
        size: tuple[float, float],
        n_distractors: int,
        cylinder_radius: float,
        cylinder_height: float,
        wall_height: float,
    ) -> None:
        width, depth = (float(s) for s in size)
        if not (width > 0 and depth > 0):
            raise ValueError(f"arena_size must be two positive lengths in metres, got {size!r}")
        if n_distractors < 0:
            raise ValueError(f"n_distractors must be >= 0, got {n_distractors}")
        self.size = (width, depth)
        self.half_extent = np.array([width / 2, depth / 2])
        n = 1 + n_distractors
        self.centres = np.zeros((n, 2))
        self.radii = np.full(n, float(cylinder_radius))
        self.heights = np.full(n, float(cylinder_height))
        self.colours = np.array(
            [RED] + [DISTRACTOR_COLOURS[i % len(DISTRACTOR_COLOURS)] for i in range(n_distractors)]
        )
        self.wall_height = float(wall_height)
        # what the retina shades with: heights of the cylinders then the wall, and colours of
        # the cylinders, the two wall faces, the floor and the sky
        self.object_heights = np.append(self.heights, self.wall_height)
        self.palette = np.vstack([self.colours, WALL_COLOURS, FLOOR_COLOUR, SKY_COLOUR])

    @property
    def n_distractors(self) -> int:
        """How many cylinders besides the red target."""
        return len(self.centres) - 1

    @property
    def target(self) -> np.ndarray:
        """Position of the red target (a view into ``centres``)."""
        return self.centres[0]

    def check_inside(self, name: str, position: Sequence[float], margin: float) -> np.ndarray:
        """``position`` as an array; raises unless it is ``margin`` metres inside the walls."""
        point = np.asarray(position, dtype=float)
        if point.shape != (2,) or not np.all(np.isfinite(point)):
            raise ValueError(f"{name} must be a finite (x, y) pair in metres, got {position!r}")
        limit = self.half_extent - margin
        if np.any(np.abs(point) > limit):
            raise ValueError(
                f"{name} {tuple(point)} is not inside the arena: with the origin at the centre "
                f"and a {margin:.2f} m margin, |x| <= {limit[0]:.2f} and |y| <= {limit[1]:.2f}"
            )
        return point

    def sample_free_point(
        self,
        rng: np.random.Generator,
        margin: float,
        keep_away: Sequence[tuple[np.ndarray, float]],
        keep_off: Sequence[tuple[np.ndarray, np.ndarray, float]] = (),
    ) -> np.ndarray:
        """Draw a uniform point ``margin`` inside the walls, at least ``d`` from every
        ``(point, d)`` in ``keep_away`` and from every segment ``(start, end, d)`` in
        ``keep_off``; raise if the arena is too crowded to find one."""
        limit = self.half_extent - margin
        if np.any(limit <= 0):
            raise ValueError(
                f"arena {self.size} is too small for objects needing a {margin:.2f} m margin "
                "from the walls; enlarge arena_size or shrink the rover and cylinders"
            )
        for _ in range(PLACEMENT_ATTEMPTS):
            point = rng.uniform(-limit, limit)
            if all(math.dist(point, other) >= d for other, d in keep_away) and all(
                segment_distance(point, start, end) >= d for start, end, d in keep_off
            ):
                return point
        raise ValueError(
            f"could not place an object in arena {self.size} apart from "
            f"{len(keep_away)} others after {PLACEMENT_ATTEMPTS} tries; enlarge arena_size, "
            "reduce n_distractors or min_target_distance"
        )

    def resolve_collisions(self, x: float, y: float, radius: float) -> tuple[float, float, bool]:
        """Push a disc of ``radius`` at (x, y) out of the cylinders and back inside the walls.

        Returns the corrected position and whether anything was touched.
        """
        collided = False
        for (cx, cy), r in zip(self.centres, self.radii, strict=True):
            dx, dy = x - cx, y - cy
            distance = math.hypot(dx, dy)
            reach = r + radius
            if distance < reach:
                collided = True
                if distance == 0.0:  # dead centre: push out along +x, any direction will do
                    dx, dy, distance = 1.0, 0.0, 1.0
                x, y = cx + dx * reach / distance, cy + dy * reach / distance
        hx, hy = self.half_extent - radius
        clamped_x, clamped_y = min(max(x, -hx), hx), min(max(y, -hy), hy)
        collided = collided or clamped_x != x or clamped_y != y
        return clamped_x, clamped_y, collided


def segment_distance(point: np.ndarray, start: np.ndarray, end: np.ndarray) -> float:
    """Distance from ``point`` to the line segment from ``start`` to ``end``."""
    direction = end - start
    length_sq = float(direction @ direction)
    if length_sq == 0.0:
        return math.dist(point, start)
    along = min(max(float((point - start) @ direction) / length_sq, 0.0), 1.0)
    return math.dist(point, start + along * direction)
