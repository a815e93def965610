"""Differential-drive kinematics: wheel speeds to body velocities, and the exact pose update."""

from __future__ import annotations

import math


def wrap_angle(angle: float) -> float:
    """Return ``angle`` (radians) wrapped into [-pi, pi]."""
    return math.atan2(math.sin(angle), math.cos(angle))


def body_velocity(left: float, right: float, wheel_base: float) -> tuple[float, float]:
    """Linear (m/s) and angular (rad/s, counter-clockwise positive) velocity of a
    differential-drive body whose left and right wheels move at ``left`` and ``right`` m/s."""
    return 0.5 * (left + right), (right - left) / wheel_base


def integrate_pose(
    x: float, y: float, heading: float, linear: float, angular: float, dt: float
) -> tuple[float, float, float]:
    """Advance a pose by ``dt`` seconds at constant body velocity.

    Integrates exactly along the circular arc (a straight line when ``angular`` is zero),
    so the result does not depend on how a run is split into steps.
    """
    if angular == 0.0:
        return x + linear * dt * math.cos(heading), y + linear * dt * math.sin(heading), heading
    radius = linear / angular
    new_heading = heading + angular * dt
    x += radius * (math.sin(new_heading) - math.sin(heading))
    y -= radius * (math.cos(new_heading) - math.cos(heading))
    return x, y, wrap_angle(new_heading)
