"""Errors raised where the real SpiNNaker machine (or its toolchain) would refuse a model."""


class SpinnakerSimError(Exception):
    """Base class of the emulator's own errors."""


class MappingError(SpinnakerSimError):
    """The model does not fit the (virtual) machine: too many atoms, SDRAM, DTCM, delays, ...

    The message names the population or projection, the limit, the amount needed,
    and what to do instead.
    """


class DelayTooLongError(MappingError):
    """A delay exceeds what the ring buffer plus eight delay-extension stages can hold."""


class NotSetUpError(SpinnakerSimError):
    """An API call that needs a simulation was made before ``setup()``."""
