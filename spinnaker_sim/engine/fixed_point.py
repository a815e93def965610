"""SpiNNaker number formats, and arithmetic that is generic over the two numerics modes.

State and parameters are ``accum`` (s16.15: raw int, 15 fractional bits); synaptic decays and
init factors are u0.32 multiplied with truncation. Both are stored as the machine stores them,
in 32-bit words (int32 arrays, a u0.32 factor as its bit pattern). The arithmetic widens to
64 bits; a result stored back wraps to 32 bits as on the ARM, and so does a sum that is the
operand of a multiply (:func:`accum_word`): a product of two sign-extended words is one AVX2
instruction for four lanes, so the kernels' loops vectorise. (A value tested against the
threshold stays wide: an input far beyond the s16.15 range still fires the neuron.)

In ``numerics="float64"`` the same kernels run on float64 arrays holding real values: every
helper below dispatches on the array dtype at compile time (numba ``overload``), so one kernel
source serves both modes.
"""

import numpy as np
from numba import types
from numba.extending import overload

ACCUM_FRACTIONAL_BITS = 15
ACCUM_ONE = 1 << ACCUM_FRACTIONAL_BITS
U032_ONE = 1 << 32
ACCUM_MAX = (1 << 31) - 1
ACCUM_MIN = -(1 << 31)


def to_accum(values) -> np.ndarray:
    """Real values -> raw s16.15 (round to nearest, saturate), as sPyNNaker writes parameters."""
    raw = np.rint(np.asarray(values, dtype=np.float64) * ACCUM_ONE)
    return np.clip(raw, ACCUM_MIN, ACCUM_MAX).astype(np.int64)


def to_u032(values) -> np.ndarray:
    """Real values in [0, 1) -> raw u0.32 (round to nearest, saturate at the largest value)."""
    raw = np.rint(np.asarray(values, dtype=np.float64) * U032_ONE)
    return np.clip(raw, 0, U032_ONE - 1).astype(np.int64)


def to_words(raw) -> np.ndarray:
    """Raw s16.15 or u0.32 values -> the int32 words that store them (same bit patterns)."""
    return np.asarray(raw, dtype=np.int64).astype(np.uint32).view(np.int32)


def from_accum(raw) -> np.ndarray:
    """Raw s16.15 -> real values."""
    return np.asarray(raw, dtype=np.float64) / ACCUM_ONE


def encode(values, fixed: bool, kind: str = "accum") -> np.ndarray:
    """Real parameter values in the representation of the numerics mode (`kind` accum or u032)."""
    if not fixed:
        return np.asarray(values, dtype=np.float64).copy()
    return to_accum(values) if kind == "accum" else to_u032(values)


def decode(values, fixed: bool) -> np.ndarray:
    """State values of either numerics mode -> real values."""
    return from_accum(values) if fixed else np.asarray(values, dtype=np.float64)


# ---- kernels' arithmetic: stubs for Python, overloads for numba ---------------------------------

def accum_mul(a, b):
    """s16.15 x s16.15 (truncating, as the ARM's accum multiply) or a plain product."""
    raise NotImplementedError


def u032_mul(x, d):
    """s16.15 x u0.32 (truncating; decays and init factors) or a plain product."""
    raise NotImplementedError


def accum_word(x):
    """A result as the ARM holds it: wrapped to a 32-bit word (fixed point), as it is (float)."""
    raise NotImplementedError


def accum_shift_right(x, n):
    """Arithmetic shift of a raw accum (conductance scaling), or a division by 2**n."""
    raise NotImplementedError


def ring_to_input(w, shift):
    """A ring-buffer entry (16-bit weight sum) -> s16.15 input, or the float sum unchanged."""
    raise NotImplementedError


def accum_div(a, b):
    """a / b as sPyNNaker's ``kdivk`` on raw accums, or a plain division."""
    raise NotImplementedError


def halve(x):
    """x / 2 (an arithmetic shift on raw accums)."""
    raise NotImplementedError


def constant(value, like):
    """The real `value` in the numerics of `like` (raw s16.15 for integers)."""
    raise NotImplementedError


@overload(accum_mul, jit_options={"cache": True})
def _accum_mul(a, b):
    if isinstance(a, types.Integer):
        return lambda a, b: (np.int64(a) * np.int64(b)) >> 15
    return lambda a, b: a * b


@overload(u032_mul, jit_options={"cache": True})
def _u032_mul(x, d):
    if isinstance(x, types.Integer):
        # d is a u0.32 word stored as int32: d = d_signed + 2**32 [d_signed < 0], so
        # (x d) >> 32 = (x d_signed) >> 32 + x [d_signed < 0], exactly; a signed 32 x 32-bit
        # product vectorises, a signed x unsigned one does not
        return lambda x, d: ((np.int64(x) * np.int64(np.int32(d))) >> 32) + (
            np.int64(x) if np.int32(d) < 0 else np.int64(0))
    return lambda x, d: x * d


@overload(accum_word, jit_options={"cache": True})
def _accum_word(x):
    if isinstance(x, types.Integer):
        return lambda x: np.int32(x)
    return lambda x: x


@overload(accum_shift_right, jit_options={"cache": True})
def _accum_shift_right(x, n):
    if isinstance(x, types.Integer):
        return lambda x, n: np.int64(x) >> n
    return lambda x, n: x / (1 << n)


@overload(ring_to_input, jit_options={"cache": True})
def _ring_to_input(w, shift):
    if isinstance(w, types.Integer):  # (a 16-bit sum shifted by at most 15: a positive word)
        return lambda w, shift: np.int32(np.int64(w) << shift)
    return lambda w, shift: w


@overload(accum_div, jit_options={"cache": True})
def _accum_div(a, b):
    if isinstance(a, types.Integer):
        return lambda a, b: (np.int64(a) << 15) // b
    return lambda a, b: a / b


@overload(halve, jit_options={"cache": True})
def _halve(x):
    if isinstance(x, types.Integer):
        return lambda x: np.int64(x) >> 1
    return lambda x: x * 0.5


@overload(constant, jit_options={"cache": True})
def _constant(value, like):
    if isinstance(like, types.Integer):
        return lambda value, like: np.int64(np.rint(value * 32768.0))
    return lambda value, like: np.float64(value)
