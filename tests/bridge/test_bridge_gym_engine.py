"""The gym engine: seeded episodes, env steps per sync step, episode ends, actions, frames."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from nrp_bridge.engines.gym import GymEngine


def cartpole(**config):
    engine = GymEngine()
    info = engine.initialize({"env": "CartPole-v1", "seed": 5, **config})
    return engine, info


def test_seeded_cartpole_matches_plain_gymnasium_step_for_step():
    engine, info = cartpole()
    assert info["timestep"] is None and info["inputs"] == ["action"]
    env = gym.make("CartPole-v1")
    obs, _ = env.reset(seed=5)
    assert engine.get(["observation"])["observation"].tobytes() == obs.tobytes()
    for k, action in enumerate([1, 0, 0, 1, 1]):
        engine.set({"action": action})
        assert engine.step(0.02) == pytest.approx(0.02 * (k + 1))
        obs, reward, *_ = env.step(action)
        out = engine.get(["observation", "reward", "terminated", "time"])
        assert out["observation"].tobytes() == obs.tobytes()
        assert out["reward"] == reward and out["terminated"] is False


def test_env_dt_gives_several_env_steps_per_sync_step_and_sums_rewards():
    engine, info = cartpole(env_dt=0.005)
    assert info["timestep"] == 0.005
    engine.step(0.02)
    out = engine.get(["reward", "time", "episodes"])
    assert out["reward"] == 4.0 and out["time"] == pytest.approx(0.02)
    with pytest.raises(ValueError, match="not a whole number of env steps of 0.005 s"):
        engine.step(0.0125)


def test_a_finished_episode_stays_finished_without_auto_reset():
    engine, _ = cartpole(default_action=1)  # always pushing right: the pole falls fast
    steps = 0
    while not engine.get(["terminated"])["terminated"]:
        engine.step(0.02)
        steps += 1
    episodes = engine.get(["episodes"])["episodes"]
    assert len(episodes) == 1 and episodes[0]["length"] == steps
    assert episodes[0]["return"] == float(steps) and episodes[0]["terminated"]
    assert episodes[0]["end_time"] == pytest.approx(0.02 * steps)
    frozen = engine.get(["observation"])["observation"]
    assert engine.step(0.02) == pytest.approx(0.02 * (steps + 1))  # time goes on
    out = engine.get(["observation", "reward", "terminated", "episode"])
    assert out["terminated"] and out["reward"] == 0.0 and out["episode"] == 0
    assert out["observation"].tobytes() == frozen.tobytes()


def test_auto_reset_starts_the_next_episode_and_records_each():
    engine, _ = cartpole(default_action=1, auto_reset=True)
    ended = 0
    for _ in range(60):
        engine.step(0.02)
        ended += engine.get(["terminated"])["terminated"]
    out = engine.get(["episodes", "episode"])
    assert ended == len(out["episodes"]) >= 3
    assert out["episode"] == len(out["episodes"])
    assert sum(e["length"] for e in out["episodes"]) <= 60
    engine.reset()
    assert engine.get(["episode", "episodes", "time"]) == {"episode": 0, "episodes": [],
                                                            "time": 0.0}


def test_reset_replays_the_first_episode_exactly():
    engine, _ = cartpole()
    first = [engine.get(["observation"])["observation"]]
    for action in (1, 1, 0):
        engine.set({"action": action})
        engine.step(0.02)
        first.append(engine.get(["observation"])["observation"])
    engine.reset()
    again = [engine.get(["observation"])["observation"]]
    for action in (1, 1, 0):
        engine.set({"action": action})
        engine.step(0.02)
        again.append(engine.get(["observation"])["observation"])
    assert np.array_equal(np.array(first), np.array(again))


def test_actions_are_converted_and_checked():
    engine, _ = cartpole()
    engine.set({"action": np.float64(1.0)})  # a TF's float that is a whole number is fine
    engine.step(0.02)
    with pytest.raises(ValueError, match=r"action 0.5 is not a whole number for Discrete\(2\)"):
        engine.set({"action": 0.5})
    with pytest.raises(KeyError, match=r"no input \['motor'\]; it accepts 'action'"):
        engine.set({"motor": 1})
    with pytest.raises(KeyError, match=r"no output \['speed'\]"):
        engine.get(["speed"])


def rover(action):
    engine = GymEngine()
    info = engine.initialize({"env": "nrp/BraitenbergRover-v0", "seed": 1,
                              "env_kwargs": {"render_mode": "rgb_array"}})
    engine.set({"action": action})
    engine.step(0.04)
    return engine, info


def test_box_actions_are_clipped_and_frames_rendered_for_the_rover():
    engine, info = rover([5.0, -5.0])
    assert info["timestep"] == pytest.approx(0.02)  # the env's own dt
    clipped, _ = rover([1.0, -1.0])
    assert engine.get(["observation"])["observation"]["retina"].tobytes() == \
        clipped.get(["observation"])["observation"]["retina"].tobytes()
    out = engine.get(["frame", "info", "observation"])
    assert out["frame"].ndim == 3 and out["frame"].dtype == np.uint8
    assert out["info"]["time"] == pytest.approx(0.04)  # env's own clock matches ours
    assert "target_position" not in out["info"]  # arrays are not scalars
    assert isinstance(out["observation"], dict)


def test_frames_need_an_rgb_array_env():
    engine, _ = cartpole()
    with pytest.raises(ValueError, match="render_mode': 'rgb_array'"):
        engine.get(["frame"])


def test_an_env_instance_can_be_handed_over_in_process():
    env = gym.make("CartPole-v1")
    engine = GymEngine(env)
    engine.initialize({"seed": 5})
    assert engine.env is env
    expected, _ = gym.make("CartPole-v1").reset(seed=5)
    assert engine.get(["observation"])["observation"].tobytes() == expected.tobytes()
    with pytest.raises(ValueError, match="env_kwargs apply only when the env is created"):
        GymEngine(env).initialize({"env_kwargs": {"render_mode": "rgb_array"}})


def test_env_factories_and_config_mistakes():
    engine = GymEngine()
    engine.initialize({"env": "gymnasium.envs.classic_control:CartPoleEnv", "seed": 1})
    assert engine.env.unwrapped.__class__.__name__ == "CartPoleEnv"
    with pytest.raises(ValueError, match=r"unknown gym engine config keys \['speed'\]"):
        GymEngine().initialize({"env": "CartPole-v1", "speed": 3})
    with pytest.raises(ValueError, match="needs config 'env'"):
        GymEngine().initialize({})
    with pytest.raises(TypeError, match="returned int, not a gymnasium Env"):
        GymEngine().initialize({"env": "builtins:int"})
