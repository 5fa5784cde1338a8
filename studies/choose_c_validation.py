"""C1's validation (docs/choose-c.md): short-run searches against the full-budget grid.

    python3 studies/choose_c_validation.py results-choose-c-full results docs/choose-c \
        results-choose-c results-choose-c-f05

Writes into the third folder the full grid's runs table (full_runs.csv) and each search's
(f{train_fraction}_runs.csv); picks.csv, per search and corpus, the search's pick and the full
grid's by the same criterion and how many ladder steps apart; cost.csv, each search's job seconds
(train, evaluate, samples) and training steps against the A1 column of the same corpus and
architecture in the default run (the second folder)."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import pandas as pd
import yaml

from textvae.experiments.c1 import picks_table


def job_seconds(results: Path, rules: tuple[str, ...], corpus: str, models) -> float:
    """The summed seconds of the rules' jobs on `models` of `corpus` (their benchmark files)."""
    return float(sum(pd.read_csv(results / "benchmarks" / rule / corpus / f"{model}.tsv", sep="\t")["s"].sum()
                     for rule in rules for model in models))


def block(results: Path) -> dict:
    """A run's experiment C1 as its effective config (results/config.yaml) has it."""
    return yaml.safe_load((results / "config.yaml").read_text())["experiments"]["C1"]


def compared(search: pd.DataFrame, full: pd.DataFrame, delta: float, fraction: float) -> pd.DataFrame:
    """Per corpus: the search's pick and the full grid's, and how many doublings apart."""
    both = picks_table(search, delta).merge(picks_table(full, delta), on="corpus", suffixes=("_short", "_full"))
    both.insert(0, "train_fraction", fraction)
    both["steps_apart"] = (both["pick_short"] / both["pick_full"]).map(lambda r: abs(math.log2(r)))
    both["within_one_step"] = both["steps_apart"] <= 1
    return both


def cost(search_results: Path, default_results: Path, runs: pd.DataFrame, fraction: float) -> pd.DataFrame:
    """Per corpus: the search's job seconds and training steps against the default run's A1 column."""
    a1 = yaml.safe_load((default_results / "config.yaml").read_text())["experiments"]["A1"]
    rows = []
    for corpus, part in runs.groupby("corpus"):
        column = [f"lstm-betac-C{C:g}" for C in a1["C"]]
        spent = job_seconds(search_results, ("train", "evaluate", "choose_c_samples"), corpus, part["model"])
        column_seconds = job_seconds(default_results, ("train", "evaluate"), corpus, column)
        rows.append(dict(train_fraction=fraction, corpus=corpus, search_runs=len(part), search_seconds=spent,
                         a1_column_cells=len(column), a1_column_seconds=column_seconds,
                         fraction_of_time=spent / column_seconds, fraction_of_steps=len(part) * fraction / len(column)))
    return pd.DataFrame(rows)


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("full", type=Path)
    cli.add_argument("default", type=Path)
    cli.add_argument("out", type=Path)
    cli.add_argument("searches", type=Path, nargs="+")
    args = cli.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    full = pd.read_parquet(args.full / "tables" / "choose_c_runs.parquet")
    full.to_csv(args.out / "full_runs.csv", index=False)
    picks, costs = [], []
    for search in args.searches:
        runs = pd.read_parquet(search / "tables" / "choose_c_runs.parquet")
        fraction, delta = block(search)["settings"]["train_fraction"], block(search)["delta"]
        runs.to_csv(args.out / f"f{fraction:g}_runs.csv", index=False)
        picks.append(compared(runs, full, delta, fraction))
        costs.append(cost(search, args.default, runs, fraction))
    pd.concat(picks).to_csv(args.out / "picks.csv", index=False)
    pd.concat(costs).to_csv(args.out / "cost.csv", index=False)
    print(pd.concat(picks).to_markdown(index=False, floatfmt=".3g"))
    print(pd.concat(costs).to_markdown(index=False, floatfmt=".3g"))


if __name__ == "__main__":
    main()
