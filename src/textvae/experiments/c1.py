"""C1, choosing C for a corpus: the algorithm Prokhorov et al. (2019) leave as future work.

Short runs over a ladder of C, each measured for reconstruction (D), code (MI, AU), distance to
the prior (aggregate KL) and the quality of its prior samples (per-token NLL under the corpus's
grammar or language model).  The pick: the largest C whose prior samples lose at most `delta`
nats per token against the best C.  Why: docs/choose-c.md.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import model_ids
from .base import Experiment, Figure

FIGURE = Figure(name="choose_c", table="choose_c",
                title="C1: per-token NLL of prior samples (top, band: the best C's + delta) and distortion D "
                      "(bottom) against C over the ladder's short runs, mean and sd over the training seeds; "
                      "the pick (line) and the seeds' range of picks (shade)",
                caption="C1: the choice of C: prior-sample quality and distortion across the ladder, pick marked")
REAL_TOP = 128.0  # the ladder's top where the corpus's entropy is not known
MEASURES = ["distortion", "rate", "mi", "active_units", "aggregate_kl", "sample_nll", "derivable"]


def ladder(top: float, start: float = 1.0, ratio: float = 2.0) -> list[float]:
    """start * ratio^k for k = 0, 1, ... while at most `top` (start alone where top < start)."""
    if start <= 0 or ratio <= 1:
        raise ValueError(f"ladder: start {start} must be > 0 and ratio {ratio} > 1")
    steps = max(0, math.floor(math.log(top / start, ratio) + 1e-9)) if top >= start else 0
    return [float(start * ratio ** k) for k in range(steps + 1)]


def pick(curve: dict[float, float], delta: float) -> float:
    """The largest C whose value (per-token NLL of prior samples) is at most the smallest value + delta."""
    best = min(curve.values())
    return max(C for C, value in curve.items() if value <= best + delta)


def seeds_interval(picks: list[float]) -> tuple[float, float, float]:
    """(lowest, highest, coverage) of the per-seed picks: an interval for their median.

    Distribution-free, of coverage 1 - 2^(1 - n) for n seeds (0 for one seed)."""
    return min(picks), max(picks), 1 - 2.0 ** (1 - len(picks))


def smoothed_nll(information: np.ndarray, n_tokens: np.ndarray, vocab_size: int, smoothing: float) -> np.ndarray:
    """Per-token -log p'(x), p' = (1 - s) p + s |V|^-(n + 1) (|V| counts </s>, n the words).

    A grammar gives p(x) = 0 to what it cannot derive (information inf): p' scores it as a uniform
    draw of its tokens, less -log s, so one such sample costs about log |V| nats a token."""
    tokens = n_tokens + 1.0
    with np.errstate(over="ignore"):
        mixed = np.logaddexp(np.log1p(-smoothing) - information, math.log(smoothing) - tokens * math.log(vocab_size))
    return -mixed / tokens


def block(config: dict) -> dict | None:
    """The config's experiment C1, if it has one."""
    return (config.get("experiments") or {}).get(EXPERIMENT.id)


def search_config(config: dict, corpus: str, top: float) -> dict:
    """`config` reduced to its experiment C1 on `corpus` over ladder(top)."""
    return {**config, "experiments": {EXPERIMENT.id: {**block(config), "corpora": [corpus], "C": ladder(top)}}}


def runs_table(summaries: pd.DataFrame, samples: pd.DataFrame) -> pd.DataFrame:
    """One row per run (corpus, C, seed): its test-set evaluation and its prior samples' mean quality."""
    quality = samples.groupby(["corpus", "model"], as_index=False).agg(
        sample_nll=("nll_per_token", "mean"), derivable=("derivable", "mean"))
    runs = summaries.merge(quality, on=["corpus", "model"])
    runs["seed"] = [model_ids.parse(model).seed or 1 for model in runs["model"]]  # no -s: the default seed 1
    return runs[["corpus", "model", "C", "seed", *MEASURES]].sort_values(["corpus", "C", "seed"], ignore_index=True)


def picks_table(runs: pd.DataFrame, delta: float) -> pd.DataFrame:
    """Per corpus: the pick on the seeds' mean curve, each seed's pick and their interval."""
    rows = []
    for corpus, part in runs.groupby("corpus", sort=False):
        mean = part.groupby("C")["sample_nll"].mean()
        per_seed = [pick(seed_part.set_index("C")["sample_nll"].to_dict(), delta)
                    for _, seed_part in part.groupby("seed")]
        lo, hi, coverage = seeds_interval(per_seed)
        Cs = sorted(mean.index)
        rows.append(dict(corpus=corpus, pick=pick(mean.to_dict(), delta), lo=lo, hi=hi, coverage=coverage,
                         seed_picks=", ".join(f"{p:g}" for p in per_seed), seeds=len(per_seed),
                         best_C=float(mean.idxmin()), best_nll=float(mean.min()), delta=delta,
                         ladder=", ".join(f"{C:g}" for C in Cs)))
    return pd.DataFrame(rows)


def curve_table(runs: pd.DataFrame, picks: pd.DataFrame) -> pd.DataFrame:
    """Per (corpus, C): each measure's mean and sd over the seeds, and the corpus's pick beside it."""
    pooled = runs.groupby(["corpus", "C"], as_index=False, sort=False)[MEASURES].agg(["mean", "std"])
    pooled.columns = [c if not s else (c if s == "mean" else f"{c}_sd") for c, s in pooled.columns]
    pooled = pooled.merge(picks[["corpus", "pick", "lo", "hi", "best_nll", "delta"]], on="corpus")
    return pooled.assign(chosen=pooled["C"] == pooled["pick"])


EXPERIMENT = Experiment(
    id="C1", title="C1 choosing C (Prokhorov et al. 2019's future work)", rules="choose_c.smk",
    tables=("choose_c", "choose_c_pick"), figures=(FIGURE,), evaluated=True, shared_prior=True,
    reference_lm=True, prior_draws=lambda keys: keys["samples"])
