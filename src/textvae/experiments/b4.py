"""B4, prior samples (Mansbridge et al. 2018, Tables 3-4), judged by textvae.judges.

Claim, per length group: m = 2's samples make sense least often, on the same z kept by both
models (exact McNemar per other model, intersection-union over them; over seeds the paired t);
undecided where the judge fails its own check there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import stats
from ..claims import lacking
from ..claims.evidence import cells_of, conjunction, level, with_runs
from ..judges import check_failure, length_groups
from .base import Experiment
from .roles import ROLES, missing, roles

WORST = "B4.m2_worst"


def claims(tables: dict, **_) -> list[dict]:
    """m = 2's prior samples make sense least often, per length group, on the same z.

    Undecided in a length group where the judge fails its own check there (autogen_judge:
    textvae.judges.check_failure)."""
    samples = with_runs(tables["autogen_samples_sentences"])
    rows = []
    for corpus, part in samples.groupby("corpus", sort=False):
        have = roles(part["base"].unique())
        for group in groups(part):
            statement = f"{ROLES['m2']}'s prior samples make sense least often (length {group})"
            lacked = (missing(have, ("m2",)) or ("" if len(have) > 1 else "the experiment has no other model")
                      or check_failure(tables["autogen_judge"], corpus, group))
            if lacked:
                rows.append(lacking(WORST, "B4", corpus, statement, lacked))
                continue
            rows.append(_m2_worst(corpus, part, have, group, statement))
    return rows


def groups(samples: pd.DataFrame) -> list[str]:
    """B4's length groups, both of them whether or not any sample falls in one."""
    split_at = int(samples["split_at"].iloc[0])
    return sorted(set(length_groups([split_at, split_at + 1], split_at)))


def _m2_worst(corpus, part, have, group, statement) -> dict:
    """B4's verdict in one length group, over the z whose two samples pass the filter and fall in it.

Against each other model: McNemar's exact test on the discordant z of one run; over seeds the
paired t of the share that makes sense."""
    worst = part[part["base"] == have["m2"]]
    parts, text = [], []
    for role, model in have.items():
        if role == "m2":
            continue
        paired = worst.merge(part[part["base"] == model], on=["run", "sample"], suffixes=("", "_other"))
        paired = paired[paired["kept"] & paired["kept_other"] & (paired["group"] == group)
                        & (paired["group_other"] == group)]
        wins = int((paired["meaningful_other"] & ~paired["meaningful"]).sum())
        losses = int((paired["meaningful"] & ~paired["meaningful_other"]).sum())
        if paired.empty:
            text.append(f"{model}: no z kept by both")
        else:
            shares = f"{100 * paired['meaningful_other'].mean():.1f} % vs {100 * paired['meaningful'].mean():.1f} %"
            text.append(f"{model} {shares} on {len(paired)} z, only it {wins}, only m = 2 {losses}")
        parts.append((f"{model} vs m = 2", *_against_m2(paired, model, wins, losses, group)))
    return conjunction(WORST, "B4", corpus, statement, parts, "; ".join(text), cells_of(part), "models")


def _against_m2(paired: pd.DataFrame, model: str, wins: int, losses: int, group: str) -> tuple:
    """(estimate or reason, lower, upper) of one model against m = 2 in a length group."""
    runs = paired["run"].unique()
    if len(runs) > 1:
        per_run = (paired.assign(gap=paired["meaningful_other"].astype(float) - paired["meaningful"].astype(float))
                   .groupby("run")["gap"].mean().rename("gap").to_frame())
        return level(per_run, "gap"), 0.0, np.inf
    if paired.empty:
        return f"no z whose samples from m = 2 and {model} both pass the filter with length {group}", 0.5, np.inf
    if not wins + losses:
        return "no z where only one of the two samples makes sense", 0.5, np.inf
    return stats.sign_test(wins, losses, "prior z", f"exact McNemar test on the same z ({model} vs m = 2)"), 0.5, np.inf


EXPERIMENT = Experiment(
    id="B4", title="B4 prior samples (Tables 3-4)", rules="decode.smk", tables=("autogen_samples", "autogen_judge"),
    claims=claims, claim_ids=(WORST,), claims_tables=("autogen_samples_sentences", "autogen_judge"),
    paper_table="autogen_samples", shared_prior=True, reference_lm=True,
    prior_draws=lambda keys: keys["draws"])
