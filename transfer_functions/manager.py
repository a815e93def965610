"""TransferFunctionManager: the glue the bridge calls each sync step, in the orchestrator process.

Per step: ``robot_to_neuron(t, env_outputs)`` -> values to set on brain devices;
``neuron_to_robot(t, brain_outputs)`` -> values to set on the env engine (e.g. {"action": a}).
TFs may be added, replaced and removed between steps; recorders and global variables survive.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from .binding import Binding, CallResult
from .catalog import SINK, SOURCE
from .loading import load_source
from .recorders import Recorder
from .tf import NEURON_TO_ROBOT, ROBOT_TO_NEURON, TransferFunction


class TransferFunctionManager:
    """Holds the TFs of an experiment, runs them, and tells the bridge what to read and create."""

    def __init__(self, tfs: Iterable[TransferFunction | str] = ()) -> None:
        self._bindings: dict[str, Binding] = {}
        self._globals: dict[str, Any] = {}
        self._global_initial: dict[str, Any] = {}
        self._recorders: dict[str, Recorder] = {}
        self._created: set[str] = set()  # device names the brain has been told to build
        self._pending_devices: dict[str, Any] = {}  # set by TFs, not yet sent to the brain
        self._messages: dict[str, Any] = {}  # published in robot_to_neuron, sent with the action
        self._env: dict[str, Any] = {}
        self._brain: dict[str, Any] = {}
        for tf in tfs:
            self.add(tf)
        self.device_specs()  # the specs handed out at initialize count as created

    # ---- what the bridge asks at initialize and each step ------------------------------------
    @property
    def transfer_functions(self) -> list[TransferFunction]:
        """The TFs in the order they run."""
        return [b.tf for b in self._bindings.values()]

    def __getitem__(self, name: str) -> TransferFunction:
        return self._binding(name).tf

    def device_specs(self) -> list[dict]:
        """Specs of every device the current TFs use (send to the brain engine at initialize)."""
        specs = [s for b in self._bindings.values() for s in b.tf.device_specs()]
        self._created.update(s["name"] for s in specs)
        return specs

    def brain_reads(self) -> list[str]:
        """Decoder names whose values neuron_to_robot needs each step."""
        return [n for b in self._bindings.values() for n in b.tf.device_names(SINK)]

    def env_reads(self) -> list[str]:
        """Env output names (datapacks) the TFs read each step."""
        return sorted({topic for b in self._bindings.values() for topic in b.tf.env_topics()})

    def robot_to_neuron(self, t: float, env_outputs: dict[str, Any]) -> dict[str, Any]:
        """Run the robot_to_neuron TFs on the env outputs; the device values to set on the brain."""
        self._env = dict(env_outputs)
        for _, result in self._run(ROBOT_TO_NEURON, t):
            self._messages.update(result.messages)
        out, self._pending_devices = self._pending_devices, {}
        return out

    def neuron_to_robot(self, t: float, brain_outputs: dict[str, Any]) -> dict[str, Any]:
        """Run the neuron_to_robot TFs on the decoder values; the values to set on the env."""
        self._brain = dict(brain_outputs)
        out, self._messages = self._messages, {}
        for binding, result in self._run(NEURON_TO_ROBOT, t):
            out.update(result.messages)
            if binding.tf.topic is not None and result.returned is not None:
                out[binding.tf.topic] = result.returned
        return out

    def _run(self, kind: str, t: float) -> list[tuple[Binding, CallResult]]:
        """Call every TF of `kind` in order; device values they set wait for robot_to_neuron."""
        results = []
        for binding in list(self._bindings.values()):
            if binding.tf.kind == kind:
                result = binding.call(t, self._env, self._brain)
                self._pending_devices.update(result.devices)
                results.append((binding, result))
        return results

    # ---- runtime edits ---------------------------------------------------------------------
    def add(self, tf: TransferFunction | str) -> list[dict]:
        """Add TF(s) (a TransferFunction or source text); returns specs of devices the brain lacks."""
        new: list[dict] = []
        for item in self._as_tfs(tf):
            if item.name in self._bindings:
                raise ValueError(f"a transfer function named {item.name!r} exists; use "
                                 "replace() to change it or remove() it first")
            self._check_topic(item)
            self._bindings[item.name] = Binding(item, self._globals, self._recorders, self._global_initial)
            new += self._new_specs(item)
        return new

    def replace(self, tf: TransferFunction | str) -> list[dict]:
        """Swap in a new version of a TF of the same name, keeping its place, recorders and
        global variables; returns specs of devices the brain lacks."""
        new: list[dict] = []
        for item in self._as_tfs(tf):
            old = self._binding(item.name)
            self._check_topic(item, ignore=item.name)
            binding = Binding(item, self._globals, self._recorders, self._global_initial)
            self._bindings[item.name] = binding
            dropped = set(old.tf.device_names(SOURCE)) - set(item.device_names(SOURCE))
            self._switch_off(dropped)
            new += self._new_specs(item)
        return new

    def remove(self, tf: TransferFunction | str) -> None:
        """Remove a TF (by object or name); its encoders are switched off at the next step
        (PyNN cannot delete devices), its recorders are kept."""
        name = tf.name if isinstance(tf, TransferFunction) else tf
        binding = self._binding(name)
        del self._bindings[name]
        self._switch_off(binding.tf.device_names(SOURCE))

    def reset(self) -> None:
        """Back to the start of an experiment: variables to initial values, no stale inputs.
        Recorders keep their rows."""
        self._env, self._brain, self._messages, self._pending_devices = {}, {}, {}, {}
        self._globals.update(copy.deepcopy(self._global_initial))
        for binding in self._bindings.values():
            binding.reset_local_variables()

    @property
    def recorders(self) -> dict[str, Recorder]:
        """Every recorder so far, by ``"<tf name>.<parameter>"``, including removed TFs' ones."""
        return dict(self._recorders)

    @property
    def variables(self) -> dict[str, Any]:
        """The GLOBAL variables, by name."""
        return dict(self._globals)

    # ---- helpers ---------------------------------------------------------------------------
    def _binding(self, name: str) -> Binding:
        try:
            return self._bindings[name]
        except KeyError:
            raise KeyError(f"no transfer function named {name!r}; there are "
                           f"{list(self._bindings)}") from None

    @staticmethod
    def _as_tfs(tf: TransferFunction | str) -> list[TransferFunction]:
        if isinstance(tf, TransferFunction):
            return [tf]
        if isinstance(tf, str):
            return load_source(tf)
        raise TypeError(f"expected a TransferFunction or its source text, not {tf!r}")

    def _check_topic(self, tf: TransferFunction, ignore: str | None = None) -> None:
        if tf.topic is None:
            return
        for other in self._bindings.values():
            if other.tf.name not in (tf.name, ignore) and other.tf.topic == tf.topic:
                raise ValueError(f"transfer functions {other.tf.name!r} and {tf.name!r} both "
                                 f"return the env input {tf.topic!r}; give one another topic "
                                 "or merge them")

    def _new_specs(self, tf: TransferFunction) -> list[dict]:
        specs = [s for s in tf.device_specs() if s["name"] not in self._created]
        self._created.update(s["name"] for s in specs)
        return specs

    def _switch_off(self, names: Iterable[str]) -> None:
        for name in names:
            if name in self._created:
                self._pending_devices[name] = None  # DeviceHost: None = rate/amplitude 0
