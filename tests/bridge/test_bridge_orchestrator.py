"""The lockstep loop with in-process engines: times, latency, ordering, checks, recording."""

from __future__ import annotations

import numpy as np
import pytest
from bridge_engines import DriftingEngine, FailingEngine, NoisyEngine

from nrp_bridge import EngineError, Orchestrator, Recording, start_engines
from nrp_bridge.engines.clock import ClockEngine


def clocks(*names):
    return {name: ClockEngine() for name in names}


def echo(t, outputs):
    """Brain gets the time; env gets the brain's last reported time (the 'action')."""
    return {"brain": {"stim": t}, "env": {"action": outputs["brain"]["time"]}}


@pytest.mark.parametrize("transport", ["inproc", "inproc-zmq"])
def test_after_n_steps_every_engine_reports_n_dt_sync(transport):
    engines = start_engines({"brain": "clock", "env": "clock"}, transport=transport)
    configs = {"brain": {"timestep": 0.001}, "env": {"timestep": 0.005}}
    with Orchestrator(engines, dt_sync=0.02, configs=configs,
                      read={"brain": ["time"], "env": ["time"]}) as loop:
        for n in range(1, 26):
            outputs = loop.step()
            assert outputs["brain"]["time"] == pytest.approx(n * 0.02, abs=1e-12)
            assert outputs["env"]["time"] == pytest.approx(n * 0.02, abs=1e-12)
        assert loop.time == pytest.approx(0.5) and loop.steps == 25
        assert [s.step for s in loop.log] == list(range(1, 26))
        assert loop.log[-1].t == pytest.approx(0.5)
        assert set(loop.log[-1].engine_s) == {"brain", "env"}
        assert all(s.rtf > 0 and s.wall_s > 0 for s in loop.log)


def test_pipelined_mode_has_one_step_of_latency_sequential_has_none():
    read = {"brain": ["time"], "env": ["action"]}
    engines = clocks("brain", "env")
    for engine in engines.values():
        engine.initialize({})
    engines["env"].set({"action": -1.0})
    with Orchestrator(engines, exchange=echo, read=read) as pipelined:
        pipelined.run(3)
        actions = pipelined.recording.series("env", "action")
    # during step k the env acts on the brain time read after step k-1
    assert actions == pytest.approx([0.0, 0.02, 0.04])

    engines = clocks("brain", "env")
    for engine in engines.values():
        engine.initialize({})
    engines["env"].set({"action": -1.0})
    with Orchestrator(engines, mode="sequential", exchange=echo, read=read) as sequential:
        sequential.run(3)
        actions = sequential.recording.series("env", "action")
    assert actions == pytest.approx([0.02, 0.04, 0.06])  # the brain output of the same step


def test_exchange_with_targets_is_called_once_per_stage_with_the_engines_about_to_step():
    calls = []

    def exchange(t, outputs, targets):
        calls.append((round(t, 6), targets))
        return {name: {"seen": t} for name in targets}

    for mode, expected in [("pipelined", [(0.0, ("brain", "env")), (0.02, ("brain", "env"))]),
                           ("sequential", [(0.0, ("brain",)), (0.0, ("env",)),
                                           (0.02, ("brain",)), (0.02, ("env",))])]:
        calls.clear()
        with Orchestrator(clocks("brain", "env"), mode=mode, exchange=exchange,
                          configs={"brain": {}, "env": {}}) as loop:
            loop.run(2)
        assert calls == expected


def test_inputs_outputs_and_timing_are_recorded_per_complete_step():
    engines = {"brain": NoisyEngine(), "env": ClockEngine()}
    with Orchestrator(engines, exchange=lambda t, o: {"brain": {"drive": 10.0 * t}},
                      configs={"brain": {"seed": 3}, "env": {}},
                      read={"brain": ["noise", "time"], "env": ["time"]}) as loop:
        loop.run(seconds=0.1)
    recording = loop.recording
    assert len(recording) == 5 and recording.times == pytest.approx([0.02, 0.04, 0.06, 0.08, 0.1])
    assert recording.array("brain", "noise").shape == (5, 4)
    assert recording.series("brain", "drive", inputs=True) == pytest.approx(
        [0.0, 0.2, 0.4, 0.6, 0.8])
    with pytest.raises(KeyError, match="no recorded input 'drive' of engine 'env'"):
        recording.series("env", "drive", inputs=True)
    assert recording.names() == {"brain": ["noise", "time"], "env": ["time"]}
    with pytest.raises(KeyError, match="no recorded output 'v' of engine 'brain'"):
        recording.series("brain", "v")
    summary = loop.summary()
    assert summary["steps"] == 5 and summary["simulated_s"] == pytest.approx(0.1)
    assert summary["rtf"] > 0


