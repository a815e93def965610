"""Cached kernels compiled from other sources are dropped at import (numba alone checks only
each function's own file, not the files of the kernels it calls)."""

import numba
import pytest

from spinnaker_sim.engine import compiled_cache


@pytest.fixture
def package(tmp_path):
    """A package of two source folders."""
    root = tmp_path / "pkg"
    (root / "engine").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "engine" / "loop.py").write_text("def loop(): return callee()\n")
    (root / "engine" / "callee.py").write_text("def callee(): return 1\n")
    return root


def _write_cached_code(folders):
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("loop.loop-1.py311.nbi", "loop.loop-1.py311.1.nbc"):
            (folder / name).write_bytes(b"compiled")


def _cached_code(folders):
    return sorted(str(path) for folder in folders for path in folder.iterdir()
                  if path.suffix in (".nbi", ".nbc"))


@pytest.mark.parametrize("cache_dir", ["", "numba-cache"])
def test_cached_code_stays_until_a_source_of_the_package_changes(package, tmp_path, monkeypatch,
                                                                 cache_dir):
    monkeypatch.setattr(numba.config, "CACHE_DIR", str(tmp_path / cache_dir) if cache_dir else "")
    folders = compiled_cache.cache_dirs(compiled_cache.python_sources(package))
    if cache_dir:  # numba's folders under NUMBA_CACHE_DIR
        assert len(folders) == 2
        assert all(folder.parent == tmp_path / cache_dir for folder in folders)
    else:
        assert folders == [package / "__pycache__", package / "engine" / "__pycache__"]
    compiled_cache.drop_stale_compiled_code(package)  # notes the sources' hash
    _write_cached_code(folders)
    assert len(_cached_code(folders)) == 4
    compiled_cache.drop_stale_compiled_code(package)  # same sources: the code stays
    assert len(_cached_code(folders)) == 4
    (package / "engine" / "callee.py").write_text("def callee(): return 2\n")
    compiled_cache.drop_stale_compiled_code(package)  # a callee changed: all of it goes
    assert _cached_code(folders) == []
    digest = compiled_cache.sources_digest(package, compiled_cache.python_sources(package))
    assert all((folder / compiled_cache.NOTE).read_text() == digest for folder in folders)


def test_cached_code_from_before_the_hash_was_noted_is_dropped(package, monkeypatch):
    monkeypatch.setattr(numba.config, "CACHE_DIR", "")
    folders = compiled_cache.cache_dirs(compiled_cache.python_sources(package))
    _write_cached_code(folders)
    compiled_cache.drop_stale_compiled_code(package)
    assert _cached_code(folders) == []


def test_the_package_notes_the_hash_of_its_sources_when_imported():
    sources = compiled_cache.python_sources(compiled_cache.PACKAGE)
    folder = compiled_cache.cache_dirs(sources)[0]
    assert (folder / compiled_cache.NOTE).read_text() == compiled_cache.sources_digest(
        compiled_cache.PACKAGE, sources)
