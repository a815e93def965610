"""Registered environments through gymnasium: API conformance, determinism, rewards, episode
ends, layouts, rendering, and a Braitenberg controller that solves the rover task."""

import importlib
import math
import subprocess
import sys
import warnings
from pathlib import Path

import gymnasium as gym
import matplotlib.pyplot as plt
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import envs
from envs import BraitenbergRoverEnv, red_fraction_left_right
from envs.arena import FLOOR_COLOUR, RED, segment_distance
from envs.topdown import ROVER_COLOUR, VIEW_COLOUR, VIEW_OPACITY, to_uint8

plt.switch_backend("Agg")  # "human" rendering is tested headless

REPO = Path(__file__).resolve().parents[2]
ALL_IDS = [*envs.ENV_IDS, "CartPole-v1"]  # any gymnasium env goes through the same path


def rollout(env, seed, n_steps):
    """Observations, rewards and flags of ``n_steps`` seeded random actions (resetting at ends)."""
    env.action_space.seed(seed)
    obs, _ = env.reset(seed=seed)
    trace = [obs]
    for _ in range(n_steps):
        obs, reward, terminated, truncated, _ = env.step(env.action_space.sample())
        trace.append((obs, reward, terminated, truncated))
        if terminated or truncated:
            trace.append(env.reset()[0])
    return trace


def _leaves(tree):
    """Every array and number in nested observations, tuples and lists, in a fixed order."""
    if isinstance(tree, dict):
        for key in sorted(tree):
            yield from _leaves(tree[key])
    elif isinstance(tree, (list, tuple)):
        for item in tree:
            yield from _leaves(item)
    else:
        yield tree


# ----------------------------------------------------------------------------- registration


def test_nrp_ids_are_registered_with_a_string_entry_point_and_30_s_limit():
    assert envs.ENV_IDS == ("nrp/BraitenbergRover-v0", "nrp/BraitenbergRoverRetina2D-v0")
    for env_id in envs.ENV_IDS:
        spec = gym.spec(env_id)
        assert spec.namespace == "nrp"
        assert spec.entry_point == "envs.braitenberg_rover:BraitenbergRoverEnv"
        assert spec.max_episode_steps == envs.EPISODE_STEPS == 1500


def test_reimporting_registers_nothing_twice():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        importlib.reload(envs)
    assert [i for i in gym.registry if i.startswith("nrp/")] == list(envs.ENV_IDS)


def test_module_colon_id_imports_envs_in_a_fresh_interpreter():
    code = (
        "import gymnasium as gym\n"
        "env = gym.make('envs:nrp/BraitenbergRover-v0')\n"
        "obs, info = env.reset(seed=0)\n"
        "print(obs['retina'].shape, env.spec.max_episode_steps)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(32, 3) 1500"


@pytest.mark.parametrize("env_id", envs.ENV_IDS)
def test_nrp_envs_pass_gymnasium_env_checker_without_warnings(env_id):
    env = gym.make(env_id, render_mode="rgb_array")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(env.unwrapped, skip_render_check=False)  # also makes and renders "human"
    env.close()
    plt.close("all")


@pytest.mark.filterwarnings("ignore:.*Box observation space m:UserWarning")  # CartPole's inf bounds
def test_cartpole_passes_the_same_checks():
    env = gym.make("CartPole-v1")
    check_env(env.unwrapped, skip_render_check=True)  # its renderer needs pygame, not installed
    assert env.spec.max_episode_steps == 500


@pytest.mark.parametrize("env_id", ALL_IDS)
def test_same_seed_and_actions_give_identical_runs(env_id):
    kwargs = {"sensor_noise": 0.05, "actuator_noise": 0.1} if env_id.startswith("nrp/") else {}
    first = list(_leaves(rollout(gym.make(env_id, **kwargs), seed=7, n_steps=200)))
    second = list(_leaves(rollout(gym.make(env_id, **kwargs), seed=7, n_steps=200)))
    other = list(_leaves(rollout(gym.make(env_id, **kwargs), seed=8, n_steps=200)))
    assert len(first) == len(second)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)  # bit for bit
    assert len(first) != len(other) or any(
        not np.array_equal(a, b) for a, b in zip(first, other, strict=False)
    )


# ----------------------------------------------------------------------------- episodes


