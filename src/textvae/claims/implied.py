"""Checks the papers imply, decided from the evaluations of every evaluated cell.

The evaluations are the summaries and their bootstrap replicates over the test sentences.  The checks:

- the rate on target for the beta_C runs no experiment's own claim covers;
- the offset share (1/2 ||mean mu||^2) / R at the largest C at most OFFSET_SHARE = 10 %: the
  part of the rate that moves every posterior alike and tells the decoder nothing stays a small
  part of it.  10 %, ten times what the paper's models show (every row of Table 1 under 1 %: 0.6 %
  at C = 100 on CBT), so that it flags a run whose rate is mostly an offset (docs/rate.md: the
  whole rate at a short ramp) without failing the paper's own size of it;
- MI rises with C up to its ceiling: an MI estimated from a mixture of n posteriors is at most
  log n, so the trend is taken over the C up to the first whose MI is within CEILING of log n;
- on a built-in corpus, D + R >= H (the ELBO cannot exceed log p(x)) and IW-NLL >= H for every
  cell (an intersection-union test over the cells).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import stats
from . import lacking, verdict
from .evidence import by_C, cells_of, conjunction, decide, level, trend, values_text, with_runs
from .paper_a import rate_on_target

OFFSET_SHARE = 0.1
CEILING = 0.01  # MI within this share of log n is at the estimate's ceiling


def implied(tables: dict, covered=frozenset()) -> list[dict]:
    """The implied checks over the evaluated cells (the module's docstring).

    `covered`, the
    runs (corpus/model) whose rate an experiment's claim decides already."""
    summaries, noise = with_runs(tables["summaries"]), tables["bootstrap"]
    betac = summaries[summaries["objective"] == "betac"]
    rest = betac[[f"{c}/{m}" not in covered for c, m in zip(betac["corpus"], betac["model"])]]
    rows = rate_on_target(rest, noise, "implied", "implied.rate_on_target") if len(rest) else []
    for (corpus, arch), part in betac.groupby(["corpus", "arch"], sort=False):
        rows.append(offset_share(corpus, arch, part, noise))
        rows.append(mi_rises(corpus, arch, part, noise))
    if "entropy" in summaries:
        for corpus, part in summaries[summaries["entropy"].notna()].groupby("corpus", sort=False):
            rows.append(at_least_zero(part, noise, "bound_gap", "implied.elbo_below_log_px", corpus,
                                      "D + R >= H (the ELBO cannot exceed log p(x)) for every evaluated cell"))
            rows.append(at_least_zero(part, noise, "iw_gap", "implied.iw_nll_at_least_entropy", corpus,
                                      "IW-NLL >= H for every evaluated cell"))
    return rows


def offset_share(corpus: str, arch: str, part: pd.DataFrame, noise: pd.DataFrame) -> dict:
    """(1/2 ||mean mu||^2) / R at the largest C is at most OFFSET_SHARE, beyond its noise."""
    C, top = by_C(part.assign(offset_share=part["mu_norm2"] / 2 / part["rate"]))[-1]
    statement = f"at the largest C ({arch}), the offset 1/2 ||mean mu||^2 is at most {100 * OFFSET_SHARE:g} % of R"
    share = level(top, "offset_share", noise.assign(offset_share=noise["mu_norm2"] / 2 / noise["rate"]))
    decision = decide(share, lambda e: stats.exceeds(e, OFFSET_SHARE, -1), f"C={C:g}")
    evidence = (f"C={C:g}: R = {top['rate'].mean():.3f}, offset {top['mu_norm2'].mean() / 2:.3f} "
                f"({100 * top['offset_share'].mean():.2f} % of R), MI = {top['mi'].mean():.3f}")
    return verdict("implied.offset_share_small", "implied", corpus, statement, decision, evidence, cells_of(top))


def mi_rises(corpus: str, arch: str, part: pd.DataFrame, noise: pd.DataFrame) -> dict:
    """MI rises with C over the C up to the first whose MI is within CEILING of log n."""
    statement = f"MI rises with C up to its log n ceiling ({arch})"
    cells = by_C(part)
    ceiling = [bool((runs["mi"].mean() >= (1 - CEILING) * np.log(runs["mi_posteriors"])).all()) for _, runs in cells]
    upto = cells[:ceiling.index(True) + 1] if True in ceiling else cells
    cap = f"log n = {np.log(part['mi_posteriors'].max()):.2f}"
    if len(upto) < 2:
        what = f"MI is at its ceiling ({cap}) from the smallest C" if ceiling[0] else "the experiment has one C"
        return lacking("implied.mi_rises", "implied", corpus, statement, what)
    reached = f", reached at C={upto[-1][0]:g}" if len(upto) < len(cells) else ""
    return verdict("implied.mi_rises", "implied", corpus, statement, trend(upto, "mi", 1, noise),
                   f"{values_text(upto, 'mi')}; {cap}{reached}", cells_of(*(runs for _, runs in upto)))


def at_least_zero(part: pd.DataFrame, noise, column: str, claim: str, corpus: str, statement: str) -> dict:
    """A bound that must hold in every cell: `column` >= 0 (an intersection-union test over the cells)."""
    runs = with_runs(part)
    parts = [(row["model"], level(runs.loc[[i]].set_index("run"), column, noise), 0.0, np.inf)
             for i, row in runs.iterrows()]
    worst = int(np.argmin(part[column].to_numpy()))
    evidence = f"{len(part)} cells, smallest {column} = {part[column].iloc[worst]:.3f} ({part['model'].iloc[worst]})"
    return conjunction(claim, "implied", corpus, statement, parts, evidence, cells_of(part), "cells")
