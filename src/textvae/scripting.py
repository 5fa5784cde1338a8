"""What every workflow script shares: its log, its thread count, and one clear error line."""

from __future__ import annotations

import ctypes
import os
import sys
import traceback
from contextlib import contextmanager


def run(main, smk) -> None:
    """A Snakemake script's main, run with its log, threads and precision set up.

    main(smk) is called with stdout and stderr sent to smk.log[0] and torch, where the script
    uses it, limited to smk.threads (and to the CPUs the process may run on) and computing in
    IEEE float32 (training sets its cell's precision); the config's jobs_per_gpu is passed to
    textvae.device as TEXTVAE_JOBS_PER_GPU; on failure, the log gets the traceback and the
    terminal the error line; on success, a job that loaded torch ends without the interpreter's
    teardown (end_without_teardown)."""
    terminal = sys.stderr
    log = open(smk.log[0], "w", buffering=1) if smk.log else terminal
    sys.stdout = sys.stderr = log
    os.environ["TEXTVAE_JOBS_PER_GPU"] = str(getattr(smk, "config", {}).get("jobs_per_gpu", 1))
    if "torch" in sys.modules:  # table and figure scripts do without its start-up time
        from .precision import set_precision

        sys.modules["torch"].set_num_threads(torch_threads(int(getattr(smk, "threads", 1))))
        set_precision("fp32")
        keep_freed_memory()
    try:
        main(smk)
    except Exception as err:
        traceback.print_exc()
        print(f"error: {err}", file=terminal)
        raise SystemExit(1) from None
    finally:
        sys.stdout, sys.stderr = sys.__stdout__, terminal
        if log is not terminal:
            log.close()
    if "torch" in sys.modules and getattr(sys.modules["__main__"], "snakemake", None) is smk:
        end_without_teardown()


def end_without_teardown() -> None:
    """End the job's process at once, its outputs written and closed: exit code 0.

    Skips the interpreter's teardown, which with torch loaded took about 1 s of every job on a
    2-core machine (3.9 s against 2.8 s for `import torch, pandas, textvae.training` with and
    without it; README, "Measured").  Only run() calls it, after main returned, and only in the
    process Snakemake started for the script (its __main__ holds the `snakemake` object), never
    in a test that imports a script."""
    sys.__stdout__.flush()
    sys.__stderr__.flush()
    os._exit(0)


def torch_threads(threads: int) -> int:
    """The number of torch threads to use.

    min(threads, CPUs this process may run on), at least 1: more threads than CPUs only
    wait for each other (a job given 4 threads where a scheduler or the machine leaves it 2)."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(threads, usable))


def keep_freed_memory() -> None:
    """Have glibc's malloc keep freed memory for the process's next allocations.

    It is not returned to the operating system (mallopt: M_MMAP_MAX = 0, large blocks come from the
    heap; M_TRIM_THRESHOLD = 2^31 - 1, the heap is not trimmed).  A training step allocates
    tensors of tokens x vocabulary floats anew each step; served from fresh pages, every one of
    those pages costs a page fault, about a tenth of the step's time on a CPU.  Does nothing
    where the C library is not glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-4, 0)  # M_MMAP_MAX
        libc.mallopt(-1, 2**31 - 1)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):
        pass


def cell_name(smk) -> str:
    """'{corpus}/{model}' of a job's cell, from its wildcards: how its messages name it."""
    return f"{smk.wildcards.corpus}/{smk.wildcards.model}"


@contextmanager
def naming_memory_errors(what: str):
    """Name the cell in PyTorch's out-of-memory errors.

    The errors (CPU allocator or CUDA) are re-raised with `what` (the cell) named in front of
    PyTorch's own message."""
    try:
        yield
    except RuntimeError as err:
        text = str(err)
        if "out of memory" in text.lower() or "can't allocate memory" in text:
            raise MemoryError(f"{what}: not enough memory: {text}") from err
        raise
