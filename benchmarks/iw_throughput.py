"""The importance-weighted NLL's K samples in batched decoder passes (K x B rows, split to a
memory limit) against one pass per sample (B rows each, the baseline), on --device (CUDA when
present, else the CPU; each timed call ends with a device synchronisation): time,
speed-up and the largest difference between the two results.

    python benchmarks/iw_throughput.py [--size paper|default] [--samples 20] [--batch 256]
        [--repeats 3] [--threads 2] [--device cuda|cpu] [--max-logits 4194304 268435456 ...]

Model (--size): paper (embedding 256, LSTM encoder and decoder 512, z 64, vocabulary 20,000)
or default (config.yaml's: embedding 64, LSTM 128, z 32, the built-in corpora's vocabulary of
320), untrained (the cost of a pass does not depend on the weights).  Sentences: one evaluation
batch of --batch sentences of benchmarks/gpu_throughput.py's synthetic corpus (Zipf token
ids, lengths of mean 13), in the length order textvae.evaluation takes them.  Each round
times the baseline and every --max-logits limit back to back on the same batch and seed, in
an order rotated from round to round (so that none is always first on a shared machine);
figures are medians over --repeats rounds:
- sequential_samples_per_s: sentence-samples (B x K) scored per second, one pass per sample;
- batched_<limit>_samples_per_s and speedup_batched_<limit>: the same for passes of as many
  whole samples as keep the logits within <limit> values (textvae.evaluation.PASS_LOGITS: on a
  CPU 2^22 = 4194304, on a GPU 2^28), and its ratio to the baseline;
- max_abs_difference: the largest |batched - sequential| IW-NLL over the sentences and limits
  (the same noise is drawn in both: equal to float tolerance).
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from gpu_throughput import synthetic_sentences

from textvae.batching import collate, length_batches
from textvae.config import paper_settings
from textvae.evaluation import importance_weighted_nll
from textvae.scripting import keep_freed_memory
from textvae.training import new_model

SIZES = {"paper": dict(emb=256, hidden=512, z=64, vocab=20000), "default": dict(emb=64, hidden=128, z=32, vocab=320)}


def timed_nll(model, tensors, samples: int, max_logits: int, seed: int) -> tuple[float, torch.Tensor]:
    """(seconds, IW-NLL per sentence) of one call with the noise of `seed`."""
    torch.manual_seed(seed)
    start = time.perf_counter()
    nll = importance_weighted_nll(model, *tensors, samples, max_logits=max_logits)
    if nll.is_cuda:
        torch.cuda.synchronize(nll.device)
    return time.perf_counter() - start, nll


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=SIZES, default="paper")
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-logits", type=int, nargs="+", default=[2 ** 22, 2 ** 28])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    keep_freed_memory()
    torch.manual_seed(1)
    sizes = dict(SIZES[args.size])
    vocab = sizes.pop("vocab")
    model = new_model(paper_settings("lstm-betac-C50", **sizes), vocab).to(args.device).eval()
    sentences = synthetic_sentences(4 * args.batch, vocab)
    batch = length_batches([len(s) for s in sentences], args.batch, seed=None)[1]
    tensors = collate([sentences[i] for i in batch], 2, 3, torch.device(args.device))
    one_sample = vocab * tensors[3].numel()  # the logits of B rows: one pass per sample
    print(f"batch of {len(batch)} sentences, {tensors[3].size(1)} decoder positions each, {args.samples} samples, "
          f"{args.size} size, vocabulary {vocab}, on {args.device} ({args.threads} threads)")
    scored = len(batch) * args.samples
    variants = {"sequential": one_sample, **{f"batched_{limit}": limit for limit in args.max_logits}}
    rounds, differences = [], []
    with torch.no_grad():
        for seed in range(args.repeats):
            names = list(variants)[seed % len(variants):] + list(variants)[:seed % len(variants)]  # rotated
            row, results = {}, {}
            for name in names:
                seconds, results[name] = timed_nll(model, tensors, args.samples, variants[name], seed)
                row[f"{name}_samples_per_s"] = scored / seconds
            for name in variants:
                row[f"speedup_{name}"] = row[f"{name}_samples_per_s"] / row["sequential_samples_per_s"]
                differences.append((results[name] - results["sequential"]).abs().max().item())
            print(" ".join(f"{k}={v:.3f}" for k, v in row.items()), flush=True)
            rounds.append(row)
    for name in rounds[0]:
        if name != "speedup_sequential":
            print(f"{name}: {statistics.median(r[name] for r in rounds):.3f}")
    print(f"max_abs_difference: {max(differences):.3g}")

if __name__ == "__main__":
    main()
