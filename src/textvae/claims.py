"""The papers' claims (SPEC, the claims column of each experiment), each decided by a rule
written down once here from the numbers of the pipeline's tables.

Rules:
- "falls as C grows" / "rises as C grows": Spearman rank correlation between C and the value
  <= -0.8 / >= +0.8 over the C values of the experiment (with 3 values of C: strictly monotone,
  or monotone with one tie); a constant value neither rises nor falls.
- "within 1 of C": C - 1 <= R <= C + 1.
- "near 1": >= 0.9; "p1 ~ p2": |p1 - p2| <= 0.05; "far below": at least 0.1 lower.
- "beats" (pairwise judge): more than 50 % wins among decided pairs and a two-sided binomial
  p-value below 0.05.
- "falls after the early phase" (a training curve): its last value is more than 1 % (of its
  size) below its highest value after the first 10 % of the steps.
- "tracks": the final values differ by at most 5 % of the reference's size.
- "the rate carries information": R - MI <= 1/2 R, beyond two standard errors of the MI estimate.
A claim holds, fails, or is undecided (its evidence says why); `holds` is outcome == "holds".
Each claim is evaluated per corpus it applies to; `evidence` gives the numbers it was decided on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FALLS, RISES = -0.8, 0.8
NEAR_ONE, SAME, FAR_BELOW = 0.9, 0.05, 0.1
TRACK, EARLY, DROP = 0.05, 0.1, 0.01
ALPHA = 0.05
OFF_INFORMATION, STANDARD_ERRORS = 0.5, 2.0


def spearman(x, y) -> float:
    """Spearman rank correlation (ties get mean ranks); NaN when either side is constant."""
    x, y = pd.Series(list(x), dtype=float), pd.Series(list(y), dtype=float)
    if x.nunique() < 2 or y.nunique() < 2:
        return float("nan")
    return float(x.rank().corr(y.rank()))


def _trend(frame: pd.DataFrame, column: str, sign: int) -> tuple[bool, str]:
    """Whether `column` rises (sign 1) or falls (sign -1) with C, by the Spearman rule."""
    frame = frame.sort_values("C")
    rho = spearman(frame["C"], frame[column])
    holds = bool(rho >= RISES) if sign > 0 else bool(rho <= FALLS)
    values = ", ".join(f"C={c:g}: {v:.3g}" for c, v in zip(frame["C"], frame[column]))
    return holds, f"{values}; Spearman {rho:.2f}"


def _ends(frame: pd.DataFrame):
    """(corpus, the row of its smallest C, the row of its largest C) for each corpus."""
    for corpus, part in frame.groupby("corpus", sort=False):
        part = part.sort_values("C")
        yield corpus, part.iloc[0], part.iloc[-1]


def _row(claim, experiment, corpus, statement, holds, evidence):
    """A claim's row; `holds` None means undecided."""
    outcome = "undecided" if holds is None else "holds" if holds else "fails"
    return dict(claim=claim, experiment=experiment, corpus=corpus, statement=statement,
                outcome=outcome, holds=outcome == "holds", evidence=evidence)


def _rate_on_target(frame: pd.DataFrame, experiment: str, claim: str) -> list[dict]:
    rows = []
    for corpus, part in frame.groupby("corpus", sort=False):
        gap = (part["rate"] - part["C"]).abs()
        worst = part.loc[gap.idxmax()]
        rows.append(_row(claim, experiment, corpus, "C - 1 <= R <= C + 1 for every run",
                         (gap <= 1).all(), f"{len(part)} runs, largest |R - C| = {gap.max():.3f} "
                         f"({worst['model']}: R = {worst['rate']:.3f})"))
    return rows


def _trends(frame, experiment, keys, specs) -> list[dict]:
    """One row per group of `keys` and (claim, column, sign, statement) of `specs`."""
    rows = []
    for group, part in frame.groupby(keys, sort=False):
        group = group if isinstance(group, tuple) else (group,)
        corpus, label = group[0], " ".join(str(g) for g in group[1:])
        for claim, column, sign, statement in specs:
            holds, evidence = _trend(part, column, sign)
            rows.append(_row(claim, experiment, corpus, f"{statement}{' (' + label + ')' if label else ''}",
                             holds, evidence))
    return rows


