"""The claims of Mansbridge et al. (2018), AutoGen (experiments B1, B3, B4, B5).

Each is decided per corpus between the models of paper B's roles, read from the model ids: the VAE, the VAE with
KL annealing, AutoGen m = 1 and m = 2.  Runs of a model pair with the same training seed of
another (textvae.claims.evidence).

- B1, from the end of each run's training curve (the mean over its last EARLY share of the
  steps): the KL share of the objective, AutoGen's above each VAE's; m = 1's ELBO tracks each
  VAE's within TOLERANCE, the gap between the two VAEs' final ELBOs measured in the run (as
  close to the VAE as the VAEs are to each other), and m = 2's does not; m = 1's ELBO does not
  fall after the early phase and m = 2's does (a fall: the final value more than DROP below
  the highest after the first EARLY share of the steps).  All over the training seeds: one
  run's curve holds no run-to-run noise, so with one seed they are undecided.
- B3: each pair's first model wins more than half of the decided sentences (exact sign test).
- B4, per length group (the paper's Tables 3-4): m = 2's samples make sense less often than
  every other model's, on the same z (McNemar's exact test on the samples where only one of
  the two makes sense, per other model; holds if m = 2 loses to each).
- B5, over the interpolation paths: m = 1 repeats neighbouring sentences less often than the
  annealed VAE, and its neighbouring sentences, where they differ, are more alike than the
  annealed VAE's and m = 2's (the paper: "while neighbouring sentences are more similar,
  there are fewer instances of reconstructing the same sentence").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import model_ids, stats
from . import lacking, verdict
from .evidence import cell, cells_of, difference, level, with_runs

EARLY, DROP = 0.1, 0.01
ROLES = {"vae": "the VAE", "vae_anneal": "the VAE with KL annealing", "m1": "AutoGen m = 1",
         "m2": "AutoGen m = 2"}
ONE_SEED = "one training seed: no run-to-run noise estimate (give the experiment train_seeds)"


def roles(models) -> dict[str, str]:
    """The first model id of each role of paper B among `models`.

    Read from the id: vae
    (objective vae, no annealing), vae_anneal, m1 and m2 (objective autogen, m = 1 or 2)."""
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


def run_ends(training: pd.DataFrame) -> pd.DataFrame:
    """The end of each run's training curve, one row per run.

    Its final KL share and ELBO and the relative
    fall of its ELBO after the early phase."""
    rows = []
    for (corpus, model, base, run), curve in training.groupby(["corpus", "model", "base", "run"], sort=False):
        rows.append(dict(corpus=corpus, model=model, base=base, run=run,
                         kl_share=final_value(curve, "held_out_kl_share"),
                         elbo=final_value(curve, "held_out_elbo"), fall=relative_fall(curve)))
    return pd.DataFrame(rows)


def _decided(estimate: stats.Estimate | None, decide) -> stats.Decision:
    return stats.Decision(None, reason=ONE_SEED) if estimate is None else decide(estimate)


def b1(tables: dict, **_) -> list[dict]:
    """B1's claims from the ends of the runs (the module's docstring)."""
    rows = []
    for corpus, ends in run_ends(with_runs(tables["autogen_training"])).groupby("corpus", sort=False):
        have = roles(ends["base"].unique())
        runs = {role: cell(ends, base=model) for role, model in have.items()}
        for autogen in ("m1", "m2"):
            for vae in ("vae", "vae_anneal"):
                rows.append(_kl_share(corpus, runs, have, autogen, vae))
        gap = missing(have, ("vae", "vae_anneal"))
        tolerance = abs(runs["vae"]["elbo"].mean() - runs["vae_anneal"]["elbo"].mean()) if not gap else 0.0
        for autogen, tracks in (("m1", True), ("m2", False)):
            for vae in ("vae", "vae_anneal"):
                rows.append(_tracks(corpus, runs, have, autogen, vae, tracks, tolerance, gap))
        for role, falls in (("m1", False), ("m2", True)):
            rows.append(_falls(corpus, runs, have, role, falls))
    return rows


def _kl_share(corpus, runs, have, autogen, vae) -> dict:
    claim = f"B1.{autogen}_kl_share_exceeds_{vae}"
    statement = f"{ROLES[autogen]}'s KL share of the objective exceeds {ROLES[vae]}'s"
    lacked = missing(have, (autogen, vae))
    if lacked:
        return lacking(claim, "B1", corpus, statement, lacked)
    a, b = runs[vae], runs[autogen]
    change = difference(a, b, "kl_share")
    return verdict(claim, "B1", corpus, statement, _decided(change, stats.exceeds),
                   f"final held-out KL share {b['kl_share'].mean():.3f} % vs {a['kl_share'].mean():.3f} %",
                   change, cells_of(a, b))


def _tracks(corpus, runs, have, autogen, vae, tracks: bool, tolerance: float, gap: str) -> dict:
    claim = f"B1.{autogen}_elbo_{'tracks' if tracks else 'departs_from'}_{vae}"
    statement = (f"{ROLES[autogen]}'s ELBO {'tracks' if tracks else 'does not track'} {ROLES[vae]}'s "
                 "(within the gap between the two VAEs)")
    lacked = missing(have, (autogen, vae)) or gap
    if lacked:
        return lacking(claim, "B1", corpus, statement, lacked)
    a, b = runs[vae], runs[autogen]
    change = difference(a, b, "elbo")
    decision = _decided(change, lambda e: stats.within(e, tolerance))
    if not tracks and decision.holds is not None:
        decision = stats.Decision(not decision.holds, decision.p)
    return verdict(claim, "B1", corpus, statement, decision,
                   f"final held-out ELBO {b['elbo'].mean():.3f} vs {a['elbo'].mean():.3f}, difference "
                   f"{b['elbo'].mean() - a['elbo'].mean():+.3f}; the VAEs' gap {tolerance:.3f}", change, cells_of(a, b))


def _falls(corpus, runs, have, role, falls: bool) -> dict:
    claim = f"B1.{role}_elbo_{'falls' if falls else 'holds'}"
    statement = f"{ROLES[role]}'s ELBO {'falls' if falls else 'does not fall'} after the early phase"
    lacked = missing(have, (role,))
    if lacked:
        return lacking(claim, "B1", corpus, statement, lacked)
    mine = runs[role]
    estimate = level(mine, "fall")
    decision = _decided(estimate, lambda e: stats.exceeds(e, DROP, 1 if falls else -1))
    return verdict(claim, "B1", corpus, statement, decision,
                   f"final held-out ELBO {100 * mine['fall'].mean():+.2f} % below its highest after "
                   f"{100 * EARLY:g} % of the steps (a fall is more than {100 * DROP:g} %)", estimate, cells_of(mine))


def b3(tables: dict, **_) -> list[dict]:
    """B3: each pair's first model wins more than half of the decided sentences.

    By the exact sign test; with training seeds, over the sentences of every seed's pair of runs."""
    rows = []
    for row in tables["autogen_preference"].itertuples():
        share = stats.sign_test(row.wins, row.losses, "exact sign test over sentences"
                                + (f" x {row.seeds} seeds" if getattr(row, "seeds", 1) > 1 else ""))
        decision = stats.exceeds(share, 0.5) if row.wins + row.losses else stats.Decision(
            None, reason="the judge cannot separate the models: every sentence is a tie")
        rows.append(verdict(f"B3.{row.model}_beats_{row.versus}", "B3", row.corpus,
                            f"{row.model} beats {row.versus} (sentence BLEU judge)", decision,
                            f"{row.wins} wins, {row.losses} losses, {row.ties} ties: {row.pct_wins:.1f} % wins",
                            share, [f"{row.corpus}/{row.model}", f"{row.corpus}/{row.versus}"]))
    return rows


