"""B1, training curves (Mansbridge et al. 2018, Fig. 2); its models serve B2-B5 too.

Claims, per corpus: AutoGen's KL share 100 R / ((1 + m) D + R) above each VAE's; m = 1's ELBO
within `tracks_margin` of each VAE's, m = 2's not; m = 1's held-out ELBO does not fall after
EARLY, m = 2's does.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from .. import stats
from ..bootstrap import resample_counts
from ..claims import lacking, verdict
from ..claims.evidence import SENTENCES, Items, cell, cells_of, decide, difference, level, with_runs
from .base import Experiment, Figure
from .roles import ROLES, missing, roles

EARLY = 0.1  # the early phase, and the end of a curve: a tenth of the steps
DROP = 0.01  # a fall is more than 1 % of the ELBO: the paper's m = 2 "continues to" fall, m = 1 is "non-decreasing"
HELD_OUT = Items("held-out sentences", count="held_out_sentences")
CLAIM_IDS = (*(f"B1.{a}_kl_share_exceeds_{v}" for a in ("m1", "m2") for v in ("vae", "vae_anneal")),
             *(f"B1.{a}_elbo_{t}_{v}" for a, t in (("m1", "tracks"), ("m2", "departs_from"))
               for v in ("vae", "vae_anneal")),
             "B1.m1_elbo_holds", "B1.m2_elbo_falls")


def final_value(curve: pd.DataFrame, column: str) -> float:
    """The end of a training curve: the mean of `column` over its last EARLY share of the steps."""
    return float(curve.loc[curve["step"] >= (1 - EARLY) * curve["step"].max(), column].mean())


def relative_fall(curve: pd.DataFrame, column: str = "held_out_elbo") -> float:
    """(highest value after the first EARLY share of the steps - final value) / |highest|."""
    peak = float(curve.loc[curve["step"] > EARLY * curve["step"].max(), column].max())
    return (peak - final_value(curve, column)) / abs(peak)


def fall_replicates(sentences: pd.DataFrame, replicates: int, seed: int) -> np.ndarray:
    """The relative fall of one run's held-out ELBO on bootstrap resamples of its held-out sentences.

    `sentences`: (step, sentence, elbo) of the sentences scored at every history row; each
    resample reweights the sentences alike at every step (paired over the steps), and the
    curve of its means gives relative_fall."""
    grid = sentences.pivot(index="sentence", columns="step", values="elbo").sort_index()
    steps = grid.columns.to_numpy()
    values = grid.to_numpy(dtype=float)
    falls = []
    for counts in resample_counts(len(grid), replicates, seed):
        means = counts @ values / counts.sum(1, keepdims=True)
        falls += [relative_fall(pd.DataFrame({"step": steps, "held_out_elbo": row})) for row in means]
    return np.array(falls)


def with_objective_terms(frame: pd.DataFrame, m: dict) -> pd.DataFrame:
    """A frame of D and R with the KL share 100 R / ((1 + m) D + R) of each model's objective, and the ELBO."""
    factor = 1 + frame["model"].map(m).astype(float)
    return frame.assign(kl_share=100 * frame["rate"] / (factor * frame["distortion"] + frame["rate"]),
                        elbo=-(frame["distortion"] + frame["rate"]))


def claims(tables: dict, margins: dict, **_) -> list[dict]:
    """B1's claims (the module's docstring); `margins`, the config's `claims` block."""
    margin = margins["tracks_margin"]
    evaluation = with_runs(tables["autogen_evaluation"])
    m = dict(zip(evaluation["model"], evaluation["m"].fillna(0.0)))
    evaluation = with_objective_terms(evaluation, m)
    noise = tables.get("autogen_evaluation_bootstrap")
    if noise is not None:
        noise = with_objective_terms(noise, m)
    ends = run_ends(with_runs(tables["autogen_training"]))
    rows = []
    for corpus, part in evaluation.groupby("corpus", sort=False):
        have = roles(part["base"].unique())
        runs = {role: cell(part, base=model) for role, model in have.items()}
        for autogen in ("m1", "m2"):
            for vae in ("vae", "vae_anneal"):
                rows.append(_kl_share(corpus, runs, have, autogen, vae, noise))
        for autogen, tracks in (("m1", True), ("m2", False)):
            for vae in ("vae", "vae_anneal"):
                rows.append(_tracks(corpus, runs, have, autogen, vae, tracks, margin, noise))
        curves = ends[ends["corpus"] == corpus]
        for role, falls in (("m1", False), ("m2", True)):
            rows.append(_falls(corpus, {r: cell(curves, base=model) for r, model in have.items()}, have, role, falls,
                               tables.get("autogen_training_bootstrap")))
    return rows


