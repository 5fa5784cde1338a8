"""Training throughput and memory of the paper-size models for each precision, and of several
cells training at once on one device: the project's training step (textvae.training.train_step
over length-bucketed batches) on CUDA when present, else on the CPU.

    python benchmarks/gpu_throughput.py [--archs lstm gru cnn] [--precisions fp32 tf32 bf16]
        [--concurrent 1 2 3 4] [--size paper|tiny] [--steps 30] [--device cuda|cpu]

Models (--size paper): embedding 256, LSTM/GRU encoder 512, z 64, decoder LSTM/GRU 512 or the
gated CNN decoder (512 channels, 128 inner, width 20, 2 blocks), vocabulary 20,000, batch 128,
beta_C objective, Adam, gradient norm clipped at 5, as configs/paper.yaml trains A1.  --size
tiny (embedding 32, hidden 64, z 8, vocabulary 2,000, batch 32) is the CI-sized form.
Sentences: synthetic, 20,000 of them, token ids drawn from a Zipf law over the vocabulary and
lengths from 3 to 40 with mean 13 (like Yahoo's 12.6), so that no corpus file is needed.

Figures, after 3 warm-up steps, over --steps timed steps (each timed span ends with a device
synchronisation, so queued GPU work is counted):
- tokens_per_s: useful tokens (words and </s>) per second;
- peak_memory_mb: CUDA's peak allocated memory during the timed steps, or on the CPU the
  measuring process's peak resident memory so far (Python, torch and the measurements before);
- ratio_vs_fp32: tokens/s over fp32's for the same architecture, measured in the same run;
- concurrent cells (the first architecture and the fastest precision): k processes training
  at once on the device, aggregate tokens/s over the span from the first start to the last
  end, and its ratio to the first count's (one cell's by default);
- best_tokens_per_s: the highest tokens/s measured, of one cell or of concurrent cells in all
  (a grid of many cells can run that way), which benchmarks/paper_cost.py reads.
"""

from __future__ import annotations

import argparse
import functools
import resource
import statistics
import time

import numpy as np
import torch
import torch.multiprocessing as mp

from textvae.batching import collate, length_batches
from textvae.config import paper_settings
from textvae.precision import bf16_rnn_runs, set_precision
from textvae.scripting import keep_freed_memory
from textvae.settings import PRECISIONS
from textvae.training import new_model, new_optimiser, train_step

SIZES = {
    "paper": dict(emb=256, hidden=512, z=64, cnn_channels=512, cnn_inner=128, cnn_width=20, cnn_blocks=2,
                  vocab=20000, batch_size=128),
    "tiny": dict(emb=32, hidden=64, z=8, cnn_channels=32, cnn_inner=16, cnn_width=3, cnn_blocks=1,
                 vocab=2000, batch_size=32),
}
WARMUP = 3


@functools.cache
def synthetic_sentences(n: int, vocab: int, seed: int = 1) -> list[list[int]]:
    """n sentences of Zipf-distributed token ids (4 .. vocab-1; 0-3 are reserved) and lengths
    3 + a geometric count, capped at 40, mean about 13."""
    rng = np.random.default_rng(seed)
    lengths = np.minimum(3 + rng.geometric(1 / 10.5, n) - 1, 40)
    ranks = np.arange(1, vocab - 3)
    p = 1.0 / ranks
    tokens = rng.choice(ranks + 3, size=int(lengths.sum()), p=p / p.sum())
    cuts = np.cumsum(lengths)[:-1]
    return [s.tolist() for s in np.split(tokens, cuts)]


def measure(arch: str, precision: str, size: str, steps: int, device: str, seed: int = 1,
            before_timing=lambda: None) -> dict:
    """Train a fresh cell for WARMUP + steps steps; tokens/s and peak memory of the timed steps
    (`before_timing` is called after the warm-up steps)."""
    sizes = SIZES[size]
    # the paper's lr and clipping, beta_C at C = 50
    settings = paper_settings(f"{arch}-betac-C50", **{k: v for k, v in sizes.items() if k != "vocab"},
                              precision=precision)
    dev = torch.device(device)
    set_precision(precision)
    torch.manual_seed(seed)
    sentences = synthetic_sentences(20000, sizes["vocab"], seed)
    model = new_model(settings, sizes["vocab"]).to(dev).train()
    optimiser = new_optimiser(model, settings.lr)
    plan = length_batches([len(s) for s in sentences], settings.batch_size, seed)[: WARMUP + steps]
    tokens = 0
    for i, batch in enumerate(plan):
        if i == WARMUP:
            synchronise(dev)
            before_timing()
            if dev.type == "cuda":
                torch.cuda.reset_peak_memory_stats(dev)
            start = time.perf_counter()
        train_step(model, optimiser, collate([sentences[j] for j in batch], 2, 3, dev), settings, C=settings.C,
                   weight=1.0)
        if i >= WARMUP:
            tokens += sum(len(sentences[j]) + 1 for j in batch)
    synchronise(dev)
    seconds = time.perf_counter() - start
    if dev.type == "cuda":
        memory = torch.cuda.max_memory_allocated(dev) / 2**20
    else:
        memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    return dict(tokens_per_s=tokens / seconds, peak_memory_mb=memory, start=start, end=start + seconds,
                tokens=tokens)


