"""Differential-drive kinematics and collisions of the Braitenberg rover."""

import math

import numpy as np
import pytest

from envs import BraitenbergRoverEnv
from envs.kinematics import body_velocity, integrate_pose, wrap_angle

FAR_CORNER = {"target_position": (2.5, 2.5), "distractor_positions": [(-2.5, 2.5), (2.5, -2.5)]}


def rover_at(x, y, heading, **kwargs):
    """A rover env reset with a fixed layout: target and distractors out of the way."""
    env = BraitenbergRoverEnv(**{**FAR_CORNER, "rover_start": (x, y, heading), **kwargs})
    env.reset(seed=0)
    return env


def drive(env, action, steps):
    for _ in range(steps):
        obs, reward, terminated, truncated, info = env.step(np.asarray(action, np.float32))
    return obs, info


def test_body_velocity_of_differential_drive():
    assert body_velocity(1.0, 1.0, 0.5) == (1.0, 0.0)
    assert body_velocity(-1.0, 1.0, 0.5) == (0.0, 4.0)
    assert body_velocity(0.2, 0.6, 0.4) == pytest.approx((0.4, 1.0))


def test_integrate_pose_follows_the_exact_arc():
    # a quarter circle of radius 1 m, counter-clockwise from the origin heading +x
    x, y, heading = integrate_pose(0.0, 0.0, 0.0, linear=math.pi / 2, angular=math.pi / 2, dt=1.0)
    assert (x, y, heading) == pytest.approx((1.0, 1.0, math.pi / 2), abs=1e-12)
    # the same arc in 100 pieces ends in the same place
    pose = (0.0, 0.0, 0.0)
    for _ in range(100):
        pose = integrate_pose(*pose, linear=math.pi / 2, angular=math.pi / 2, dt=0.01)
    assert pose == pytest.approx((1.0, 1.0, math.pi / 2), abs=1e-12)


def test_wrap_angle():
    assert wrap_angle(3 * math.pi / 2) == pytest.approx(-math.pi / 2)
    assert wrap_angle(-5 * math.pi / 2) == pytest.approx(-math.pi / 2)
    assert wrap_angle(0.3) == pytest.approx(0.3)


def test_equal_wheels_drive_straight_at_the_commanded_speed():
    heading = math.radians(30)
    env = rover_at(-1.0, -1.0, heading)
    obs, info = drive(env, [0.5, 0.5], steps=50)  # 1 s at 0.5 m/s
    expected = (-1.0 + 0.5 * math.cos(heading), -1.0 + 0.5 * math.sin(heading), heading)
    np.testing.assert_allclose(obs["pose"], expected, atol=1e-6)
    np.testing.assert_allclose(obs["velocity"], (0.5, 0.0), atol=1e-7)
    assert info["time"] == pytest.approx(1.0)
    assert not info["collision"]


def test_opposite_wheels_rotate_in_place_at_the_expected_rate():
    env = rover_at(0.0, 0.0, 0.0, max_wheel_speed=0.8, wheel_base=0.4)
    obs, _ = drive(env, [-0.5, 0.5], steps=25)  # w = 2 * 0.4 m/s / 0.4 m = 2 rad/s for 0.5 s
    np.testing.assert_allclose(obs["pose"], (0.0, 0.0, 1.0), atol=1e-6)
    np.testing.assert_allclose(obs["velocity"], (0.0, 2.0), atol=1e-7)
    obs, _ = drive(env, [0.5, -0.5], steps=50)  # back and 1 rad further, clockwise
    np.testing.assert_allclose(obs["pose"], (0.0, 0.0, -1.0), atol=1e-6)


def test_commands_saturate_at_the_wheel_speed_limit():
    fast = rover_at(0.0, 0.0, 0.0)
    limit = rover_at(0.0, 0.0, 0.0)
    obs_fast, _ = drive(fast, [5.0, 3.0], steps=10)
    obs_limit, _ = drive(limit, [1.0, 1.0], steps=10)
    np.testing.assert_array_equal(obs_fast["pose"], obs_limit["pose"])
    assert obs_fast["velocity"][0] == pytest.approx(1.0)


def test_step_length_is_configurable_and_integration_is_exact():
    fine = rover_at(-1.0, 0.0, 0.2, dt=0.01)
    coarse = rover_at(-1.0, 0.0, 0.2)
    obs_fine, info_fine = drive(fine, [0.3, 0.7], steps=100)
    obs_coarse, info_coarse = drive(coarse, [0.3, 0.7], steps=50)
    assert info_fine["time"] == pytest.approx(info_coarse["time"]) == pytest.approx(1.0)
    np.testing.assert_allclose(obs_fine["pose"], obs_coarse["pose"], atol=1e-6)
    assert fine.metadata["render_fps"] == 100.0


def test_walls_stop_the_rover():
    env = rover_at(2.0, 0.0, 0.0)  # 1 m from the east wall, facing it
    obs, info = drive(env, [1.0, 1.0], steps=100)
    assert obs["pose"][0] == pytest.approx(3.0 - env.rover_radius)
    assert obs["pose"][1] == pytest.approx(0.0)
    assert info["collision"]


def test_cylinders_are_solid():
    env = BraitenbergRoverEnv(
        rover_start=(-2.0, 0.0, 0.0),
        target_position=(2.5, 2.5),
        distractor_positions=[(0.0, 0.0)],
        n_distractors=1,
    )
    env.reset(seed=0)
    obs, info = drive(env, [1.0, 1.0], steps=150)
    contact = env.rover_radius + env.arena.radii[1]
    np.testing.assert_allclose(obs["pose"][:2], (-contact, 0.0), atol=1e-9)
    assert info["collision"]


def test_actuator_noise_is_seeded():
    def run(seed):
        env = BraitenbergRoverEnv(rover_start=(0.0, 0.0, 0.0), **FAR_CORNER, actuator_noise=0.2)
        env.reset(seed=seed)
        return drive(env, [0.5, 0.5], steps=50)[0]["pose"]

    np.testing.assert_array_equal(run(1), run(1))
    assert not np.array_equal(run(1), run(2))
    assert abs(run(1)[2]) > 1e-3  # noise made it veer


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ([0.5], "2 finite wheel commands"),
        ([[0.5, 0.5]], "2 finite wheel commands"),
        ([np.nan, 0.0], "2 finite wheel commands"),
    ],
)
def test_invalid_actions_are_rejected(action, message):
    env = rover_at(0.0, 0.0, 0.0)
    with pytest.raises(ValueError, match=message):
        env.step(np.asarray(action, np.float32))