def run_ends(training: pd.DataFrame) -> pd.DataFrame:
    """The end of each run's held-out curve, one row per run: the relative fall of its ELBO."""
    rows = []
    for (corpus, model, base, run), curve in training.groupby(["corpus", "model", "base", "run"], sort=False):
        rows.append(dict(corpus=corpus, model=model, base=base, run=run, fall=relative_fall(curve),
                         held_out_sentences=int(curve["held_out_sentences"].iloc[0])
                         if "held_out_sentences" in curve else 0))
    return pd.DataFrame(rows, columns=["corpus", "model", "base", "run", "fall", "held_out_sentences"])


def _kl_share(corpus, runs, have, autogen, vae, noise) -> dict:
    claim = f"B1.{autogen}_kl_share_exceeds_{vae}"
    statement = f"{ROLES[autogen]}'s KL share of the objective exceeds {ROLES[vae]}'s"
    lacked = missing(have, (autogen, vae))
    if lacked:
        return lacking(claim, "B1", corpus, statement, lacked)
    a, b = runs[vae], runs[autogen]
    decision = decide(difference(a, b, "kl_share", noise, items=SENTENCES), stats.exceeds, f"{autogen} - {vae}")
    return verdict(claim, "B1", corpus, statement, decision,
                   f"test-set KL share {b['kl_share'].mean():.3f} % vs {a['kl_share'].mean():.3f} %", cells_of(a, b))


def _tracks(corpus, runs, have, autogen, vae, tracks: bool, margin: float, noise) -> dict:
    claim = f"B1.{autogen}_elbo_{'tracks' if tracks else 'departs_from'}_{vae}"
    statement = (f"{ROLES[autogen]}'s ELBO {'tracks' if tracks else 'does not track'} {ROLES[vae]}'s "
                 f"(within {100 * margin:g} % of its |ELBO|)")
    lacked = missing(have, (autogen, vae))
    if lacked:
        return lacking(claim, "B1", corpus, statement, lacked)
    a, b = runs[vae], runs[autogen]
    scale = abs(a["elbo"].mean())
    relative = [frame.assign(relative_elbo=frame["elbo"] / scale) for frame in (a, b)]
    noisy = None if noise is None else noise.assign(relative_elbo=noise["elbo"] / scale)
    decision = decide(difference(*relative, "relative_elbo", noisy, items=SENTENCES),
                      lambda e: stats.within(e, margin), f"({autogen} - {vae}) / |{vae}|")
    if not tracks and decision.holds is not None:
        decision = replace(decision, holds=not decision.holds)
    return verdict(claim, "B1", corpus, statement, decision,
                   f"test-set ELBO {b['elbo'].mean():.3f} vs {a['elbo'].mean():.3f}, difference "
                   f"{b['elbo'].mean() - a['elbo'].mean():+.3f} ({100 * margin:g} % of |ELBO|: {margin * scale:.3f})",
                   cells_of(a, b))


def _falls(corpus, runs, have, role, falls: bool, noise) -> dict:
    claim = f"B1.{role}_elbo_{'falls' if falls else 'holds'}"
    statement = f"{ROLES[role]}'s ELBO {'falls' if falls else 'does not fall'} after the early phase"
    lacked = missing(have, (role,))
    if lacked:
        return lacking(claim, "B1", corpus, statement, lacked)
    mine = runs[role]
    decision = decide(level(mine, "fall", noise, items=HELD_OUT), lambda e: stats.exceeds(e, DROP, 1 if falls else -1),
                      "highest after the early phase -> the end")
    return verdict(claim, "B1", corpus, statement, decision,
                   f"final held-out ELBO {100 * mine['fall'].mean():+.2f} % below its highest after "
                   f"{100 * EARLY:g} % of the steps (a fall is more than {100 * DROP:g} %)", cells_of(mine))


EXPERIMENT = Experiment(
    id="B1", title="B1 training curves (Fig. 2)", rules="train.smk", tables=("autogen_training", "autogen_evaluation"),
    figures=(Figure(name="autogen_training", table="autogen_training",
                    title="B1 (Mansbridge et al. 2018, Fig. 2): held-out KL as % of the objective and held-out ELBO "
                          "against training step, one line per model",
                    caption="B1: KL share and ELBO during training (Mansbridge et al. Fig. 2)"),),
    claims=claims, claim_ids=CLAIM_IDS,
    claims_tables=("autogen_training", "autogen_training_bootstrap", "autogen_evaluation",
                   "autogen_evaluation_bootstrap"), evaluated=True)
