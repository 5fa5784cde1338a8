"""The projected device-hours of the papers' grids (configs/paper.yaml), experiment by
experiment, from a measured training throughput.

    python benchmarks/paper_cost.py [--tokens-per-s N] [--config configs/paper.yaml [more.yaml]]
        [--run RESULTS [--cores 2]]

Throughput: --tokens-per-s, else the last `best_tokens_per_s: N` line of
benchmarks/RESULTS.md (benchmarks/gpu_throughput.py prints it; RESULTS.md names its device).

Work is counted in training-token equivalents: a token of a training step counts 1; a token
scored without a gradient (held-out rows, evaluation, decoding, syntax scores) counts 1/3, the
forward pass's share of a step (backward costs about twice the forward).  The FCE language
models count as training tokens although they have no encoder (an overestimate of about a
third).  Corpus sizes are the papers' (train and test sentences or documents); the mean
lengths are the papers' sources' where they give them (Yahoo's and Yelp's documents, BookCorpus)
and measured on ../shared/corpora otherwise, as CORPORA says of each.  A cell trained on random
batches (the settings' `batches`) also pays for its padding in the encoder and decoder, though
not in the output layer (which scores the real positions alone): its training tokens count
1 + (f - 1) s each, with f the corpus's decoder positions per useful one in random batches
(measured by benchmarks/batch_composition.py) and s the share of a position's multiply-adds
outside the output layer (from the cell's model).
Evaluation: one pass over the test split (D, R, LogDetCov, AU, MI) and `iw_samples` passes
over at most `iw_sentences` of its sentences (the IW-NLL).  A cell is charged to the first
experiment of the config that lists it (A3-A6 reuse cells of A1 and A2).  Not counted:
process start-up, corpus preparation, and the decoding of B2-B5 and A2-A4 (some thousand
sentences each).

With --run RESULTS (a run of the config or of a part of it), the corpora are the run's as it
prepared them (RESULTS/data: sizes, mean length, and the padding of random batches of the
defaults' size on those lengths) rather than the papers', and the grid is also projected at the
CPU rate measured on the run's cells (their train and evaluate jobs' work over those jobs'
seconds, RESULTS/benchmarks) with --cores such jobs at once.

Prints each experiment's training-token equivalents, device-hours and share of the grid, the
grid's hours by kind of work (training, held-out rows, evaluation, A5's and A6's other work)
and in all as `name: value` lines, the grid's hours as a ratio to the 5 device-hours of the
target (baseline), and the throughput that would meet it.
"""

from __future__ import annotations

import argparse
import math
import re
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import yaml
from batch_composition import positions_per_token
from snakemake.utils import update_config

from textvae.config import (
    all_cells,
    cell_settings,
    experiment_cells,
    lm_settings,
    prepare,
    reference_lm_cells,
)
from textvae.experiments.a5 import lm_overrides as a5_overrides
from textvae.training import new_model

REPO = Path(__file__).resolve().parents[1]
FORWARD = 1 / 3  # a forward-only token, in training-token equivalents


class Corpus(NamedTuple):
    """A corpus as the papers ran it: sentences per split, mean words per sentence (and where
    that figure comes from), and decoder positions per useful one in random batches of 128
    (benchmarks/batch_composition.py on the ../shared/corpora sample, WIKI's on WikiText-2;
    None: not measured, and no cell of the papers' grid trains on random batches there)."""

    train: int
    valid: int
    test: int
    words: float
    source: str
    random_positions: float | None


CORPORA = {
    # Yang et al. (2017)'s documents, not the sentence-split samples of ../shared/corpora; their
    # padding in random batches is the samples' (the documents are not here)
    "yahoo": Corpus(100_000, 10_000, 10_000, 78.0, "Yang et al. (2017), Table 1, as texar's examples/vae_text/README "
                    "and PaddleNLP's vae-seq2seq README quote it: 78 words a document", 2.235),
    "yelp": Corpus(100_000, 10_000, 10_000, 96.0, "Yang et al. (2017), Table 1, as commonly cited: 96 words a "
                   "document (no copy of the table was reachable here to check it)", 1.602),
    "cbt": Corpus(192_000, 10_000, 12_000, 19.3, "measured: ../shared/corpora/cbt/test.txt prepared as "
                  "configs/paper.yaml says (lower-cased, apostrophes and quotes split off)", 3.985),
    "wiki": Corpus(2_000_000, 270_000, 270_000, 24.4,
                   "measured: ../shared/corpora/wikitext2/test.txt, its sentences of at most 200 tokens", 2.934),
    "wiki_syntax": Corpus(2_000_000, 270_000, 270_000, 23.0,
                          "measured: ../shared/corpora/wikitext2/test.txt, its sentences of at most 50 tokens, for "
                          "Gulordava et al.'s Wikipedia (the sizes assumed the paper's WIKI's)", 2.074),
    "webtext": Corpus(1_000_000, 23_000, 24_000, 15.8, "measured: ../shared/corpora/webtext/test.jsonl, segmented",
                      3.272),
    "bookcorpus": Corpus(58_800_000, 3_300_000, 6_500_000, 13.3, "Zhu et al. (2015): 984.8M words in 74.0M "
                         "sentences (before paper B's filter to 5-30 words)", None),
}
SYNTAX_PAIRS = 163_124  # the Marvin & Linzen pairs of A6, two sentences each of about 10 words


