"""GPU claiming with simulated devices: each GPU is a UUID string, each job a process."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

from textvae import device

SRC = str(Path(device.__file__).parents[1])


def claim_in_child(lock_dir, gpu_ids, hold=0.0, wait=0.0, python=sys.executable, src=SRC, **popen):
    """A job in another process (importing textvae from `src`): prints its claim (an index or
    None), then holds it `hold` s."""
    code = (f"import sys, time; sys.path.insert(0, {str(src)!r}); from textvae.device import claim_gpu;"
            f"print(claim_gpu({gpu_ids!r}, {str(lock_dir)!r}, wait_s={wait}, poll_s=0.05), flush=True);"
            f"time.sleep({hold})")
    return subprocess.Popen([python, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def test_jobs_claim_distinct_gpus_and_a_killed_job_frees_its_gpu(tmp_path):
    first = claim_in_child(tmp_path, ["A", "B"], hold=30)
    assert first.stdout.readline().strip() == "0"
    second = claim_in_child(tmp_path, ["A", "B"], hold=30)
    assert second.stdout.readline().strip() == "1"
    third = claim_in_child(tmp_path, ["A", "B"])
    assert third.stdout.readline().strip() == "None"  # both GPUs are held, and it does not wait
    first.kill()  # SIGKILL: no clean-up code runs, the OS drops the lock
    first.wait()
    fourth = claim_in_child(tmp_path, ["A", "B"])
    assert fourth.stdout.readline().strip() == "0"
    second.kill()
    for p in (second, third, fourth):
        p.wait()


def test_a_waiting_job_gets_the_gpu_a_finished_job_frees(tmp_path):
    holder = claim_in_child(tmp_path, ["A"], hold=1.0)
    assert holder.stdout.readline().strip() == "0"
    start = time.monotonic()
    waiter = claim_in_child(tmp_path, ["A"], wait=30)
    said = waiter.communicate(timeout=30)[0].splitlines()
    holder.wait()
    assert 0.5 < time.monotonic() - start < 10
    assert said == [f"device: all 1 visible GPUs are claimed by other jobs (locks in {tmp_path}); waiting up to "
                    "30 s for one", "device: GPU A was freed", "0"]


def test_waiting_says_so_and_gives_up_after_its_limit(tmp_path):
    assert device.claim_gpu(["A"], tmp_path) == 0
    said = []
    start = time.monotonic()
    assert device.claim_gpu(["A"], tmp_path, wait_s=0.3, poll_s=0.05, log=said.append) is None
    assert 0.3 <= time.monotonic() - start < 5
    assert said == [f"device: all 1 visible GPUs are claimed by other jobs (locks in {tmp_path}); "
                    "waiting up to 0 s for one"]
    device.release_gpus()


def test_locks_follow_the_gpus_uuid_not_its_index(tmp_path):
    """A job started with CUDA_VISIBLE_DEVICES=1,0 sees GPU B as index 0; a job that sees A, B
    in that order must not take B."""
    other = claim_in_child(tmp_path, ["B", "A"], hold=30)
    assert other.stdout.readline().strip() == "0"  # it holds B
    assert device.claim_gpu(["A", "B"], tmp_path) == 0  # A
    assert device.claim_gpu(["B"], tmp_path) is None
    other.kill()
    other.wait()
    device.release_gpus()


def test_jobs_per_gpu_spread_evenly_over_the_gpus(tmp_path):
    """Two GPUs, two jobs each: the claims alternate A, B, A, B; a fifth job finds none free, and
    the slot a finished job frees is the next one's."""
    claims = [device.claim_gpu(["A", "B"], tmp_path, jobs_per_gpu=2) for _ in range(5)]
    assert claims == [0, 1, 0, 1, None]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gpu-A.1.lock", "gpu-A.lock", "gpu-B.1.lock", "gpu-B.lock"]
    device._held.pop(1).close()  # the second job (on B, slot 0) ends
    assert device.claim_gpu(["A", "B"], tmp_path, jobs_per_gpu=2) == 1
    said = []
    assert device.claim_gpu(["A", "B"], tmp_path, wait_s=0.1, poll_s=0.05, log=said.append, jobs_per_gpu=2) is None
    assert said[0].startswith("device: all 2 visible GPUs (2 jobs each) are claimed by other jobs")
    device.release_gpus()


def test_a_job_that_shares_gpus_never_takes_a_slot_of_one_that_does_not(tmp_path):
    """A job of jobs_per_gpu 1 holds A's first slot; one of jobs_per_gpu 2 takes B first, then A's second."""
    other = claim_in_child(tmp_path, ["A", "B"], hold=30)
    assert other.stdout.readline().strip() == "0"
    assert [device.claim_gpu(["A", "B"], tmp_path, jobs_per_gpu=2) for _ in range(3)] == [1, 0, 1]
    other.kill()
    other.wait()
    device.release_gpus()


