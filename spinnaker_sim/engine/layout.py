"""Column layout of the engine's per-atom parameter and state arrays, and the core kinds.

Every neuron model stores its parameters in one row of ``params`` and its state in one row of
``state``; these constants name the columns so the builder and the kernels agree.
"""

# core kinds
LIF_CURR_EXP = 0
LIF_COND_EXP = 1
LIF_CURR_ALPHA = 2
LIF_CURR_DELTA = 3
IZHIKEVICH = 4
SPIKE_SOURCE_POISSON = 5
SPIKE_SOURCE_ARRAY = 6
SPIKE_INJECTOR = 7
DELAY_EXTENSION = 8
N_NEURON_KINDS = 5  # kinds below this number integrate neurons; the rest are sources

# parameter columns of the LIF family
V_REST, V_RESET, V_THRESH, R_MEMBRANE, EXP_TC, I_OFFSET = 0, 1, 2, 3, 4, 5
DECAY_E, DECAY_I, INIT_E, INIT_I, E_REV_E, E_REV_I = 6, 7, 8, 9, 10, 11
# the alpha synapse has no init factor; its dt / tau**2 (s16.15) sits in the INIT columns
ALPHA_DT_TAU_SQR_E, ALPHA_DT_TAU_SQR_I = INIT_E, INIT_I
# parameter columns of the Izhikevich model (I_OFFSET, DECAY_*, INIT_* are shared)
IZH_A, IZH_B, IZH_C, IZH_D = 0, 1, 2, 3
IZH_H = R_MEMBRANE  # the integration step in ms
N_PARAMS = 12

# state columns; the alpha synapse keeps (linear, exponential, last input) per type
V, SYN_E, SYN_I, IZH_U = 0, 1, 2, 3
ALPHA_EXP_E, ALPHA_EXP_I, ALPHA_Q_E, ALPHA_Q_I = 4, 5, 6, 7
N_STATE = 8

# columns of the per-core provenance counters, and two of delivery's scratch: the packets
# received before this tick, and the last packet counted (a packet several rows take counts once)
PACKETS_RECEIVED, SYNAPTIC_EVENTS, SATURATIONS, SPIKES_SENT, MAX_SPIKES_PER_TICK = 0, 1, 2, 3, 4
MAX_PACKETS_PER_TICK, PACKETS_BEFORE_TICK, LAST_PACKET = 5, 6, 7
N_COUNTERS = 8

# recordable analog variables, in the order of the recording arrays
RECORD_V, RECORD_GSYN_EXC, RECORD_GSYN_INH = 0, 1, 2
ANALOG_VARIABLES = ("v", "gsyn_exc", "gsyn_inh")

# conductance weights are scaled up by 2**10 before quantisation
# (sPyNNaker's input_type_conductance.h)
CONDUCTANCE_SHIFT = 10
