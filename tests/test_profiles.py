"""The profiles as Snakemake reads them: profiles/default is loaded after any --profile and wins
key by key, so it must not hold what an executor's profile sets; the SLURM profile's settings,
resources and log folder; results_folder, which the SLURM profile calls."""

import os
import subprocess
import sys

import pytest
import yaml
from conftest import REPO, SLURM_GPU_RULES, SMOKE
from test_workflow import job_blocks

from textvae.profile import results_folder

SLURM = REPO / "profiles" / "slurm"


def effective_args(monkeypatch, *argv):
    """Snakemake's arguments after its profiles (and profiles/default) are applied to the
    command line `snakemake -s Snakefile *argv`."""
    from snakemake.cli import parse_args

    argv = ["-s", str(REPO / "Snakefile"), *argv]
    monkeypatch.setattr(sys, "argv", ["snakemake", *argv])  # what profiles/slurm reads
    return parse_args(argv)[1]


def smoke_config(tmp_path, **changes):
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump({**SMOKE, **changes}))
    return path


def test_the_slurm_profile_wins_over_the_default_profile(tmp_path, monkeypatch):
    """Under --profile profiles/slurm: the cluster's latency wait, no cap on the cores (a local
    `cores` would cap every job's threads and the cluster's concurrency), SLURM's logs under the
    config's results folder; and what profiles/default adds still applies."""
    cfg = smoke_config(tmp_path, results="results-mine", threads=4)
    args = effective_args(monkeypatch, "-d", str(tmp_path), "--profile", str(SLURM), "tables", "--configfile", str(cfg))
    assert args.executor == "slurm" and args.latency_wait == 60 and args.jobs == 100
    assert args.cores is None
    assert os.path.abspath(args.slurm_logdir) == str(tmp_path / "results-mine" / "logs" / "slurm")
    assert args.rerun_incomplete and args.printshellcmds


def test_the_default_profile_leaves_cores_and_latency_to_the_command_line(monkeypatch):
    args = effective_args(monkeypatch, "--cores", "3", "tables")
    assert args.cores == 3 and args.latency_wait == 5 and args.rerun_incomplete and args.executor is None


@pytest.mark.parametrize("argv", [["--cores", "2"], ["--profile", str(SLURM)]])
def test_the_job_rate_limit_spans_five_seconds_under_every_profile(monkeypatch, argv):
    """Snakemake's default rate (100 jobs in 1 s) at a 5-s timespan: 500 jobs in 5 s, locally and
    under the SLURM profile; a limit on the command line still wins."""
    limit = effective_args(monkeypatch, *argv, "tables").max_jobs_per_timespan
    assert (limit.max_jobs, limit.timespan) == (500, 5)
    mine = effective_args(monkeypatch, *argv, "--max-jobs-per-timespan", "10/1s", "tables").max_jobs_per_timespan
    assert (mine.max_jobs, mine.timespan) == (10, 1)


def test_the_slurm_plan_keeps_the_configs_threads_and_sends_gpu_rules_to_the_gpu_partition(tmp_path, monkeypatch):
    """A config of 4 threads plans its model jobs with 4 threads (SLURM's CPUs per task) under
    the SLURM profile; GPU rules take the GPU partition and model from the environment, CPU
    jobs the other partition."""
    cfg = smoke_config(tmp_path, threads=4)
    env = {**os.environ, "TEXTVAE_SLURM_PARTITION": "cpuq", "TEXTVAE_SLURM_GPU_PARTITION": "gpuq",
           "TEXTVAE_SLURM_GPU_MODEL": "a100"}
    # a dry run caps threads at --cores (1 when not given); 64 stands for the cluster
    run = subprocess.run([sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "-d", str(tmp_path),
                          "--profile", str(SLURM), "--cores", "64", "-n", "tables", "--configfile", str(cfg)],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    blocks = {}
    for rule, block in job_blocks(run.stdout):
        blocks.setdefault(rule, []).append(block)
    for rule in SLURM_GPU_RULES & blocks.keys():
        for block in blocks[rule]:
            assert "threads: 4" in block, block
            assert "slurm_partition=gpuq" in block and "gpu_model=a100" in block and "gpu=1" in block, block
    assert {"train", "evaluate", "fce_lm"} <= blocks.keys()
    for block in blocks["prepare_corpus"]:
        assert "slurm_partition=cpuq" in block and "gpu" not in block.split("resources:")[1], block


@pytest.mark.parametrize("argv, config_yaml, expected", [
    (["--configfile", "{d}/a.yaml"], None, "./results-a"),
    (["--configfile", "{d}/a.yaml", "{d}/b.yaml"], None, "./results-b"),
    (["--configfiles", "{d}/b.yaml", "{d}/a.yaml", "--cores", "2"], None, "./results-a"),
    (["-d", "{d}", "--configfile", "{d}/a.yaml", "--config", "results=elsewhere", "threads=2"], None,
     "{d}/elsewhere"),
    (["-d", "{d}", "tables"], "results: from-config-yaml\n", "{d}/from-config-yaml"),
    (["--directory", "{d}", "tables"], None, "{d}/results"),
])
def test_results_folder_of_a_command_line(tmp_path, argv, config_yaml, expected):
    (tmp_path / "a.yaml").write_text("results: results-a\n")
    (tmp_path / "b.yaml").write_text("results: results-b\nthreads: 2\n")
    if config_yaml:
        (tmp_path / "config.yaml").write_text(config_yaml)
    argv = [a.format(d=tmp_path) for a in argv]
    assert results_folder(argv) == expected.format(d=tmp_path)
