"""Brain-process side of the transfer functions: devices built from specs on a PyNN brain."""

from .decoders import DECODERS
from .host import ENCODERS, DeviceHost
from .readout import LIFReadout

__all__ = ["DECODERS", "ENCODERS", "DeviceHost", "LIFReadout"]