def test_layout_is_drawn_from_the_seed_within_the_placement_rules():
    env = BraitenbergRoverEnv(n_distractors=3)
    for seed in range(40):
        obs, info = env.reset(seed=seed)
        rover, target = obs["pose"][:2].astype(float), info["target_position"]
        distractors = env.arena.centres[1:]
        assert info["distance"] >= env.min_target_distance
        assert np.all(np.abs(env.arena.centres) <= 3.0 - 0.2 - 0.5)
        clear = env.arena.radii[0] + env.rover_radius
        for d in distractors:
            assert segment_distance(d, rover, target) > clear  # the path to the target is free
        for i, a in enumerate(env.arena.centres):
            for b in env.arena.centres[i + 1 :]:
                assert math.dist(a, b) > 2 * clear  # the rover fits between cylinders
    first = env.reset(seed=5)[1]["target_position"]
    np.testing.assert_array_equal(env.reset(seed=5)[1]["target_position"], first)


def test_reset_options_fix_the_layout_for_one_episode():
    env = gym.make("nrp/BraitenbergRover-v0")
    options = {
        "rover_start": (-1.0, 0.5, math.pi),
        "target_position": (1.0, -1.0),
        "distractor_positions": [(0.0, 2.0), (2.0, 2.0)],
    }
    obs, info = env.reset(seed=0, options=options)
    np.testing.assert_allclose(obs["pose"], (-1.0, 0.5, math.pi), atol=1e-6)
    np.testing.assert_array_equal(info["target_position"], (1.0, -1.0))
    np.testing.assert_array_equal(env.unwrapped.arena.centres[1:], [(0.0, 2.0), (2.0, 2.0)])
    assert info["distance"] == pytest.approx(math.hypot(2.0, 1.5))
    _, info = env.reset(seed=0)
    assert not np.array_equal(info["target_position"], (1.0, -1.0))  # drawn again


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"target": (1.0, 1.0)}, r"unknown reset option\(s\) \['target'\]"),
        ({"target_position": (5.0, 0.0)}, "target_position .* is not inside the arena"),
        ({"rover_start": (0.0, 0.0)}, r"rover_start must be \(x, y, heading\)"),
        ({"distractor_positions": [(0.0, 1.0)]}, "must hold n_distractors=2"),
        (
            {"rover_start": (1.0, 1.0, 0.0), "target_position": (1.1, 1.0)},
            "overlaps a cylinder or wall",
        ),
    ],
)
def test_bad_reset_options_are_explained(options, message):
    env = BraitenbergRoverEnv()
    with pytest.raises(ValueError, match=message):
        env.reset(seed=0, options=options)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"arena_size": (0.0, 6.0)}, "arena_size must be two positive lengths"),
        ({"goal_radius": 0.4}, "goal_radius .* must exceed rover_radius"),
        ({"min_target_distance": 0.5}, "min_target_distance .* must exceed goal_radius"),
        ({"dt": 0.0}, "dt must be > 0"),
        ({"sensor_noise": -0.1}, "sensor_noise must be a standard deviation"),
        ({"render_mode": "ansi"}, "render_mode must be None or one of"),
    ],
)
def test_bad_arguments_are_explained(kwargs, message):
    with pytest.raises(ValueError, match=message):
        BraitenbergRoverEnv(**kwargs)


def test_crowded_arena_is_reported():
    env = BraitenbergRoverEnv(arena_size=(2.5, 2.5), n_distractors=6, min_target_distance=0.7)
    with pytest.raises(ValueError, match="could not place an object .* reduce n_distractors"):
        env.reset(seed=0)


def test_reward_is_progress_plus_arrival_bonus_and_reaching_terminates():
    env = BraitenbergRoverEnv(
        rover_start=(-2.0, 0.0, 0.0),
        target_position=(1.0, 0.0),
        distractor_positions=[(0.0, 2.5), (0.0, -2.5)],
        progress_reward=2.0,
        arrival_bonus=5.0,
    )
    _, info = env.reset(seed=0)
    start_distance, rewards = info["distance"], []
    for step in range(1000):  # noqa: B007 (the count is checked below)
        obs, reward, terminated, truncated, info = env.step(np.array([0.5, 0.5], np.float32))
        rewards.append(reward)
        if terminated:
            break
    assert terminated and not truncated
    # 3 m at 0.5 m/s until the centre is within 0.6 m of the target: 2.4 m in 4.8 s
    assert step + 1 == 240
    assert info["distance"] < env.goal_radius <= info["distance"] + 0.5 * env.dt
    assert rewards[0] == pytest.approx(2.0 * 0.5 * env.dt)
    assert rewards[-1] == pytest.approx(2.0 * 0.5 * env.dt + 5.0)
    assert sum(rewards) == pytest.approx(2.0 * (start_distance - info["distance"]) + 5.0)
    _, reward, _, _, _ = env.step(np.array([-1.0, -1.0], np.float32))
    assert reward < 0  # moving away is penalised


