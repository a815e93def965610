"""The lockstep loop: every ``dt_sync`` seconds, exchange data and advance all engines together.

Per sync step starting at time t (DESIGN.md):

- ``pipelined`` (default): ``exchange(t, outputs)`` turns the outputs read after the previous
  step into inputs for every engine; then all engines advance ``dt_sync`` concurrently (remote
  engines really run at once). The env therefore acts on the brain's output of the previous step:
  one sync step of latency, as the NRP's parallel closed-loop engine.
- ``sequential``: engines advance one after another in ``order``; before each one, the exchange
  runs on the freshest outputs (the env sees the brain's output of this very step).

Both are deterministic: same engines, same seeds, same inputs -> the same run, bit for bit.
The exchange hook is ``exchange(t, outputs)`` or ``exchange(t, outputs, targets)``; it returns
``{engine name: {input name: value}}``; ``targets`` names the engines about to advance (a
two-argument hook is called once per stage and only its targets' entries are used).
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from typing import Any

from .engines.base import call_now
from .errors import EngineError
from .recording import Recording, StepStats

MODES = ("pipelined", "sequential")
_TIME_TOLERANCE = 1e-6  # of dt_sync: engine clocks are sums of float timesteps


class Orchestrator:
    """Steps named engines in lockstep; keeps a step log and hands each step's data to a recorder.

    ``engines`` are Engine objects or proxies (in-process, or RemoteEngine). With ``configs``
    they are initialised here (concurrently); otherwise they must be initialised already.
    ``read`` names the datapacks read from each engine after every step. ``recorder`` is called
    as ``recorder(t, inputs, outputs)`` after each complete step (default: an in-memory
    :class:`Recording`, available as ``.recording``). On any engine failure the other engines
    are shut down, the error is raised, and the log and recording stay readable.
    """

    def __init__(self, engines: dict[str, Any], dt_sync: float = 0.02, mode: str = "pipelined",
                 exchange: Callable[..., dict] | None = None,
                 read: dict[str, list[str]] | None = None,
                 configs: dict[str, dict] | None = None, order: list[str] | None = None,
                 recorder: Callable[[float, dict, dict], None] | None = None) -> None:
        if not engines:
            raise ValueError("an orchestrator needs at least one engine")
        if not dt_sync > 0:
            raise ValueError(f"dt_sync must be a positive number of seconds, got {dt_sync!r}")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        self.engines = dict(engines)
        self.dt_sync, self.mode = float(dt_sync), mode
        self.read = {name: list((read or {}).get(name, [])) for name in self.engines}
        _check_names("read", read or {}, self.engines)
        _check_names("configs", configs or {}, self.engines)
        order = list(order or self.engines)
        if sorted(order) != sorted(self.engines):
            raise ValueError(f"order {order} must list each engine once: {list(self.engines)}")
        self._stages = [tuple(order)] if mode == "pipelined" else [(n,) for n in order]
        self._exchange = _exchange_caller(exchange)
        self.recording = recorder if recorder is not None else Recording()
        self.log: list[StepStats] = []
        self.engine_info: dict[str, dict] = {}
        self.failure: BaseException | None = None
        self._steps = 0
        self._closed = False
        try:
            if configs:
                self.engine_info = self._call_all("initialize", {n: (c,) for n, c in
                                                                 configs.items()})
                self._check_timesteps()
            self.outputs = self._read_all()
        except BaseException as exc:
            self._fail(exc, getattr(exc, "engine", None))
            raise

    # ---- running ----------------------------------------------------------------------------
    @property
    def time(self) -> float:
        """Simulated time (s) of the last complete sync step."""
        return self._steps * self.dt_sync

    @property
    def steps(self) -> int:
        """Number of complete sync steps since the start (or the last reset)."""
        return self._steps

    def step(self) -> dict[str, dict]:
        """Run one sync step; returns the outputs read after it (engine -> datapacks)."""
        self._check_open()
        started = time.perf_counter()
        t, dt = self.time, self.dt_sync
        expected = (self._steps + 1) * dt
        outputs = dict(self.outputs)
        applied: dict[str, dict] = {}
        engine_s: dict[str, float] = {}
        exchange_s = 0.0
        stepped = False
        try:
            for stage in self._stages:
                t0 = time.perf_counter()
                inputs = self._exchange(t, outputs, stage)
                exchange_s += time.perf_counter() - t0
                _check_names("exchange result", inputs, self.engines)
                pending = {}
                for name in stage:
                    applied[name] = values = inputs.get(name) or {}
                    stepped = True
                    pending[name] = self._submit(name, "advance", values, dt, self.read[name])
                for name, reply in pending.items():
                    (engine_t, outputs[name]), engine_s[name] = self._result(name, reply)
                    self._check_time(name, engine_t, expected)
        except BaseException as exc:
            if stepped:  # engines may have advanced: the loop cannot continue consistently
                self._fail(exc, getattr(exc, "engine", None))
            raise
        self._steps += 1
        self.outputs = outputs
        wall = time.perf_counter() - started
        self.log.append(StepStats(self._steps, expected, wall, exchange_s, engine_s,
                                  dt / wall if wall > 0 else float("inf")))
        self.recording(expected, applied, outputs)
        return outputs

    def run(self, n_steps: int | None = None, seconds: float | None = None,
            progress: bool = False) -> dict[str, dict]:
        """Run ``n_steps`` sync steps or ``seconds`` of simulated time; returns the last outputs."""
        n = self._count_steps(n_steps, seconds)
        steps = range(n)
        if progress:
            from tqdm.auto import tqdm
            steps = tqdm(steps, unit="step", desc="co-simulation")
        for _ in steps:
            self.step()
        return self.outputs

    def _count_steps(self, n_steps: int | None, seconds: float | None) -> int:
        if (n_steps is None) == (seconds is None):
            raise ValueError("give run() either n_steps or seconds")
        if seconds is not None:
            n_steps = round(seconds / self.dt_sync)
            if abs(n_steps * self.dt_sync - seconds) > _TIME_TOLERANCE * self.dt_sync:
                raise ValueError(f"run(seconds={seconds}) is not a whole number of sync steps of "
                                 f"{self.dt_sync} s; use a multiple of dt_sync")
        if n_steps < 0:
            raise ValueError(f"n_steps must be >= 0, got {n_steps}")
        return n_steps

    def reset(self) -> None:
        """Reset every engine to time 0 and read fresh outputs; the log and recording are kept."""
        self._check_open()
        try:
            self._call_all("reset", {n: () for n in self.engines})
            self.outputs = self._read_all()
        except BaseException as exc:
            self._fail(exc, getattr(exc, "engine", None))
            raise
        self._steps = 0

    def summary(self) -> dict[str, float]:
        """Steps, simulated and wall time, median step time and overall real-time factor."""
        walls = sorted(s.wall_s for s in self.log)
        total = sum(walls)
        return {"steps": len(walls), "simulated_s": len(walls) * self.dt_sync, "wall_s": total,
                "median_step_ms": 1e3 * walls[len(walls) // 2] if walls else float("nan"),
                "rtf": len(walls) * self.dt_sync / total if total > 0 else float("nan")}

    # ---- shutting down ----------------------------------------------------------------------
    def close(self) -> None:
        """Shut every engine down (each is tried even if one fails; the first error is raised)."""
        if self._closed:
            return
        self._closed = True
        errors = [err for err in (self._shutdown(name) for name in self.engines) if err]
        if errors:
            raise errors[0]

    def __enter__(self) -> Orchestrator:  # noqa: PYI034 - Self needs Python 3.11
        return self

    def __exit__(self, *exc_info: object) -> None:
        if exc_info[0] is None:
            self.close()
        elif not self._closed:  # already failing: do not mask that error with a shutdown error
            self._closed = True
            for name in self.engines:
                self._shutdown(name)

    def _fail(self, exc: BaseException, culprit: str | None) -> None:
        """Record the failure; stop the culprit hard and shut the other engines down."""
        self.failure = exc
        self._closed = True
        for name, engine in self.engines.items():
            kill = getattr(engine, "kill", None)
            if name == culprit and kill is not None:
                kill()
            else:
                self._shutdown(name)

    def _shutdown(self, name: str) -> BaseException | None:
        try:
            self.engines[name].shutdown()
        except Exception as exc:  # noqa: BLE001 - collected and reported by the caller
            return exc
        return None

    def _check_open(self) -> None:
        if self._closed:
            why = f" after a failure: {self.failure}" if self.failure else ""
            raise RuntimeError(f"this orchestrator is closed{why}; its log and recording are "
                               "still readable, create a new one to run again")

    # ---- engine calls -----------------------------------------------------------------------
    def _submit(self, name: str, op: str, *args: Any) -> Any:
        engine = self.engines[name]
        try:
            submit = getattr(engine, "submit", None)
            return submit(op, *args) if submit is not None else call_now(engine, op, *args)
        except EngineError:
            raise
        except Exception as exc:
            raise _engine_error(name, op, exc) from exc

    def _result(self, name: str, reply: Any) -> tuple[Any, float]:
        try:
            return reply.result()
        except EngineError:
            raise
        except Exception as exc:
            raise _engine_error(name, "advance", exc) from exc

    def _call_all(self, op: str, args: dict[str, tuple]) -> dict[str, Any]:
        """The same call on several engines, all sent before any reply is awaited."""
        pending = {name: self._submit(name, op, *a) for name, a in args.items()}
        return {name: self._result(name, reply)[0] for name, reply in pending.items()}

    def _read_all(self) -> dict[str, dict]:
        wanted = {name: (names,) for name, names in self.read.items() if names}
        outputs = {name: {} for name in self.engines}
        outputs.update(self._call_all("get", wanted))
        return outputs

    def _check_timesteps(self) -> None:
        for name, info in self.engine_info.items():
            timestep = (info or {}).get("timestep") if isinstance(info, dict) else None
            if not timestep:
                continue
            ratio = self.dt_sync / timestep
            if round(ratio) < 1 or abs(ratio - round(ratio)) > _TIME_TOLERANCE * ratio:
                raise EngineError(f"engine {name!r} has a timestep of {timestep:g} s, which does "
                                  f"not divide dt_sync={self.dt_sync:g} s; choose dt_sync as a "
                                  f"multiple of {timestep:g} s", name)

    def _check_time(self, name: str, engine_t: float, expected: float) -> None:
        if abs(engine_t - expected) > _TIME_TOLERANCE * self.dt_sync:
            raise EngineError(f"engine {name!r} is at t={engine_t:.9g} s after sync step "
                              f"{self._steps + 1}, expected {expected:.9g} s; its timestep must "
                              f"divide dt_sync={self.dt_sync:g} s", name)


def _engine_error(name: str, op: str, exc: Exception) -> EngineError:
    return EngineError(f"engine {name!r} failed in {op!r}: {type(exc).__name__}: {exc}", name)


def _check_names(what: str, mapping: Any, engines: dict) -> None:
    if not isinstance(mapping, dict):
        raise TypeError(f"{what} must be a dict of engine name -> values, got "
                        f"{type(mapping).__name__}")
    unknown = sorted(set(mapping) - set(engines))
    if unknown:
        raise ValueError(f"{what} names unknown engine(s) {unknown}; engines are "
                         f"{list(engines)}")


def _exchange_caller(exchange: Callable[..., dict] | None) -> Callable[[float, dict, tuple],
                                                                         dict]:
    """Normalise the hook to ``f(t, outputs, targets) -> dict`` (None: no inputs, open loop)."""
    if exchange is None:
        return lambda t, outputs, targets: {}
    try:
        inspect.signature(exchange).bind(0.0, {}, ())
        takes_targets = True
    except TypeError:
        takes_targets = False
    except ValueError:  # no signature (some builtins): assume the documented two arguments
        takes_targets = False

    def call(t: float, outputs: dict, targets: tuple) -> dict:
        result = exchange(t, outputs, targets) if takes_targets else exchange(t, outputs)
        if result is None:
            return {}
        if not isinstance(result, dict):
            raise TypeError(f"exchange must return a dict of engine name -> values, got "
                            f"{type(result).__name__}")
        return result

    return call
