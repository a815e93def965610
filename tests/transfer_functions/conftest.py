"""A fresh spinnaker_sim session per test (its mapping report goes nowhere)."""

import pytest

import spinnaker_sim


@pytest.fixture
def sim():
    spinnaker_sim.setup(timestep=1.0, rng_seed=1234, report_folder=None)
    yield spinnaker_sim
    spinnaker_sim.end()
