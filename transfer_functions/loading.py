"""TFs from source text (a notebook cell, a file, a remote edit), with line numbers in tracebacks."""

from __future__ import annotations

import itertools
import linecache

from .errors import TransferFunctionError

_counter = itertools.count(1)


def load_source(code: str, filename: str | None = None) -> list:
    """Execute `code` (which may use ``nrp``, ``np`` and ``transfer_functions`` freely) and return the
    TransferFunctions it defines. A syntax or import error raises TransferFunctionError."""
    from . import nrp
    from .tf import TransferFunction

    filename = filename or f"<transfer function source {next(_counter)}>"
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    namespace = {"__name__": "transfer_function_source", "nrp": nrp}
    try:
        exec(compile(code, filename, "exec"), namespace)  # noqa: S102 - running user TFs is the job
    except Exception as error:
        raise TransferFunctionError.from_exception(filename, None, error) from error
    tfs = [v for v in namespace.values() if isinstance(v, TransferFunction)]
    if not tfs:
        raise ValueError(f"{filename} defines no transfer function; decorate a function with "
                         "@nrp.Robot2Neuron() or @nrp.Neuron2Robot(...)")
    for tf in tfs:
        tf._source = code
    return tfs