def throughput_from_results(path: Path) -> tuple[float, str]:
    """The last `best_tokens_per_s: N` of RESULTS.md and the line before it that names the device."""
    text = path.read_text()
    found = re.findall(r"device: ([^\n]*)\n(?:.*\n)*?best_tokens_per_s: ([\d.]+)", text)
    if not found:
        raise SystemExit(f"{path}: no `best_tokens_per_s: N` line under a `device:` line; "
                         "run benchmarks/gpu_throughput.py or give --tokens-per-s")
    device, value = found[-1]
    return float(value), device


# the settings that shape a model's weight matrices: cells that agree on them share s
SHAPE_FIELDS = ("arch", "objective", "emb", "hidden", "z", "cnn_channels", "cnn_inner", "cnn_width", "cnn_blocks",
                "z_input", "shared_embedding")
_SHARES: dict[tuple, float] = {}  # s by (shape fields, vocabulary size): one model built per shape, not per cell


def share_outside_output_layer(settings, vocab_size: int) -> float:
    """s: the multiply-adds per position of the model's weight matrices other than the output
    layer's, over all of them (embeddings are lookups, biases not counted)."""
    key = (*(getattr(settings, field) for field in SHAPE_FIELDS), vocab_size)
    if key not in _SHARES:
        model = new_model(settings, vocab_size)
        total = sum(p.numel() for name, p in model.named_parameters() if p.dim() >= 2 and "embed" not in name)
        _SHARES[key] = 1 - model.decoder.out.weight.numel() / total
    return _SHARES[key]


def padding_factor(config: dict, corpus: str, settings, corpora=CORPORA) -> float:
    """What a training token costs with the settings' batches: 1 for bucketed ones (no
    padding), 1 + (f - 1) s for random ones (module docstring)."""
    if settings.batches == "bucketed":
        return 1.0
    f = corpora[corpus].random_positions
    if f is None:
        raise SystemExit(f"corpus {corpus}: random batches, but no measured padding in CORPORA; "
                         "measure it with benchmarks/batch_composition.py")
    return 1 + (f - 1) * share_outside_output_layer(settings, config["corpora"][corpus]["vocab_size"])