def a1(rd: pd.DataFrame) -> list[dict]:
    return _rate_on_target(rd, "A1", "A1.rate_on_target") + _trends(rd, "A1", ["corpus", "arch"], [
        ("A1.distortion_falls", "distortion", -1, "D falls as C grows"),
        ("A1.logdetcov_falls", "logdetcov", -1, "LogDetCov falls as C grows")])


def a2(capacity: pd.DataFrame) -> list[dict]:
    every = capacity[capacity["bucket"] == "all"].rename(columns={"active_units": "AU"})
    return _rate_on_target(every, "A2", "A2.rate_on_target") + _trends(every, "A2", ["corpus"], [
        ("A2.distortion_falls", "distortion", -1, "D falls as C grows"),
        ("A2.active_units_rise", "AU", 1, "active units rise with C"),
        ("A2.mu_norm_rises", "mu_norm2", 1, "||mu||^2 rises with C"),
        ("A2.bleu2_rises", "bleu2", 1, "BLEU-2 (all lengths) rises with C"),
        ("A2.bleu4_rises", "bleu4", 1, "BLEU-4 (all lengths) rises with C"),
        ("A2.rouge2_rises", "rouge2", 1, "ROUGE-2 (all lengths) rises with C"),
        ("A2.rouge4_rises", "rouge4", 1, "ROUGE-4 (all lengths) rises with C"),
        ("A2.logdetcov_falls", "logdetcov", -1, "LogDetCov falls as C grows")])


def a3(ap: pd.DataFrame) -> list[dict]:
    rows = []
    for corpus, low, high in _ends(ap):
        rows.append(_row("A3.aggregate_kl_larger", "A3", corpus,
                         f"KL(q(z) || p(z)) is larger at C={high['C']:g} than at C={low['C']:g}",
                         high["aggregate_kl"] > low["aggregate_kl"],
                         f"{low['aggregate_kl']:.3f} at C={low['C']:g}, {high['aggregate_kl']:.3f} at C={high['C']:g}"))
    return rows


def a4(repeats: pd.DataFrame) -> list[dict]:
    rows = []
    for corpus, low, high in _ends(repeats[repeats["scheme"] == "greedy"]):
        rows.append(_row("A4.greedy_repeats_fall", "A4", corpus,
                         f"greedy repeats neighbours more often at C={low['C']:g} than at C={high['C']:g}",
                         low["repeats"] > high["repeats"],
                         f"{int(low['repeats'])}/{int(low['neighbours'])} at C={low['C']:g}, "
                         f"{int(high['repeats'])}/{int(high['neighbours'])} at C={high['C']:g}"))
    return rows


def fce_at_least_entropy(runs: pd.DataFrame, scheme: str = "nucleus0.9") -> list[dict]:
    """Implied on a built-in corpus: FCE >= H for the LMs of `scheme` and every LM whose
    vocabulary covers the whole test set (cross entropy is at least the entropy,
    E_p[-log q(x)] >= E_p[-log p(x)]).  An LM that maps test words to <unk> scores a coarser
    event space, whose entropy is below H by at most what the merged words carry; nucleus 0.9's
    vocabulary leaves few test words out (its test % unk is in the evidence), so an FCE below H
    there means the test set was mostly <unk>, as with one vocabulary shared by every scheme."""
    rows = []
    covered = runs[runs["entropy"].notna() & ((runs["test_pct_unk"] == 0) | (runs["scheme"] == scheme))]
    for corpus, part in covered.groupby("corpus", sort=False):
        gap = part["fce"] - part["entropy"]
        worst = part.loc[gap.idxmin()]
        rows.append(_row("implied.fce_at_least_entropy", "implied", corpus,
                         f"FCE >= H for {scheme} and every LM whose vocabulary covers the test set",
                         (gap >= 0).all(),
                         f"{len(part)} (model, scheme) rows, schemes {sorted(set(part['scheme']))}; smallest "
                         f"FCE - H = {gap.min():.3f} ({worst['model']} {worst['scheme']}: "
                         f"{worst['fce']:.3f} vs H = {worst['entropy']:.3f}, test {worst['test_pct_unk']:.1f} % unk)"))
    return rows


