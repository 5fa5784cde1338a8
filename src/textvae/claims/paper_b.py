"""The claims of Mansbridge et al. (2018), AutoGen (experiments B1, B3, B4, B5).

Each is decided per corpus between the models of paper B's roles, read from the model ids: the VAE, the VAE with
KL annealing, AutoGen m = 1 and m = 2.  Runs of a model pair with the same training seed of
another (textvae.claims.evidence); with one run a model, the verdicts are about those networks.

- B1, from each model's test-set evaluation (paired bootstrap over the test sentences): the KL
  share of the objective, 100 R / ((1 + m) D + R), AutoGen's above each VAE's; m = 1's ELBO
  within `tracks_margin` (the config's `claims` block: a share of the VAE's |ELBO|) of each
  VAE's, and m = 2's not.  From the held-out curve (paired bootstrap over the held-out sentences scored at every
  history row): m = 1's ELBO does not fall after the early phase and m = 2's does (a fall: the
  final value, the mean over the last EARLY share of the steps, more than DROP below the
  highest after the first EARLY share).
- B3: each pair's first model wins more than half of the decided sentences (exact sign test).
- B4, per length group (the paper's Tables 3-4): m = 2's samples make sense less often than
  every other model's, on the same z whose two samples both pass paper B's filter (McNemar's
  exact test per other model, an intersection-union test over them); undecided where the
  judge fails its own check on the corpus's test sentences in the group.
- B5, over the interpolation paths (the exact sign-flip test): m = 1 repeats neighbouring
  sentences less often than the annealed VAE, and its differing neighbours are more alike than
  the annealed VAE's and m = 2's (the paper: "while neighbouring sentences are more similar,
  there are fewer instances of reconstructing the same sentence").
With training seeds, every claim is decided over them (the t test, paired by seed).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from .. import model_ids, stats
from ..bootstrap import resample_counts
from ..judges import check_failure, length_groups
from . import lacking, verdict
from .evidence import PATHS, SENTENCES, Items, cell, cells_of, conjunction, decide, difference, level, with_runs

EARLY = 0.1  # the early phase, and the end of a curve: a tenth of the steps
DROP = 0.01  # a fall is more than 1 % of the ELBO: the paper's m = 2 "continues to" fall, m = 1 is "non-decreasing"
ROLES = {"vae": "the VAE", "vae_anneal": "the VAE with KL annealing", "m1": "AutoGen m = 1",
         "m2": "AutoGen m = 2"}
HELD_OUT = Items("held-out sentences", count="held_out_sentences")


def roles(models) -> dict[str, str]:
    """The first model id of each role of paper B among `models`.

    Read from the id: vae (objective vae, no annealing), vae_anneal, m1 and m2 (objective
    autogen, m = 1 or 2)."""
    found = {}
    for model in models:
        named = model_ids.parse(model)
        role = ("vae_anneal" if named.anneal else "vae") if named.objective == "vae" else \
            f"m{named.m:g}" if named.objective == "autogen" else None
        found.setdefault(role, model)
    return {role: model for role, model in found.items() if role in ROLES}


def missing(have: dict, needed) -> str:
    """What an experiment lacks of the roles `needed` ('' if nothing)."""
    lacked = [ROLES[r] for r in needed if r not in have]
    return f"the experiment has no model for {', '.join(lacked)}" if lacked else ""


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


def b1(tables: dict, margins: dict, **_) -> list[dict]:
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


def b3(tables: dict, **_) -> list[dict]:
    """B3: each pair's first model wins more than half of the decided sentences.

    Of one run a model, the exact sign test over the sentences; over training seeds, the t test
    of the seeds' shares of wins against 1/2."""
    preference = with_runs(tables["autogen_preference"])
    preference = preference.assign(versus_base=preference["versus"].map(lambda m: model_ids.split_seed(m)[0]),
                                   share=preference["wins"] / (preference["wins"] + preference["losses"]))
    rows = []
    for (corpus, model, versus), runs in preference.groupby(["corpus", "base", "versus_base"], sort=False):
        runs = runs.set_index("run")
        wins, losses, ties = (int(runs[k].sum()) for k in ("wins", "losses", "ties"))
        tied = list(runs.index[runs["wins"] + runs["losses"] == 0])
        if tied:
            where = f" (run {tied[0].lstrip('-')})" if tied[0] else ""
            decision = stats.Decision(None, reason=f"the judge cannot separate the models: every sentence is a "
                                                   f"tie{where}")
        elif len(runs) > 1:
            decision = decide(level(runs, "share"), lambda e: stats.exceeds(e, 0.5), "share of wins")
        else:
            decision = stats.exceeds(stats.sign_test(wins, losses, "test sentences"), 0.5, comparison="share of wins")
        rows.append(verdict(f"B3.{model}_beats_{versus}", "B3", corpus,
                            f"{model} beats {versus} (sentence BLEU judge)", decision,
                            f"{wins} wins, {losses} losses, {ties} ties: "
                            f"{100 * wins / max(wins + losses, 1):.1f} % wins",
                            [f"{corpus}/{m}" for m in (*runs["model"], *runs["versus"])]))
    return rows


