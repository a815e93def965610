"""TransferFunctionError: a TF raised; it names the TF, the line and carries the traceback text."""

from __future__ import annotations

import traceback
from types import CodeType


class TransferFunctionError(RuntimeError):
    """A transfer function failed. The experiment pauses on it; fix the TF (manager.replace) and resume.

    Attributes: tf_name, lineno, filename, error_type, error_message, traceback_text.
    """

    def __init__(self, tf_name: str, lineno: int | None, filename: str | None, error_type: str,
                 error_message: str, traceback_text: str) -> None:
        self.tf_name = tf_name
        self.lineno = lineno
        self.filename = filename
        self.error_type = error_type
        self.error_message = error_message
        self.traceback_text = traceback_text
        where = f"line {lineno} of {filename}" if lineno is not None else "an unknown line"
        super().__init__(f"transfer function {tf_name!r} raised {error_type} at {where}: "
                         f"{error_message}\n{traceback_text}")

    @classmethod
    def from_exception(cls, tf_name: str, code: CodeType | None,
                       error: BaseException) -> TransferFunctionError:
        """Build from an exception raised while running the TF whose code object is `code`."""
        frames = traceback.extract_tb(error.__traceback__)
        lineno, filename = None, None
        if isinstance(error, SyntaxError):
            lineno, filename = error.lineno, error.filename
        for frame in frames:  # the deepest frame inside the TF itself
            if code is not None and frame.filename == code.co_filename and frame.name == code.co_name:
                lineno, filename = frame.lineno, frame.filename
        if lineno is None and frames:
            lineno, filename = frames[-1].lineno, frames[-1].filename
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        return cls(tf_name, lineno, filename, type(error).__name__, str(error), text)

    def to_dict(self) -> dict:
        """The error as plain data (for the bridge to send or log)."""
        return {"tf_name": self.tf_name, "lineno": self.lineno, "filename": self.filename,
                "error_type": self.error_type, "error_message": self.error_message,
                "traceback": self.traceback_text}
