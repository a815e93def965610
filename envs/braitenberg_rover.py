"""The NRP template experiment's world in 2-D: a rover whose camera looks for a red target."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import logger, spaces

from envs.arena import Arena
from envs.kinematics import body_velocity, integrate_pose, wrap_angle
from envs.retina import Retina
from envs.topdown import TopDownRenderer

CYLINDER_HEIGHT = 0.6  # m; taller than the camera, so every object crosses the horizon
WALL_HEIGHT = 0.8  # m
CAMERA_HEIGHT = 0.3  # m above the floor
WALL_CLEARANCE = 0.05  # m between a randomly placed rover and the walls
PASSAGE = 0.1  # m of spare room when the rover squeezes between two obstacles
RESET_OPTIONS = ("rover_start", "target_position", "distractor_positions")


class BraitenbergRoverEnv(gym.Env[dict[str, np.ndarray], np.ndarray]):
    """
    ## Description

    A 2-D version of the HBP Neurorobotics Platform's template experiment, in which a Husky
    rover's 8-neuron Braitenberg brain steers it towards a red object seen by its camera. The
    rover drives on differential wheels in a walled arena that holds one red cylinder (the
    target) and a few cylinders of other colours (distractors). Its camera is a pinhole "retina"
    rendered by ray casting: a 1-D strip of RGB pixels on the horizon (default), or a small 2-D
    image. `envs.vision.detect_red` turns that image into the NRP's red-left / red-right /
    go-on signals.

    Coordinates are metres with the origin at the arena's centre, x east, y north; headings
    are radians counter-clockwise from +x.

    ## Action Space

    `Box(-1, 1, (2,), float32)`: the left and right wheel commands, as fractions of
    `max_wheel_speed`. Commands outside [-1, 1] are clipped (the motors saturate).

    | Num | Action                 | Min | Max |
    |-----|------------------------|-----|-----|
    | 0   | Left wheel speed       | -1  | 1   |
    | 1   | Right wheel speed      | -1  | 1   |

    The body moves at linear speed `v = (l + r) / 2` and turns at `w = (r - l) / wheel_base`
    (counter-clockwise positive): equal commands drive straight, opposite ones spin in place.

    ## Observation Space

    A `Dict` of three `float32` boxes:

    | Key        | Shape                              | Content                                  |
    |------------|------------------------------------|------------------------------------------|
    | `retina`   | `(W, 3)`, or `(H, W, 3)` if 2-D    | RGB in [0, 1]; row 0 top, column 0 left  |
    | `pose`     | `(3,)`                             | x (m), y (m), heading (rad, [-pi, pi])   |
    | `velocity` | `(2,)`                             | linear (m/s), angular (rad/s), odometry  |

    `W` is `retina_width` and `H` is `retina_height`.

    The camera sees walls in neutral grey, the floor in dark grey, the sky in pale grey-blue,
    the target in pure red and distractors in green, blue and yellow. `sensor_noise` adds
    Gaussian noise to the retina only.

    ## Rewards

    Each step gives `progress_reward` times the metres gained towards the target (negative
    when moving away), plus `arrival_bonus` on the step that reaches it.

    ## Starting State

    Unless fixed by the arguments or by `reset(options=...)`, the rover starts at a uniform
    random position and heading, the target at least `min_target_distance` away from it, and the
    distractors apart from both and off the straight path between them (the target can always
    be seen by turning on the spot), all drawn from the seed given to `reset`.

    ## Episode End

    1. Termination: the rover's centre is closer than `goal_radius` to the target's centre.
    2. Truncation (registered ids only): after 1500 steps, 30 s of simulated time at 20 ms.

    ## Arguments

    ```python
    >>> import gymnasium as gym
    >>> import envs
    >>> env = gym.make("nrp/BraitenbergRover-v0", n_distractors=1, sensor_noise=0.02)
    >>> obs, info = env.reset(seed=1, options={"target_position": (2.0, 0.0)})

    ```

    | Parameter              | Default      | Description                                        |
    |------------------------|--------------|----------------------------------------------------|
    | `render_mode`          | `None`       | `"rgb_array"` (top-down image) or `"human"`        |
    | `arena_size`           | `(6.0, 6.0)` | width (x) and depth (y) of the walled arena, m     |
    | `n_distractors`        | `2`          | cylinders that are not red                         |
    | `target_position`      | `None`       | fixed (x, y) of the target; `None`: drawn          |
    | `distractor_positions` | `None`       | fixed (x, y) of each distractor; `None`: drawn     |
    | `rover_start`          | `None`       | fixed (x, y, heading) of the rover; `None`: drawn  |
    | `min_target_distance`  | `1.5`        | least distance from a drawn start to the target, m |
    | `retina_width`         | `32`         | pixel columns of the camera                        |
    | `retina_height`        | `None`       | `None`: a 1-D strip; else rows of a 2-D image      |
    | `field_of_view`        | `60.0`       | horizontal field of view, degrees                  |
    | `dt`                   | `0.02`       | seconds per step (the NRP's 20 ms sync step)       |
    | `max_wheel_speed`      | `1.0`        | wheel speed at command 1, m/s                      |
    | `wheel_base`           | `0.5`        | distance between the wheels, m                     |
    | `rover_radius`         | `0.25`       | radius of the rover's round body, m                |
    | `cylinder_radius`      | `0.2`        | radius of the target and distractors, m            |
    | `goal_radius`          | `0.6`        | centre distance at which the target is reached, m  |
    | `sensor_noise`         | `0.0`        | std of Gaussian noise on each retina value         |
    | `actuator_noise`       | `0.0`        | std of Gaussian noise on each wheel command        |
    | `progress_reward`      | `1.0`        | reward per metre of progress towards the target    |
    | `arrival_bonus`        | `10.0`       | reward added on reaching the target                |
    | `render_size`          | `400`        | pixels along the arena's longer side when rendered |

    `reset(options=...)` accepts `rover_start`, `target_position` and `distractor_positions`
    for that episode only. `info` holds `distance` (m, to the target), `target_position`,
    `collision` (whether the rover touched a wall or cylinder during the step) and `time` (s).

    ## Version History

    * v0: Initial version.
    """

    metadata = {"render_modes": ["human", "rgb_array"], "render_fps": 50}

    def __init__(
        self,
        render_mode: str | None = None,
        arena_size: tuple[float, float] = (6.0, 6.0),
        n_distractors: int = 2,
        target_position: Sequence[float] | None = None,
        distractor_positions: Sequence[Sequence[float]] | None = None,
        rover_start: Sequence[float] | None = None,
        min_target_distance: float = 1.5,
        retina_width: int = 32,
        retina_height: int | None = None,
        field_of_view: float = 60.0,
        dt: float = 0.02,
        max_wheel_speed: float = 1.0,
        wheel_base: float = 0.5,
        rover_radius: float = 0.25,
        cylinder_radius: float = 0.2,
        goal_radius: float = 0.6,
        sensor_noise: float = 0.0,
        actuator_noise: float = 0.0,
        progress_reward: float = 1.0,
        arrival_bonus: float = 10.0,
        render_size: int = 400,
    ) -> None:
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(
                f"render_mode must be None or one of {self.metadata['render_modes']}, "
                f"got {render_mode!r}"
            )
        for name, value in (
            ("dt", dt),
            ("max_wheel_speed", max_wheel_speed),
            ("wheel_base", wheel_base),
            ("rover_radius", rover_radius),
            ("cylinder_radius", cylinder_radius),
        ):
            if not value > 0:
                raise ValueError(f"{name} must be > 0, got {value}")
        for name, value in (("sensor_noise", sensor_noise), ("actuator_noise", actuator_noise)):
            if not value >= 0:
                raise ValueError(f"{name} must be a standard deviation >= 0, got {value}")
        if not goal_radius > rover_radius + cylinder_radius:
            raise ValueError(
                f"goal_radius ({goal_radius}) must exceed rover_radius + cylinder_radius "
                f"({rover_radius + cylinder_radius}), or the solid target could never be reached"
            )
        if not min_target_distance > goal_radius:
            raise ValueError(
                f"min_target_distance ({min_target_distance}) must exceed goal_radius "
                f"({goal_radius}), or episodes could start on the target"
            )
        self.render_mode = render_mode
        self.metadata = {**self.metadata, "render_fps": 1.0 / dt}
        self.dt = float(dt)
        self.max_wheel_speed = float(max_wheel_speed)
        self.wheel_base = float(wheel_base)
        self.rover_radius = float(rover_radius)
        self.goal_radius = float(goal_radius)
        self.min_target_distance = float(min_target_distance)
        self.sensor_noise = float(sensor_noise)
        self.actuator_noise = float(actuator_noise)
        self.progress_reward = float(progress_reward)
        self.arrival_bonus = float(arrival_bonus)

        self.arena = Arena(arena_size, n_distractors, cylinder_radius, CYLINDER_HEIGHT, WALL_HEIGHT)
        self.retina = Retina(retina_width, retina_height, field_of_view, CAMERA_HEIGHT)
        self._layout = self._checked_layout(
            {
                "rover_start": rover_start,
                "target_position": target_position,
                "distractor_positions": distractor_positions,
            }
        )

        half_w, half_d = self.arena.half_extent
        max_turn = 2 * self.max_wheel_speed / self.wheel_base
        self.action_space = spaces.Box(-1.0, 1.0, (2,), np.float32)
        self.observation_space = spaces.Dict(
            {
                "retina": spaces.Box(0.0, 1.0, self.retina.shape, np.float32),
                "pose": spaces.Box(
                    np.array([-half_w, -half_d, -np.pi], np.float32),
                    np.array([half_w, half_d, np.pi], np.float32),
                ),
                "velocity": spaces.Box(
                    np.array([-self.max_wheel_speed, -max_turn], np.float32),
                    np.array([self.max_wheel_speed, max_turn], np.float32),
                ),
            }
        )

        self._renderer = TopDownRenderer(self.arena.size, render_size)
        self._viewer = None
        self._x = self._y = self._heading = 0.0
        self._linear = self._angular = 0.0
        self._time = 0.0
        self._distance = 0.0
        self._collision = False
        self._retina_image: np.ndarray | None = None

    # ----------------------------------------------------------------- gymnasium API

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """Place the rover, target and distractors (fixed or drawn from ``seed``) and look."""
        super().reset(seed=seed)
        unknown = set(options or {}) - set(RESET_OPTIONS)
        if unknown:
            raise ValueError(
                f"unknown reset option(s) {sorted(unknown)}; the options are {list(RESET_OPTIONS)}"
            )
        layout = {**self._layout, **self._checked_layout(options or {})}
        self._place(layout)
        self._linear = self._angular = 0.0
        self._time = 0.0
        self._collision = False
        self._distance = self._target_distance()
        observation = self._observe()
        if self.render_mode == "human":
            self.render()
        return observation, self._info()

    def step(
        self, action: np.ndarray
    ) -> tuple[dict[str, np.ndarray], float, bool, bool, dict[str, Any]]:
        """Drive the wheels for ``dt`` seconds, then look; reward the progress made."""
        wheels = self._wheel_speeds(action)
        self._advance(*wheels)
        previous, self._distance = self._distance, self._target_distance()
        terminated = self._distance < self.goal_radius
        reward = self.progress_reward * (previous - self._distance)
        if terminated:
            reward += self.arrival_bonus
        observation = self._observe()
        if self.render_mode == "human":
            self.render()
        return observation, float(reward), bool(terminated), False, self._info()

    def render(self) -> np.ndarray | None:
        """``rgb_array``: a top-down uint8 picture with the camera image below it;
        ``human``: show that picture in a matplotlib window."""
        if self.render_mode is None:
            logger.warn(
                "render() was called without a render mode; create the env with "
                'render_mode="rgb_array" or "human", e.g. gym.make(id, render_mode="rgb_array")'
            )
            return None
        if self._retina_image is None:
            raise gym.error.ResetNeeded("call reset() before render()")
        frame = self._renderer.frame(
            self.arena,
            (self._x, self._y, self._heading),
            self.rover_radius,
            self.retina,
            self._retina_image,
        )
        if self.render_mode == "rgb_array":
            return frame
        if self._viewer is None:
            from envs.viewer import FrameViewer

            self._viewer = FrameViewer("nrp/BraitenbergRover", self.metadata["render_fps"])
        self._viewer.show(frame)
        return None

    def close(self) -> None:
        """Close the human-mode window, if any."""
        if self._viewer is not None:
            self._viewer.close()
            self._viewer = None

    # ----------------------------------------------------------------- physics and sensing

    def _advance(self, left: float, right: float) -> None:
        """The one place physics advances: move the rover by ``dt`` at the given wheel speeds."""
        self._linear, self._angular = body_velocity(left, right, self.wheel_base)
        x, y, self._heading = integrate_pose(
            self._x, self._y, self._heading, self._linear, self._angular, self.dt
        )
        self._x, self._y, self._collision = self.arena.resolve_collisions(x, y, self.rover_radius)
        self._time += self.dt

    def _wheel_speeds(self, action: np.ndarray) -> tuple[float, float]:
        """Validate the wheel commands, add actuator noise, saturate, scale to m/s."""
        command = np.asarray(action, dtype=float)
        if command.shape != (2,) or not np.all(np.isfinite(command)):
            raise ValueError(
                f"action must be 2 finite wheel commands (left, right) in [-1, 1], got {action!r}"
            )
        if self.actuator_noise > 0:
            command = command + self.np_random.normal(0.0, self.actuator_noise, 2)
        left, right = np.clip(command, -1.0, 1.0) * self.max_wheel_speed
        return float(left), float(right)

    def _observe(self) -> dict[str, np.ndarray]:
        image = self.retina.render(self._x, self._y, self._heading, self.arena)
        if self.sensor_noise > 0:
            image = image + self.np_random.normal(0.0, self.sensor_noise, image.shape)
        self._retina_image = np.clip(image, 0.0, 1.0).astype(np.float32)
        return {
            "retina": self._retina_image.copy(),
            "pose": np.array([self._x, self._y, self._heading], np.float32),
            "velocity": np.array([self._linear, self._angular], np.float32),
        }

    def _info(self) -> dict[str, Any]:
        return {
            "distance": self._distance,
            "target_position": self.arena.target.copy(),
            "collision": self._collision,
            "time": self._time,
        }

    def _target_distance(self) -> float:
        return math.dist((self._x, self._y), self.arena.target)

    # ----------------------------------------------------------------- layout

    def _checked_layout(self, layout: dict[str, Any]) -> dict[str, Any]:
        """Validate fixed positions (``None`` entries mean "draw per episode")."""
        checked: dict[str, Any] = {}
        cylinder_margin = self.arena.radii[0]
        for name, value in layout.items():
            if value is None:
                checked[name] = None
            elif name == "rover_start":
                start = np.asarray(value, dtype=float)
                if start.shape != (3,):
                    raise ValueError(f"rover_start must be (x, y, heading), got {value!r}")
                position = self.arena.check_inside(name, start[:2], self.rover_radius)
                checked[name] = (*position, wrap_angle(float(start[2])))
            elif name == "target_position":
                checked[name] = self.arena.check_inside(name, value, cylinder_margin)
            else:
                if len(value) != self.arena.n_distractors:
                    raise ValueError(
                        f"distractor_positions must hold n_distractors={self.arena.n_distractors} "
                        f"(x, y) pairs, got {len(value)}"
                    )
                checked[name] = [
                    self.arena.check_inside(f"distractor_positions[{i}]", p, cylinder_margin)
                    for i, p in enumerate(value)
                ]
        return checked

    def _place(self, layout: dict[str, Any]) -> None:
        """Put the rover and cylinders where ``layout`` says, drawing the free ones at random:
        fixed cylinders first, then the rover, then the drawn cylinders around them."""
        rng, arena = self.np_random, self.arena
        radius, cylinder = self.rover_radius, float(arena.radii[0])
        clear = cylinder + radius + PASSAGE  # the rover starts with room to move
        # a drawn cylinder leaves room for the rover between it, the walls and the others
        wall_margin = cylinder + 2 * radius + PASSAGE
        apart = 2 * cylinder + 2 * radius + PASSAGE
        distractors = layout["distractor_positions"] or [None] * arena.n_distractors
        wanted = [layout["target_position"], *distractors]
        placed = [i for i, position in enumerate(wanted) if position is not None]
        for i in placed:
            arena.centres[i] = wanted[i]

        if layout["rover_start"] is None:
            keep_away = [
                (arena.centres[i], self.min_target_distance if i == 0 else clear) for i in placed
            ]
            x, y = arena.sample_free_point(rng, radius + WALL_CLEARANCE, keep_away)
            heading = float(rng.uniform(-np.pi, np.pi))
        else:
            x, y, heading = layout["rover_start"]
        self._x, self._y, self._heading = float(x), float(y), heading
        rover = np.array([x, y])

        for i, position in enumerate(wanted):
            if position is None:
                keep_away = [(rover, self.min_target_distance if i == 0 else clear)]
                keep_away += [(arena.centres[j], apart) for j in placed]
                # a drawn distractor leaves the straight path from the start to the target free
                keep_off = [] if i == 0 else [(rover, arena.target, clear)]
                arena.centres[i] = arena.sample_free_point(rng, wall_margin, keep_away, keep_off)
                placed.append(i)

        _, _, overlaps = arena.resolve_collisions(self._x, self._y, radius)
        if overlaps:
            raise ValueError(
                f"the rover's start ({self._x:.2f}, {self._y:.2f}) overlaps a cylinder or wall; "
                "choose rover_start, target_position and distractor_positions further apart"
            )
