"""Estimates with their noise from the experiments' tables.

A row is one run; a cell's runs are keyed by `run`, its seed suffix.  A difference's noise: the
t test over seeds (paired, else Welch); of one run, the exact sign-flip over shared units, else
the paired bootstrap; else the reason as text.  Why: docs/experiments.md#how-a-claim-is-decided.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .. import stats
from ..model_ids import split_seed
from . import SEEDS, verdict

MIN_SEEDS = 3  # an exact sign-flip over fewer seeds cannot reach p < 0.25; a t test over 2 has 1 df


@dataclass(frozen=True)
class Items:
    """What a one-run cell's noise resamples: `unit`, as rows name it, and where to find it.

    `count`: the cell table's column with the number of items (bootstrap replicates);
    `key`: the per-unit table's column that pairs the units of two cells (exact test)."""

    unit: str
    count: str = ""
    key: str = ""


SENTENCES = Items("test sentences", count="n_sentences")
PATHS = Items("paths", key="path")


def with_runs(frame: pd.DataFrame, lm_seed: str | None = None) -> pd.DataFrame:
    """The table with columns `base` and `run`.

    `base` is the model without its seed, `run` its seed suffix, with the column `lm_seed`
    where the runs are A5's language models."""
    parts = frame["model"].map(split_seed)
    base, run = parts.str[0], parts.str[1]
    if lm_seed is not None:
        run = run + "/lm" + frame[lm_seed].astype(str)
    return frame.assign(base=base, run=run)


def seeds_unit(runs: pd.DataFrame) -> str:
    """What a cell's runs are: LM seeds (A5's, of one network) or training seeds."""
    return "LM seeds" if all(str(r).startswith("/lm") for r in runs.index) else SEEDS


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
    """The bootstrap replicates of `column` of the run that `keys` pick out, in replicate order."""
    if noise is None or column not in noise:
        return None
    part = _matching(noise, keys).sort_values("replicate")
    return part[column].to_numpy(dtype=float) if len(part) else None


def _picked(runs: pd.DataFrame, keys) -> dict:
    """The keys that pick a one-run cell's rows out of a noise table."""
    row = runs.iloc[0]
    return dict(corpus=row["corpus"], model=row["model"], **{k: row[k] for k in keys})


def few_seeds(*runs: pd.DataFrame) -> str | None:
    """Why runs of several seeds cannot be tested over the seeds, or None."""
    n = min(len(r) for r in runs)
    if n < MIN_SEEDS:
        return f"{n} {seeds_unit(runs[0])}: the t test over seeds needs at least {MIN_SEEDS}"
    return None


NO_NOISE = "no noise estimate: one run and no bootstrap replicates or per-unit table"


def level(runs: pd.DataFrame, column: str, noise=None, keys=(), items: Items = SENTENCES) -> stats.Estimate | str:
    """One cell's value of a column, with its noise.

    Over several runs the one-sample t test over the seeds; of one run, the bootstrap
    replicates of `noise`."""
    if len(runs) > 1:
        return few_seeds(runs) or stats.t_mean(runs[column], seeds_unit(runs))
    reps = draws(noise, column, **_picked(runs, keys))
    if reps is None:
        return NO_NOISE
    return stats.bootstrap(reps, runs[column].iloc[0], items.unit, int(runs[items.count].iloc[0]))


def _per_unit(low: pd.DataFrame, high: pd.DataFrame, column: str, units: pd.DataFrame, keys, items: Items):
    """The per-unit values of `column` of two one-run cells, paired by `items.key` (NaN pairs dropped)."""
    a, b = (_matching(units, _picked(runs, keys)).set_index(items.key)[column] for runs in (low, high))
    pairs = pd.concat([a.rename("a"), b.rename("b")], axis=1, join="inner").dropna()
    return pairs["a"].to_numpy(dtype=float), pairs["b"].to_numpy(dtype=float)


