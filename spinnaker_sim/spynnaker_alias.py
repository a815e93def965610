"""Make ``import pyNN.spiNNaker`` / ``import spynnaker.pyNN`` give the emulator.

An explicit opt-in: :func:`install_as_spinnaker` puts an import hook in front of
``sys.meta_path`` that answers sPyNNaker's module names with ours. It never shadows a real
sPyNNaker unless asked (``force=True``, as the ``spinnaker-sim`` runner and the emulated
Jupyter kernel do, the user having chosen them).
"""

import importlib
import importlib.abc
import importlib.util
import sys
import warnings

#: sPyNNaker's module names -> ours (None: an empty package that only holds submodules)
ALIASES = {
    "spynnaker": None,
    "spynnaker.pyNN": "spinnaker_sim",
    "spynnaker.pyNN.external_devices": "spinnaker_sim.external_devices",
    "spynnaker.pyNN.extra_models": "spinnaker_sim.extra_models",
    "pyNN.spiNNaker": "spinnaker_sim",
    "spynnaker8": "spinnaker_sim",
    "spynnaker8.external_devices": "spinnaker_sim.external_devices",
    "spynnaker8.extra_models": "spinnaker_sim.extra_models",
}
PACKAGES = {"spynnaker", "spynnaker.pyNN", "spynnaker.pyNN.external_devices", "spynnaker8",
            "spynnaker8.external_devices"}


class _AliasLoader(importlib.abc.Loader):
    """Hands out the already-imported module of ours, leaving its own spec untouched."""

    def __init__(self, target: str | None):
        self.target = target
        self.own_spec = None

    def create_module(self, spec):
        if self.target is None:
            return None
        module = importlib.import_module(self.target)
        self.own_spec = module.__spec__
        return module

    def exec_module(self, module):
        if self.target is None:
            module.__doc__ = "sPyNNaker's top package, standing in for spinnaker_sim's modules."
        else:  # the import system gave our module the alias's spec: give it its own back
            module.__spec__ = self.own_spec


class _AliasFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname not in ALIASES:
            return None
        return importlib.util.spec_from_loader(fullname, _AliasLoader(ALIASES[fullname]),
                                               is_package=fullname in PACKAGES)


def installed() -> bool:
    """Whether the alias hook is in place."""
    return any(isinstance(f, _AliasFinder) for f in sys.meta_path)


def real_spynnaker_origin() -> str | None:
    """Where a real sPyNNaker is installed, or None."""
    if installed():
        return None
    try:
        spec = importlib.util.find_spec("spynnaker")
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    return spec.origin or ", ".join(spec.submodule_search_locations or []) or "?"


def install_as_spinnaker(force: bool = False) -> bool:
    """Let ``import pyNN.spiNNaker``, ``import spynnaker.pyNN`` (and ``spynnaker8``) import the
    emulator. If a real sPyNNaker is installed it is left alone (with a warning) unless
    `force`; returns whether the emulator now answers those imports."""
    if installed():
        return True
    origin = real_spynnaker_origin()
    if origin is not None and not force:
        warnings.warn(f"A real sPyNNaker is installed ({origin}); pyNN.spiNNaker stays the real "
                      "one. Call install_as_spinnaker(force=True) to use the emulator instead.",
                      stacklevel=2)
        return False
    for name in ALIASES:  # a real sPyNNaker imported earlier stays in use by earlier imports
        module = sys.modules.get(name)
        if module is not None and not getattr(module, "__name__", "").startswith("spinnaker_sim"):
            del sys.modules[name]
    sys.meta_path.insert(0, _AliasFinder())
    return True


def uninstall_as_spinnaker() -> None:
    """Remove the hook and forget the aliased modules (the next import finds what is installed)."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _AliasFinder)]
    for name in ALIASES:
        sys.modules.pop(name, None)
    pynn = sys.modules.get("pyNN")
    if pynn is not None and getattr(pynn, "spiNNaker", None) is sys.modules.get("spinnaker_sim"):
        del pynn.spiNNaker
