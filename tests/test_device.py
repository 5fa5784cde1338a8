import subprocess
import sys
import time

from textvae import device


def claim_in_child(lock_dir, n, hold=0.0):
    code = (f"import sys, time; sys.path.insert(0, {str(device.__file__.rsplit('/', 2)[0])!r});"
            f"from textvae.device import claim_gpu; print(claim_gpu({n}, {str(lock_dir)!r}), flush=True);"
            f"time.sleep({hold})")
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)


def test_jobs_claim_distinct_gpus_and_a_killed_job_frees_its_gpu(tmp_path):
    first = claim_in_child(tmp_path, 2, hold=30)
    assert first.stdout.readline().strip() == "0"
    second = claim_in_child(tmp_path, 2, hold=30)
    assert second.stdout.readline().strip() == "1"
    third = claim_in_child(tmp_path, 2)
    assert third.stdout.readline().strip() == "None"  # both GPUs are held
    first.kill()  # SIGKILL: no clean-up code runs, the OS drops the lock
    first.wait()
    time.sleep(0.1)
    fourth = claim_in_child(tmp_path, 2)
    assert fourth.stdout.readline().strip() == "0"
    second.kill()
    for p in (second, third, fourth):
        p.wait()


def test_claim_and_release_in_process(tmp_path):
    assert device.claim_gpu(1, tmp_path) == 0
    other = claim_in_child(tmp_path, 1)
    assert other.stdout.readline().strip() == "None"
    other.wait()
    device.release_gpus()
    assert device.claim_gpu(1, tmp_path) == 0
    device.release_gpus()


def test_cpu_when_no_cuda(monkeypatch):
    said = []
    monkeypatch.setattr(device.torch.cuda, "is_available", lambda: False)
    assert device.select_device(said.append).type == "cpu"
    assert "running on the CPU" in said[0]


def test_several_visible_gpus_are_claimed_one_each(monkeypatch, tmp_path):
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    monkeypatch.setattr(device.torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(device.torch.cuda, "device_count", lambda: 2)
    monkeypatch.setenv("TEXTVAE_GPU_LOCK_DIR", str(tmp_path))
    other = claim_in_child(tmp_path, 2, hold=30)
    assert other.stdout.readline().strip() == "0"
    said = []
    assert device.select_device(said.append) == device.torch.device("cuda:1")
    assert said == ["device: claimed cuda:1 (CUDA_VISIBLE_DEVICES=unset)"]
    other.kill()
    other.wait()
    device.release_gpus()
