"""A5, forward cross entropy (Prokhorov et al. 2019, Table 3).

Language models trained on corpora decoded from z ~ p(z), scored on the real test set.  Claims,
per corpus over the LM (or training) seeds: FCE rises from the second-largest C to the largest
per nucleus scheme; self-BLEU falls as C grows per greedy scheme; FCE >= H (implied).
"""

from __future__ import annotations

import pandas as pd

from .. import stats
from ..claims import lacking, verdict
from ..claims.evidence import by_C, cells_of, decide, difference, schemes_named, trend_verdict, with_runs
from ..claims.implied import FCE_AT_LEAST_ENTROPY, fce_at_least_entropy
from .base import Experiment, Figure

NUCLEUS_RISES, SELF_BLEU_FALLS = "A5.nucleus_fce_rises", "A5.greedy_self_bleu_falls"
MOSTLY_UNK = 50.0  # % of the test tokens the vocabulary maps to <unk> beyond which FCE compares little

FIGURE = Figure(name="fce", table="fce",
                title="A5 (Prokhorov et al. 2019, Table 3): forward cross entropy against C per decoding "
                      "scheme, error bars: standard deviation over the seeds' LMs",
                caption="A5: forward cross entropy per C and decoding scheme (Table 3)")


def lm_runs(table: pd.DataFrame) -> pd.DataFrame:
    """A5's runs: each cell's LM seeds, or with training seeds each network's mean over its LMs."""
    trained = with_runs(table)
    if (trained["run"] == "").all():
        return with_runs(table, lm_seed="seed")
    keys = ["corpus", "model", "base", "run", "C", "scheme"]
    return trained.groupby(keys, as_index=False, sort=False)[["fce", "self_bleu4"]].mean()


def claims(tables: dict, schemes=None, **_) -> list[dict]:
    """FCE rises at the largest C per nucleus scheme; self-BLEU falls per greedy scheme.

LM seed s draws the same prior sample at every C, so the runs pair."""
    fce = tables["fce"]
    fce = fce[fce["model"] != "real test set"]
    lms = lm_runs(tables["fce_lms"])
    rows = fce_at_least_entropy(lms, fce)
    for corpus, part in lms.groupby("corpus", sort=False):
        for method, claim, statement in (
                ("nucleus", NUCLEUS_RISES, "for nucleus sampling, FCE rises from the second-largest C"),
                ("greedy", SELF_BLEU_FALLS, "for greedy decoding, self-BLEU falls as C grows")):
            if not set(schemes_named(schemes, method)) & set(part["scheme"]):
                rows.append(lacking(claim, "A5", corpus, statement, f"the experiment decodes with no {method} scheme"))
        for scheme in schemes_named(schemes, "nucleus"):
            if scheme in set(part["scheme"]):
                rows.append(_nucleus_rises(corpus, scheme, part[part["scheme"] == scheme],
                                           fce[(fce["corpus"] == corpus) & (fce["scheme"] == scheme)]))
        for scheme in schemes_named(schemes, "greedy"):
            cells = part[part["scheme"] == scheme]
            if len(cells):
                rows.append(trend_verdict(SELF_BLEU_FALLS, "A5", corpus,
                                          f"for {scheme} decoding, self-BLEU falls as C grows", cells, "self_bleu4",
                                          -1))
    return rows


def _nucleus_rises(corpus: str, scheme: str, lms: pd.DataFrame, fce: pd.DataFrame) -> dict:
    """One nucleus scheme's row: FCE at the largest C minus at the second-largest."""
    statement = f"for {scheme}, FCE rises from the second-largest C to the largest"
    cells = by_C(lms)
    if len(cells) < 2:
        return lacking(NUCLEUS_RISES, "A5", corpus, statement, "the experiment has one C")
    (mid_C, mid), (top_C, top) = cells[-2], cells[-1]
    evidence = ", ".join(f"{runs['fce'].mean():.3f} (sd {runs['fce'].std():.3f}) at C={C:g}"
                         for C, runs in ((mid_C, mid), (top_C, top)))
    unk = fce.loc[fce["C"] == top_C, "test_pct_unk"].max()
    comparison = f"C={mid_C:g} -> C={top_C:g}"
    if unk > MOSTLY_UNK:
        decision = stats.Decision(None, reason=f"the vocabulary maps {unk:.0f} % of the test set to <unk>")
    else:
        decision = decide(difference(mid, top, "fce"), stats.exceeds, comparison)
    return verdict(NUCLEUS_RISES, "A5", corpus, statement, decision, evidence, cells_of(mid, top))


def lm_overrides(keys: dict) -> dict:
    """The settings of A5's LMs over their cell's, then the config's `lm`.

No word dropout and bucketed batches: an LM has no KL term for random batches to serve."""
    return {"word_dropout": 0.0, "batches": "bucketed", **keys.get("lm", {})}


EXPERIMENT = Experiment(
    id="A5", title="A5 forward cross entropy (Table 3)", rules="fce.smk", tables=("fce",),
    figures=(FIGURE,),
    claims=claims, claim_ids=(NUCLEUS_RISES, SELF_BLEU_FALLS, FCE_AT_LEAST_ENTROPY),
    claims_tables=("fce", "fce_lms"), paper_table="fce", shared_prior=True, lm_overrides=lm_overrides)
