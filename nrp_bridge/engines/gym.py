"""The robot side: any gymnasium env as an engine, stepped as many times as fit one sync step.

Outputs: ``observation``, ``reward`` (summed over the env steps of the last sync step),
``terminated``, ``truncated`` (an episode ended during the last step), ``info`` (its scalar
entries), ``frame`` (``env.render()``), ``time``, ``episode`` (index of the running episode),
``episodes`` (finished ones: return, length, end time, how they ended). Input: ``action``, held
until set again. A finished episode stays finished (zero reward, no env steps) unless the config
says ``auto_reset``; then the next one starts at once.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import warnings
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from ..importing import resolve_reference
from .base import Engine

OUTPUTS = ("observation", "reward", "terminated", "truncated", "info", "frame", "time",
           "episode", "episodes")
_CALLABLE_REFERENCE = re.compile(r"^[\w.]+:[A-Za-z_][\w.]*$")  # module:function, not a gym id


class GymEngine(Engine):
    """A gymnasium env in lockstep; pass an env instance here or name one in the config."""

    def __init__(self, env: gym.Env | None = None) -> None:
        self._given_env = env
        self.env: gym.Env | None = None

    def initialize(self, config: dict) -> dict:
        """Config: ``env`` (gymnasium id, ``"module:callable"`` returning an env, or an env
        instance in-process), ``env_kwargs``, ``seed``, ``env_dt`` (s per env.step; default the
        env's ``dt`` if it has one, else one env.step per sync step), ``auto_reset`` (False),
        ``default_action`` (used until an action is set; default a zero/no-op action)."""
        unknown = set(config) - {"env", "env_kwargs", "seed", "env_dt", "auto_reset",
                                 "default_action"}
        if unknown:
            raise ValueError(f"unknown gym engine config keys {sorted(unknown)}")
        self.env = self._make_env(config.get("env", self._given_env),
                                  dict(config.get("env_kwargs") or {}))
        self._seed = config.get("seed")
        self._auto_reset = bool(config.get("auto_reset", False))
        env_dt = config.get("env_dt", getattr(self.env.unwrapped, "dt", None))
        if env_dt is not None and not float(env_dt) > 0:
            raise ValueError(f"env_dt must be a positive number of seconds, got {env_dt!r}")
        self._env_dt = None if env_dt is None else float(env_dt)
        default = config.get("default_action")
        self._default_action = (self._convert_action(default) if default is not None
                                else _no_op(self.env.action_space))
        self.reset()
        return {"timestep": self._env_dt, "time": 0.0, "outputs": list(OUTPUTS),
                "inputs": ["action"], "observation_space": str(self.env.observation_space),
                "action_space": str(self.env.action_space)}

    @staticmethod
    def _make_env(source: Any, kwargs: dict) -> gym.Env:
        if isinstance(source, gym.Env):
            if kwargs:
                raise ValueError("env_kwargs apply only when the env is created from a name")
            return source
        if source is None:
            raise ValueError("the gym engine needs config 'env': a gymnasium id such as "
                             "'CartPole-v1' or a 'module:callable' that returns an env")
        if not isinstance(source, str):
            raise TypeError(f"config 'env' must be a gymnasium id, a 'module:callable' or an "
                            f"env instance, not {type(source).__name__}")
        _register_project_envs()
        if _CALLABLE_REFERENCE.match(source):
            env = resolve_reference(source, "env factory")(**kwargs)
            if not isinstance(env, gym.Env):
                raise TypeError(f"{source!r} returned {type(env).__name__}, not a gymnasium Env")
            return env
        return gym.make(source, **kwargs)

    # ---- stepping ---------------------------------------------------------------------------
    def step(self, dt: float) -> float:
        """Apply the held action for ``dt`` seconds of env steps."""
        substeps = self._substeps(dt)
        self._reward, self._terminated, self._truncated = 0.0, False, False
        for i in range(substeps):
            if self._finished:
                if not self._auto_reset:
                    break
                self._start_episode(seed=None)
            obs, reward, terminated, truncated, info = self.env.step(self._action)
            self._observation, self._info = _plain(obs), info
            self._reward += float(reward)
            self._return += float(reward)
            self._length += 1
            if terminated or truncated:
                end = self._elapsed + dt if self._env_dt is None else \
                    (self._ticks + i + 1) * self._env_dt
                self._end_episode(bool(terminated), bool(truncated), end)
        if self._finished and not self._auto_reset:
            self._terminated, self._truncated = self._ended_by
        self._ticks += substeps
        self._elapsed += dt
        return self.time

    def _substeps(self, dt: float) -> int:
        if self._env_dt is None:
            return 1
        n = round(dt / self._env_dt)
        if n < 1 or abs(n * self._env_dt - dt) > 1e-9 * dt:
            raise ValueError(f"a step of {dt} s is not a whole number of env steps of "
                             f"{self._env_dt} s; choose dt_sync as a multiple of env_dt")
        return n

    @property
    def time(self) -> float:
        """Simulated time (s) since the last reset."""
        return self._elapsed if self._env_dt is None else self._ticks * self._env_dt

    def _start_episode(self, seed: int | None) -> None:
        obs, self._info = self.env.reset(seed=seed)
        self._observation = _plain(obs)
        self._return, self._length, self._finished = 0.0, 0, False
        self._ended_by = (False, False)
        self._episode += 1

    def _end_episode(self, terminated: bool, truncated: bool, end_time: float) -> None:
        self._terminated |= terminated
        self._truncated |= truncated
        self._ended_by = (terminated, truncated)
        self._finished = True
        self._episodes.append({"episode": self._episode, "return": self._return,
                               "length": self._length, "terminated": terminated,
                               "truncated": truncated, "end_time": end_time})

    # ---- data -------------------------------------------------------------------------------
    def get(self, names: list[str]) -> dict:
        """Read outputs by name (see the module docstring)."""
        unknown = [n for n in names if n not in OUTPUTS]
        if unknown:
            raise KeyError(f"the gym engine has no output {unknown}; it has {list(OUTPUTS)}")
        return {name: self._output(name) for name in names}

    def _output(self, name: str) -> Any:
        if name == "frame":
            if self.env.render_mode != "rgb_array":
                raise ValueError(f"the env renders no frames (render_mode="
                                 f"{self.env.render_mode!r}): create it with "
                                 "env_kwargs={'render_mode': 'rgb_array'}")
            return np.array(self.env.render())
        return _OUTPUTS[name](self)

    def set(self, values: dict) -> None:
        """Set ``action`` (converted to the action space; Box actions are clipped to it)."""
        unknown = sorted(set(values) - {"action"})
        if unknown:
            raise KeyError(f"the gym engine has no input {unknown}; it accepts 'action'")
        if "action" in values:
            self._action = self._convert_action(values["action"])

    def _convert_action(self, value: Any) -> Any:
        space = self.env.action_space
        if isinstance(space, spaces.Discrete):
            number = np.asarray(value).reshape(())
            if number != np.round(number):
                raise ValueError(f"action {value!r} is not a whole number for {space}")
            return np.int64(number)
        if isinstance(space, spaces.Box):
            array = np.asarray(value, dtype=space.dtype)
            array = np.broadcast_to(array, space.shape) if array.size == 1 else \
                array.reshape(space.shape)
            return array.clip(space.low, space.high)  # (the method: np.clip wraps it)
        if isinstance(space, (spaces.MultiDiscrete, spaces.MultiBinary)):
            return np.asarray(value, dtype=space.dtype).reshape(space.shape)
        return value

    def reset(self) -> None:
        """Back to time 0: the first episode again, from the configured seed."""
        self._episode, self._episodes = -1, []
        self._ticks, self._elapsed = 0, 0.0
        self._reward, self._terminated, self._truncated = 0.0, False, False
        self._action = self._default_action
        self._start_episode(seed=self._seed)

    def shutdown(self) -> None:
        """Close the env."""
        if self.env is not None:
            self.env.close()


_OUTPUTS = {  # output name -> its value, read from the engine (built once: read every step)
    "observation": lambda engine: engine._observation,
    "reward": lambda engine: engine._reward,
    "terminated": lambda engine: engine._terminated,
    "truncated": lambda engine: engine._truncated,
    "info": lambda engine: _scalars(engine._info),
    "time": lambda engine: engine.time,
    "episode": lambda engine: engine._episode,
    "episodes": lambda engine: [dict(e) for e in engine._episodes],
}


def _register_project_envs() -> None:
    """Importing our ``envs`` package registers the ``nrp/...`` ids, when it is installed."""
    if importlib.util.find_spec("envs") is None:
        return
    try:
        importlib.import_module("envs")
    except Exception as exc:  # noqa: BLE001 - a broken optional package must not break CartPole
        warnings.warn(f"could not import the project's 'envs' package ({exc}); 'nrp/...' env "
                      "ids are unavailable", RuntimeWarning, stacklevel=3)


def _no_op(space: spaces.Space) -> Any:
    if isinstance(space, spaces.Discrete):
        return np.int64(space.start)
    if isinstance(space, spaces.Box):
        return np.clip(np.zeros(space.shape, dtype=space.dtype), space.low, space.high)
    if isinstance(space, spaces.MultiDiscrete):
        return np.array(space.start, dtype=space.dtype, copy=True)
    if isinstance(space, spaces.MultiBinary):
        return np.zeros(space.shape, dtype=space.dtype)
    raise ValueError(f"no default no-op action for {space}; give config 'default_action'")


def _plain(value: Any) -> Any:
    """A private copy with tuples as lists: the same value in-process as over the wire."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def _scalars(info: dict) -> dict:
    """The json-able scalar entries of an info dict (numpy scalars as Python numbers)."""
    out = {}
    for key, value in info.items():
        if isinstance(value, np.generic) and value.ndim == 0:
            value = value.item()
        if isinstance(value, (bool, int, float, str)):
            out[str(key)] = value
    return out