def synchronise(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _worker(args, barrier, results, index, threads):
    torch.set_num_threads(threads)
    keep_freed_memory()
    results[index] = measure(*args, before_timing=barrier.wait)  # all warmed up before any is timed


def concurrent(k: int, arch: str, precision: str, size: str, steps: int, device: str) -> dict:
    """k processes training the same cell on the device at once (on the CPU each with its
    share of the threads); aggregate tokens/s from the first start to the last end of their
    timed steps."""
    context = mp.get_context("spawn")
    barrier, manager = context.Barrier(k), context.Manager()
    results = manager.dict()
    threads = max(1, torch.get_num_threads() // k) if device == "cpu" else 1
    workers = [context.Process(target=_worker, args=((arch, precision, size, steps, device, i + 1), barrier,
                                                     results, i, threads)) for i in range(k)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
        if w.exitcode:
            raise SystemExit(f"a concurrent cell's process failed with exit code {w.exitcode}")
    runs = [results[i] for i in range(k)]
    span = max(r["end"] for r in runs) - min(r["start"] for r in runs)
    return dict(tokens_per_s=sum(r["tokens"] for r in runs) / span,
                per_cell_tokens_per_s=statistics.mean(r["tokens_per_s"] for r in runs))


def runnable(precisions: list[str], device: str) -> list[str]:
    """The precisions this device can train the models in; a line for each one left out."""
    kind = torch.device(device).type
    if "bf16" in precisions and not bf16_rnn_runs(kind):
        print(f"bf16: skipped, this {kind}'s oneDNN has no bfloat16 LSTM")
        return [p for p in precisions if p != "bf16"]
    return precisions


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archs", nargs="+", default=["lstm", "gru", "cnn"])
    parser.add_argument("--precisions", nargs="+", default=list(PRECISIONS), choices=PRECISIONS)
    parser.add_argument("--concurrent", nargs="+", type=int, default=[1, 2, 3, 4])
    parser.add_argument("--size", choices=SIZES, default="paper")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--threads", type=int, default=2, help="torch threads on the CPU")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    keep_freed_memory()
    name = torch.cuda.get_device_name(args.device) if args.device.startswith("cuda") else "CPU"
    print(f"device: {args.device} ({name}); torch {torch.__version__}; size {args.size}; {args.steps} timed steps")
    precisions = runnable(args.precisions, args.device)
    figures = {}
    for arch in args.archs:
        for precision in precisions:
            m = measure(arch, precision, args.size, args.steps, args.device)
            figures[f"{arch}_{precision}_tokens_per_s"] = m["tokens_per_s"]
            figures[f"{arch}_{precision}_peak_memory_mb"] = m["peak_memory_mb"]
            print(f"{arch} {precision}: {m['tokens_per_s']:.0f} tokens/s, peak memory {m['peak_memory_mb']:.0f} MB")
        if "fp32" in precisions:
            for precision in precisions:
                figures[f"{arch}_{precision}_ratio_vs_fp32"] = (figures[f"{arch}_{precision}_tokens_per_s"]
                                                                / figures[f"{arch}_fp32_tokens_per_s"])
    arch = args.archs[0]
    fastest = max(precisions, key=lambda p: figures[f"{arch}_{p}_tokens_per_s"])
    for k in args.concurrent:
        c = concurrent(k, arch, fastest, args.size, args.steps, args.device)
        figures[f"concurrent{k}_tokens_per_s"] = c["tokens_per_s"]
        figures[f"concurrent{k}_ratio_vs_{args.concurrent[0]}"] = (
            c["tokens_per_s"] / figures[f"concurrent{args.concurrent[0]}_tokens_per_s"])
        print(f"{k} concurrent {arch} {fastest} cells: {c['tokens_per_s']:.0f} tokens/s in all, "
              f"{c['per_cell_tokens_per_s']:.0f} each")
    figures["best_tokens_per_s"] = max(v for k, v in figures.items() if k.endswith("_tokens_per_s"))
    for key, value in figures.items():
        print(f"{key}: {value:.6g}")  # six significant digits: a ratio recomputed from the printed figures agrees


if __name__ == "__main__":
    main()