def difference(low: pd.DataFrame, high: pd.DataFrame, column: str, noise=None, keys=(),
               items: Items = SENTENCES) -> stats.Estimate | str:
    """The difference of a column between two cells (`high` minus `low`), with its noise.

    Each cell its runs, as `cell` gives them; the noise the data have (the module's
    docstring); the reason as text where there is none."""
    a, b = low[column].astype(float), high[column].astype(float)
    if len(a) > 1 or len(b) > 1:
        unit = seeds_unit(low)
        if list(a.index) == list(b.index):
            return few_seeds(low, high) or stats.paired_t(a, b[a.index], unit)
        return few_seeds(low, high) or stats.welch(a, b, unit)
    if noise is None:
        return NO_NOISE
    if items.key:
        before, after = _per_unit(low, high, column, noise, keys, items)
        if not len(before):
            return f"no {items.unit} with a value in both cells"
        return stats.sign_flip(after - before, items.unit)
    ra, rb = draws(noise, column, **_picked(low, keys)), draws(noise, column, **_picked(high, keys))
    if ra is None or rb is None or len(ra) != len(rb):
        return NO_NOISE
    return stats.bootstrap(rb - ra, b.iloc[0] - a.iloc[0], items.unit, int(high[items.count].iloc[0]))


def decide(estimate: stats.Estimate | str, rule, comparison: str = "") -> stats.Decision:
    """`rule(estimate)` with the comparison named, or undecided with the reason there is no estimate."""
    if isinstance(estimate, str):
        return stats.Decision(None, reason=estimate, comparison=comparison)
    decision = rule(estimate)
    return replace(decision, comparison=decision.comparison or comparison)


def by_C(frame: pd.DataFrame) -> list[tuple[float, pd.DataFrame]]:
    """(C, its runs) of each C of the rows of one model per C, smallest C first."""
    return [(float(C), runs.set_index("run").sort_index()) for C, runs in frame.groupby("C", sort=True)]


def values_text(cells: list[tuple[float, pd.DataFrame]], column: str) -> str:
    """A column's value (mean over the runs) at each C, as text."""
    return ", ".join(f"C={C:g}: {runs[column].mean():.4g}" for C, runs in cells)


def trend(cells: list[tuple[float, pd.DataFrame]], column: str, sign: int, noise=None, keys=(),
          items: Items = SENTENCES) -> stats.Decision:
    """Whether a column rises (sign 1) or falls (sign -1) over the cells ordered by C (stats.trend)."""
    if len(cells) < 2:
        return stats.Decision(None, reason="the experiment has one C")
    pairs = [(cells[0], cells[-1]), *zip(cells, cells[1:])]
    comparisons = [(f"C={x:g} -> C={y:g}", difference(a, b, column, noise, keys, items))
                   for (x, a), (y, b) in pairs]
    missing = [estimate for _, estimate in comparisons if isinstance(estimate, str)]
    if missing:
        return stats.Decision(None, reason=missing[0], comparison=comparisons[0][0])
    return stats.trend(comparisons, sign)


def schemes_named(schemes: dict | None, method: str) -> list[str]:
    """The names of the config's decoding schemes of `method` (greedy, nucleus, ...)."""
    return [name for name, spec in (schemes or {}).items() if spec.get("method") == method]


def cells_of(*parts: pd.DataFrame) -> list[str]:
    """The runs (corpus/model) that a claim rests on."""
    return sorted({f"{c}/{m}" for part in parts for c, m in zip(part["corpus"], part["model"])})


def trend_verdict(claim: str, experiment: str, corpus: str, statement: str, part: pd.DataFrame, column: str,
                  sign: int, noise=None, keys=(), items: Items = SENTENCES) -> dict:
    """The row of a claim that a column rises (sign 1) or falls (sign -1) as C grows, over `part`."""
    cells = by_C(part)
    return verdict(claim, experiment, corpus, statement, trend(cells, column, sign, noise, keys, items),
                   values_text(cells, column), cells_of(part))


def conjunction(claim: str, experiment: str, corpus: str, statement: str, parts: list, evidence: str,
                cells, what: str) -> dict:
    """The row of a claim that each of k parts (label, estimate or reason, lower, upper) lies in its bounds.

    stats.every over the parts (an intersection-union test); undecided where a part has no estimate."""
    missing = [(label, e) for label, e, _, _ in parts if isinstance(e, str)]
    if missing:
        decision = stats.Decision(None, reason=f"{missing[0][0]}: {missing[0][1]}")
    else:
        decision = stats.every(parts)
    test = f"intersection-union over {len(parts)} {what} (holds: each; fails: any, Bonferroni)"
    if decision.estimate is not None:
        test = f"{test}; {decision.estimate.test}"
    return verdict(claim, experiment, corpus, statement, decision, evidence, cells, test=test)
