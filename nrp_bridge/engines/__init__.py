"""Engines: the interface, the brain (any PyNN backend), gym, a clock, the remote proxy, the server."""

from __future__ import annotations

from .base import Engine
from .factory import ENGINE_KINDS, TRANSPORTS, create_engine, start_engines
from .remote import RemoteEngine, spawn_engine, spawn_engines

__all__ = ["ENGINE_KINDS", "TRANSPORTS", "Engine", "RemoteEngine", "create_engine",
           "spawn_engine", "spawn_engines", "start_engines"]
