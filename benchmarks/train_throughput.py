"""Training throughput at the paper's model size on real Yahoo sentences: the project's
training step (textvae.training.train_step over length-bucketed batches) against a plain
PyTorch loop over randomly drawn, padded batches, and against the fp32 matmul peak
(benchmarks/batch_composition.py times the project's step over random batches).

    python benchmarks/train_throughput.py [--corpus ../shared/corpora/yahoo/valid.txt]
        [--archs lstm cnn] [--batch-sizes 32 128] [--steps 12] [--repeats 3]

Model: embedding 256, LSTM encoder 512, z 64, decoder LSTM 512 (or the authors' gated CNN
decoder: two ConvLM blocks of 512 channels, 128 inner, width 20), vocabulary the 16,000 most
frequent words, Adam, gradient norm clipped at 5, beta_C objective; as configs/paper.yaml
trains A1.

Figures (medians over --repeats runs of --steps steps each, after one warm-up step):
- useful tokens/s: the sentences' tokens and </s> (decoder positions that hold a word), per
  second of training step (batch assembly included);
- padding share: the fraction of decoder positions of the batches that are padding;
- efficiency: useful FLOPs/s over the fp32 peak, where a useful token costs
  6 x (the multiply-adds of the weight matrices it passes through): 2 for a multiply-add,
  x 3 for forward and backward; the peak is the median rate of a 2048 x 2048 fp32 matmul
  (2 x 2048^3 FLOPs) measured in the same run;
- speedup_vs_padded: useful tokens/s of the project's step over the padded loop's.
The last lines print each figure as `name: value`; `efficiency` and `speedup_vs_padded` are
the LSTM's at the largest batch size.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from textvae.batching import collate, epoch_batches
from textvae.config import paper_settings
from textvae.corpora import Vocab, build_vocab
from textvae.objectives import beta_c_loss, gaussian_kl
from textvae.scripting import keep_freed_memory
from textvae.training import new_model, new_optimiser, train_step

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared/corpora/yahoo/valid.txt"


def matmul_peak(size: int = 2048, repeats: int = 10) -> float:
    """Median FLOP/s of an fp32 size x size matmul."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    torch.mm(a, b)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        torch.mm(a, b)
        times.append(time.perf_counter() - start)
    return 2 * size ** 3 / statistics.median(times)


def macs_per_position(module: torch.nn.Module) -> int:
    """Multiply-adds per sequence position: the weight matrices of the module's RNNs, linear
    maps and convolutions (embeddings are lookups; biases are not counted)."""
    total = 0
    for name, p in module.named_parameters():
        if p.dim() >= 2 and "embed" not in name:
            total += p.numel()
    return total


def flops_per_word_and_sentence(model) -> tuple[float, float]:
    """FLOPs (6 x multiply-adds) per word: the encoder's RNN and the decoder; and per sentence:
    mu and log sigma^2, and the decoder once more for </s>."""
    encoder = model.encoder
    decoder = macs_per_position(model.decoder)
    heads = encoder.to_mu.weight.numel() + encoder.to_logvar.weight.numel()
    return 6.0 * (macs_per_position(encoder.rnn) + decoder), 6.0 * (heads + decoder)


class PaddedLoop:
    """The plain loop: batches drawn at random, padded to their longest sentence, the output
    layer and softmax over every position (padding masked out of the loss by ignore_index),
    per-tensor Adam."""

    def __init__(self, model, lr: float, grad_clip: float):
        self.model, self.grad_clip = model, grad_clip
        self.optimiser = torch.optim.Adam(model.parameters(), lr=lr, foreach=False)

    def step(self, tensors, C: float):
        enc_in, lengths, dec_in, targets = tensors
        mu, logvar = self.model.encoder(enc_in, lengths)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        feats, _ = self.model.decoder.features(dec_in, z)
        logits = self.model.decoder.out(feats)
        nll = F.cross_entropy(logits.transpose(1, 2), targets, ignore_index=0, reduction="none")
        loss = beta_c_loss(-nll.sum(1), gaussian_kl(mu, logvar), C)
        self.optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.grad_clip)
        self.optimiser.step()


