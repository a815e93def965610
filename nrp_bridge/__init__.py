"""ZeroMQ co-simulation: a brain engine and a robot engine stepped in lockstep by an orchestrator.

    from nrp_bridge import Orchestrator, start_engines
    engines = start_engines({"brain": "brain", "env": "gym"}, transport="ipc")
    with Orchestrator(engines, configs={...}, read={...}, exchange=my_tfs) as loop:
        loop.run(seconds=2.0)
"""

from __future__ import annotations

from .engines import Engine, RemoteEngine, create_engine, spawn_engine, spawn_engines, start_engines
from .errors import EngineDied, EngineError, EngineTimeout, ProtocolError, ProtocolVersionError
from .orchestrator import Orchestrator
from .protocol import PROTOCOL_VERSION
from .recording import Recording, StepStats

__all__ = [
    "PROTOCOL_VERSION",
    "Engine",
    "EngineDied",
    "EngineError",
    "EngineTimeout",
    "Orchestrator",
    "ProtocolError",
    "ProtocolVersionError",
    "Recording",
    "RemoteEngine",
    "StepStats",
    "create_engine",
    "spawn_engine",
    "spawn_engines",
    "start_engines",
]