def cell_work(config: dict, corpus: str, model_id: str, corpora=CORPORA) -> dict[str, float]:
    """Training, held-out rows and evaluation of one cell, in training-token equivalents."""
    train, valid, test, words, _, _ = corpora[corpus]
    settings = cell_settings(config, corpus, model_id)
    tokens = words + 1  # and </s>
    steps = settings.epochs * math.ceil(train / settings.batch_size)
    held_out = (steps // settings.history_every) * min(valid, settings.held_out_sentences) * tokens
    # evaluate: one pass over the test split, iw_samples over the IW-NLL's sample of it
    evaluation = config["evaluation"]
    passes = test + evaluation["iw_samples"] * min(test, evaluation["iw_sentences"])
    return dict(training=settings.epochs * train * tokens * padding_factor(config, corpus, settings, corpora),
                held_out=FORWARD * held_out, evaluation=FORWARD * passes * tokens if settings.z > 0 else 0.0)


def a5_work(config: dict, corpora=CORPORA) -> float:
    """A5: each cell decodes a synthetic corpus per scheme and seed, and an LM trains on it."""
    a5 = config["experiments"].get("A5")
    if not a5:
        return 0.0
    work = 0.0
    for corpus, model_id in experiment_cells(config, "A5"):
        tokens = corpora[corpus].words + 1
        for seed in a5["seeds"]:
            lm = lm_settings(config, corpus, model_id, seed, a5_overrides(a5))
            per_corpus = a5["sentences"] * tokens
            work += len(a5["schemes"]) * (FORWARD * per_corpus + lm.epochs * per_corpus
                                          + FORWARD * corpora[corpus].test * tokens)
    return work


def grid_work(config: dict, corpora=CORPORA) -> dict[str, dict[str, float]]:
    """Training-token equivalents charged to each experiment, by kind of work."""
    owner = {}
    for name in config["experiments"]:
        for cell in experiment_cells(config, name):
            owner.setdefault(cell, name)
    for cell in reference_lm_cells(config):
        owner.setdefault(cell, "B4")
    work = {name: dict(training=0.0, held_out=0.0, evaluation=0.0, other=0.0) for name in config["experiments"]}
    for cell in all_cells(config):
        for kind, tokens in cell_work(config, *cell, corpora).items():
            work[owner[cell]][kind] += tokens
    if "A5" in work:
        work["A5"]["other"] += a5_work(config, corpora)
    if "A6" in work:  # p(x|z) of both sentences of each pair under both codes
        work["A6"]["other"] += FORWARD * len(experiment_cells(config, "A6")) * SYNTAX_PAIRS * 2 * 2 * 11
    return work


def run_corpora(config: dict, results: Path) -> dict[str, Corpus]:
    """The config's corpora as a run prepared them: its splits' sizes and the training split's
    mean length (RESULTS/data), and the padding of random batches of the defaults' size measured
    on those lengths (benchmarks/batch_composition.py's positions_per_token)."""
    corpora = {}
    for corpus in config["corpora"]:
        folder = results / "data" / corpus
        if not (folder / "train.parquet").exists():
            continue
        sizes = {split: pd.read_parquet(folder / f"{split}.parquet", columns=["n_tokens"])["n_tokens"]
                 for split in ("train", "valid", "test")}
        lengths = sizes["train"].tolist()
        corpora[corpus] = Corpus(len(lengths), len(sizes["valid"]), len(sizes["test"]), float(sizes["train"].mean()),
                                 f"measured: {folder}",
                                 positions_per_token(lengths, config["defaults"]["batch_size"], "random"))
    return corpora


def measured_rate(config: dict, results: Path, corpora: dict[str, Corpus]) -> tuple[float, int]:
    """(training-token equivalents a second, cells) of a run's trained cells: the work of their
    train jobs (training, held-out rows) and evaluate jobs over those jobs' seconds
    (RESULTS/benchmarks; each job on the threads it had)."""
    work, seconds = 0.0, 0.0
    runs = pd.read_parquet(results / "tables" / "runs.parquet", columns=["corpus", "model"])
    for corpus, model_id in zip(runs["corpus"], runs["model"]):
        cell = cell_work(config, corpus, model_id, corpora)
        for rule, kinds in (("train", ("training", "held_out")), ("evaluate", ("evaluation",))):
            job = results / "benchmarks" / rule / corpus / f"{model_id}.tsv"
            if job.exists():
                work += sum(cell[kind] for kind in kinds)
                seconds += float(pd.read_csv(job, sep="\t")["s"].iloc[-1])
    return work / seconds, len(runs)


def print_projection(work: dict[str, dict[str, float]], rate: float, name: str, parallel: int = 1) -> None:
    """Each experiment's hours and share, the grid's by kind and in all, at `rate` with `parallel`
    jobs at once, as `{name}_...` lines."""
    total = sum(sum(kinds.values()) for kinds in work.values())
    for experiment, kinds in work.items():
        tokens = sum(kinds.values())
        print(f"{experiment}_tokens: {tokens:.4g}")
        print(f"{experiment}_{name}_hours: {tokens / rate / parallel / 3600:.2f}")
        print(f"{experiment}_share_percent: {100 * tokens / total:.1f}")
    for kind in ("training", "held_out", "evaluation", "other"):
        print(f"grid_{kind}_{name}_hours: {sum(k[kind] for k in work.values()) / rate / parallel / 3600:.2f}")
    print(f"grid_tokens: {total:.4g}")
    print(f"grid_{name}_hours: {total / rate / parallel / 3600:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tokens-per-s", type=float)
    parser.add_argument("--config", type=Path, nargs="+", default=[REPO / "configs" / "paper.yaml"],
                        help="config files, merged in order as snakemake's --configfile merges them")
    parser.add_argument("--results", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    parser.add_argument("--run", type=Path, help="a run's results folder (module docstring)")
    parser.add_argument("--cores", type=int, default=2, help="CPU jobs at once, with --run")
    args = parser.parse_args()
    if args.tokens_per_s:
        rate, device = args.tokens_per_s, "given on the command line"
    else:
        rate, device = throughput_from_results(args.results)
    config = {}
    for path in args.config:
        update_config(config, yaml.safe_load(path.read_text()))
    prepare(config, files=False)
    corpora = run_corpora(config, args.run) if args.run else CORPORA
    print(f"throughput: {rate:,.0f} training tokens/s ({device})")
    for corpus, (train, valid, test, words, source, random_positions) in corpora.items():
        padding = f", {random_positions:.3f} positions per token in random batches" if random_positions else ""
        print(f"corpus {corpus}: {train:,} / {valid:,} / {test:,} sentences, {words:.1f} words each "
              f"({source}){padding}")
    work = grid_work(config, corpora)
    print_projection(work, rate, "device")
    total = sum(sum(kinds.values()) for kinds in work.values())
    print(f"ratio_to_5_hours: {total / rate / 3600 / 5:.2f}")
    print(f"tokens_per_s_for_5_hours: {total / (5 * 3600):.0f}")
    if args.run:
        cpu_rate, cells = measured_rate(config, args.run, corpora)
        print(f"cpu_tokens_per_s: {cpu_rate:.0f} (a job of one thread, measured on the {cells} cells of {args.run})")
        print_projection(work, cpu_rate, f"cpu{args.cores}", parallel=args.cores)


if __name__ == "__main__":
    main()