def a5(fce: pd.DataFrame) -> list[dict]:
    runs = fce[fce["model"] != "real test set"]
    rows = fce_at_least_entropy(runs)
    for corpus, part in runs.groupby("corpus", sort=False):
        nucleus = part[part["scheme"] == "nucleus0.9"].sort_values("C")
        if 15 in set(nucleus["C"]) and nucleus["C"].max() > 15:
            mid, top = nucleus[nucleus["C"] == 15].iloc[0], nucleus.iloc[-1]
            rows.append(_row("A5.nucleus_fce_rises", "A5", corpus,
                             f"for nucleus 0.9, FCE rises from C=15 to C={top['C']:g}",
                             top["fce"] > mid["fce"],
                             f"{mid['fce']:.3f} ({mid['fce_std']:.3f}) at C=15, "
                             f"{top['fce']:.3f} ({top['fce_std']:.3f}) at C={top['C']:g}"))
        greedy = part[part["scheme"] == "greedy"]
        if len(greedy):
            holds, evidence = _trend(greedy, "self_bleu4", -1)
            rows.append(_row("A5.greedy_self_bleu_falls", "A5", corpus,
                             "for greedy decoding, self-BLEU falls as C grows", holds, evidence))
    return rows


def a6(syntax: pd.DataFrame) -> list[dict]:
    rows = []
    for corpus, low, high in _ends(syntax[syntax["category"] == "all"]):
        rows.append(_row("A6.small_C_p1_equals_p2", "A6", corpus, f"at C={low['C']:g}, p1 ~ p2",
                         abs(low["p1"] - low["p2"]) <= SAME,
                         f"p1 = {low['p1']:.3f}, p2 = {low['p2']:.3f} (|p1 - p2| <= {SAME})"))
        rows.append(_row("A6.large_C_p1_near_one", "A6", corpus, f"at C={high['C']:g}, p1 is near 1",
                         high["p1"] >= NEAR_ONE, f"p1 = {high['p1']:.3f} (>= {NEAR_ONE})"))
        rows.append(_row("A6.large_C_p2_far_below", "A6", corpus,
                         f"at C={high['C']:g}, p2 is far below p1",
                         high["p1"] - high["p2"] >= FAR_BELOW,
                         f"p1 = {high['p1']:.3f}, p2 = {high['p2']:.3f} (at least {FAR_BELOW} lower)"))
    return rows


def falls_after_early_phase(steps, values) -> tuple[bool, float, float]:
    """(whether the last value is more than DROP below the highest after the first EARLY share
    of the steps, that highest value, the last value)."""
    steps, values = np.asarray(steps, dtype=float), np.asarray(values, dtype=float)
    later = values[steps > EARLY * steps.max()]
    peak, last = float(later.max()), float(values[-1])
    return bool(last < peak - DROP * abs(peak)), peak, last