def b4(tables: dict, **_) -> list[dict]:
    """m = 2's prior samples make sense least often, per length group, on the same z."""
    samples = with_runs(tables["autogen_samples_sentences"])
    rows = []
    for corpus, part in samples.groupby("corpus", sort=False):
        have = roles(part["base"].unique())
        for group in sorted(set(part["group"])):
            statement = f"{ROLES['m2']}'s prior samples make sense least often (length {group})"
            lacked = missing(have, ("m2",)) or ("" if len(have) > 1 else "the experiment has no other model")
            if lacked:
                rows.append(lacking("B4.m2_worst", "B4", corpus, statement, lacked))
                continue
            rows.append(_m2_worst(corpus, part, have, group, statement))
    return rows


def _m2_worst(corpus, part, have, group, statement) -> dict:
    """B4's verdict in one length group.

    McNemar's exact test of m = 2 against each other model
    over the z whose two samples both fall in the group."""
    worst = part[part["base"] == have["m2"]]
    tests, text, unpaired = [], [], []
    for role, model in have.items():
        if role == "m2":
            continue
        paired = worst.merge(part[part["base"] == model], on=["run", "sample"], suffixes=("", "_other"))
        paired = paired[(paired["group"] == group) & (paired["group_other"] == group)]
        wins = int((paired["meaningful_other"] & ~paired["meaningful"]).sum())
        losses = int((paired["meaningful"] & ~paired["meaningful_other"]).sum())
        tests.append(stats.sign_test(wins, losses, f"exact McNemar test on the same z ({model} vs m = 2)"))
        shares = f"{100 * paired['meaningful_other'].mean():.1f} % vs {100 * paired['meaningful'].mean():.1f} %"
        text.append(f"{model} {shares} on {len(paired)} z, only it {wins}, only m = 2 {losses}")
        if paired.empty:
            unpaired.append(model)
    decision = stats.all_exceed(tests, 0.5) if all(np.isfinite(e.value) for e in tests) else stats.Decision(
        None, reason=_why_no_pairs(unpaired, group))
    shown = max(tests, key=lambda e: e.p_value(0.5)) if tests else None  # the one an intersection-union test rests on
    return verdict("B4.m2_worst", "B4", corpus, statement, decision, "; ".join(text), shown, cells_of(part),
                   test=f"exact McNemar test on the same z against each of {len(tests)} models "
                        "(holds: all; fails: any, Bonferroni)")


