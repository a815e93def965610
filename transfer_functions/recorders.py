"""Per-TF recorders: rows with named columns, readable as a structured array at any time, CSV in and out."""

from __future__ import annotations

import csv
import numbers
from pathlib import Path
from typing import Any

import numpy as np


_SCALARS = (int, float, str)  # taken as they are (a TF records a row or two every step)


class Recorder:
    """NRP's CSV recorder: ``record_entry(*values)`` appends a row; ``data`` is a structured array.

    Rows stay in memory (nothing is lost when a TF raises or is replaced); ``to_csv`` writes them.
    """

    def __init__(self, name: str, headers: list[str] | tuple[str, ...],
                 filename: str | Path | None = None) -> None:
        if not headers:
            raise ValueError(f"recorder {name!r} needs headers, e.g. headers=['time', 'x']")
        if len(set(headers)) != len(headers):
            raise ValueError(f"recorder {name!r} has repeated headers {list(headers)}")
        self.name = name
        self.headers = [str(h) for h in headers]
        self.filename = Path(filename) if filename is not None else None
        self._rows: list[tuple] = []

    def record_entry(self, *values: Any) -> None:
        """Append one row: one scalar per header."""
        if len(values) != len(self.headers):
            raise ValueError(f"recorder {self.name!r} has {len(self.headers)} columns "
                             f"{self.headers} but record_entry got {len(values)} values")
        row = []
        for header, value in zip(self.headers, values):
            if isinstance(value, np.generic):
                value = value.item()
            elif not isinstance(value, _SCALARS) and np.ndim(value) != 0:
                raise ValueError(f"recorder {self.name!r}: column {header!r} takes a scalar, "
                                 f"got an array of shape {np.shape(value)}")
            row.append(value)
        self._rows.append(tuple(row))

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def rows(self) -> list[tuple]:
        """The rows recorded so far (a copy)."""
        return list(self._rows)

    @property
    def data(self) -> np.ndarray:
        """The rows so far as a structured array (numeric columns float64/int64/bool, others str)."""
        return _table(self.headers, self._rows)

    def to_csv(self, path: str | Path | None = None) -> Path:
        """Write the rows with a header line to `path` (default: the recorder's filename)."""
        target = Path(path) if path is not None else self.filename
        if target is None:
            raise ValueError(f"recorder {self.name!r} has no filename; pass a path to to_csv()")
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(self.headers)
            writer.writerows(self._rows)
        return target


def read_csv(path: str | Path) -> np.ndarray:
    """A CSV written by ``Recorder.to_csv`` back as the same structured array."""
    with open(path, newline="") as f:
        reader = csv.reader(f)
        headers = next(reader)
        rows = [tuple(_parse(cell) for cell in row) for row in reader]
    return _table(headers, rows)


def _parse(cell: str) -> Any:
    for convert in (int, float):
        try:
            return convert(cell)
        except ValueError:
            pass
    return {"True": True, "False": False}.get(cell, cell)


def _column_dtype(values: list) -> Any:
    if values and all(isinstance(v, bool) for v in values):
        return np.bool_
    if all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in values):
        return np.int64
    if all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values):
        return np.float64
    return np.str_


def _table(headers: list[str], rows: list[tuple]) -> np.ndarray:
    columns = list(zip(*rows)) if rows else [() for _ in headers]
    dtypes = []
    for header, values in zip(headers, columns):
        kind = _column_dtype(list(values))
        if kind is np.str_:
            width = max((len(str(v)) for v in values), default=1)
            dtypes.append((header, f"U{max(width, 1)}"))
        else:
            dtypes.append((header, kind))
    table = np.empty(len(rows), dtype=dtypes)
    for header, values in zip(headers, columns):
        table[header] = [str(v) for v in values] if table.dtype[header].kind == "U" else values
    return table
