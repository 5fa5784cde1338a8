"""A model folder's card: what a trained cell needs to be used alone.

Beside its `model.pt`, to be used alone on another machine, on sentences of one's own
(textvae.api, the `textvae` command).

The model_card rule writes two files into each model folder `results/models/{corpus}/{model}/`:
- `vocab.parquet`: the corpus vocabulary, as `results/data/{corpus}/vocab.parquet` (columns
  token, id, count; ids 0-3 are <pad>, <unk>, <bos>, <eos>);
- `card.json`: `corpus` and `model` (the cell), `preparation` (how the corpus's text was prepared,
  as textvae.corpora.prepare_sentence's keywords lowercase, tokenized, unk_markers and split_chars),
  `longest_sentence` (tokens of the longest training sentence), `decoding` (the run's decoding
  block: max_len, batch_size, seed and the named schemes), and `metrics` (the cell's key figures
  as the runs table has them: final_* from the last history row, test_* from the evaluation
  where the cell was evaluated).
Torch-free: the card is plain JSON and pandas.
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


def card(corpus: str, model: str, preparation: dict, longest_sentence: int, decoding: dict,
         metrics: dict) -> dict:
    """The card of a cell (the module's docstring says what each key holds)."""
    return dict(corpus=corpus, model=model, preparation=preparation, longest_sentence=longest_sentence,
                decoding=decoding, metrics=metrics)


def card_json(found: dict) -> str:
    """A card as the text of card.json (numpy numbers as plain JSON numbers)."""
    return json.dumps(found, indent=2, default=lambda value: value.item()) + "\n"


def read_card(folder: str | Path) -> dict | None:
    """The card.json of a model folder, or None where the folder has none."""
    path = Path(folder) / CARD
    return json.loads(path.read_text()) if path.exists() else None