def b1(training: pd.DataFrame, vae="lstm-vae", m1="lstm-autogen-m1", m2="lstm-autogen-m2") -> list[dict]:
    rows = []
    for corpus, part in training.groupby("corpus", sort=False):
        final = part.sort_values("step").groupby("model").last()
        models = set(final.index)
        for autogen in (m1, m2):
            if {autogen, vae} <= models:
                rows.append(_row(f"B1.{autogen.split('-')[-1]}_kl_share_exceeds_vae", "B1", corpus,
                                 f"{autogen}'s KL share of the objective exceeds the VAE's",
                                 final.loc[autogen, "held_out_kl_share"] > final.loc[vae, "held_out_kl_share"],
                                 f"final held-out KL share {final.loc[autogen, 'held_out_kl_share']:.3f} % vs "
                                 f"{final.loc[vae, 'held_out_kl_share']:.3f} %"))
        if {m1, vae} <= models:
            a, b = final.loc[m1, "held_out_elbo"], final.loc[vae, "held_out_elbo"]
            rows.append(_row("B1.m1_elbo_tracks_vae", "B1", corpus, "m=1's ELBO tracks the VAE's",
                             abs(a - b) <= TRACK * abs(b),
                             f"final held-out ELBO {a:.3f} vs {b:.3f} (within {100 * TRACK:g} %)"))
        for model, should_fall in ((m1, False), (m2, True)):
            if model in models:
                curve = part[part["model"] == model].sort_values("step")
                fell, peak, last = falls_after_early_phase(curve["step"], curve["held_out_elbo"])
                statement = f"{model}'s ELBO {'falls' if should_fall else 'does not fall'} after the early phase"
                rows.append(_row(f"B1.{model.split('-')[-1]}_elbo_{'falls' if should_fall else 'holds'}", "B1",
                                 corpus, statement, fell == should_fall,
                                 f"highest held-out ELBO after {100 * EARLY:g} % of the steps {peak:.3f}, "
                                 f"last {last:.3f}"))
    return rows


def b3(preference: pd.DataFrame) -> list[dict]:
    rows = []
    for row in preference.itertuples():
        rows.append(_row(f"B3.{row.model}_beats_{row.versus}", "B3", row.corpus,
                         f"{row.model} beats {row.versus} (sentence BLEU judge)",
                         row.pct_wins > 50 and row.p_value < ALPHA,
                         f"{row.wins} wins, {row.losses} losses, {row.ties} ties: {row.pct_wins:.1f} % "
                         f"wins, p = {row.p_value:.3g}"))
    return rows


def b4(samples: pd.DataFrame, worst="lstm-autogen-m2") -> list[dict]:
    rows = []
    every = samples[samples["group"] == "all"]
    for corpus, part in every.groupby("corpus", sort=False):
        if worst not in set(part["model"]):
            continue
        pct = part.set_index("model")["pct_meaningful"]
        others = pct.drop(worst)
        rows.append(_row("B4.m2_worst", "B4", corpus, f"{worst}'s prior samples make sense least often",
                         (pct[worst] < others).all(),
                         "; ".join(f"{m}: {v:.1f} %" for m, v in pct.items())))
    return rows


def b5(repeats: pd.DataFrame, m1="lstm-autogen-m1", anneal="lstm-vae-anneal") -> list[dict]:
    rows = []
    for corpus, part in repeats.groupby("corpus", sort=False):
        pct = part.set_index("model")["pct_repeats"]
        if {m1, anneal} <= set(pct.index):
            rows.append(_row("B5.m1_repeats_less", "B5", corpus,
                             f"{m1} repeats neighbouring sentences less often than {anneal}",
                             pct[m1] < pct[anneal], f"{pct[m1]:.1f} % vs {pct[anneal]:.1f} % of neighbours"))
    return rows


