"""The retina's ray casting as two small numba kernels: a 32-pixel image takes a few
microseconds, where a dozen numpy calls on (rows, columns, objects) arrays take ~100 us, and an
env renders one every step.

The caller computes the rays' cos and sin (with numpy); the kernels only add, multiply, divide
and take square roots, so an image is the same bit for bit on any machine.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def cast_rays(
    x: float,
    y: float,
    dx: np.ndarray,
    dy: np.ndarray,
    centres: np.ndarray,
    radii: np.ndarray,
    half_extent: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Ground-plane distance along each column's ray (direction ``dx``, ``dy``) to each cylinder
    and then to the wall (inf where missed), and which wall face each ray meets (0: east/west,
    1: north/south)."""
    n_columns, n_cylinders = dx.shape[0], centres.shape[0]
    distances = np.empty((n_columns, n_cylinders + 1))
    wall_face = np.empty(n_columns, dtype=np.int64)
    hx, hy = half_extent[0], half_extent[1]
    for j in range(n_columns):
        for i in range(n_cylinders):
            # |o + t d - c| = r for the first t > 0 (the camera is never inside a cylinder)
            ox, oy = centres[i, 0] - x, centres[i, 1] - y
            along = dx[j] * ox + dy[j] * oy
            discriminant = along**2 - ((ox**2 + oy**2) - radii[i] ** 2)
            if discriminant >= 0.0 and along > 0.0:
                distances[j, i] = along - math.sqrt(abs(discriminant))
            else:
                distances[j, i] = np.inf
        # leave the box [-hx, hx] x [-hy, hy] from the inside
        to_x = _divide_or_inf((hx if dx[j] > 0 else -hx) - x, dx[j])
        to_y = _divide_or_inf((hy if dy[j] > 0 else -hy) - y, dy[j])
        distances[j, n_cylinders] = min(to_x, to_y)
        wall_face[j] = 1 if to_x > to_y else 0
    return distances, wall_face


@njit(cache=True, nogil=True)
def shade_pixels(
    distances: np.ndarray,
    wall_face: np.ndarray,
    slopes: np.ndarray,
    floor_distance: np.ndarray,
    mount_height: float,
    heights: np.ndarray,
    palette: np.ndarray,
    image: np.ndarray,
) -> None:
    """Colour each (row, column) pixel of ``image`` with the nearest object its ray meets below
    that object's top (``heights``: cylinders then the wall), else the floor, else the sky.

    ``palette`` rows: the cylinders, the two wall faces, the floor, the sky.
    """
    n_rows, n_columns = slopes.shape
    n_cylinders = heights.shape[0] - 1
    floor, sky = n_cylinders + 2, n_cylinders + 3
    for k in range(n_rows):
        for j in range(n_columns):
            nearest, nearest_distance = 0, np.inf
            for o in range(n_cylinders + 1):
                distance = distances[j, o]
                if not np.isfinite(distance):
                    continue
                elevation = mount_height + distance * slopes[k, j]
                if 0.0 <= elevation <= heights[o] and distance < nearest_distance:
                    nearest, nearest_distance = o, distance
            colour = nearest if nearest < n_cylinders else n_cylinders + wall_face[j]
            if floor_distance[k, j] < nearest_distance:
                colour = floor
            elif np.isinf(nearest_distance) and np.isinf(floor_distance[k, j]):
                colour = sky
            for c in range(3):
                image[k, j, c] = palette[colour, c]


@njit(cache=True, nogil=True, inline="always")
def _divide_or_inf(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator != 0 else np.inf
