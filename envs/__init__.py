"""Gymnasium robot environments, registered under the ``nrp`` namespace when imported.

``import envs`` then ``gymnasium.make("nrp/BraitenbergRover-v0")``, or without the import,
``gymnasium.make("envs:nrp/BraitenbergRover-v0")``. Any other gymnasium id (e.g. ``CartPole-v1``)
is made the same way.
"""

from typing import Any

from gymnasium.envs.registration import register, registry

from envs.vision import RedDetection, detect_red, red_fraction_left_right, red_mask, rgb_to_hsv

EPISODE_STEPS = 1500  # 30 s of simulated time at the NRP's 20 ms step

_REGISTRATIONS = {
    # the template experiment: a 1-D 32-pixel retina
    "nrp/BraitenbergRover-v0": {},
    # the same world seen through a small 2-D camera image
    "nrp/BraitenbergRoverRetina2D-v0": {"retina_height": 16},
}

for _env_id, _kwargs in _REGISTRATIONS.items():
    if _env_id not in registry:  # re-imports (e.g. importlib.reload) must not warn
        register(
            id=_env_id,
            entry_point="envs.braitenberg_rover:BraitenbergRoverEnv",
            max_episode_steps=EPISODE_STEPS,
            kwargs=_kwargs,
        )

ENV_IDS = tuple(_REGISTRATIONS)


def __getattr__(name: str) -> Any:
    """``envs.BraitenbergRoverEnv``, imported on first use: its ray caster is compiled with
    numba, which a process that only runs TFs (``detect_red``) need not load."""
    if name == "BraitenbergRoverEnv":
        from envs.braitenberg_rover import BraitenbergRoverEnv

        return BraitenbergRoverEnv
    raise AttributeError(f"module 'envs' has no attribute {name!r}")

__all__ = [
    "ENV_IDS",
    "EPISODE_STEPS",
    "BraitenbergRoverEnv",
    "RedDetection",
    "detect_red",
    "red_fraction_left_right",
    "red_mask",
    "rgb_to_hsv",
]