def b4(tables: dict, **_) -> list[dict]:
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
                rows.append(lacking("B4.m2_worst", "B4", corpus, statement, lacked))
                continue
            rows.append(_m2_worst(corpus, part, have, group, statement))
    return rows


def groups(samples: pd.DataFrame) -> list[str]:
    """B4's length groups, both of them whether or not any sample falls in one."""
    split_at = int(samples["split_at"].iloc[0])
    return sorted(set(length_groups([split_at, split_at + 1], split_at)))


def _m2_worst(corpus, part, have, group, statement) -> dict:
    """B4's verdict in one length group, over the z whose two samples both pass the filter and fall in the group.

    Against each other model: of one run, McNemar's exact test (the share of the discordant z
    where only the other model's sample makes sense, against 1/2); over training seeds, the
    paired t of the seeds' differences in the share that makes sense."""
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
    return conjunction("B4.m2_worst", "B4", corpus, statement, parts, "; ".join(text), cells_of(part), "models")


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


def b5(tables: dict, **_) -> list[dict]:
    """B5's claims on how m = 1's neighbouring sentences repeat and resemble each other.

    m = 1 repeats neighbours less often than the annealed VAE; its differing neighbours are
    more alike than the annealed VAE's and m = 2's."""
    paths = with_runs(tables["autogen_interpolation_repeats"])
    per_path = tables.get("autogen_interpolation_paths")
    rows = []
    for corpus, part in paths.groupby("corpus", sort=False):
        have = roles(part["base"].unique())
        runs = {role: cell(part, base=model) for role, model in have.items()}
        statement = f"{ROLES['m1']} repeats neighbouring sentences less often than {ROLES['vae_anneal']}"
        rows.append(_compare("B5.m1_repeats_less", corpus, statement, runs, have, "m1", "vae_anneal", "repeats", -1,
                             per_path, "pct_repeats", "% of neighbours repeated"))
        for other in ("vae_anneal", "m2"):
            statement = f"{ROLES['m1']}'s differing neighbouring sentences are more alike than {ROLES[other]}'s"
            rows.append(_compare(f"B5.m1_neighbours_closer_than_{other}", corpus, statement, runs, have, "m1", other,
                                 "neighbour_similarity", 1, per_path, "neighbour_similarity",
                                 "mean similarity of differing neighbours"))
    return rows


def _compare(claim, corpus, statement, runs, have, mine, other, column, sign, per_path, shown, what) -> dict:
    """Whether role `mine` has a higher (sign 1) or lower (sign -1) `column` than `other`, over the paths or seeds."""
    lacked = missing(have, (mine, other))
    if lacked:
        return lacking(claim, "B5", corpus, statement, lacked)
    a, b = runs[other], runs[mine]
    decision = decide(difference(a, b, column, per_path, ["scheme"], PATHS), lambda e: stats.exceeds(e, 0, sign),
                      f"{mine} - {other}, per path")
    return verdict(claim, "B5", corpus, statement, decision, f"{what}: {b[shown].mean():.3f} vs {a[shown].mean():.3f}",
                   cells_of(a, b))
