"""sPyNNaker's ``extra_models`` that the emulator runs; the others raise a clear error."""

from .pynn.standardmodels import IF_curr_delta

#: sPyNNaker's name for the current-based delta-synapse LIF neuron
IFCurDelta = IF_curr_delta

__all__ = ["IFCurDelta"]

#: extra models of sPyNNaker that the emulator's engine has no kernel for
NOT_EMULATED = (
    "IFCurrExpCa2Adaptive", "IFCondExpStoc", "Izhikevich_cond", "IF_curr_dual_exp",
    "IF_curr_exp_sEMD", "IFCondExpCerebellum", "Neuromodulation",
    "WeightDependenceAdditiveTriplet", "PfisterSpikeTriplet", "SpikeNearestPairRule",
    "RecurrentRule", "Vogels2011Rule", "TimingDependencePFPC", "WeightDependencePFPC",
    "TimingDependenceMFVN", "WeightDependenceMFVN", "SpikeSourcePoissonVariable")


def __getattr__(name):
    if name in NOT_EMULATED:
        raise NotImplementedError(
            f"extra_models.{name} is a sPyNNaker model the emulator does not implement; it runs "
            f"{', '.join(__all__)} from extra_models, and IF_curr_exp, IF_cond_exp, "
            "IF_curr_alpha, IF_curr_delta, Izhikevich, SpikeSourcePoisson, SpikeSourceArray "
            "with SpikePairRule STDP (additive or multiplicative) from the main module.")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