def test_registered_env_truncates_after_30_simulated_seconds():
    env = gym.make("nrp/BraitenbergRover-v0")
    env.reset(seed=0)
    still = np.zeros(2, np.float32)
    for step in range(1, 1501):  # noqa: B007 (the count is checked below)
        _, _, terminated, truncated, info = env.step(still)
        assert not terminated
        if truncated:
            break
    assert step == 1500 and truncated
    assert info["time"] == pytest.approx(30.0)


# ----------------------------------------------------------------------------- rendering


def test_rgb_array_shows_arena_rover_target_and_retina():
    env = BraitenbergRoverEnv(
        render_mode="rgb_array",
        rover_start=(-1.5, -1.5, 0.0),
        target_position=(1.5, 1.5),
        distractor_positions=[(-1.5, 1.5), (1.5, -1.5)],
        render_size=300,
    )
    obs, _ = env.reset(seed=0)
    frame = env.render()
    assert frame.dtype == np.uint8 and frame.shape[1] == 300 and frame.shape[0] > 300
    scale = 300 / 6.0  # pixels per metre; row 0 is the north wall

    def pixel(x, y):
        return frame[int((3.0 - y) * scale), int((x + 3.0) * scale)]

    np.testing.assert_array_equal(pixel(1.5, 1.5), to_uint8(RED))
    np.testing.assert_array_equal(pixel(-1.5 - 0.1, -1.5), to_uint8(ROVER_COLOUR))
    # the floor the camera sees (east of the rover) is tinted, the floor behind it is not
    floor, view = to_uint8(FLOOR_COLOUR).astype(float), to_uint8(VIEW_COLOUR)
    tinted = np.round((1 - VIEW_OPACITY) * floor + VIEW_OPACITY * view)
    np.testing.assert_array_equal(pixel(-0.5, -1.5), tinted)
    np.testing.assert_array_equal(pixel(-2.5, -1.5), floor)
    np.testing.assert_array_equal(pixel(-0.5, 0.0), floor)  # 56 deg off the heading
    # the camera looks east: the strip under the map is the retina, scaled to the width
    first_column_of_pixel = np.ceil(np.arange(32) * 300 / 32).astype(int)
    np.testing.assert_array_equal(frame[-1, first_column_of_pixel], to_uint8(obs["retina"]))
    assert env.render() is not frame  # a new array each call


def test_human_mode_draws_into_a_matplotlib_figure_and_closes():
    human = gym.make("nrp/BraitenbergRover-v0", render_mode="human")
    frames = gym.make("nrp/BraitenbergRover-v0", render_mode="rgb_array")
    before = set(plt.get_fignums())
    human.reset(seed=0)
    frames.reset(seed=0)
    (figure_number,) = set(plt.get_fignums()) - before
    shown = plt.figure(figure_number).axes[0].get_images()[0]
    np.testing.assert_array_equal(shown.get_array(), frames.render())
    assert human.render() is None
    action = np.array([0.2, 0.8], np.float32)
    human.step(action)
    frames.step(action)
    np.testing.assert_array_equal(shown.get_array(), frames.render())  # updated in place
    human.close()
    human.close()
    assert figure_number not in plt.get_fignums()


def test_render_without_mode_warns():
    env = BraitenbergRoverEnv()
    env.reset(seed=0)
    with pytest.warns(UserWarning, match="without a render mode"):
        assert env.render() is None


# ----------------------------------------------------------------------------- the task


def braitenberg(retina, cruise=0.6, gain=1.5, search=0.4):
    """The template brain's logic without spikes: turn towards the side with more red, go
    forward when it is centred, spin on the spot while no red is in sight."""
    left, right = red_fraction_left_right(retina)
    if left + right == 0:
        return np.array([-search, search], np.float32)
    turn = gain * (left - right) / (left + right)
    return np.clip([cruise - turn, cruise + turn], -1.0, 1.0).astype(np.float32)


@pytest.mark.parametrize("env_id", envs.ENV_IDS)
def test_braitenberg_controller_reaches_the_red_target(env_id):
    env = gym.make(env_id, sensor_noise=0.03, actuator_noise=0.05)
    reached = []
    for seed in range(10):
        obs, _ = env.reset(seed=seed)
        terminated = truncated = False
        while not (terminated or truncated):
            obs, _, terminated, truncated, info = env.step(braitenberg(obs["retina"]))
        reached.append(terminated and info["time"] <= 30.0)
    assert sum(reached) >= 9, reached


def test_task_is_not_solved_by_random_actions():
    env = gym.make("nrp/BraitenbergRover-v0")
    env.action_space.seed(0)
    reached = 0
    for seed in range(10):
        env.reset(seed=seed)
        terminated = truncated = False
        while not (terminated or truncated):
            _, _, terminated, truncated, _ = env.step(env.action_space.sample())
        reached += terminated
    assert reached <= 2
