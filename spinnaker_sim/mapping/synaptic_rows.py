"""Sizes of SpiNNaker synaptic rows in 32-bit words (``neural_modelling/src/neuron/synapse_row.h``).

One row per pre-synaptic atom per post-synaptic core. Both the engine's synaptic matrix and the
mapper's SDRAM estimates use these, so the estimate is the real size of the data.
"""

from numba.extending import register_jitable

#: plastic-region size, fixed-fixed count and fixed-plastic count
ROW_HEADER_WORDS = 3
#: pre-synaptic event history of a pair-based STDP row: last spike time and trace
STDP_PRE_TRACE_WORDS = 2


@register_jitable
def static_row_words(n_synapses):
    """Words in a static row (an int or an array of lengths; also in numba kernels): the
    header plus one packed word per synapse."""
    return ROW_HEADER_WORDS + n_synapses


@register_jitable
def plastic_row_words(n_synapses):
    """Words in a plastic row: header, pre-trace state, 16-bit weights and 16-bit control words."""
    half_word_pairs = (n_synapses + 1) // 2
    return ROW_HEADER_WORDS + STDP_PRE_TRACE_WORDS + 2 * half_word_pairs
