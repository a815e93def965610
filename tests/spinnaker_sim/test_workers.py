"""The parallel tick loop's workers: joining, the barrier, and results equal to the serial loop."""

import numba
import numpy as np
from numba import njit, prange

import spinnaker_sim as sim
from spinnaker_sim.engine import engine
from spinnaker_sim.engine.workers import (
    RESULT,
    SYNC_SIZE,
    arrive,
    join,
    release,
    reset,
    wait_for_release,
)


@njit(parallel=True)
def _hand_over(sync, slots, n_ticks, n_workers):
    """Each tick every worker writes its slot and arrives at the barrier; the last to arrive
    checks every slot and writes the tick's token before it releases the others, who check the
    token (as the tick loop gathers spikes). Returns the participants; slots[-2] counts stale
    slots the last worker saw, slots[-1] stale tokens the others saw."""
    reset(sync)
    for _ in prange(n_workers):
        rank, participants = join(sync, n_workers)
        if rank >= 0:
            for t in range(n_ticks):
                slots[rank] = t
                generation = arrive(sync, participants)
                if generation < 0:
                    for r in range(participants):
                        slots[-2] += slots[r] != t
                    slots[-3] = t
                    release(sync)
                else:
                    wait_for_release(sync, generation)
                    if slots[-3] != t:
                        slots[-1] += 1
            if rank == 0:
                sync[RESULT] = participants
    return sync[RESULT]


def test_the_barrier_hands_every_worker_s_writes_to_the_last_and_its_writes_to_all():
    sync = np.zeros(SYNC_SIZE, dtype=np.int64)
    slots = np.zeros(numba.get_num_threads() + 3, dtype=np.int64)
    slots[-3] = -1
    participants = _hand_over(sync, slots, 20_000, numba.get_num_threads())
    assert participants == numba.get_num_threads()
    assert slots[-2] == 0  # no tick where the last worker saw a stale slot
    assert slots[-1] == 0  # no tick where a released worker saw the token of an earlier tick


@njit
def _join_one_after_another(sync):
    """Two workers' joins run one after the other on one thread (as if numba ran the region's
    iterations in sequence): the first must not wait for the second forever."""
    reset(sync)
    first = join(sync, 2)
    second = join(sync, 2)
    return first[0], first[1], second[0], second[1]


def test_a_worker_that_never_comes_is_not_waited_for():
    sync = np.zeros(SYNC_SIZE, dtype=np.int64)
    first_rank, first_participants, late_rank, late_participants = _join_one_after_another(sync)
    assert (first_rank, first_participants) == (0, 1)  # it works alone
    assert (late_rank, late_participants) == (-1, 0)   # and the late one does nothing


def _mixed_model_spikes():
    """Spikes of a model with every path the tick loop hands over between workers: delay
    extensions (delays past 16 ticks), STDP, a DC source and Poisson input, run in pieces."""
    sim.setup(timestep=1.0, rng_seed=17)
    noise = sim.Population(40, sim.SpikeSourcePoisson(rate=60.0), label="noise")
    cells = sim.Population(300, sim.IF_curr_exp(tau_refrac=2.0), label="cells")
    sim.Projection(noise, cells, sim.FixedProbabilityConnector(0.3, rng=sim.NumpyRNG(seed=2)),
                   sim.STDPMechanism(
                       timing_dependence=sim.SpikePairRule(tau_plus=20.0, tau_minus=20.0,
                                                           A_plus=0.01, A_minus=0.012),
                       weight_dependence=sim.AdditiveWeightDependence(w_min=0.0, w_max=2.0),
                       weight=1.0, delay=1.0))
    sim.Projection(cells, cells, sim.FixedProbabilityConnector(0.05, rng=sim.NumpyRNG(seed=3)),
                   sim.StaticSynapse(weight=-0.5, delay=sim.RandomDistribution(
                       "uniform", (1.0, 40.0), rng=sim.NumpyRNG(seed=4))),
                   receptor_type="inhibitory")
    sim.DCSource(amplitude=1.0, start=20.0, stop=120.0).inject_into(cells[0:100])
    cells.record("spikes")
    for piece in (70.0, 1.0, 129.0):
        sim.run(piece)
    trains = [np.asarray(st) for st in cells.get_data().segments[0].spiketrains]
    sim.end()
    return trains


def test_workers_give_the_serial_loop_s_spikes_with_delay_extensions_and_stdp(monkeypatch):
    serial = _mixed_model_spikes()
    monkeypatch.setattr(engine, "PARALLEL_MIN_ATOMS", 1)
    parallel = _mixed_model_spikes()
    assert sum(len(t) for t in serial) > 300  # the model is busy enough to test anything
    assert all(np.array_equal(a, b) for a, b in zip(serial, parallel))
