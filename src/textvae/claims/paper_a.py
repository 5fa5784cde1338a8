"""The claims of Prokhorov et al. (2019), the beta_C-VAE (experiments A1-A6).

Each is decided per corpus from its experiment's tables (textvae.claims.evidence gives the noise).

- "rises / falls as C grows": the change from the smallest to the largest C beyond its noise,
  and no step between neighbouring C (nor the ends) against it beyond the Bonferroni noise of
  those comparisons (textvae.stats.trend).
- "C - 1 <= R <= C + 1 for every run": fails where some run's rate lies outside beyond its
  noise (Bonferroni over the runs).
- A6, per Marvin & Linzen category, from the counts of the scored pairs (Wilson's interval of
  p1, Newcombe's paired interval of p1 - p2 and of p1 - p1_bar; over training seeds, the t
  interval widened to those of the summed counts): decided only where the model knows the
  construction (p1 above KNOWS beyond noise at the smallest C); "p1 ~ p2" is |p1 - p2| <= SAME,
  "near 1" p1 >= NEAR_ONE (undecided where p1 is there already at the smallest C: too easy to
  show), "far below" p1 - p2 >= FAR_BELOW, "p1_bar below p1" p1 - p1_bar > 0; each summarised
  over the categories the model knows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import stats
from . import CATEGORY_SHARE, UNFIT, lacking, over_categories, verdict
from .evidence import by_C, cell, cells_of, difference, draws, trend_verdict, with_runs

NEAR_ONE, SAME, FAR_BELOW, KNOWS = 0.9, 0.05, 0.1, 0.5
COVERS, MOSTLY_UNK = 5.0, 50.0  # % of the test tokens a vocabulary maps to <unk>
SENTENCES = "test sentences"


def rate_on_target(frame: pd.DataFrame, noise, experiment: str, claim: str) -> list[dict]:
    """R within 1 of C for every run (stats.every, each run's noise its bootstrap replicates)."""
    rows = []
    for corpus, part in frame.groupby("corpus", sort=False):
        checks = []
        for _, run in part.iterrows():
            reps = draws(noise, "rate", corpus=corpus, model=run["model"])
            estimate = None if reps is None else stats.bootstrap(reps, run["rate"], SENTENCES)
            checks.append((run["rate"], estimate, run["C"] - 1, run["C"] + 1))
        gap = (part["rate"] - part["C"]).abs().to_numpy()
        worst = int(np.argmax(gap))
        evidence = (f"{len(part)} runs, largest |R - C| = {gap[worst]:.3f} ({part['model'].iloc[worst]}: "
                    f"R = {part['rate'].iloc[worst]:.3f} at C={part['C'].iloc[worst]:g})")
        rows.append(verdict(claim, experiment, corpus, "C - 1 <= R <= C + 1 for every run", stats.every(checks),
                            evidence, checks[worst][1], cells_of(part),
                            test=f"paired bootstrap over {SENTENCES} per run, Bonferroni over {len(part)} runs"))
    return rows


def a1(tables: dict, **_) -> list[dict]:
    """Rate on target; D and LogDetCov fall as C grows, per architecture."""
    rd, noise = with_runs(tables["rate_distortion"]), tables.get("rate_distortion_bootstrap")
    rows = rate_on_target(rd, noise, "A1", "A1.rate_on_target")
    for (corpus, arch), part in rd.groupby(["corpus", "arch"], sort=False):
        for claim, column, statement in (("A1.distortion_falls", "distortion", "D falls as C grows"),
                                         ("A1.logdetcov_falls", "logdetcov", "LogDetCov falls as C grows")):
            rows.append(trend_verdict(claim, "A1", corpus, f"{statement} ({arch})", part, column, -1, noise,
                                      items=SENTENCES))
    return rows


RISES_A2 = (("A2.active_units_rise", "active_units", 1, "active units rise with C"),
            ("A2.mu_norm_rises", "mu_norm2", 1, "||mu||^2 rises with C"),
            ("A2.bleu2_rises", "bleu2", 1, "BLEU-2 (all lengths) rises with C"),
            ("A2.bleu4_rises", "bleu4", 1, "BLEU-4 (all lengths) rises with C"),
            ("A2.rouge2_rises", "rouge2", 1, "ROUGE-2 (all lengths) rises with C"),
            ("A2.rouge4_rises", "rouge4", 1, "ROUGE-4 (all lengths) rises with C"),
            ("A2.distortion_falls", "distortion", -1, "D falls as C grows"),
            ("A2.logdetcov_falls", "logdetcov", -1, "LogDetCov falls as C grows"))


def a2(tables: dict, **_) -> list[dict]:
    """A2: Table 1's claims on the reconstructions and posterior statistics.

    Over all lengths;
    active units cannot rise from a smallest C where every unit is active (AU = the size of
    z): undecided, saturated.  D, LogDetCov and the rate of cells A1 decides already are not
    decided again (claims.once)."""
    every = with_runs(tables["capacity"])
    every, noise = every[every["bucket"] == "all"], tables.get("capacity_bootstrap")
    rows = rate_on_target(every, noise, "A2", "A2.rate_on_target")
    for corpus, part in every.groupby("corpus", sort=False):
        smallest = part[part["C"] == part["C"].min()]
        for claim, column, sign, statement in RISES_A2:
            row = trend_verdict(claim, "A2", corpus, statement, part, column, sign, noise, items=SENTENCES)
            if column == "active_units" and (smallest["active_units"] >= smallest["z"]).all():
                row = verdict(claim, "A2", corpus, statement, stats.Decision(
                    None, reason=f"saturated: all {int(smallest['z'].iloc[0])} units active at "
                                 f"C={smallest['C'].iloc[0]:g}"), row["evidence"], cells=cells_of(part))
            rows.append(row)
    return rows


def a3(tables: dict, **_) -> list[dict]:
    """KL(q(z) || p(z)) larger at the largest C than at the smallest, per architecture."""
    ap, noise = with_runs(tables["aggregate_posterior"]), tables.get("aggregate_posterior_bootstrap")
    rows = []
    for (corpus, arch), part in ap.groupby(["corpus", "arch"], sort=False):
        cells = by_C(part)
        (low_C, low), (high_C, high) = cells[0], cells[-1]
        statement = f"KL(q(z) || p(z)) is larger at C={high_C:g} than at C={low_C:g} ({arch})"
        evidence = f"{low['aggregate_kl'].mean():.4g} at C={low_C:g}, {high['aggregate_kl'].mean():.4g} at C={high_C:g}"
        if len(cells) < 2:
            rows.append(lacking("A3.aggregate_kl_larger", "A3", corpus, statement, "the experiment has one C"))
            continue
        change = difference(low, high, "aggregate_kl", noise, items=SENTENCES)
        decision = stats.exceeds(change) if change is not None else stats.Decision(None, reason="no noise estimate")
        rows.append(verdict("A3.aggregate_kl_larger", "A3", corpus, statement, decision, evidence, change,
                            cells_of(part)))
    return rows


def named(schemes: dict, method: str) -> list[str]:
    """The names of the config's decoding schemes of `method`."""
    return [name for name, spec in (schemes or {}).items() if spec.get("method") == method]


def a4(tables: dict, schemes=None, **_) -> list[dict]:
    """Greedy repeats fall as C grows, over every C, per greedy scheme."""
    repeats, noise = with_runs(tables["homotopy_repeats"]), tables.get("homotopy_repeats_bootstrap")
    rows = []
    for corpus, part in repeats.groupby("corpus", sort=False):
        mine = part[part["scheme"].isin(named(schemes, "greedy"))]
        if mine.empty:
            rows.append(lacking("A4.greedy_repeats_fall", "A4", corpus, "greedy repeats fall as C grows",
                                "the experiment decodes with no greedy scheme"))
        for scheme, cells in mine.groupby("scheme", sort=False):
            statement = (f"{scheme} repeats neighbours less often as C grows "
                         f"(of {int(cells['neighbours'].iloc[0])} neighbours)")
            rows.append(trend_verdict("A4.greedy_repeats_fall", "A4", corpus, statement, cells, "repeats", -1,
                                      noise, keys=["scheme"], items="paths"))
    return rows


def fce_at_least_entropy(lms: pd.DataFrame, fce: pd.DataFrame) -> list[dict]:
    """The implied claim FCE >= H on a built-in corpus.

    For every (model, scheme) whose vocabulary leaves
    at most COVERS % of the test tokens out (cross entropy is at least the entropy,
    E_p[-log q(x)] >= E_p[-log p(x)]; an LM that maps test words to <unk> scores a coarser event
    space, whose entropy is below H by what the merged words carry); fails where an FCE is
    below H beyond its t interval over the LM seeds (Bonferroni over the rows)."""
    rows = []
    for corpus, part in fce[fce["entropy"].notna()].groupby("corpus", sort=False):
        covered = part[part["test_pct_unk"] <= COVERS]
        statement = f"FCE >= H for every LM whose vocabulary leaves at most {COVERS:g} % of the test set out"
        if covered.empty:
            rows.append(lacking("implied.fce_at_least_entropy", "implied", corpus, statement,
                                f"every scheme's vocabulary maps more than {COVERS:g} % of the test tokens to "
                                f"<unk> (least {part['test_pct_unk'].min():.1f} %)"))
            continue
        checks, names = [], []
        for _, row in covered.iterrows():
            runs = cell(lms, corpus=corpus, model=row["model"], scheme=row["scheme"])
            estimate = stats.t_mean(runs["fce"], f"t over {len(runs)} LM seeds") if len(runs) > 1 else None
            checks.append((row["fce"], estimate, row["entropy"], np.inf))
            names.append(f"{row['model']} {row['scheme']}")
        gap = covered["fce"].to_numpy() - covered["entropy"].to_numpy()
        worst = int(np.argmin(gap))
        rows.append(verdict("implied.fce_at_least_entropy", "implied", corpus, statement, stats.every(checks),
                            f"{len(covered)} (model, scheme) rows; smallest FCE - H = {gap[worst]:.3f} "
                            f"({names[worst]}: test {covered['test_pct_unk'].iloc[worst]:.1f} % unk)",
                            checks[worst][1], cells_of(covered),
                            test=f"t over the LM seeds per row, Bonferroni over {len(covered)} rows"))
    return rows


def a5(tables: dict, schemes=None, **_) -> list[dict]:
    """A5: FCE rises at the largest C under nucleus schemes, self-BLEU falls under greedy ones.

    For each nucleus scheme, FCE rises from the second-largest C to the largest (the paper:
    C = 15 -> 100); for each greedy scheme, self-BLEU falls as C grows; both paired over the LM
    seeds (seed s draws the same prior sample at every C)."""
    fce = tables["fce"]
    fce = fce[fce["model"] != "real test set"]
    lms = with_runs(tables["fce_lms"], lm_seed="seed")
    rows = fce_at_least_entropy(lms, fce)
    for corpus, part in lms.groupby("corpus", sort=False):
        for method, claim, statement in (
                ("nucleus", "A5.nucleus_fce_rises", "for nucleus sampling, FCE rises from the second-largest C"),
                ("greedy", "A5.greedy_self_bleu_falls", "for greedy decoding, self-BLEU falls as C grows")):
            if not set(named(schemes, method)) & set(part["scheme"]):
                rows.append(lacking(claim, "A5", corpus, statement, f"the experiment decodes with no {method} scheme"))
        for scheme in named(schemes, "nucleus"):
            if scheme in set(part["scheme"]):
                rows.append(_nucleus_rises(corpus, scheme, part[part["scheme"] == scheme],
                                           fce[(fce["corpus"] == corpus) & (fce["scheme"] == scheme)]))
        for scheme in named(schemes, "greedy"):
            cells = part[part["scheme"] == scheme]
            if len(cells):
                rows.append(trend_verdict("A5.greedy_self_bleu_falls", "A5", corpus,
                                          f"for {scheme} decoding, self-BLEU falls as C grows", cells, "self_bleu4",
                                          -1))
    return rows


def _nucleus_rises(corpus: str, scheme: str, lms: pd.DataFrame, fce: pd.DataFrame) -> dict:
    """A5's nucleus claim for one scheme: FCE at the largest C minus at the second-largest."""
    statement = f"for {scheme}, FCE rises from the second-largest C to the largest"
    cells = by_C(lms)
    if len(cells) < 2:
        return lacking("A5.nucleus_fce_rises", "A5", corpus, statement, "the experiment has one C")
    (mid_C, mid), (top_C, top) = cells[-2], cells[-1]
    evidence = ", ".join(f"{runs['fce'].mean():.3f} (sd {runs['fce'].std():.3f}) at C={C:g}"
                         for C, runs in ((mid_C, mid), (top_C, top)))
    change = difference(mid, top, "fce")
    unk = fce.loc[fce["C"] == top_C, "test_pct_unk"].max()
    if unk > MOSTLY_UNK:
        decision = stats.Decision(None, reason=f"the vocabulary maps {unk:.0f} % of the test set to <unk>")
    elif change is None:
        decision = stats.Decision(None, reason="one seed, no noise estimate")
    else:
        decision = stats.exceeds(change)
    return verdict("A5.nucleus_fce_rises", "A5", corpus, statement, decision, evidence, change,
                   cells_of(mid, top))


def _share(runs: pd.DataFrame, hits: str) -> stats.Estimate:
    """One cell's A6 share `hits` / n_scored, with its interval.

    Of one run Wilson's interval from its counts;
    over training seeds the t interval of the runs' shares, widened to Wilson's on their
    summed counts (the t interval over a few seeds is a point where every seed is at 1)."""
    counts = stats.wilson(int(runs[hits].sum()), int(runs["n_scored"].sum()))
    if len(runs) == 1:
        return counts
    return stats.hull(stats.t_mean(runs[hits] / runs["n_scored"], f"t over {len(runs)} seeds"), counts)


def _paired_share(runs: pd.DataFrame, a: str, b: str) -> stats.Estimate:
    """The paired difference of two A6 shares in one cell: share a minus share b over the same pairs.

    Of one run Newcombe's paired
    interval from its 2x2 table; over training seeds the t interval of the runs' differences,
    widened to Newcombe's on their summed tables."""
    both, only_a, only_b = (int(runs[k].sum()) for k in (f"{a}_and_{b}", f"{a}_not_{b}", f"{b}_not_{a}"))
    counts = stats.newcombe(both, only_a, only_b, int(runs["n_scored"].sum()) - both - only_a - only_b)
    if len(runs) == 1:
        return counts
    differences = (runs[f"{a}_not_{b}"] - runs[f"{b}_not_{a}"]) / runs["n_scored"]
    return stats.hull(stats.t_mean(differences, f"t over {len(runs)} seeds"), counts)


A6_RULES = (  # claim, at the smallest C (0) or the largest (-1), statement, estimate of a cell, decision
    ("A6.small_C_p1_equals_p2", 0, "p1 ~ p2", lambda r: _paired_share(r, "p1", "p2"),
     lambda e: stats.within(e, SAME)),
    ("A6.large_C_p1_near_one", -1, "p1 is near 1", lambda r: _share(r, "hits_p1"),
     lambda e: stats.exceeds(e, NEAR_ONE)),
    ("A6.large_C_p2_far_below", -1, "p2 is far below p1", lambda r: _paired_share(r, "p1", "p2"),
     lambda e: stats.exceeds(e, FAR_BELOW)),
    ("A6.large_C_p1_bar_below_p1", -1, "p1_bar is below p1", lambda r: _paired_share(r, "p1", "p1_bar"),
     lambda e: stats.exceeds(e)))


def a6(tables: dict, **_) -> list[dict]:
    """A6's rules per Marvin & Linzen category, then per claim.

    The rules are A6_RULES (the module's docstring); per claim, a summary over the categories
    the model knows (the paper: "in almost all the cases")."""
    syntax = with_runs(tables["syntax"])
    rows = []
    for corpus, part in syntax[syntax["category"] != "all"].groupby("corpus", sort=False):
        Cs = sorted(set(part["C"]))
        for claim, which, statement, estimate_of, decide in A6_RULES:
            details = [_category(claim, corpus, statement, category, runs, Cs, which, estimate_of, decide)
                       for category, runs in part.groupby("category", sort=False)]
            rows.append(_over_categories(claim, corpus, f"at C={Cs[which]:g}, {statement}", details))
            rows += details
    return rows


def _category(claim, corpus, statement, category, runs, Cs, which, estimate_of, decide) -> dict:
    """One category's verdict of an A6 rule."""
    at = {C: cell(runs, C=C) for C in Cs}
    C = Cs[which]
    mine = at[C]
    p1, p2 = (mine[f"hits_{s}"] / mine["n_scored"] for s in ("p1", "p2"))
    evidence = (f"p1 = {p1.mean():.3f}, p2 = {p2.mean():.3f}, p1_bar = {mine['p1_bar'].mean():.3f} "
                f"({int(mine['n_scored'].iloc[0])} pairs" + (f", {len(mine)} seeds)" if len(mine) > 1 else ")"))
    name, parent, text = f"{claim}[{category}]", claim, f"at C={C:g}, {statement} ({category})"
    if len(Cs) < 2:
        return lacking(name, "A6", corpus, text, "the experiment has one C", parent)
    if int(mine["n_scored"].min()) == 0:
        return lacking(name, "A6", corpus, text, "no pairs the vocabulary tells apart", parent)
    smallest = _share(at[Cs[0]], "hits_p1")
    if stats.exceeds(smallest, KNOWS).holds is not True:
        return verdict(name, "A6", corpus, text, stats.Decision(None, reason=(
            f"{UNFIT}: p1 at C={Cs[0]:g} is {smallest.value:.3f} [{smallest.lo:.3f}, {smallest.hi:.3f}], not above "
            f"{KNOWS:g} beyond noise")), evidence, smallest, cells_of(mine), parent)
    if claim == "A6.large_C_p1_near_one" and stats.exceeds(smallest, NEAR_ONE).holds:
        return verdict(name, "A6", corpus, text, stats.Decision(None, reason=(
            f"p1 is near 1 already at C={Cs[0]:g} ({smallest.value:.3f} [{smallest.lo:.3f}, {smallest.hi:.3f}]): "
            "too easy to show the effect of C")), evidence, smallest, cells_of(mine), parent)
    estimate = estimate_of(mine)
    return verdict(name, "A6", corpus, text, decide(estimate), evidence, estimate, cells_of(mine), parent)


def _over_categories(claim: str, corpus: str, statement: str, details: list[dict]) -> dict:
    """A6's summary row of a claim over the categories the model knows."""
    known = [d["outcome"] for d in details if not d["reason"].startswith(UNFIT)]
    holds = over_categories(known)
    counts = ", ".join(f"{o} in {known.count(o)}" for o in ("holds", "fails", "undecided"))
    evidence = f"{counts} of the {len(known)} categories the model knows ({len(details) - len(known)} it does not)"
    reason = "" if holds is not None else "the model knows no category" if not known else "too few categories decided"
    statement = f"{statement} in at least {100 * CATEGORY_SHARE:g} % of the categories the model knows"
    return verdict(claim, "A6", corpus, statement, stats.Decision(holds, reason=reason), evidence)
