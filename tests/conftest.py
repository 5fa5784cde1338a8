import importlib.util
import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_CORPORA = REPO.parent / "shared" / "corpora"
sys.path.insert(0, str(REPO / "src"))


def load_script(name: str):
    """Import workflow/scripts/<name>.py as a module (its main is then callable)."""
    spec = importlib.util.spec_from_file_location(name, REPO / "workflow" / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Files(list):
    """A list of paths that also answers attribute access, like snakemake.input/output."""

    def __init__(self, *positional, **named):
        super().__init__(list(positional) + list(named.values()))
        self.__dict__.update(named)

    def __getitem__(self, key):
        return self.__dict__[key] if isinstance(key, str) else super().__getitem__(key)


def job(input=(), output=(), params=None, threads=1):
    """A stand-in for the snakemake object a script receives."""
    as_files = lambda x: x if isinstance(x, Files) else Files(*x) if isinstance(x, (list, tuple)) else Files(**x)  # noqa: E731
    return SimpleNamespace(input=as_files(input), output=as_files(output),
                           params=SimpleNamespace(**(params or {})), threads=threads, log=[])


def shared_corpus(name: str) -> Path:
    path = SHARED_CORPORA / name
    if not path.exists():
        pytest.skip(f"real corpus {path} is absent (it lives in ../shared/corpora beside the repository)")
    return path


@pytest.fixture(autouse=True)
def _gpu_lock_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TEXTVAE_GPU_LOCK_DIR", str(tmp_path / "gpu-locks"))
    os.environ.setdefault("OMP_NUM_THREADS", "1")
