"""One figure of a run: spike raster, population rates, and the mapping (cores per population).

``pyNN.utility.plotting.Figure/Panel`` work on the emulator's Neo blocks as on any backend;
:func:`plot_run` adds what only the emulator knows: where the model sat on the machine.
"""

import numpy as np

from .pynn import simulator


def spike_populations() -> list:
    """The populations of the current simulation that record spikes."""
    return [p for p in simulator.state.populations
            if any(v.name == "spikes" and ids for v, ids in p.recorder.recorded.items())]


def population_rates(population, bin_ms: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
    """(bin start times in ms, mean rate in Hz per neuron) of `population`'s recorded spikes."""
    trains = population.get_data("spikes", clear=False).segments[-1].spiketrains
    t_stop = max(simulator.state.t, bin_ms)
    edges = np.arange(0.0, t_stop + bin_ms, bin_ms)
    times = np.concatenate([np.asarray(st.magnitude) for st in trains]) if trains else []
    counts, _ = np.histogram(times, bins=edges)
    return edges[:-1], counts / (max(1, len(trains)) * bin_ms / 1000.0)


def plot_run(populations=None, bin_ms: float = 10.0, title: str | None = None, figure=None):
    """Draw a raster, the rates and the cores used per population of the current run; returns
    the matplotlib Figure. `populations` defaults to every one recording spikes."""
    import matplotlib.pyplot as plt

    from .pynn.control import mapping_report

    populations = spike_populations() if populations is None else list(populations)
    if not populations:
        raise ValueError("plot_run(): no population records spikes; call pop.record('spikes') "
                         "before run(), or pass the populations to plot")
    figure = figure or plt.figure(figsize=(10, 8))
    raster, rates, cores = figure.subplots(3, 1, gridspec_kw={"height_ratios": [3, 2, 2]})
    base = 0
    for population in populations:
        trains = population.get_data("spikes", clear=False).segments[-1].spiketrains
        for i, train in enumerate(trains):
            raster.plot(train.magnitude, np.full(len(train), base + i), "|", markersize=2)
        raster.axhline(base - 0.5, color="0.8", linewidth=0.5)
        base += len(trains)
        t, rate = population_rates(population, bin_ms)
        rates.step(t, rate, where="post", label=population.label)
    raster.set(ylabel="neuron (stacked)", xlim=(0, simulator.state.t))
    rates.set(ylabel=f"rate (Hz, {bin_ms:g} ms bins)", xlabel="time (ms)",
              xlim=(0, simulator.state.t))
    rates.legend(fontsize="small", loc="upper right")
    report = mapping_report()
    rows = report.populations
    cores.barh([r.label for r in rows], [r.cores for r in rows], label="population cores")
    cores.barh([r.label for r in rows], [r.delay_extension_cores for r in rows],
               left=[r.cores for r in rows], label="delay-extension cores")
    cores.set(xlabel=f"cores (of {report.totals.cores_used} used on "
                     f"{report.totals.chips_used} chip(s))")
    cores.legend(fontsize="small", loc="lower right")
    figure.suptitle(title or f"{len(populations)} population(s), {simulator.state.t:g} ms")
    figure.tight_layout()
    return figure