def test_same_engines_same_seeds_same_run_bit_for_bit():
    def run_once():
        engines = {"brain": NoisyEngine(), "env": NoisyEngine()}
        def exchange(t, outputs):
            return {"brain": {"drive": float(outputs["env"]["noise"][0])},
                    "env": {"drive": float(np.sum(outputs["brain"]["noise"]))}}

        with Orchestrator(engines, exchange=exchange, configs={"brain": {"seed": 1},
                                                               "env": {"seed": 2}},
                          read={"brain": ["noise"], "env": ["noise"]}) as loop:
            loop.run(20)
        return loop.recording.array("brain", "noise"), loop.recording.array("env", "noise")

    first, second = run_once(), run_once()
    for a, b in zip(first, second):
        assert a.tobytes() == b.tobytes()


def test_a_custom_recorder_receives_every_step():
    rows = []
    with Orchestrator(clocks("brain"), recorder=lambda t, i, o: rows.append((t, o)),
                      read={"brain": ["time"]}, configs={"brain": {}}) as loop:
        loop.run(3)
    assert [t for t, _ in rows] == pytest.approx([0.02, 0.04, 0.06])
    assert rows[-1][1]["brain"]["time"] == pytest.approx(0.06)


def test_reset_returns_engines_to_time_zero_and_keeps_the_log():
    with Orchestrator(clocks("brain", "env"), configs={"brain": {}, "env": {}},
                      read={"brain": ["time"]}) as loop:
        loop.run(4)
        loop.reset()
        assert loop.time == 0.0 and loop.outputs["brain"]["time"] == 0.0
        loop.run(2)
        assert loop.outputs["brain"]["time"] == pytest.approx(0.04)
    assert len(loop.log) == 6 and loop.recording.times[-2:] == pytest.approx([0.02, 0.04])


def test_a_timestep_that_does_not_divide_dt_sync_is_refused_at_start():
    engines = clocks("brain", "env")
    with pytest.raises(EngineError, match="engine 'env' has a timestep of 0.003 s, which does "
                                          "not divide dt_sync=0.02 s"):
        Orchestrator(engines, configs={"brain": {"timestep": 0.001},
                                       "env": {"timestep": 0.003}})


def test_an_engine_whose_clock_drifts_stops_the_loop():
    engines = {"brain": ClockEngine(), "env": DriftingEngine()}
    loop = Orchestrator(engines, configs={"brain": {}, "env": {}})
    with pytest.raises(EngineError, match="engine 'env' is at t=0.022 s after sync step 1, "
                                          "expected 0.02 s"):
        loop.step()
    with pytest.raises(RuntimeError, match="closed after a failure"):
        loop.step()


def test_an_engine_error_in_process_names_the_engine_and_keeps_the_data():
    engines = {"brain": ClockEngine(), "env": FailingEngine()}
    loop = Orchestrator(engines, configs={"brain": {}, "env": {"fail_at": 4}},
                        read={"brain": ["time"]})
    with pytest.raises(EngineError, match="engine 'env' failed in 'advance': RuntimeError: "
                                          "motor driver overheated at step 4"):
        loop.run(10)
    assert loop.steps == 3 and len(loop.recording) == 3 and len(loop.log) == 3
    assert loop.recording.series("brain", "time") == pytest.approx([0.02, 0.04, 0.06])
    assert isinstance(loop.failure, EngineError)


def test_an_exchange_error_before_stepping_leaves_the_loop_usable():
    fail = {"now": True}

    def exchange(t, outputs):
        if fail["now"]:
            raise ValueError("transfer function bug")
        return {}

    with Orchestrator(clocks("brain"), exchange=exchange, configs={"brain": {}}) as loop:
        with pytest.raises(ValueError, match="transfer function bug"):
            loop.step()
        fail["now"] = False
        loop.step()
        assert loop.steps == 1


@pytest.mark.parametrize("kwargs, message", [
    ({"mode": "parallel"}, "mode must be one of"),
    ({"dt_sync": 0}, "dt_sync must be a positive"),
    ({"read": {"arm": ["x"]}}, r"read names unknown engine\(s\) \['arm'\]"),
    ({"order": ["brain"]}, "must list each engine once"),
])
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Orchestrator(clocks("brain", "env"), **kwargs)


def test_exchange_results_for_unknown_engines_are_refused():
    loop = Orchestrator(clocks("brain"), exchange=lambda t, o: {"robot": {"x": 1}},
                        configs={"brain": {}})
    with pytest.raises(ValueError, match=r"exchange result names unknown engine\(s\) \['robot'\]"):
        loop.step()


def test_run_needs_a_whole_number_of_sync_steps():
    with Orchestrator(clocks("brain"), configs={"brain": {}}) as loop:
        with pytest.raises(ValueError, match="not a whole number of sync steps of 0.02 s"):
            loop.run(seconds=0.05)
        with pytest.raises(ValueError, match="either n_steps or seconds"):
            loop.run()
        assert isinstance(loop.recording, Recording)
