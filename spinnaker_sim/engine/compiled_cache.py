"""numba's on-disk cache of the package's kernels, kept in step with the package's sources.

numba trusts a cached function while its own source file is unchanged, but the cached machine
code also holds the kernels it calls from other files (the tick loop holds the neuron update,
delivery, the fixed-point helpers). After an update that changed only those, such as a
``git pull`` in an editable install, the old code would run. So at import the package's
sources are hashed, and where the hash differs from the one noted beside the cached code, that
code is dropped (it compiles afresh at first use, as on a fresh install).
"""

import hashlib
from pathlib import Path

import numba
from numba.core.caching import _CacheLocator

PACKAGE = Path(__file__).resolve().parents[1]
NOTE = "spinnaker_sim-sources.sha256"


def python_sources(package: Path) -> list[Path]:
    """Every Python source of `package`, in a stable order."""
    return sorted(package.rglob("*.py"))


def sources_digest(package: Path, sources: list[Path]) -> str:
    """A hash of the `sources` of `package` (names relative to it, and contents)."""
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_dirs(sources: list[Path]) -> list[Path]:
    """Where numba keeps the cached code of each folder of `sources`: beside them, or under
    NUMBA_CACHE_DIR where that is set."""
    folders = sorted({path.parent for path in sources})
    if numba.config.CACHE_DIR:
        return [Path(numba.config.CACHE_DIR)
                / _CacheLocator.get_suitable_cache_subpath(str(folder / "module.py"))
                for folder in folders]
    return [folder / "__pycache__" for folder in folders]


def drop_stale_compiled_code(package: Path = PACKAGE) -> None:
    """Delete the cached kernels of `package` that were compiled from other sources, and note
    the current sources' hash beside the cache (a folder that cannot be written is left)."""
    sources = python_sources(package)  # (listed once: this runs at every import)
    digest = sources_digest(package, sources)
    for folder in cache_dirs(sources):
        note = folder / NOTE
        try:
            if note.is_file() and note.read_text() == digest:
                continue
            folder.mkdir(parents=True, exist_ok=True)
            for stale in [*folder.glob("*.nbi"), *folder.glob("*.nbc")]:
                stale.unlink(missing_ok=True)
            note.write_text(digest)
        except OSError:
            continue
