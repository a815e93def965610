"""Sizes of SpiNNaker synaptic rows in 32-bit words (``neural_modelling/src/neuron/synapse_row.h``).

One row per pre-synaptic atom per post-synaptic core. Both the engine's synaptic matrix and the
mapper's SDRAM estimates use these, so the estimate is the real size of the data.
"""

import numpy as np

#: plastic-region size, fixed-fixed count and fixed-plastic count
ROW_HEADER_WORDS = 3
#: pre-synaptic event history of a pair-based STDP row: last spike time and trace
STDP_PRE_TRACE_WORDS = 2


def static_row_words(n_synapses):
    """Words in a static row: the header plus one packed word per synapse."""
    return ROW_HEADER_WORDS + np.asarray(n_synapses)


def plastic_row_words(n_synapses):
    """Words in a plastic row: header, pre-trace state, 16-bit weights and 16-bit control words."""
    half_word_pairs = (np.asarray(n_synapses) + 1) // 2
    return ROW_HEADER_WORDS + STDP_PRE_TRACE_WORDS + 2 * half_word_pairs
