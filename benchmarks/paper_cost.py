"""The projected device-hours of the papers' grids (configs/paper.yaml), experiment by
experiment, from a measured training throughput.

    python benchmarks/paper_cost.py [--tokens-per-s N] [--config configs/paper.yaml]

Throughput: --tokens-per-s, else the last `best_tokens_per_s: N` line of
benchmarks/RESULTS.md (benchmarks/gpu_throughput.py prints it; RESULTS.md names its device).

Work is counted in training-token equivalents: a token of a training step counts 1; a token
scored without a gradient (held-out rows, evaluation, decoding, syntax scores) counts 1/3, the
forward pass's share of a step (backward costs about twice the forward).  The FCE language
models count as training tokens although they have no encoder (an overestimate of about a
third).  Corpus sizes are the papers' (train sentences, test sentences); mean sentence
lengths are measured on ../shared/corpora where a sample is there and assumed otherwise, as
CORPORA says.  A cell is charged to the first experiment of the config that lists it (A3-A6
reuse cells of A1 and A2).  Not counted: process start-up, corpus preparation, and the
decoding of B2-B5 and A2-A4 (some thousand sentences each).

Prints each experiment's training-token equivalents and device-hours, the grid's hours by kind
of work (training, held-out rows, evaluation, A5's and A6's other work) and in all as
`name: value` lines, the grid's hours as a ratio to the 5 device-hours of the target (baseline),
and the throughput that would meet it.
"""

from __future__ import annotations

import argparse
import math
import re
from pathlib import Path

import yaml

from textvae.config import (
    all_cells,
    cell_settings,
    experiment_cells,
    fce_lm_settings,
    reference_lm_cells,
    with_schema_defaults,
)

REPO = Path(__file__).resolve().parents[1]
FORWARD = 1 / 3  # a forward-only token, in training-token equivalents
# corpus: (train sentences, valid sentences, test sentences, mean words per sentence, where the length comes from)
CORPORA = {
    "yahoo": (100_000, 10_000, 10_000, 12.6, "measured: ../shared/corpora/yahoo/test.txt"),
    "yelp": (100_000, 10_000, 10_000, 9.0, "measured: ../shared/corpora/yelp/test.txt"),
    "cbt": (192_000, 10_000, 12_000, 18.9, "measured: ../shared/corpora/cbt/test.txt, less the line numbers"),
    "wiki": (2_000_000, 270_000, 270_000, 21.0, "assumed: WikiText-103 sentences of at most 50 tokens"),
    "webtext": (1_000_000, 23_000, 24_000, 20.0, "assumed: segmented WebText sentences"),
    "bookcorpus": (58_800_000, 3_300_000, 6_500_000, 13.0, "assumed: BookCorpus sentences of 5-30 words"),
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


def cell_work(config: dict, corpus: str, model_id: str) -> dict[str, float]:
    """Training, held-out rows and evaluation of one cell, in training-token equivalents."""
    train, valid, test, words, _ = CORPORA[corpus]
    settings = cell_settings(config, corpus, model_id)
    tokens = words + 1  # and </s>
    steps = settings.epochs * math.ceil(train / settings.batch_size)
    held_out = (steps // settings.history_every) * min(valid, settings.held_out_sentences) * tokens
    # evaluate: one pass and iw_samples importance samples over the test split
    evaluation = (1 + config["evaluation"]["iw_samples"]) * test * tokens if settings.z > 0 else 0
    return dict(training=settings.epochs * train * tokens, held_out=FORWARD * held_out, evaluation=FORWARD * evaluation)


def a5_work(config: dict) -> float:
    """A5: each cell decodes a synthetic corpus per scheme and seed, and an LM trains on it."""
    a5 = config["experiments"].get("A5")
    if not a5:
        return 0.0
    work = 0.0
    for corpus, model_id in experiment_cells(config, "A5"):
        tokens = CORPORA[corpus][3] + 1
        for seed in a5["seeds"]:
            lm = fce_lm_settings(config, corpus, model_id, seed)
            per_corpus = a5["sentences"] * tokens
            work += len(a5["schemes"]) * (FORWARD * per_corpus + lm.epochs * per_corpus
                                          + FORWARD * CORPORA[corpus][2] * tokens)
    return work


def grid_work(config: dict) -> dict[str, dict[str, float]]:
    """Training-token equivalents charged to each experiment, by kind of work."""
    owner = {}
    for name in config["experiments"]:
        for cell in experiment_cells(config, name):
            owner.setdefault(cell, name)
    for cell in reference_lm_cells(config):
        owner.setdefault(cell, "B4")
    work = {name: dict(training=0.0, held_out=0.0, evaluation=0.0, other=0.0) for name in config["experiments"]}
    for cell in all_cells(config):
        for kind, tokens in cell_work(config, *cell).items():
            work[owner[cell]][kind] += tokens
    if "A5" in work:
        work["A5"]["other"] += a5_work(config)
    if "A6" in work:  # p(x|z) of both sentences of each pair under both codes
        work["A6"]["other"] += FORWARD * len(experiment_cells(config, "A6")) * SYNTAX_PAIRS * 2 * 2 * 11
    return work


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tokens-per-s", type=float)
    parser.add_argument("--config", type=Path, default=REPO / "configs" / "paper.yaml")
    parser.add_argument("--results", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    args = parser.parse_args()
    if args.tokens_per_s:
        rate, device = args.tokens_per_s, "given on the command line"
    else:
        rate, device = throughput_from_results(args.results)
    config = with_schema_defaults(yaml.safe_load(args.config.read_text()))
    print(f"throughput: {rate:,.0f} training tokens/s ({device})")
    for corpus, (train, valid, test, words, source) in CORPORA.items():
        print(f"corpus {corpus}: {train:,} / {valid:,} / {test:,} sentences, {words} words each ({source})")
    work = grid_work(config)
    for name, kinds in work.items():
        tokens = sum(kinds.values())
        print(f"{name}_tokens: {tokens:.4g}")
        print(f"{name}_device_hours: {tokens / rate / 3600:.2f}")
    for kind in ("training", "held_out", "evaluation", "other"):
        print(f"grid_{kind}_device_hours: {sum(k[kind] for k in work.values()) / rate / 3600:.2f}")
    total = sum(sum(kinds.values()) for kinds in work.values())
    print(f"grid_tokens: {total:.4g}")
    print(f"grid_device_hours: {total / rate / 3600:.2f}")
    print(f"ratio_to_5_hours: {total / rate / 3600 / 5:.2f}")
    print(f"tokens_per_s_for_5_hours: {total / (5 * 3600):.0f}")


if __name__ == "__main__":
    main()
