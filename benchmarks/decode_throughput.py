"""Decoding throughput: nucleus (p = 0.9) samples from z ~ N(0, I) at the paper's model size,
the whole batch per decoder step (textvae.decoding) against one sentence at a time.

    python benchmarks/decode_throughput.py [--samples 10000] [--sequential 300] [--device cuda|cpu]

The model is untrained (weights seeded); its output bias is set to a Zipf law (exponent 1.2
over a random ranking of the vocabulary: 5.0 nats of entropy per token, like a language model
of perplexity 150, and a nucleus of about 1,100 tokens at p = 0.9) with p(</s>) = 1/15, so
that sentences end after about 15 tokens as real ones do.  Its cost per step is that of a
trained model of the same size.
One-at-a-time decoding is timed on the first --sequential codes (it runs the same code path
with batches of one) and reported per sentence.  Prints medians over --repeats runs and the
speed-up as `name: value` lines.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import torch

from textvae.decoding import decode_in_batches
from textvae.models import build_vae

BOS, EOS = 2, 3


def paper_decoder(vocab: int, seed: int = 0):
    torch.manual_seed(seed)
    vae = build_vae("lstm", vocab_size=vocab, emb=256, hidden=512, z=64).eval()
    rank = torch.randperm(vocab, generator=torch.Generator().manual_seed(seed)) + 1.0
    zipf = -1.2 * torch.log(rank)
    with torch.no_grad():
        vae.decoder.out.bias.copy_(zipf)
        vae.decoder.out.bias[EOS] = math.log(1 / 15) + torch.logsumexp(zipf, 0)
    return vae.decoder


def rate(decoder, z, batch_size: int, max_len: int) -> tuple[float, float]:
    """(sentences per second, mean length) of nucleus decoding of all rows of z."""
    start = time.perf_counter()
    out = decode_in_batches(decoder, z, BOS, EOS, batch_size, method="nucleus", p=0.9,
                            max_len=max_len, seed=1)  # its token lists are read back from the device
    seconds = time.perf_counter() - start
    return len(z) / seconds, sum(map(len, out)) / len(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=10000)
    parser.add_argument("--sequential", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--vocab", type=int, default=20000)
    parser.add_argument("--max-len", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    decoder = paper_decoder(args.vocab).to(args.device)
    z = torch.randn(args.samples, 64, generator=torch.Generator().manual_seed(0)).to(args.device)
    batched, one_by_one = [], []
    for _ in range(args.repeats):
        batched.append(rate(decoder, z, args.batch_size, args.max_len))
        one_by_one.append(rate(decoder, z[:args.sequential], 1, args.max_len))
        print(f"batched {batched[-1][0]:.1f} sent/s (mean length {batched[-1][1]:.1f}); "
              f"one at a time {one_by_one[-1][0]:.2f} sent/s (mean length {one_by_one[-1][1]:.1f})")
    fast = statistics.median(r for r, _ in batched)
    slow = statistics.median(r for r, _ in one_by_one)
    print(f"device: {args.device}, {args.threads} threads; vocabulary {args.vocab}, emb 256, hidden 512, z 64")
    print(f"batched_sentences_per_s: {fast:.1f}")
    print(f"one_at_a_time_sentences_per_s: {slow:.2f}")
    print(f"batched_seconds_for_{args.samples}: {args.samples / fast:.1f}")
    print(f"speedup_vs_one_at_a_time: {fast / slow:.1f}")


if __name__ == "__main__":
    main()
