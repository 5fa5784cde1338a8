"""What every workflow script shares: its log, its thread count, and one clear error line."""

from __future__ import annotations

import ctypes
import os
import sys
import traceback
from contextlib import contextmanager


def run(main, smk) -> None:
    """A Snakemake script's main, run with its log, threads and precision set up.

stdout and stderr go to smk.log[0]; torch gets torch_threads(smk.threads) and IEEE float32;
jobs_per_gpu reaches textvae.device as TEXTVAE_JOBS_PER_GPU; a failure logs the traceback and
prints one error line; a torch job then ends without teardown."""
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

Only in the process Snakemake started for the script, after main returned, never in a test that
imports it.  Why: docs/design.md#scripting."""
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

mallopt: M_MMAP_MAX = 0, M_TRIM_THRESHOLD = 2^31 - 1; nothing where the C library is not glibc.
Why: docs/design.md#scripting."""
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
