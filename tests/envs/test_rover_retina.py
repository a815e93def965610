"""The rover's camera: what the ray-cast retina sees of the target, distractors, walls and floor."""

import math

import numpy as np
import pytest

from envs import BraitenbergRoverEnv, red_fraction_left_right
from envs.arena import DISTRACTOR_COLOURS, FLOOR_COLOUR, RED, SKY_COLOUR, WALL_COLOURS
from envs.vision import red_mask, rgb_to_hsv

AWAY = [(-2.5, -2.5), (-2.5, 2.5)]  # distractors behind the rover, out of sight


def look(target, rover=(0.0, 0.0, 0.0), distractors=AWAY, **kwargs):
    """The retina of a rover at ``rover`` with the red target at ``target``."""
    env = BraitenbergRoverEnv(
        rover_start=rover, target_position=target, distractor_positions=distractors, **kwargs
    )
    obs, _ = env.reset(seed=0)
    return obs["retina"]


def red_columns(retina):
    mask = red_mask(retina)
    return np.flatnonzero(mask if mask.ndim == 1 else mask.any(axis=0))


def test_target_straight_ahead_fills_the_centre_pixels():
    retina = look(target=(2.0, 0.0))
    assert retina.shape == (32, 3) and retina.dtype == np.float32
    # a 0.2 m cylinder 2 m ahead spans 2 * asin(0.1) = 11.5 deg, about 6 of 32 columns over 60 deg
    np.testing.assert_array_equal(red_columns(retina), np.arange(13, 19))
    np.testing.assert_array_equal(retina[13:19], np.tile(np.float32(RED), (6, 1)))
    left, right = red_fraction_left_right(retina)
    assert left == right == 3 / 16


def test_target_on_the_left_appears_in_the_left_half():
    angle = math.radians(20)  # 20 deg to the left of the heading
    retina = look(target=(2.0 * math.cos(angle), 2.0 * math.sin(angle)))
    columns = red_columns(retina)
    assert columns.size > 0 and columns.max() < 16
    left, right = red_fraction_left_right(retina)
    assert left > 0 and right == 0


def test_target_on_the_right_appears_in_the_right_half_for_any_heading():
    heading = 2.5  # rotate the whole scene: the camera follows the rover's heading
    angle = heading - math.radians(20)
    retina = look(target=(2.0 * math.cos(angle), 2.0 * math.sin(angle)), rover=(0.0, 0.0, heading))
    left, right = red_fraction_left_right(retina)
    assert left == 0 and right > 0


def test_target_outside_the_field_of_view_is_not_seen():
    assert red_columns(look(target=(-2.0, 0.0))).size == 0  # behind
    angle = math.radians(40)  # beyond the 30 deg half field of view
    assert red_columns(look(target=(2 * math.cos(angle), 2 * math.sin(angle)))).size == 0
    angle = math.radians(40)  # ... unless the field of view is wider
    wide = look(target=(2 * math.cos(angle), 2 * math.sin(angle)), field_of_view=100.0)
    assert red_columns(wide).size > 0


def test_nearer_targets_look_wider():
    near, far = look(target=(1.0, 0.0)), look(target=(2.5, 0.0))
    assert red_columns(near).size > red_columns(far).size > 0


def test_distractors_hide_the_target_and_are_not_red():
    retina = look(target=(2.5, 0.0), distractors=[(1.2, 0.0), (-2.5, 2.5)])
    assert red_columns(retina).size == 0
    np.testing.assert_array_equal(retina[15], np.float32(DISTRACTOR_COLOURS[0]))


def test_empty_view_shows_neutral_walls():
    retina = look(target=(-2.0, 2.0), rover=(0.0, 0.0, -math.pi / 2))
    hsv = rgb_to_hsv(retina)
    assert np.all(hsv[:, 1] == 0.0)  # grey: no saturation at all
    walls = {tuple(np.float32(c)) for c in WALL_COLOURS}
    assert {tuple(pixel) for pixel in retina} <= walls


def test_two_dimensional_retina_sees_target_floor_and_sky():
    retina = look(target=(2.0, 0.0), retina_height=16)
    assert retina.shape == (16, 32, 3)
    centre = retina[:, 16]
    red_rows = np.flatnonzero(red_mask(centre))
    # camera 0.3 m up, cylinder 0.6 m tall at 1.8 m: it spans elevations -9.5..+9.5 deg;
    # rows are 16 * 2 * tan(30 deg) / 32 pixels over a 32-degree vertical field
    assert red_rows.size >= 8 and red_rows.min() > 0 and red_rows.max() < 15
    np.testing.assert_array_equal(centre[-1], np.float32(FLOOR_COLOUR))
    assert not red_mask(centre[0])
    # the top corner looks over the 0.8 m wall from 3 m away: sky
    np.testing.assert_array_equal(
        look(target=(2.0, 0.0), retina_height=16, rover=(0, 0, 0.5))[0, 0], np.float32(SKY_COLOUR)
    )
    # the horizon row of a 2-D retina is the same as the 1-D strip's view of red
    np.testing.assert_array_equal(red_columns(retina), red_columns(look(target=(2.0, 0.0))))


def test_sensor_noise_is_bounded_seeded_and_of_the_given_size():
    def noisy(seed):
        env = BraitenbergRoverEnv(
            rover_start=(0, 0, 0),
            target_position=(2.0, 0.0),
            distractor_positions=AWAY,
            sensor_noise=0.05,
            retina_width=64,
            retina_height=32,
        )
        return env.reset(seed=seed)[0]["retina"]

    clean = look(target=(2.0, 0.0), retina_width=64, retina_height=32)
    a, b, c = noisy(3), noisy(3), noisy(4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.min() >= 0.0 and a.max() <= 1.0
    inside = (clean > 0.2) & (clean < 0.8)  # where clipping does not bias the noise
    assert np.std(a[inside] - clean[inside]) == pytest.approx(0.05, rel=0.1)
    # the red target is still found; a rare noisy floor pixel may pass for red
    np.testing.assert_array_equal(red_mask(a)[red_mask(clean)], True)
    assert np.mean(red_mask(a) != red_mask(clean)) < 0.005


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"retina_width": 1}, "retina_width must be an integer >= 2"),
        ({"retina_height": 0}, "retina_height must be None"),
        ({"field_of_view": 180.0}, "field_of_view must be in"),
    ],
)
def test_bad_camera_settings_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        BraitenbergRoverEnv(**kwargs)