def _why_no_pairs(unpaired: list[str], group: str) -> str:
    """Why B4 cannot decide a group: the models that share no z in it with m = 2, or no discordant z."""
    if unpaired:
        return f"no z whose samples from m = 2 and {', '.join(unpaired)} both have length {group}"
    return "against some model, no z where only one of the two samples makes sense"


def b5(tables: dict, **_) -> list[dict]:
    """B5's claims on how m = 1's neighbouring sentences repeat and resemble each other.

    m = 1 repeats neighbours less often than the annealed VAE; its differing neighbours are
    more alike than the annealed VAE's and m = 2's."""
    paths = with_runs(tables["autogen_interpolation_repeats"])
    noise = tables.get("autogen_interpolation_repeats_bootstrap")
    rows = []
    for corpus, part in paths.groupby("corpus", sort=False):
        have = roles(part["base"].unique())
        runs = {role: cell(part, base=model) for role, model in have.items()}
        statement = f"{ROLES['m1']} repeats neighbouring sentences less often than {ROLES['vae_anneal']}"
        rows.append(_compare("B5.m1_repeats_less", corpus, statement, runs, have, "m1", "vae_anneal", "repeats", -1,
                             noise, "pct_repeats", "% of neighbours repeated"))
        for other in ("vae_anneal", "m2"):
            statement = f"{ROLES['m1']}'s differing neighbouring sentences are more alike than {ROLES[other]}'s"
            rows.append(_compare(f"B5.m1_neighbours_closer_than_{other}", corpus, statement, runs, have, "m1", other,
                                 "neighbour_similarity", 1, noise, "neighbour_similarity",
                                 "mean similarity of differing neighbours"))
    return rows


def _compare(claim, corpus, statement, runs, have, mine, other, column, sign, noise, shown, what) -> dict:
    """Whether role `mine` has a higher or lower `column` than `other`, paired over the paths or the seeds.

    Higher for sign 1, lower for sign -1."""
    lacked = missing(have, (mine, other))
    if lacked:
        return lacking(claim, "B5", corpus, statement, lacked)
    a, b = runs[other], runs[mine]
    change = difference(a, b, column, noise, ["scheme"], "paths")
    decision = stats.Decision(None, reason="no noise estimate") if change is None else stats.exceeds(change, 0, sign)
    return verdict(claim, "B5", corpus, statement, decision,
                   f"{what}: {b[shown].mean():.3f} vs {a[shown].mean():.3f}", change, cells_of(a, b))
