"""Helpers of the sPyNNaker-compatibility tests: run notebooks on a kernel, read their output."""

import os
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "examples" / "notebooks"


def execute(notebook, kernel_name: str, cwd: Path, timeout: int = 120):
    """Run `notebook` top to bottom on `kernel_name`; returns it with outputs."""
    from nbclient import NotebookClient
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("MPLBACKEND", None)  # kernels draw inline
    client = NotebookClient(notebook, kernel_name=kernel_name, timeout=timeout,
                            resources={"metadata": {"path": str(cwd)}})
    client.execute(env=env)
    return notebook


def text_output(notebook) -> str:
    """All stream and text/plain output of the notebook's cells."""
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                parts.append(output["text"])
            elif "data" in output and "text/plain" in output["data"]:
                parts.append(output["data"]["text/plain"])
    return "\n".join(parts)


def notebook_of_code(*sources: str):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
