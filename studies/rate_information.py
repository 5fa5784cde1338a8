"""Does the beta_C-VAE's rate carry information about x?  Trains A1-style cells (arch x C) on one
real corpus under named variants of the training settings and prints, per cell, the test
split's D, R, MI, R - MI, ||mu||^2 (of the aggregate posterior's mean), LogDetCov, active units,
IW-NLL and its standard error, and the rate of the shortest and of the longest quarter of the test
sentences: the measurements behind docs/rate.md.

    python studies/rate_information.py --config configs/real.yaml --corpus yahoo \
        --train 12000 --vocab 9000 --archs gru --C 3 15 40 \
        --set emb=128 hidden=256 z=32 batch_size=64 \
        --variant before: epochs=4 lr=0.002 lr_schedule=cosine c_ramp_epochs=2 \
        --variant paper: epochs=4 lr=0.00075 lr_schedule=constant c_ramp_epochs=2 \
        [--jobs 2] [--device cuda|cpu] [--out rate.csv]

The corpus is read as the config's entry says, with its `limit` replaced by --train/--test
sentences and its vocabulary size by --vocab.  `--set` overrides the config's defaults for
every cell (an experiment's or cell's own settings in the config still override those),
`--variant NAME: key=value ...` everything for that variant's cells (values are YAML).  Cells
run in --jobs processes of one torch thread each, on --device (CUDA when present; the processes
share the one GPU).
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from pathlib import Path

import pandas as pd
import torch
import yaml

from textvae.config import cell_values, model_settings, prepare
from textvae.corpora import Vocab, build_vocab, text_corpus_splits
from textvae.evaluation import evaluate, mean_terms
from textvae.precision import set_precision
from textvae.training import load_model, train_cell

COLUMNS = ["variant", "arch", "C", "distortion", "rate", "mi", "rate_minus_mi", "mu_norm2",
           "aggregate_kl", "logdetcov", "active_units", "iw_nll", "iw_nll_se", "kl_shortest_quarter",
           "kl_longest_quarter", "minutes"]


def assignments(words: list[str]) -> dict:
    """['lr=0.002', 'z=32'] -> {'lr': 0.002, 'z': 32} (values parsed as YAML)."""
    out = {}
    for word in words:
        key, sep, value = word.partition("=")
        if not sep:
            raise SystemExit(f"expected key=value, got {word!r}")
        out[key] = yaml.safe_load(value)
    return out


def variants(groups: list[list[str]]) -> dict[str, dict]:
    """[['paper:', 'lr=0.00075'], ...] -> {'paper': {'lr': 0.00075}, ...}."""
    out = {}
    for name, *words in groups:
        out[name.rstrip(":")] = assignments(words)
    return out or {"as-config": {}}


def read_corpus(config: dict, corpus: str, train: int, test: int, vocab_size: int):
    """(train ids, test ids, vocabulary) of the config's corpus entry (one file, `path`, its
    keys completed from the schema), cut to the given sizes."""
    spec = dict(config["corpora"][corpus], limit={"train": train, "valid": 1, "test": test},
                vocab_size=vocab_size)
    splits = text_corpus_splits(spec, {"all": spec["path"]})
    vocab = Vocab.from_frame(build_vocab(splits["train"], vocab_size))
    return [vocab.encode(s) for s in splits["train"]], [vocab.encode(s) for s in splits["test"]], vocab


def run_cell(job: tuple) -> dict:
    """Train and evaluate one cell in a temporary folder; the row of COLUMNS."""
    name, arch, C, settings, data, evaluation, device = job
    torch.set_num_threads(1)
    set_precision("fp32")
    train, test, vocab_size, bos, eos = data
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        train_cell(settings, train, vocab_size, bos, eos, folder, f"{name}/{arch}/C{C:g}", device=device,
                   log=lambda *_: None)
        model, _ = load_model(Path(folder) / "model.pt", device)
    minutes = (time.perf_counter() - started) / 60
    stats = evaluate(model, test, bos, eos, iw_samples=evaluation["iw_samples"],
                     repeats=evaluation["logdetcov_repeats"], au_threshold=evaluation["au_threshold"],
                     seed=evaluation["seed"], batch_size=evaluation["batch_size"], device=device)
    by_length = sorted(test, key=len)
    quarter = len(by_length) // 4
    stats.update(kl_shortest_quarter=mean_terms(model, by_length[:quarter], bos, eos, seed=1, device=device)["kl"],
                 kl_longest_quarter=mean_terms(model, by_length[-quarter:], bos, eos, seed=1, device=device)["kl"])
    row = dict(variant=name, arch=arch, C=C, **{k: stats[k] for k in COLUMNS[3:-1]}, minutes=minutes)
    print(" ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()),
          flush=True)
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--train", type=int, default=12000)
    parser.add_argument("--test", type=int, default=1000)
    parser.add_argument("--vocab", type=int, default=9000)
    parser.add_argument("--archs", nargs="+", default=["lstm", "gru", "cnn"])
    parser.add_argument("--C", nargs="+", type=float, default=[3.0, 15.0, 40.0])
    parser.add_argument("--set", nargs="*", default=[])
    parser.add_argument("--variant", nargs="+", action="append", default=[])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    with open(args.config) as f:
        config = prepare(yaml.safe_load(f), files=False)  # reads the one corpus it is given
    config["defaults"].update(assignments(args.set))
    train, test, vocab = read_corpus(config, args.corpus, args.train, args.test, args.vocab)
    print(f"{args.corpus}: {len(train)} training sentences of mean length "
          f"{sum(map(len, train)) / len(train):.1f}, {len(test)} test, vocabulary {len(vocab)}; on {args.device}")
    data = (train, test, len(vocab), vocab.bos, vocab.eos)
    jobs = []
    for name, overrides in variants(args.variant).items():
        for arch in args.archs:
            for C in args.C:
                model_id = f"{arch}-betac-C{C:g}"
                settings = model_settings({**cell_values(config, args.corpus, model_id), **overrides}, model_id)
                jobs.append((name, arch, C, settings, data, config["evaluation"], torch.device(args.device)))
    with multiprocessing.get_context("spawn").Pool(args.jobs) as pool:
        rows = pool.map(run_cell, jobs, chunksize=1)
    table = pd.DataFrame(rows, columns=COLUMNS)
    with pd.option_context("display.width", 200, "display.precision", 2):
        print(table.to_string(index=False))
    if args.out:
        table.to_csv(args.out, index=False)


if __name__ == "__main__":
    main()
