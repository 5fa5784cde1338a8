"""What the authors' random batches cost against length-bucketed ones (the baseline): the
padding of each of the papers' beta_C corpora in batches of the paper's size, and the
training throughput of the paper-size model on real Yahoo sentences.

    python benchmarks/batch_composition.py [--archs lstm] [--steps 8] [--repeats 2]
        [--corpora ../shared/corpora]

Padding: each corpus of configs/paper.yaml that the beta_C cells train on, read as its entry
there says (format, sentence splitting, length limits) from the sample in ../shared/corpora
(WIKI and A6's Wikipedia from WikiText-2), cut into an epoch of batches of the paper's 128 sentences (seeds 1-3):
decoder positions (every sentence padded to its batch's longest, </s> included) per useful
one (a word or </s>), for random and for bucketed batches.  benchmarks/paper_cost.py charges
the random batches' padding with these figures.

Throughput: textvae.training.train_step at the paper's sizes (benchmarks/train_throughput.py's
run: 1 warm-up step, then --steps timed ones) over bucketed and random batches of 128 of
../shared/corpora/yahoo/valid.txt, back to back in each of --repeats rounds; useful tokens/s
and the ratio random / bucketed, medians over the rounds.  Random batches send only their
real positions to the output layer (VAE.reconstruction's `scored`); the encoder and decoder
run over the padding.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

import torch
import yaml
from train_throughput import DEFAULT_CORPUS, corpus_ids, run

from textvae.batching import epoch_batches
from textvae.config import all_cells, cell_settings, prepare
from textvae.corpora import text_corpus_splits
from textvae.scripting import keep_freed_memory

REPO = Path(__file__).resolve().parents[1]
SAMPLES = {"yahoo": "yahoo/test.txt", "yelp": "yelp/test.txt", "cbt": "cbt/test.txt",
           "wiki": "wikitext2/test.txt", "wiki_syntax": "wikitext2/test.txt", "webtext": "webtext/test.jsonl"}
# a sample read otherwise than its corpus: WikiText-2 cut into sentences stands in for Gulordava et
# al.'s Wikipedia of one sentence a line, which is not in ../shared/corpora
SAMPLE_READING = {"wiki_syntax": {"format": "wikitext", "split_sentences": True}}


def positions_per_token(lengths: list[int], batch_size: int, composition: str, seeds=(1, 2, 3)) -> float:
    """Decoder positions per useful position over an epoch of batches, averaged over the seeds:
    sum_b |b| (max_{i in b} len_i + 1) / sum_i (len_i + 1)."""
    useful = sum(n + 1 for n in lengths)
    ratios = []
    for seed in seeds:
        batches = epoch_batches(lengths, batch_size, composition, seed)
        ratios.append(sum(len(b) * (max(lengths[i] for i in b) + 1) for b in batches) / useful)
    return statistics.mean(ratios)


def beta_c_corpora(config: dict) -> dict[str, int]:
    """The corpora of the config's random-batch cells and their batch size (one per corpus)."""
    sizes = {}
    for corpus, model_id in all_cells(config):
        settings = cell_settings(config, corpus, model_id)
        if settings.batches == "random":
            sizes.setdefault(corpus, settings.batch_size)
    return sizes


def corpus_lengths(spec: dict, path: Path) -> list[int]:
    """Sentence lengths of the file `path` read as the corpus entry `spec` says."""
    return [len(s) for s in text_corpus_splits(spec, dict.fromkeys(("train", "valid", "test"), str(path)))["test"]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=REPO.parent / "shared" / "corpora")
    parser.add_argument("--archs", nargs="*", default=["lstm"], help="none: the padding figures alone")
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--vocab", type=int, default=16000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    keep_freed_memory()
    config = prepare(yaml.safe_load((REPO / "configs" / "paper.yaml").read_text()), files=False)
    for corpus, batch_size in beta_c_corpora(config).items():
        spec = {**config["corpora"][corpus], **SAMPLE_READING.get(corpus, {})}
        lengths = corpus_lengths(spec, args.corpora / SAMPLES[corpus])
        print(f"{corpus} ({SAMPLES[corpus]}): {len(lengths)} sentences, mean length "
              f"{statistics.mean(lengths):.1f}, longest {max(lengths)}; batches of {batch_size}")
        for composition in ("random", "bucketed"):
            print(f"{corpus}_{composition}_positions_per_token: "
                  f"{positions_per_token(lengths, batch_size, composition):.3f}")
    sentences, vocab_size = corpus_ids(DEFAULT_CORPUS, args.vocab)
    for arch in args.archs:
        rounds = []
        for seed in range(args.repeats):
            bucketed = run("bucketed", arch, sentences, vocab_size, 128, args.steps, seed)
            random = run("random", arch, sentences, vocab_size, 128, args.steps, seed)
            rounds.append(dict(bucketed_tokens_per_s=bucketed["tokens_per_s"],
                               random_tokens_per_s=random["tokens_per_s"],
                               random_padding_share=random["padding"],
                               ratio_random_to_bucketed=random["tokens_per_s"] / bucketed["tokens_per_s"]))
            print(f"{arch} round {seed + 1}: " + " ".join(f"{k}={v:.3f}" for k, v in rounds[-1].items()), flush=True)
        for name in rounds[0]:
            print(f"{arch}_{name}: {statistics.median(r[name] for r in rounds):.3f}")


if __name__ == "__main__":
    main()