def rate_carries_information(betac: pd.DataFrame) -> list[dict]:
    """Implied (a larger C is to buy information about x): at the largest C of each corpus and
    architecture, R - MI <= s R with s = OFF_INFORMATION, where R = MI + KL(q(z) || p(z)); with
    e = STANDARD_ERRORS x the standard error of the MI estimate, it holds if R - MI + e <= s R,
    fails if R - MI - e > s R, and is undecided between, or where the estimate cannot reach
    (1 - s) R: an MI from a mixture of n posteriors is at most log n.  The evidence gives the
    offset 1/2 ||mean mu||^2, the part of R - MI that shifts every posterior alike."""
    rows = []
    for (corpus, arch), part in betac.groupby(["corpus", "arch"], sort=False):
        top = part.loc[part["C"].idxmax()]
        rate, mi, se = top["rate"], top["mi"], top.get("mi_se", np.nan)
        cap = np.log(top.get("mi_posteriors", np.nan))
        off, margin, limit = rate - mi, STANDARD_ERRORS * se, OFF_INFORMATION * rate
        evidence = (f"C={top['C']:g}: R = {rate:.3f}, MI = {mi:.3f} (se {se:.3f}), R - MI = {off:.3f} "
                    f"({100 * off / rate:.0f} % of R; at most {100 * OFF_INFORMATION:g} %), offset "
                    f"1/2 ||mu||^2 = {top['mu_norm2'] / 2:.3f}")
        if not np.isfinite(se):
            holds, evidence = None, evidence + "; undecided: the summary gives no standard error of MI"
        elif cap < (1 - OFF_INFORMATION) * rate:
            holds, evidence = None, evidence + f"; undecided: the MI estimate is at most log n = {cap:.2f}"
        elif off + margin <= limit or off - margin > limit:
            holds = off + margin <= limit
        else:
            holds, evidence = None, evidence + f"; undecided: within {STANDARD_ERRORS:g} standard errors"
        rows.append(_row("implied.rate_carries_information", "implied", corpus,
                         f"at the largest C ({arch}), R - MI is at most {100 * OFF_INFORMATION:g} % of R",
                         holds, evidence))
    return rows


def implied(summaries: pd.DataFrame) -> list[dict]:
    """Checks the papers imply: the rate on target for every beta_C cell, and carrying
    information at the largest C (rate_carries_information); on a built-in corpus
    D + R >= H (the ELBO cannot exceed log p(x)) and IW-NLL >= H (an upper bound on the model's
    -log p(x) in expectation, and no model's cross entropy is below the entropy)."""
    rows = []
    betac = summaries[summaries["objective"] == "betac"]
    rows += _rate_on_target(betac, "implied", "implied.kl_within_1_of_C")
    rows += rate_carries_information(betac)
    if "entropy" in summaries:
        for corpus, part in summaries[summaries["entropy"].notna()].groupby("corpus", sort=False):
            gap = part["distortion"] + part["rate"] - part["entropy"]
            rows.append(_row("implied.elbo_below_log_px", "implied", corpus,
                             "D + R >= H (the ELBO cannot exceed log p(x)) for every evaluated cell",
                             (gap >= 0).all(), f"{len(part)} cells, smallest D + R - H = {gap.min():.3f}"))
            gap = part["iw_nll"] - part["entropy"]
            rows.append(_row("implied.iw_nll_at_least_entropy", "implied", corpus,
                             "IW-NLL >= H for every evaluated cell", (gap >= 0).all(),
                             f"{len(part)} cells, smallest IW-NLL - H = {gap.min():.3f}"))
    return rows


CHECKS = {"A1": a1, "A2": a2, "A3": a3, "A4": a4, "A5": a5, "A6": a6, "B1": b1, "B3": b3,
          "B4": b4, "B5": b5}


def summary(claims: pd.DataFrame) -> str:
    """How many claims hold (and are undecided), per experiment, and which fail or are undecided."""
    undecided = claims["outcome"] == "undecided"
    lines = [f"claims: {int(claims['holds'].sum())} of {len(claims)} hold"
             + (f", {int(undecided.sum())} undecided" if undecided.any() else "")]
    groups = sorted(claims.groupby("experiment", sort=False), key=lambda group: group[0] == "implied")
    for experiment, part in groups:  # in the order of the experiments, the implied checks last
        open_ = (part["outcome"] == "undecided").sum()
        lines.append(f"  {experiment}: {int(part['holds'].sum())}/{len(part)}"
                     + (f" ({open_} undecided)" if open_ else ""))
    for row in claims[claims["outcome"] != "holds"].itertuples():
        word = "fails" if row.outcome == "fails" else "undecided"
        lines.append(f"  {word}: {row.claim} [{row.corpus}] {row.statement}: {row.evidence}")
    return "\n".join(lines)
