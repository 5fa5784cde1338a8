"""Device choice for a job: a GPU of its own when CUDA is present, else the CPU.

A job claims a GPU slot by an exclusive, non-blocking fcntl.flock on
<lock_dir>/gpu-<UUID>.lock (`lock_name`), held until it exits; it waits up to
`TEXTVAE_GPU_WAIT` seconds when all are claimed.  Slots per GPU: `TEXTVAE_JOBS_PER_GPU`.
Why: docs/design.md#device.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import time
from pathlib import Path

_held: list = []  # open lock files of this process, kept open so that the locks stay held
WAIT_S = 3600.0  # default of TEXTVAE_GPU_WAIT


def default_lock_dir() -> Path:
    return Path(os.environ.get("TEXTVAE_GPU_LOCK_DIR", Path(tempfile.gettempdir()) / "textvae-gpu-locks"))


def shared_dir(path: Path) -> Path:
    """A folder that anyone may add files to.

    `path`, created if absent, with mode 1777 (anyone may add files, only their owner may
    remove them), whatever the umask of whoever creates it."""
    path.mkdir(parents=True, exist_ok=True)
    stat = path.stat()
    if stat.st_mode & 0o7777 != 0o1777 and stat.st_uid == os.getuid():
        path.chmod(0o1777)
    return path


def _lock(path: Path):
    """An open file holding the exclusive lock on `path`, or None if another process holds it.

    The file is created readable and writable by all (a lock needs only read access)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o666)
    except PermissionError:
        folder = path.parent.stat()
        raise PermissionError(f"GPU lock folder {path.parent} (mode {oct(folder.st_mode & 0o7777)}, "
                              f"owner uid {folder.st_uid}) does not let this user add a lock file: its owner "
                              "runs `chmod 1777` on it, or "
                              "set TEXTVAE_GPU_LOCK_DIR to a folder every GPU user can write") from None
    try:
        if os.fstat(fd).st_uid == os.getuid():
            os.fchmod(fd, 0o666)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return os.fdopen(fd)


def lock_name(gpu_id: str, slot: int) -> str:
    """The lock file of a GPU's slot: gpu-<UUID>.lock for the first, gpu-<UUID>.<slot>.lock after."""
    return f"gpu-{gpu_id}.lock" if slot == 0 else f"gpu-{gpu_id}.{slot}.lock"


def claim_gpu(gpu_ids: list[str], lock_dir: Path | None = None, wait_s: float = 0.0, poll_s: float = 1.0,
              log=print, jobs_per_gpu: int = 1) -> int | None:
    """The index of a GPU with a free slot, which is claimed.

    `gpu_ids`: the visible GPUs' UUIDs, each with `jobs_per_gpu` slots; slot 0 of every GPU is
    tried before slot 1 of any.  While all are claimed, retry every `poll_s` seconds for up to
    `wait_s` seconds (logging once), then return None."""
    lock_dir = shared_dir(Path(lock_dir or default_lock_dir()))
    deadline = time.monotonic() + wait_s
    said = False
    while True:
        for slot in range(jobs_per_gpu):
            for index, gpu_id in enumerate(gpu_ids):
                handle = _lock(lock_dir / lock_name(gpu_id, slot))
                if handle is not None:
                    _held.append(handle)
                    if said:
                        log(f"device: GPU {gpu_id} was freed")
                    return index
        if time.monotonic() >= deadline:
            return None
        if not said:
            each = f" ({jobs_per_gpu} jobs each)" if jobs_per_gpu > 1 else ""
            log(f"device: all {len(gpu_ids)} visible GPUs{each} are claimed by other jobs (locks in {lock_dir}); "
                f"waiting up to {wait_s:.0f} s for one")
            said = True
        time.sleep(min(poll_s, max(0.0, deadline - time.monotonic())))


def release_gpus() -> None:
    """Release every GPU lock this process holds."""
    while _held:
        _held.pop().close()


def gpu_uuids() -> list[str]:
    """The UUID of each GPU this process sees, in CUDA index order."""
    import torch

    return [str(torch.cuda.get_device_properties(i).uuid) for i in range(torch.cuda.device_count())]


def select_device(log=print):
    """The device a job runs on.

    A claimed GPU (`TEXTVAE_JOBS_PER_GPU` jobs to a GPU, default 1) made the current CUDA
    device (torch.cuda.set_device) when CUDA is present, else the CPU; says which in the job's
    log."""
    import torch

    given = f"CUDA_VISIBLE_DEVICES={os.environ.get('CUDA_VISIBLE_DEVICES', 'unset')}"
    if not torch.cuda.is_available():
        log(f"device: CUDA is not available, running on the CPU ({given})")
        return torch.device("cpu")
    uuids = gpu_uuids()
    wait_s = float(os.environ.get("TEXTVAE_GPU_WAIT", WAIT_S))
    per_gpu = int(os.environ.get("TEXTVAE_JOBS_PER_GPU", 1))
    index = claim_gpu(uuids, wait_s=wait_s, log=log, jobs_per_gpu=per_gpu)
    if index is None:
        raise RuntimeError(
            f"all {len(uuids)} visible GPUs stayed claimed by other jobs for {wait_s:.0f} s "
            f"(TEXTVAE_GPU_WAIT; jobs_per_gpu {per_gpu}): run snakemake with --resources gpu=N, N at most "
            f"the number of GPUs times the config's jobs_per_gpu")
    torch.cuda.set_device(index)
    log(f"device: claimed cuda:{index}, GPU {uuids[index]} ({given})")
    return torch.device(f"cuda:{index}")