def simulated_cuda(monkeypatch, uuids):
    """CUDA with GPUs of the given UUIDs; returns the list of indices set_device receives."""
    chosen = []
    cuda = torch.cuda
    monkeypatch.setattr(cuda, "is_available", lambda: True)
    monkeypatch.setattr(cuda, "device_count", lambda: len(uuids))
    monkeypatch.setattr(cuda, "get_device_properties", lambda i: SimpleNamespace(uuid=uuids[i]))
    monkeypatch.setattr(cuda, "set_device", chosen.append)
    return chosen


def test_select_device_claims_a_free_gpu_and_makes_it_current(monkeypatch, tmp_path):
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    monkeypatch.setenv("TEXTVAE_GPU_LOCK_DIR", str(tmp_path))
    chosen = simulated_cuda(monkeypatch, ["GPU-aa", "GPU-bb"])
    other = claim_in_child(tmp_path, ["GPU-aa"], hold=30)
    assert other.stdout.readline().strip() == "0"
    said = []
    assert device.select_device(said.append) == torch.device("cuda:1")
    assert chosen == [1]
    assert said == ["device: claimed cuda:1, GPU GPU-bb (CUDA_VISIBLE_DEVICES=unset)"]
    other.kill()
    other.wait()
    device.release_gpus()


def test_select_device_fails_clearly_when_no_gpu_is_freed_in_time(monkeypatch, tmp_path):
    monkeypatch.setenv("TEXTVAE_GPU_LOCK_DIR", str(tmp_path))
    monkeypatch.setenv("TEXTVAE_GPU_WAIT", "0.2")
    simulated_cuda(monkeypatch, ["GPU-aa"])
    assert device.claim_gpu(["GPU-aa"], tmp_path) == 0
    with pytest.raises(RuntimeError, match=r"all 1 visible GPUs stayed claimed by other jobs for 0 s "
                                           r"\(TEXTVAE_GPU_WAIT; jobs_per_gpu 1\).*gpu=N"):
        device.select_device(lambda _: None)
    device.release_gpus()


def test_select_device_shares_a_gpu_among_the_configs_jobs_per_gpu(monkeypatch, tmp_path):
    monkeypatch.setenv("TEXTVAE_GPU_LOCK_DIR", str(tmp_path))
    monkeypatch.setenv("TEXTVAE_JOBS_PER_GPU", "2")
    chosen = simulated_cuda(monkeypatch, ["GPU-aa"])
    assert [device.select_device(lambda _: None) for _ in range(2)] == [torch.device("cuda:0")] * 2
    assert chosen == [0, 0]
    device.release_gpus()


def test_cpu_when_no_cuda(monkeypatch):
    said = []
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert device.select_device(said.append).type == "cpu"
    assert "running on the CPU" in said[0]


def test_the_lock_folder_is_shared_whatever_the_umask(tmp_path):
    old = os.umask(0o077)
    try:
        assert device.claim_gpu(["A"], tmp_path / "locks") == 0
    finally:
        os.umask(old)
    device.release_gpus()
    assert (tmp_path / "locks").stat().st_mode & 0o7777 == 0o1777
    assert (tmp_path / "locks" / "gpu-A.lock").stat().st_mode & 0o777 == 0o666


@pytest.fixture
def shared_tmp():
    if os.getuid() != 0 or not os.access("/usr/bin/python3", os.X_OK):
        pytest.skip("two users need root (to start jobs as other users) and /usr/bin/python3")
    base = Path(tempfile.mkdtemp(prefix="textvae-users-"))
    base.chmod(0o1777)  # like /tmp, where the default lock folder lives
    # the other users import textvae.device (stdlib only) from a copy they can read, wherever
    # this checkout lives (a private folder, e.g. one made by mktemp -d, is closed to them)
    package = base / "src" / "textvae"
    package.mkdir(parents=True)
    for name in ("__init__.py", "device.py"):
        shutil.copy(Path(SRC) / "textvae" / name, package / name)
    for folder in (base / "src", package):
        folder.chmod(0o755)
    yield base
    shutil.rmtree(base)


def test_two_users_share_the_lock_folder(shared_tmp):
    """Two users with umask 077: the first creates the lock folder and holds GPU A, the second
    (another uid) gets B; a folder created 0755 by someone else gets one clear error."""
    locks = shared_tmp / "locks"
    as_user = lambda uid: dict(python="/usr/bin/python3", user=uid, group=uid, umask=0o077,  # noqa: E731
                               src=shared_tmp / "src")
    first = claim_in_child(locks, ["A", "B"], hold=30, **as_user(65534))
    assert first.stdout.readline().strip() == "0", first.stderr.read()
    second = claim_in_child(locks, ["A", "B"], **as_user(65533))
    assert second.stdout.readline().strip() == "1", second.stderr.read()
    second.wait()
    first.kill()
    first.wait()

    private = shared_tmp / "private"
    private.mkdir(mode=0o755)
    third = claim_in_child(private, ["A"], **as_user(65533))
    third.wait()
    error = third.stderr.read()
    assert third.returncode == 1 and f"GPU lock folder {private} (mode 0o755, owner uid 0)" in error
    assert "chmod 1777" in error
