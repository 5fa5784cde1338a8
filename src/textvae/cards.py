"""A model folder's card: what a trained cell needs to be used alone.

The model_card rule writes `vocab.parquet` (token, id, count) and `card.json` (corpus, model,
preparation, longest_sentence, decoding, metrics) beside `model.pt` in
`results/models/{corpus}/{model}/`.  Torch-free.  Keys: docs/design.md#cards.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

CARD = "card.json"
VOCAB = "vocab.parquet"
# the runs table's columns: the last history row's terms and the evaluation's test metrics
FINAL = ("reconstruction", "kl", "elbo", "held_out_elbo", "held_out_kl")
TEST = ("rate", "distortion", "elbo", "logdetcov", "mu_norm2", "active_units", "mi", "rate_minus_mi",
        "aggregate_kl", "iw_nll", "perplexity")


def key_metrics(last: pd.Series, summary: pd.Series | None = None) -> dict:
    """A model card's key metrics.

    final_{term} of the last history row `last` (the terms it has), and test_{metric} of
    the evaluation `summary` when the cell was evaluated."""
    metrics = {f"final_{k}": last[k] for k in FINAL if k in last}
    if summary is not None:
        metrics.update({f"test_{k}": summary[k] for k in TEST})
    return metrics


def card(corpus: str, model: str, preparation: dict, longest_sentence: int, decoding: dict, evaluation: dict,
         metrics: dict) -> dict:
    """The card of a cell: the run's `decoding` and `evaluation` blocks among its keys (docs/design.md#cards)."""
    return dict(corpus=corpus, model=model, preparation=preparation, longest_sentence=longest_sentence,
                decoding=decoding, evaluation=evaluation, metrics=metrics)


def card_json(found: dict) -> str:
    """A card as the text of card.json (numpy numbers as plain JSON numbers)."""
    return json.dumps(found, indent=2, default=lambda value: value.item()) + "\n"


def read_card(folder: str | Path) -> dict | None:
    """The card.json of a model folder, or None where the folder has none."""
    path = Path(folder) / CARD
    return json.loads(path.read_text()) if path.exists() else None
