import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SHARED_CORPORA = REPO.parent / "shared" / "corpora"
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))  # the benchmarks' helpers (plan_paper.stub_corpora, ...)
SMOKE = yaml.safe_load((REPO / "configs" / "smoke.yaml").read_text())
# the rules profiles/slurm gives a GPU
SLURM_GPU_RULES = {rule for rule, resources in yaml.safe_load(
    (REPO / "profiles" / "slurm" / "config.yaml").read_text())["set-resources"].items() if resources.get("gpu")}


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


def job(input=(), output=(), params=None, threads=1, config=None, wildcards=None):
    """A stand-in for the snakemake object a script receives."""
    as_files = lambda x: x if isinstance(x, Files) else Files(*x) if isinstance(x, (list, tuple)) else Files(**x)  # noqa: E731
    return SimpleNamespace(input=as_files(input), output=as_files(output),
                           params=SimpleNamespace(**(params or {})), wildcards=SimpleNamespace(**(wildcards or {})),
                           threads=threads, log=[],
                           config=config or {})


def shared_corpus(name: str) -> Path:
    path = SHARED_CORPORA / name
    if not path.exists():
        pytest.skip(f"real corpus {path} is absent (it lives in ../shared/corpora beside the repository)")
    return path


@pytest.fixture(autouse=True)
def _gpu_lock_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TEXTVAE_GPU_LOCK_DIR", str(tmp_path / "gpu-locks"))
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def snakemake(workdir, *args, config=None, snakefile=REPO / "Snakefile", configname="config.yaml"):
    """`snakemake --configfile workdir/configname` on `config` (default: the smoke config) in
    workdir, 2 cores."""
    cfg = workdir / configname
    cfg.write_text(yaml.safe_dump(config or SMOKE))
    return subprocess.run([sys.executable, "-m", "snakemake", "-s", str(snakefile), "-d", str(workdir),
                           "--configfile", str(cfg), "--cores", "2", *args],
                          capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="session")
def smoke_run(tmp_path_factory):
    """A folder where the smoke config's `tables` ran to the end."""
    workdir = tmp_path_factory.mktemp("smoke")
    run = snakemake(workdir, "tables")
    assert run.returncode == 0, run.stderr[-3000:]
    assert re.search(r"claims: \d+: \d+ holds, \d+ fails, \d+ undecided", run.stdout + run.stderr)  # the summary
    return workdir


def assert_same_tables(first: Path, second: Path, rtol: float | None = None) -> None:
    """Every table of the run in `second` equal to the same rows of the run in `first` (those
    of the corpora `second` ran, where it ran fewer, and the claims it decided, where it ran
    fewer experiments, but for their false discovery control over another family), but for the
    training time: to the last bit, or within `rtol` relative
    and absolute (runs whose jobs had different thread counts sum floats in another order)."""
    tables = sorted((second / "results" / "tables").glob("*.parquet"))
    assert len(tables) > 10
    corpora = set(pd.read_parquet(second / "results" / "tables" / "runs.parquet")["corpus"])
    for path in tables:
        one, other = pd.read_parquet(first / "results" / "tables" / path.name), pd.read_parquet(path)
        if set(one["corpus"]) & corpora:  # not a paper table (the paper's corpora)
            one = one[one["corpus"].isin(corpora)].reset_index(drop=True)
        if "claim" in other:
            decided = set(zip(other["claim"], other["corpus"], other["statement"]))
            one = one[[key in decided for key in zip(one["claim"], one["corpus"], one["statement"])]]
            # the false discovery control adjusts over the whole run's family, which a run of fewer
            # experiments makes smaller
            one, other = (frame.drop(columns=["p_fdr", "outcome_fdr"]) for frame in (one.reset_index(drop=True), other))
        if path.name == "runs.parquet":  # the one column that measures time, not results
            one, other = one.drop(columns="train_seconds"), other.drop(columns="train_seconds")
        if rtol is None:
            pd.testing.assert_frame_equal(one, other, check_exact=True, obj=path.name)
        else:
            pd.testing.assert_frame_equal(one, other, check_exact=False, rtol=rtol, atol=rtol, obj=path.name)


def why_no_slurm() -> str | None:
    """Why this machine cannot run the local SLURM cluster of tests/test_slurm.py, or None."""
    if os.geteuid() != 0:
        return "starting SLURM's daemons needs root"
    own = Path("/etc/slurm/slurm.conf")
    if own.exists() and not own.is_symlink():
        return "this machine has a SLURM configuration of its own (/etc/slurm/slurm.conf)"
    if not (shutil.which("slurmctld") or shutil.which("apt-get")):
        return "SLURM is not installed and there is no apt-get to install it"
    try:
        import snakemake_executor_plugin_slurm  # noqa: F401
    except ImportError:
        return "snakemake-executor-plugin-slurm is not installed: pip install -e '.[test]'"
    return None
