"""Image helpers a Braitenberg brain's transfer functions need: how much red is seen, and where.

They reproduce the NRP template's ``hbp_nrp_cle.tf_framework.tf_lib.detect_red`` (red pixels are
found in HSV space, then counted in the left and right image halves) without OpenCV, and accept
1-D retinas ``(W, 3)``, images ``(H, W, 3)`` and batches ``(..., H, W, 3)``, as floats in [0, 1]
or uint8. Columns (axis -2) run from the viewer's left to right.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

# The lightest colour accepted as red is (1.0, 0.5, 0.5), as in the NRP's detect_red.
RED_HUE_TOLERANCE = 20.0  # degrees either side of pure red; absorbs sensor noise
RED_MIN_SATURATION = 0.5
RED_MIN_VALUE = 0.2


class RedDetection(NamedTuple):
    """NRP's detect_red result: red fraction of each image half, and the non-red fraction."""

    left: float
    right: float
    go_on: float


def as_unit_rgb(image: np.ndarray) -> np.ndarray:
    """Return ``image`` as float RGB in [0, 1] (uint8 is divided by 255), checking its last axis."""
    array = np.asarray(image)
    if array.ndim < 1 or array.shape[-1] != 3:
        raise ValueError(
            f"expected an RGB image with shape (W, 3) or (H, W, 3), got shape {array.shape}"
        )
    if array.dtype == np.uint8:
        return array / 255.0
    return array.astype(float, copy=False)


def rgb_to_hsv(image: np.ndarray) -> np.ndarray:
    """Convert RGB to HSV: hue in degrees [0, 360), saturation and value in [0, 1]."""
    rgb = as_unit_rgb(image)
    hsv = np.empty(rgb.shape)
    hsv[..., 0], hsv[..., 1], hsv[..., 2] = _hsv(rgb)
    return hsv


def red_mask(
    image: np.ndarray,
    hue_tolerance: float = RED_HUE_TOLERANCE,
    min_saturation: float = RED_MIN_SATURATION,
    min_value: float = RED_MIN_VALUE,
) -> np.ndarray:
    """Boolean mask (the image's shape without the RGB axis) of the pixels that look red."""
    hue, saturation, value = _hsv(as_unit_rgb(image))
    red = np.minimum(hue, 360.0 - hue) <= hue_tolerance
    red &= saturation >= min_saturation
    red &= value >= min_value
    return red


def _hsv(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hue, saturation and value planes of float RGB pixels (TFs call this every step on small
    images, where each numpy call's overhead counts: one ``where`` chain, no ``select``)."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    value = rgb.max(axis=-1)
    chroma = value - rgb.min(axis=-1)
    grey = chroma == 0
    safe_chroma = np.where(grey, 1.0, chroma)
    hue = np.where(value == r, (g - b) / safe_chroma,
                   np.where(value == g, (b - r) / safe_chroma + 2.0, (r - g) / safe_chroma + 4.0))
    hue *= 60.0
    hue %= 360.0
    hue[grey] = 0.0
    saturation = np.divide(chroma, value, out=np.zeros_like(value), where=value > 0)
    return hue, saturation, value


def red_fraction_left_right(image: np.ndarray) -> tuple[float, float]:
    """Fraction of red pixels in the left and in the right half of the image, each in [0, 1].

    With an odd width the middle column belongs to the right half, as in the NRP.
    """
    return _half_fractions(red_mask(image))


def detect_red(image: np.ndarray) -> RedDetection:
    """NRP's ``detect_red``: red fraction of the left and right halves, and the fraction of the
    whole image that is not red (``go_on``, which drives the template brain's search)."""
    mask = red_mask(image)
    left, right = _half_fractions(mask)
    return RedDetection(left, right, 1.0 - np.count_nonzero(mask) / mask.size)


def _half_fractions(mask: np.ndarray) -> tuple[float, float]:
    """Mean of a pixel mask over the left and the right half of its columns (last axis)."""
    if mask.ndim == 0 or mask.shape[-1] < 2:
        raise ValueError(
            f"the image needs at least 2 columns to have halves, got pixel shape {mask.shape}"
        )
    half = mask.shape[-1] // 2
    left, right = mask[..., :half], mask[..., half:]
    return np.count_nonzero(left) / left.size, np.count_nonzero(right) / right.size
