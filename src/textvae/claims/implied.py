"""Checks the papers imply, from every evaluated cell's evaluation.

Rate on target for the runs no experiment's rate claim covers; the offset 1/2 ||mean mu||^2 at
most OFFSET_SHARE of R at the largest C; MI rises up to its log n ceiling; on a built-in corpus
D + R >= H, IW-NLL >= H and FCE >= H.  Why: docs/experiments.md#checks-the-papers-imply.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import stats
from . import lacking, verdict
from .evidence import by_C, cell, cells_of, conjunction, decide, level, trend, values_text, with_runs

OFFSET_SHARE = 0.1
CEILING = 0.01  # MI within this share of log n is at the estimate's ceiling
COVERS = 5.0  # % of the test tokens a vocabulary maps to <unk> up to which FCE >= H is checked
RATE, OFFSET, MI_RISES = "implied.rate_on_target", "implied.offset_share_small", "implied.mi_rises"
ELBO_BELOW, IW_AT_LEAST = "implied.elbo_below_log_px", "implied.iw_nll_at_least_entropy"
FCE_AT_LEAST_ENTROPY = "implied.fce_at_least_entropy"
CLAIM_IDS = (RATE, OFFSET, MI_RISES, ELBO_BELOW, IW_AT_LEAST, FCE_AT_LEAST_ENTROPY)


def implied(tables: dict, covered=frozenset()) -> list[dict]:
    """The implied checks over the evaluated cells (the module's docstring).

    `covered`, the
    runs (corpus/model) whose rate an experiment's claim decides already."""
    summaries, noise = with_runs(tables["summaries"]), tables["bootstrap"]
    betac = summaries[summaries["objective"] == "betac"]
    rest = betac[[f"{c}/{m}" not in covered for c, m in zip(betac["corpus"], betac["model"])]]
    rows = rate_on_target(rest, noise, "implied", RATE) if len(rest) else []
    for (corpus, arch), part in betac.groupby(["corpus", "arch"], sort=False):
        rows.append(offset_share(corpus, arch, part, noise))
        rows.append(mi_rises(corpus, arch, part, noise))
    if "entropy" in summaries:
        for corpus, part in summaries[summaries["entropy"].notna()].groupby("corpus", sort=False):
            rows.append(at_least_zero(part, noise, "bound_gap", ELBO_BELOW, corpus,
                                      "D + R >= H (the ELBO cannot exceed log p(x)) for every evaluated cell"))
            rows.append(at_least_zero(part, noise, "iw_gap", IW_AT_LEAST, corpus,
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
    return verdict(OFFSET, "implied", corpus, statement, decision, evidence, cells_of(top))


def mi_rises(corpus: str, arch: str, part: pd.DataFrame, noise: pd.DataFrame) -> dict:
    """MI rises with C over the C up to the first whose MI is within CEILING of log n."""
    statement = f"MI rises with C up to its log n ceiling ({arch})"
    cells = by_C(part)
    ceiling = [bool((runs["mi"].mean() >= (1 - CEILING) * np.log(runs["mi_posteriors"])).all()) for _, runs in cells]
    upto = cells[:ceiling.index(True) + 1] if True in ceiling else cells
    cap = f"log n = {np.log(part['mi_posteriors'].max()):.2f}"
    if len(upto) < 2:
        what = f"MI is at its ceiling ({cap}) from the smallest C" if ceiling[0] else "the experiment has one C"
        return lacking(MI_RISES, "implied", corpus, statement, what)
    reached = f", reached at C={upto[-1][0]:g}" if len(upto) < len(cells) else ""
    return verdict(MI_RISES, "implied", corpus, statement, trend(upto, "mi", 1, noise),
                   f"{values_text(upto, 'mi')}; {cap}{reached}", cells_of(*(runs for _, runs in upto)))


def at_least_zero(part: pd.DataFrame, noise, column: str, claim: str, corpus: str, statement: str) -> dict:
    """A bound that must hold in every cell: `column` >= 0 (an intersection-union test over the cells)."""
    runs = with_runs(part)
    parts = [(row["model"], level(runs.loc[[i]].set_index("run"), column, noise), 0.0, np.inf)
             for i, row in runs.iterrows()]
    worst = int(np.argmin(part[column].to_numpy()))
    evidence = f"{len(part)} cells, smallest {column} = {part[column].iloc[worst]:.3f} ({part['model'].iloc[worst]})"
    return conjunction(claim, "implied", corpus, statement, parts, evidence, cells_of(part), "cells")


def rate_on_target(frame: pd.DataFrame, noise, experiment: str, claim: str) -> list[dict]:
    """R within 1 of C for every run (an intersection-union test, each run's noise its bootstrap)."""
    rows = []
    for corpus, part in with_runs(frame).groupby("corpus", sort=False):
        parts = [(f"{run['model']} (C={run['C']:g})", level(part.loc[[i]].set_index("run"), "rate", noise),
                  run["C"] - 1, run["C"] + 1) for i, run in part.iterrows()]
        gap = (part["rate"] - part["C"]).abs().to_numpy()
        worst = int(np.argmax(gap))
        evidence = (f"{len(part)} runs, largest |R - C| = {gap[worst]:.3f} ({part['model'].iloc[worst]}: "
                    f"R = {part['rate'].iloc[worst]:.3f} at C={part['C'].iloc[worst]:g})")
        rows.append(conjunction(claim, experiment, corpus, "C - 1 <= R <= C + 1 for every run", parts, evidence,
                                cells_of(part), "runs"))
    return rows


def fce_at_least_entropy(lms: pd.DataFrame, fce: pd.DataFrame) -> list[dict]:
    """The implied claim FCE >= H on a built-in corpus (cross entropy is at least the entropy).

Over the (model, scheme) rows whose vocabulary leaves at most COVERS % of the test tokens out (a
coarser event space has a lower entropy): an intersection-union test, each row a t test over its runs."""
    rows = []
    for corpus, part in fce[fce["entropy"].notna()].groupby("corpus", sort=False):
        covered = part[part["test_pct_unk"] <= COVERS]
        statement = f"FCE >= H for every LM whose vocabulary leaves at most {COVERS:g} % of the test set out"
        if covered.empty:
            rows.append(lacking(FCE_AT_LEAST_ENTROPY, "implied", corpus, statement,
                                f"every scheme's vocabulary maps more than {COVERS:g} % of the test tokens to "
                                f"<unk> (least {part['test_pct_unk'].min():.1f} %)"))
            continue
        parts = [(f"{row['model']} {row['scheme']}", level(cell(lms, corpus=corpus, model=row["model"],
                                                                 scheme=row["scheme"]), "fce"),
                  row["entropy"], np.inf) for _, row in covered.iterrows()]
        gap = covered["fce"].to_numpy() - covered["entropy"].to_numpy()
        worst = int(np.argmin(gap))
        evidence = (f"{len(covered)} (model, scheme) rows; smallest FCE - H = {gap[worst]:.3f} "
                    f"({parts[worst][0]}: test {covered['test_pct_unk'].iloc[worst]:.1f} % unk)")
        rows.append(conjunction(FCE_AT_LEAST_ENTROPY, "implied", corpus, statement, parts, evidence,
                                cells_of(covered), "(model, scheme) rows"))
    return rows
