"""Small PyNN brains for the bridge tests, as build functions ``build(sim)``."""

from __future__ import annotations


def poisson_relay(sim):
    """10 Poisson sources one-to-one onto 10 LIF neurons that fire for every input spike."""
    sources = sim.Population(10, sim.SpikeSourcePoisson(rate=0.0), label="sensors")
    neurons = sim.Population(10, sim.IF_curr_exp(tau_refrac=0.1), label="motors")
    sim.Projection(sources, neurons, sim.OneToOneConnector(),
                   sim.StaticSynapse(weight=20.0, delay=1.0), receptor_type="excitatory")
    neurons.record("v")
    return {"sensors": sources, "motors": neurons}


def poisson_bank(sim):
    """100 Poisson sources whose rates the tests change between steps."""
    sim.Population(100, sim.SpikeSourcePoisson(rate=20.0), label="bank")


class DoubledCounts:
    """A brain extension: ``twice:<label>`` reads a population's spike count so far times a
    factor, ``gain:<anything>`` sets the factor, ``hooks:<anything>`` counts the hooks called."""

    def __init__(self, sim, populations, factor=2):
        self.populations, self.factor = populations, factor
        self.calls = {"before_step": 0, "after_step": 0, "reset": 0}
        self.counts = {label: 0 for label in populations}

    def owns(self, name):
        return name.split(":")[0] in ("twice", "gain", "hooks")

    def get(self, name):
        kind, label = name.split(":")
        if kind == "hooks":
            return dict(self.calls)
        return self.factor * self.counts[label]

    def set(self, name, value):
        self.factor = value

    def before_step(self):
        self.calls["before_step"] += 1

    def after_step(self):
        self.calls["after_step"] += 1
        for label, population in self.populations.items():
            counts = population.get_spike_counts()
            self.counts[label] = sum(counts.values())

    def reset(self):
        self.calls["reset"] += 1
