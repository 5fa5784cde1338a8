"""The smoke config on its corpus `short` with 4 threads through profiles/slurm on a real
single-node SLURM cluster started on this machine (tests/slurm/cluster.sh): four GPU generic
resources, every job but the local rules an sbatch submission with the config's threads as
CPUs and the profile's latency wait, and the same tables as the local smoke run of 1 thread
for that corpus (within 1e-6: more threads sum floats in another order; where SLURM cannot run,
tests/test_workflow.py checks two local runs to the last bit).  A1 (training and evaluating
every architecture), A2 and A4 (decoding) and B1 run; the other experiments add jobs of the
same rules and are left to the local smoke run, to keep CI short."""

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml
from conftest import REPO, SLURM_GPU_RULES, assert_same_tables, why_no_slurm

CLUSTER = REPO / "tests" / "slurm" / "cluster.sh"
# the rules that say `localrule: True`
LOCAL_RULES = {name for rules in [REPO / "Snakefile", *(REPO / "workflow" / "rules").glob("*.smk")]
               for name in re.findall(r"^rule (\w+):\n(?:    .*\n|\n)*?    localrule: True", rules.read_text(), re.M)}
THREADS = 4
GPUS = [str(i) for i in range(4)]  # the cluster's GPU indices


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """The cluster's state folder; its daemons are stopped by their PIDs afterwards."""
    reason = why_no_slurm()
    if reason:
        pytest.skip(reason)
    if not shutil.which("slurmctld"):
        installed = subprocess.run([str(CLUSTER), "install"], capture_output=True, text=True, timeout=600)
        if installed.returncode:
            pytest.skip(f"SLURM could not be installed: {installed.stderr.strip()}")
    state = tmp_path_factory.mktemp("slurm")
    started = subprocess.run([str(CLUSTER), "start", str(state)], capture_output=True, text=True, timeout=120,
                             env={**os.environ, "TEXTVAE_SLURM_GPUS": str(len(GPUS))})
    try:
        assert started.returncode == 0, started.stderr
        yield state
    finally:
        subprocess.run(["scancel", "--user", "root"], capture_output=True)
        subprocess.run([str(CLUSTER), "stop", str(state)], capture_output=True, timeout=60)


def daemon_pids(state: Path) -> list[int]:
    return [int((state / f"{name}.pid").read_text()) for name in ("slurmctld", "slurmd", "munged")]


def watch_jobs(snapshots: list, stop: threading.Event) -> None:
    """Every half second, the running jobs: (job id, rule, GPU indices SLURM gave it, CPUs)."""
    while not stop.is_set():
        shown = subprocess.run(["scontrol", "-d", "-o", "show", "job"], capture_output=True, text=True).stdout
        running = []
        for line in shown.splitlines():
            if "JobState=RUNNING" not in line:
                continue
            rule = re.search(r"Comment=rule_(\w+?)(?:_wildcards|\s|$)", line)
            gpus = re.search(r"IDX:([\d,-]+)\)", line)
            running.append((re.search(r"JobId=(\d+)", line).group(1), rule.group(1) if rule else "?",
                            gpus.group(1) if gpus else None, int(re.search(r"NumCPUs=(\d+)", line).group(1))))
        snapshots.append(running)
        stop.wait(0.5)


def test_smoke_config_runs_through_the_slurm_profile(cluster, tmp_path, smoke_run):
    config = yaml.safe_load((REPO / "configs" / "smoke.yaml").read_text())
    del config["corpora"]["long"]  # a quarter of the jobs
    # train, evaluate, reconstruct and homotopy jobs through SLURM; the local smoke run has the rest
    config["experiments"] = {name: config["experiments"][name] for name in ("A1", "A2", "A4", "B1")}
    for experiment in config["experiments"].values():
        if "corpora" in experiment:
            experiment["corpora"] = ["short"]
    (tmp_path / "config.yaml").write_text(yaml.safe_dump({**config, "threads": THREADS}))
    snapshots, stop = [], threading.Event()
    watcher = threading.Thread(target=watch_jobs, args=(snapshots, stop))
    watcher.start()
    # the profile as a site would use it; this cluster keeps no accounting, hence squeue
    command = ["timeout", "-k", "20", "900", sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"),
               "-d", str(tmp_path), "--configfile", str(tmp_path / "config.yaml"),
               "--profile", str(REPO / "profiles" / "slurm"), "--slurm-status-command", "squeue",
               "--slurm-init-seconds-before-status-checks", "2", "--max-status-checks-per-second", "2",
               "--verbose", "tables"]
    try:
        run = subprocess.run(command, capture_output=True, text=True)
    finally:
        stop.set()
        watcher.join()
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-4000:]
    # a second run from scratch, on another executor: the same tables as the local run's
    assert_same_tables(smoke_run, tmp_path, rtol=1e-6)

    # the jobs of the local rules ran here; every other job was an sbatch submission, with the
    # profile's latency wait, and SLURM saw each one end with exit code 0
    planned = int(re.search(r"^total\s+(\d+)", out, re.M).group(1))
    submitted = set(re.findall(r"has been submitted with SLURM jobid (\d+)", out))
    local = re.findall(r"^localrule (\w+):", out, re.M)
    remote = set(re.findall(r"^rule (\w+):", out, re.M))
    assert set(local) <= LOCAL_RULES and not remote & LOCAL_RULES and len(submitted) + len(local) == planned
    assert {"table_claims", "figure", "prior_draws"} <= set(local)
    calls = re.findall(r"sbatch call: (.*)", out)
    assert len(calls) == len(submitted) and all("--latency-wait 60" in call for call in calls)
    log = (cluster / "slurmctld.log").read_text()
    done = set(re.findall(r"_job_complete: JobId=(\d+) WEXITSTATUS 0", log))
    assert submitted <= done
    # each model job had the config's threads as CPUs (the cap of a local `cores` is gone)
    assert {n for running in snapshots for _, rule, _, n in running if rule in SLURM_GPU_RULES} == {THREADS}
    # SLURM's own logs are under the run's results folder
    assert len(list((tmp_path / "results" / "logs" / "slurm").rglob("*.log"))) == len(submitted)

    # GPU rules asked for a GPU; jobs running together held distinct ones
    gpu_jobs = {job: gpus for running in snapshots for job, rule, gpus, _ in running if rule in SLURM_GPU_RULES}
    assert gpu_jobs and all(gpus in GPUS for gpus in gpu_jobs.values())
    together = [[g for _, rule, g, _ in running if rule in SLURM_GPU_RULES] for running in snapshots]
    assert any(len(gpus) >= 2 for gpus in together), "no two GPU jobs ever ran at the same time"
    assert all(len(set(gpus)) == len(gpus) for gpus in together)
    # and each job saw its GPU as CUDA_VISIBLE_DEVICES
    seen = [re.search(r"CUDA_VISIBLE_DEVICES=(\S+)\)", p.read_text())
            for rule in SLURM_GPU_RULES for p in (tmp_path / "results" / "logs" / rule).rglob("*.log")]
    assert seen and all(m and m.group(1) in GPUS for m in seen)

    # the daemons stop by their PIDs
    pids = daemon_pids(cluster)
    subprocess.run([str(CLUSTER), "stop", str(cluster)], check=True, timeout=60)
    time.sleep(0.5)
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists(), f"daemon {pid} still runs"
