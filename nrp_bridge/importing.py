"""Resolve ``"package.module:attribute"`` references (engine classes, build functions, TFs)."""

from __future__ import annotations

import importlib
from typing import Any


def resolve_reference(reference: str, what: str = "object") -> Any:
    """Import ``module`` and return ``attribute`` (dots walk into it) for ``"module:attribute"``."""
    module_name, sep, attribute = reference.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(f"{what} reference {reference!r} must look like 'package.module:name'")
    try:
        target: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise ImportError(f"cannot import module {module_name!r} for {what} {reference!r}: {exc}; "
                          "check the name and that its folder is on PYTHONPATH") from exc
    for part in attribute.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise ImportError(f"module {module_name!r} has no {attribute!r} (for {what} "
                              f"{reference!r})") from None
    return target
