"""A matplotlib window that shows RGB frames without blocking (``render_mode="human"``).

With an interactive backend the window is updated and the GUI gets ``1 / fps`` seconds to
draw; with a non-interactive one (Agg, Jupyter inline) the figure is drawn off-screen only, so
headless runs and tests take the same path. In notebooks, prefer ``render_mode="rgb_array"``.
"""

from __future__ import annotations

import numpy as np


class FrameViewer:
    """One figure showing the latest frame; ``close`` releases it."""

    def __init__(self, title: str, fps: float) -> None:
        import matplotlib.pyplot as plt  # imported here: only human rendering needs pyplot
        from matplotlib.backends import backend_registry

        self._plt = plt
        self._interval = 1.0 / fps
        _, gui = backend_registry.resolve_backend(plt.get_backend())
        self._interactive = gui is not None
        self.figure, axes = plt.subplots()
        if self.figure.canvas.manager is not None:
            self.figure.canvas.manager.set_window_title(title)
        axes.set_axis_off()
        self.figure.tight_layout(pad=0)
        self._axes = axes
        self._artist = None

    def show(self, frame: np.ndarray) -> None:
        """Display ``frame`` (uint8 HxWx3) in place of the previous one."""
        if self._artist is None or self._artist.get_array().shape != frame.shape:
            self._axes.clear()
            self._axes.set_axis_off()
            self._artist = self._axes.imshow(frame, interpolation="nearest")
        else:
            self._artist.set_data(frame)
        if self._interactive:
            self._plt.figure(self.figure)  # pause() shows and runs the active figure
            self._plt.pause(self._interval)
        else:
            self.figure.canvas.draw()

    def close(self) -> None:
        """Close the window; safe to call twice."""
        self._plt.close(self.figure)
