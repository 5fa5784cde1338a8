"""A training job killed with SIGKILL in the middle of an epoch, rerun by snakemake, resumes
from its last checkpoint and ends with the same results as a run that was never interrupted."""

import copy
import os
import shutil
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
import torch
import yaml
from conftest import REPO

SMOKE = yaml.safe_load((REPO / "configs" / "smoke.yaml").read_text())


def config():
    """The smoke config with a bigger corpus and more epochs, so that an epoch lasts a while."""
    cfg = copy.deepcopy(SMOKE)
    cfg["corpora"]["short"]["sizes"]["train"] = 1500
    cfg["cells"] = {"short/lstm-betac-C3": {"epochs": 4}}
    cfg["experiments"]["A5"].update(sentences=1500, lm={"epochs": 4})
    return cfg


def start(workdir, target):
    (workdir / "config.yaml").write_text(yaml.safe_dump(config()))
    return subprocess.Popen([sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "-d", str(workdir),
                             "--configfile", str(workdir / "config.yaml"), "--cores", "1", target],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)


def run_to_end(workdir, target, *extra):
    proc = subprocess.run([sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "-d", str(workdir),
                           "--configfile", str(workdir / "config.yaml"), "--cores", "1", target, *extra],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def kill_mid_epoch(workdir, target, checkpoint):
    """Start snakemake on target; SIGKILL it and its job as soon as the first epoch's
    checkpoint is written (the job is then inside its second epoch)."""
    proc = start(workdir, target)
    deadline = time.time() + 300
    while not checkpoint.exists():
        assert proc.poll() is None, proc.stdout.read()[-3000:]
        assert time.time() < deadline
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert torch.load(checkpoint, weights_only=True)["epoch"] < 4  # killed before the end


LM_TARGET = "results/fce/short/lstm-betac-C3/lm/greedy_seed1/metrics.parquet"
KINDS = {  # the job's target, its folder and the tables it writes there
    "vae": ("results/models/short/lstm-betac-C3/model.pt", "results/models/short/lstm-betac-C3", ["history.parquet"]),
    "lm": (LM_TARGET, "results/fce/short/lstm-betac-C3/lm/greedy_seed1", ["metrics.parquet"]),
}


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    """A folder where the LM's target (and so the VAE it learns from) ran uninterrupted."""
    workdir = tmp_path_factory.mktemp("whole")
    (workdir / "config.yaml").write_text(yaml.safe_dump(config()))
    run_to_end(workdir, LM_TARGET)
    return workdir


@pytest.mark.parametrize("kind", KINDS)
def test_a_job_killed_mid_epoch_resumes_to_the_same_result(tmp_path, whole, kind):
    target, folder, results = KINDS[kind]
    killed = tmp_path / "killed"
    if kind == "lm":  # what the LM learns from, as the uninterrupted run made it: only the LM job runs
        shutil.copytree(whole, killed, symlinks=True)
        shutil.rmtree(killed / folder)
    else:
        killed.mkdir()
    kill_mid_epoch(killed, target, killed / folder / "checkpoint.pt")
    assert not (killed / folder / "model.pt").exists()
    run_to_end(killed, target, "--unlock")  # a killed snakemake leaves its lock behind
    rerun = run_to_end(killed, target, "--rerun-incomplete")
    log = (killed / "results" / "logs").rglob("*.log")
    assert any("resuming from the checkpoint after epoch" in p.read_text() for p in log), rerun.stderr[-2000:]
    for name in results:
        killed_table, whole_table = (pd.read_parquet(run / folder / name).drop(columns="tokens_per_s", errors="ignore")
                                     for run in (killed, whole))
        pd.testing.assert_frame_equal(killed_table, whole_table, check_exact=True)
    a = torch.load(killed / folder / "model.pt", weights_only=True)["state_dict"]
    b = torch.load(whole / folder / "model.pt", weights_only=True)["state_dict"]
    assert all(torch.equal(a[k], b[k]) for k in a)
