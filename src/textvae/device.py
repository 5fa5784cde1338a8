"""Device choice for a job: a GPU of its own when CUDA is present, else the CPU.

Snakemake counts the `gpu` resource but never says which GPU a job should use.  When a job
sees one GPU (a scheduler such as SLURM set CUDA_VISIBLE_DEVICES), it takes it; when it sees
several, it claims the first GPU index whose lock file it can lock exclusively
(fcntl.flock on <lock_dir>/gpu<i>.lock).  The operating system drops the lock
when the process exits, also when it is killed, so a GPU is never lost to a dead job.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from pathlib import Path

import torch

_held: list = []  # open lock files of this process, kept open so that the locks stay held


def default_lock_dir() -> Path:
    return Path(os.environ.get("TEXTVAE_GPU_LOCK_DIR", Path(tempfile.gettempdir()) / "textvae-gpu-locks"))


def claim_gpu(n_devices: int, lock_dir: Path | None = None) -> int | None:
    """Lock and return the first free GPU index in 0..n_devices-1, or None if all are taken."""
    lock_dir = Path(lock_dir or default_lock_dir())
    lock_dir.mkdir(parents=True, exist_ok=True)
    for index in range(n_devices):
        handle = open(lock_dir / f"gpu{index}.lock", "w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        _held.append(handle)
        return index
    return None


def release_gpus() -> None:
    """Release every GPU lock this process holds."""
    while _held:
        _held.pop().close()


def select_device(log=print) -> torch.device:
    """CUDA when present (the only visible GPU, else a claimed free one), else the CPU; says which."""
    given = f"CUDA_VISIBLE_DEVICES={os.environ.get('CUDA_VISIBLE_DEVICES', 'unset')}"
    if not torch.cuda.is_available():
        log(f"device: CUDA is not available, running on the CPU ({given})")
        return torch.device("cpu")
    visible = torch.cuda.device_count()
    if visible == 1:
        log(f"device: cuda:0 ({given})")
        return torch.device("cuda:0")
    index = claim_gpu(visible)
    if index is None:
        raise RuntimeError(
            f"all {visible} GPUs are claimed by other jobs: run snakemake with "
            "--resources gpu=N where N is at most the number of GPUs"
        )
    log(f"device: claimed cuda:{index} ({given})")
    return torch.device(f"cuda:{index}")