def run(kind: str, arch: str, sentences, vocab_size: int, batch_size: int, steps: int,
        seed: int) -> dict:
    """Train a fresh model for 1 + `steps` steps; figures of the last `steps`.  kind: bucketed
    or random, the project's step over the settings' batches of that name (random: only the
    real positions reach the output layer); padded, the plain loop over random batches."""
    batches = "bucketed" if kind == "bucketed" else "random"
    # the paper's sizes, lr and clipping
    settings = paper_settings(f"{arch}-betac-C50", batch_size=batch_size, batches=batches)
    torch.manual_seed(seed)
    model = new_model(settings, vocab_size).train()
    lengths = [len(s) for s in sentences]
    plan = epoch_batches(lengths, batch_size, batches, seed)[: steps + 1]
    if kind == "padded":
        loop = PaddedLoop(model, settings.lr, settings.grad_clip)
        step = lambda tensors, tokens: loop.step(tensors, settings.C)  # noqa: E731
    else:
        optimiser = new_optimiser(model, settings.lr)
        step = lambda tensors, tokens: train_step(model, optimiser, tensors, settings, C=settings.C,  # noqa: E731
                                                  weight=1.0, tokens=tokens)
    per_word, per_sentence = flops_per_word_and_sentence(model)
    words = positions = flops = 0.0
    for i, batch in enumerate(plan):
        if i == 1:  # the first step warms up the allocator and the kernels
            start = time.perf_counter()
        chosen = [sentences[j] for j in batch]
        tensors = collate(chosen, 2, 3)
        n_words = int(tensors[1].sum())
        step(tensors, n_words + len(chosen))
        if i >= 1:
            words += n_words + len(chosen)
            positions += tensors[2].numel()
            flops += per_word * n_words + per_sentence * len(chosen)
    seconds = time.perf_counter() - start
    return dict(tokens_per_s=words / seconds, padding=1 - words / positions,
                flops_per_s=flops / seconds)


def measure(repeats: int, arch: str, sentences, vocab_size: int, batch_size: int, steps: int) -> dict:
    """Medians over `repeats` rounds, each of a matmul peak, the project's step and the padded
    loop measured back to back, so that each ratio compares runs made under the same load."""
    rounds = []
    for seed in range(repeats):
        peak = matmul_peak()
        mine = run("bucketed", arch, sentences, vocab_size, batch_size, steps, seed)
        padded = run("padded", arch, sentences, vocab_size, batch_size, steps, seed)
        rounds.append(dict(
            peak_gflops=peak / 1e9, tokens_per_s=mine["tokens_per_s"],
            padded_tokens_per_s=padded["tokens_per_s"], padding_share=mine["padding"],
            padded_padding_share=padded["padding"], efficiency=mine["flops_per_s"] / peak,
            padded_efficiency=padded["flops_per_s"] / peak,
            speedup_vs_padded=mine["tokens_per_s"] / padded["tokens_per_s"]))
    return {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}


def corpus_ids(path: Path, vocab_size: int) -> tuple[list[list[int]], int]:
    """The sentences of a file of one tokenised sentence a line as token ids over its
    `vocab_size` most frequent words, and the vocabulary's size; prints their sizes."""
    if not path.exists():
        raise SystemExit(f"{path}: corpus file not found; give one sentence a line with --corpus")
    words = [line.split() for line in path.read_text(encoding="utf-8").splitlines()]
    words = [s for s in words if s]
    vocab = Vocab(list(build_vocab(words, size=vocab_size)["token"]))
    sentences = [vocab.encode(s) for s in words]
    print(f"{path}: {len(sentences)} sentences, mean length {statistics.mean(map(len, sentences)):.1f}, "
          f"longest {max(map(len, sentences))}; vocabulary {len(vocab)}")
    return sentences, len(vocab)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--archs", nargs="+", default=["lstm", "cnn"])
    parser.add_argument("--batch-sizes", nargs="+", type=int, default=[32, 128])
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--vocab", type=int, default=16000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    keep_freed_memory()
    sentences, vocab_size = corpus_ids(args.corpus, args.vocab)
    print(f"{args.threads} threads")
    figures = {}
    for arch in args.archs:
        for batch_size in args.batch_sizes:
            name = f"{arch}_b{batch_size}"
            m = measure(args.repeats, arch, sentences, vocab_size, batch_size, args.steps)
            print(f"{name}: project {m['tokens_per_s']:.0f} tokens/s (padding {m['padding_share']:.1%}, "
                  f"efficiency {m['efficiency']:.2f}); padded loop {m['padded_tokens_per_s']:.0f} "
                  f"tokens/s (padding {m['padded_padding_share']:.1%}, efficiency "
                  f"{m['padded_efficiency']:.2f}); fp32 matmul {m['peak_gflops']:.1f} GFLOP/s")
            figures.update({f"{name}_{k}": round(v, 3) for k, v in m.items()})
    main_cell = f"{args.archs[0]}_b{max(args.batch_sizes)}"
    figures["efficiency"] = figures[f"{main_cell}_efficiency"]
    figures["speedup_vs_padded"] = figures[f"{main_cell}_speedup_vs_padded"]
    for name, value in figures.items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    main()
