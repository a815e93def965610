"""envs.vision: HSV conversion and NRP-style red detection on retinas and images."""

import colorsys

import numpy as np
import pytest

from envs.vision import RedDetection, detect_red, red_fraction_left_right, red_mask, rgb_to_hsv


def test_rgb_to_hsv_matches_colorsys():
    colours = np.random.default_rng(0).random((200, 3))
    colours[:4] = [(1, 0, 0), (0, 0, 0), (0.5, 0.5, 0.5), (1, 0, 1)]  # edge cases: grey, black
    hsv = rgb_to_hsv(colours)
    expected = np.array([colorsys.rgb_to_hsv(*c) for c in colours]) * (360.0, 1.0, 1.0)
    np.testing.assert_allclose(hsv, expected, atol=1e-12)


def test_uint8_images_are_scaled_to_unit_range():
    image = np.array([[255, 0, 0], [0, 255, 0], [128, 128, 128]], dtype=np.uint8)
    np.testing.assert_allclose(rgb_to_hsv(image), rgb_to_hsv(image / 255.0))


@pytest.mark.parametrize(
    ("colour", "is_red"),
    [
        ((1.0, 0.0, 0.0), True),
        ((1.0, 0.5, 0.5), True),  # the lightest red the NRP's detect_red accepts
        ((1.0, 0.55, 0.55), False),  # paler: pink
        ((0.6, 0.1, 0.05), True),  # darker red, slightly orange
        ((0.95, 0.05, 0.3), True),  # slightly magenta, e.g. noise
        ((0.1, 0.0, 0.0), False),  # too dark to tell
        ((1.0, 0.6, 0.0), False),  # orange
        ((1.0, 0.85, 0.0), False),  # yellow distractor
        ((0.0, 0.75, 0.0), False),  # green distractor
        ((0.1, 0.3, 1.0), False),  # blue distractor
        ((0.62, 0.62, 0.62), False),  # wall
        ((1.0, 0.0, 1.0), False),  # magenta
    ],
)
def test_red_mask_classifies_colours(colour, is_red):
    assert bool(red_mask(np.array([colour]))[0]) is is_red


def test_detect_red_documented_examples():
    red = np.tile([1.0, 0.0, 0.0], (8, 10, 1))
    yellow = np.tile([1.0, 1.0, 0.0], (8, 10, 1))
    assert detect_red(red) == RedDetection(1.0, 1.0, 0.0)
    assert detect_red(yellow) == RedDetection(0.0, 0.0, 1.0)


def test_red_fraction_counts_each_half_of_a_retina():
    retina = np.full((32, 3), 0.6)
    retina[4:8] = (1.0, 0.0, 0.0)  # 4 of the 16 left columns
    retina[20:28] = (0.9, 0.1, 0.1)  # 8 of the 16 right columns
    assert red_fraction_left_right(retina) == (0.25, 0.5)
    assert detect_red(retina) == RedDetection(0.25, 0.5, 1 - 12 / 32)


def test_red_fraction_on_2d_image_and_odd_width():
    image = np.zeros((4, 5, 3))
    image[:2, 2] = (1.0, 0.0, 0.0)  # middle column: belongs to the right half, as in the NRP
    left, right = red_fraction_left_right(image)
    assert left == 0.0
    assert right == pytest.approx(2 / 12)


@pytest.mark.parametrize("shape", [(4,), (5, 4), (2, 5, 2)])
def test_non_rgb_input_is_rejected(shape):
    with pytest.raises(ValueError, match="expected an RGB image"):
        red_fraction_left_right(np.zeros(shape))


@pytest.mark.parametrize("shape", [(3,), (1, 3), (4, 1, 3)])
def test_single_column_image_has_no_halves(shape):
    with pytest.raises(ValueError, match="at least 2 columns"):
        detect_red(np.zeros(shape))


def test_single_pixels_can_be_classified():
    assert bool(red_mask(np.array([0.9, 0.1, 0.0])))
    np.testing.assert_allclose(rgb_to_hsv(np.array([0.0, 0.0, 1.0])), (240.0, 1.0, 1.0))
