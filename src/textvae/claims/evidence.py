"""Estimates with their noise from the experiments' tables.

A cell's runs (its training seeds, and A5's LM seeds), one cell's statistic and the difference
between two cells with the noise the data have, and a statistic's trend over C.

A table row is one run.  A cell is a model without its seed suffix (`base`) with the other
keys that place it (corpus, scheme, category); its runs are keyed by `run`, the seed suffix
(and A5's LM seed), so the runs of two cells pair by seed.  The noise of a difference is, in
this order: the paired t over the seeds where both cells have the same seeds (the same seed
draws the same initialisation, batches, prior draws), Welch's t where they have different
ones, the paired bootstrap over the items where each cell is one run and the table has
replicates (the `*_bootstrap` companions: the same resamples in every cell).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import stats
from ..model_ids import split_seed
from . import verdict


def with_runs(frame: pd.DataFrame, lm_seed: str | None = None) -> pd.DataFrame:
    """The table with columns `base` and `run`.

    `base` is the model without its seed, `run` its seed suffix, with the column `lm_seed`
    where the runs are A5's language models."""
    parts = frame["model"].map(split_seed)
    base, run = parts.str[0], parts.str[1]
    if lm_seed is not None:
        run = run + "/lm" + frame[lm_seed].astype(str)
    return frame.assign(base=base, run=run)


def _matching(frame: pd.DataFrame, keys: dict) -> pd.DataFrame:
    """The rows whose columns equal `keys`."""
    mask = np.ones(len(frame), dtype=bool)
    for key, value in keys.items():
        mask &= (frame[key] == value).to_numpy()
    return frame[mask]


def cell(frame: pd.DataFrame, **keys) -> pd.DataFrame:
    """The runs of one cell: the rows whose columns equal `keys`, indexed by run."""
    return _matching(frame, keys).set_index("run").sort_index()


def draws(noise: pd.DataFrame | None, column: str, **keys) -> np.ndarray | None:
    """The bootstrap replicates of `column` of the run that `keys` pick out.

    In replicate order (None without them)."""
    if noise is None or column not in noise:
        return None
    part = _matching(noise, keys).sort_values("replicate")
    return part[column].to_numpy(dtype=float) if len(part) else None


def _replicates(runs: pd.DataFrame, noise, column: str, keys: list[str]) -> np.ndarray | None:
    """The replicates of a one-run cell."""
    row = runs.iloc[0]
    return draws(noise, column, corpus=row["corpus"], model=row["model"], **{k: row[k] for k in keys})


def level(runs: pd.DataFrame, column: str, noise=None, keys=(), items: str = "") -> stats.Estimate | None:
    """One cell's value of a column, with its noise.

    Its mean over the runs with the one-sample t interval over the
    seeds, or of one run the percentile interval of its replicates; None without noise."""
    if len(runs) > 1:
        return stats.t_mean(runs[column], f"t over {len(runs)} seeds")
    reps = _replicates(runs, noise, column, list(keys)) if len(runs) == 1 else None
    return None if reps is None else stats.bootstrap(reps, runs[column].iloc[0], items)


def difference(low: pd.DataFrame, high: pd.DataFrame, column: str, noise=None, keys=(),
               items: str = "") -> stats.Estimate | None:
    """The difference of a column between two cells, with its noise.

    `column` of cell `high` minus cell `low` (each its runs, as `cell` gives them) with the
    noise the data have (the module's docstring); None without any."""
    a, b = low[column].astype(float), high[column].astype(float)
    if len(a) > 1 and len(b) > 1:
        return stats.paired_t(a, b[a.index]) if list(a.index) == list(b.index) else stats.welch(a, b)
    if len(a) == 1 and len(b) == 1:
        ra, rb = _replicates(low, noise, column, list(keys)), _replicates(high, noise, column, list(keys))
        if ra is not None and rb is not None and len(ra) == len(rb):
            return stats.bootstrap(rb - ra, b.iloc[0] - a.iloc[0], items)
    return None


def by_C(frame: pd.DataFrame) -> list[tuple[float, pd.DataFrame]]:
    """(C, its runs) of each C of the rows of one model per C, smallest C first."""
    return [(float(C), runs.set_index("run").sort_index()) for C, runs in frame.groupby("C", sort=True)]


def trend(cells: list[tuple[float, pd.DataFrame]], column: str, sign: int, noise=None, keys=(),
          items: str = "") -> tuple[stats.Decision, stats.Estimate | None, str]:
    """Whether a column rises or falls over the cells ordered by C.

    Rises for sign 1, falls for sign -1 (stats.trend): the decision, the estimate of the change
    from the smallest C to the largest, and the values per C as text."""
    text = ", ".join(f"C={C:g}: {runs[column].mean():.4g}" for C, runs in cells)
    if len(cells) < 2:
        return stats.Decision(None, reason="the experiment has one C"), None, text
    steps = [difference(a, b, column, noise, keys, items) for (_, a), (_, b) in zip(cells, cells[1:])]
    ends = difference(cells[0][1], cells[-1][1], column, noise, keys, items)
    return stats.trend(ends, steps, sign), ends, text


def cells_of(*parts: pd.DataFrame) -> list[str]:
    """The runs (corpus/model) that a claim rests on."""
    return sorted({f"{c}/{m}" for part in parts for c, m in zip(part["corpus"], part["model"])})


def trend_verdict(claim: str, experiment: str, corpus: str, statement: str, part: pd.DataFrame, column: str,
                  sign: int, noise=None, keys=(), items: str = "") -> dict:
    """The row of a claim that a column rises or falls as C grows.

    Rises for sign 1, falls for sign -1, over the runs of `part` (one model per C)."""
    decision, ends, text = trend(by_C(part), column, sign, noise, keys, items)
    return verdict(claim, experiment, corpus, statement, decision, text, ends, cells_of(part))
