"""The claims of Prokhorov et al. (2019), the beta_C-VAE (experiments A1-A6).

Each is decided per corpus from its experiment's tables (textvae.claims.evidence gives the noise).

- "rises / falls as C grows": the change from the smallest to the largest C beyond its noise,
  and no step between neighbouring C (nor the ends) against it beyond the Bonferroni noise of
  those comparisons (textvae.stats.trend); the row is the comparison that decided.
- "C - 1 <= R <= C + 1 for every run": an intersection-union test over the runs.
- A4: greedy repeats at the smallest C against the largest, the exact sign-flip test over the
  paths (the same z in every model), the middle C as evidence.
- A6, per Marvin & Linzen category, from the counts of the scored pairs (Wilson's interval of
  p1, Newcombe's paired interval of p1 - p2 and of p1 - p1_bar; over training seeds, the t
  interval widened to those of the summed counts): decided only where the model knows the
  construction (p1 above KNOWS beyond noise at the smallest C); "p1 ~ p2" is |p1 - p2| <= SAME,
  "near 1" p1 >= NEAR_ONE, "far below" p1 - p2 >= FAR_BELOW, "p1_bar below p1"
  p1 - p1_bar >= BAR_BELOW; each summarised over the categories the model knows (stats.at_least).
  The thresholds and their reasons: docs/experiments.md, A6.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import stats
from . import CATEGORY_SHARE, KNOWN_SHARE, UNFIT, lacking, verdict
from .evidence import (
    PATHS,
    SEEDS,
    by_C,
    cell,
    cells_of,
    conjunction,
    decide,
    difference,
    few_seeds,
    level,
    trend_verdict,
    values_text,
    with_runs,
)

# Table 4: at C = 3 |p1 - p2| <= 0.01 in 14 of 15 categories; at C = 100 p1 >= 0.92 in every
# category, p1 - p2 >= 0.86, p1 - p1_bar >= 0.18 in 14 of 15 (docs/experiments.md, A6)
NEAR_ONE, SAME, FAR_BELOW, BAR_BELOW, KNOWS = 0.9, 0.05, 0.1, 0.1, 0.5
COVERS, MOSTLY_UNK = 5.0, 50.0  # % of the test tokens a vocabulary maps to <unk>
PAIRS = "minimal pairs"


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


def a1(tables: dict, **_) -> list[dict]:
    """Rate on target; D and LogDetCov fall as C grows, per architecture."""
    rd, noise = with_runs(tables["rate_distortion"]), tables.get("rate_distortion_bootstrap")
    rows = rate_on_target(rd, noise, "A1", "A1.rate_on_target")
    for (corpus, arch), part in rd.groupby(["corpus", "arch"], sort=False):
        for claim, column, statement in (("A1.distortion_falls", "distortion", "D falls as C grows"),
                                         ("A1.logdetcov_falls", "logdetcov", "LogDetCov falls as C grows")):
            rows.append(trend_verdict(claim, "A1", corpus, f"{statement} ({arch})", part, column, -1, noise))
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
    """A2: Table 1's claims on the reconstructions and posterior statistics, over all lengths.

    Active units cannot rise from a smallest C where every unit is active (AU = the size of z):
    undecided, saturated.  D, LogDetCov and the rate of cells A1 decides already are not decided
    again (claims.once)."""
    every = with_runs(tables["capacity"])
    every, noise = every[every["bucket"] == "all"], tables.get("capacity_bootstrap")
    rows = rate_on_target(every, noise, "A2", "A2.rate_on_target")
    for corpus, part in every.groupby("corpus", sort=False):
        smallest = part[part["C"] == part["C"].min()]
        for claim, column, sign, statement in RISES_A2:
            row = trend_verdict(claim, "A2", corpus, statement, part, column, sign, noise)
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
        if len(cells) < 2:
            rows.append(lacking("A3.aggregate_kl_larger", "A3", corpus, statement, "the experiment has one C"))
            continue
        decision = decide(difference(low, high, "aggregate_kl", noise), stats.exceeds,
                          f"C={low_C:g} -> C={high_C:g}")
        rows.append(verdict("A3.aggregate_kl_larger", "A3", corpus, statement, decision,
                            values_text(cells, "aggregate_kl"), cells_of(part)))
    return rows


def named(schemes: dict, method: str) -> list[str]:
    """The names of the config's decoding schemes of `method`."""
    return [name for name, spec in (schemes or {}).items() if spec.get("method") == method]


def a4(tables: dict, schemes=None, **_) -> list[dict]:
    """Greedy repeats fewer at the largest C than at the smallest, per greedy scheme.

    As SPEC.md states it, over the paths (the exact sign-flip test; over training seeds the
    paired t); the middle C are evidence."""
    repeats, paths = with_runs(tables["homotopy_repeats"]), tables.get("homotopy_paths")
    rows = []
    for corpus, part in repeats.groupby("corpus", sort=False):
        mine = part[part["scheme"].isin(named(schemes, "greedy"))]
        statement = "greedy repeats neighbours less often at the largest C than at the smallest"
        if mine.empty:
            rows.append(lacking("A4.greedy_repeats_fall", "A4", corpus, statement,
                                "the experiment decodes with no greedy scheme"))
        for scheme, part in mine.groupby("scheme", sort=False):
            cells = by_C(part)
            text = f"{scheme} repeats at {values_text(cells, 'repeats')} (of {int(part['neighbours'].iloc[0])})"
            mine_statement = statement.replace("greedy", scheme, 1)
            if len(cells) < 2:
                rows.append(lacking("A4.greedy_repeats_fall", "A4", corpus, mine_statement, "the experiment has one C"))
                continue
            (low_C, low), (high_C, high) = cells[0], cells[-1]
            change = difference(low, high, "repeats", paths, ["scheme"], PATHS)
            decision = decide(change, lambda e: stats.exceeds(e, 0.0, -1), f"C={low_C:g} -> C={high_C:g}")
            rows.append(verdict("A4.greedy_repeats_fall", "A4", corpus, mine_statement, decision, text,
                                cells_of(part)))
    return rows


def fce_at_least_entropy(lms: pd.DataFrame, fce: pd.DataFrame) -> list[dict]:
    """The implied claim FCE >= H on a built-in corpus.

    For every (model, scheme) whose vocabulary leaves at most COVERS % of the test tokens out
    (cross entropy is at least the entropy, E_p[-log q(x)] >= E_p[-log p(x)]; an LM that maps
    test words to <unk> scores a coarser event space, whose entropy is below H by what the
    merged words carry): an intersection-union test over the rows, each a t test over its runs."""
    rows = []
    for corpus, part in fce[fce["entropy"].notna()].groupby("corpus", sort=False):
        covered = part[part["test_pct_unk"] <= COVERS]
        statement = f"FCE >= H for every LM whose vocabulary leaves at most {COVERS:g} % of the test set out"
        if covered.empty:
            rows.append(lacking("implied.fce_at_least_entropy", "implied", corpus, statement,
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
        rows.append(conjunction("implied.fce_at_least_entropy", "implied", corpus, statement, parts, evidence,
                                cells_of(covered), "(model, scheme) rows"))
    return rows


def lm_runs(table: pd.DataFrame) -> pd.DataFrame:
    """A5's runs: the LM seeds of each cell's one network, or with training seeds each network's
    mean over its LM seeds (the claims then decide over the training seeds)."""
    trained = with_runs(table)
    if (trained["run"] == "").all():
        return with_runs(table, lm_seed="seed")
    keys = ["corpus", "model", "base", "run", "C", "scheme"]
    return trained.groupby(keys, as_index=False, sort=False)[["fce", "self_bleu4"]].mean()


def a5(tables: dict, schemes=None, **_) -> list[dict]:
    """A5: FCE rises at the largest C under nucleus schemes, self-BLEU falls under greedy ones.

    For each nucleus scheme, FCE rises from the second-largest C to the largest (the paper:
    C = 15 -> 100); for each greedy scheme, self-BLEU falls as C grows; both paired over the
    seeds (lm_runs; LM seed s draws the same prior sample at every C)."""
    fce = tables["fce"]
    fce = fce[fce["model"] != "real test set"]
    lms = lm_runs(tables["fce_lms"])
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
    unk = fce.loc[fce["C"] == top_C, "test_pct_unk"].max()
    comparison = f"C={mid_C:g} -> C={top_C:g}"
    if unk > MOSTLY_UNK:
        decision = stats.Decision(None, reason=f"the vocabulary maps {unk:.0f} % of the test set to <unk>")
    else:
        decision = decide(difference(mid, top, "fce"), stats.exceeds, comparison)
    return verdict("A5.nucleus_fce_rises", "A5", corpus, statement, decision, evidence, cells_of(mid, top))


def _share(runs: pd.DataFrame, hits: str) -> stats.Estimate | str:
    """One cell's A6 share `hits` / n_scored, with its interval.

    Of one run Wilson's score test on its counts; over training seeds the t test of the runs'
    shares widened to Wilson's on their summed counts (_widened: the pairs are the same for every
    seed, so the seeds' spread leaves out the pairs' own noise)."""
    counts = stats.wilson(int(runs[hits].sum()), int(runs["n_scored"].sum()), PAIRS)
    if len(runs) == 1:
        return counts
    return few_seeds(runs) or _widened(runs[hits] / runs["n_scored"], counts)


def _paired_share(runs: pd.DataFrame, a: str, b: str) -> stats.Estimate | str:
    """Share a minus share b in one cell, over the same pairs.

    Of one run Newcombe's paired interval from its 2x2 table; over training seeds the t test of
    the runs' differences, widened to Newcombe's on their summed tables."""
    both, only_a, only_b = (int(runs[k].sum()) for k in (f"{a}_and_{b}", f"{a}_not_{b}", f"{b}_not_{a}"))
    counts = stats.newcombe(both, only_a, only_b, int(runs["n_scored"].sum()) - both - only_a - only_b, PAIRS)
    if len(runs) == 1:
        return counts
    differences = (runs[f"{a}_not_{b}"] - runs[f"{b}_not_{a}"]) / runs["n_scored"]
    return few_seeds(runs) or _widened(differences, counts)


def _widened(per_seed: pd.Series, counts: stats.Estimate) -> stats.Estimate:
    """The t test over the seeds' values widened to the counts' test (stats.hull); the counts'
    alone where the seeds agree exactly (they add no noise to the pairs' own)."""
    return stats.hull(stats.t_mean(per_seed, SEEDS), counts) if per_seed.std() > 0 else counts


A6_RULES = (  # claim, at the smallest C (0) or the largest (-1), statement, estimate of a cell, decision
    ("A6.small_C_p1_equals_p2", 0, f"|p1 - p2| <= {SAME:g}", lambda r: _paired_share(r, "p1", "p2"),
     lambda e: stats.within(e, SAME)),
    ("A6.large_C_p1_near_one", -1, f"p1 >= {NEAR_ONE:g}", lambda r: _share(r, "hits_p1"),
     lambda e: stats.exceeds(e, NEAR_ONE)),
    ("A6.large_C_p2_far_below", -1, f"p1 - p2 >= {FAR_BELOW:g}", lambda r: _paired_share(r, "p1", "p2"),
     lambda e: stats.exceeds(e, FAR_BELOW)),
    ("A6.large_C_p1_bar_below_p1", -1, f"p1 - p1_bar >= {BAR_BELOW:g}",
     lambda r: _paired_share(r, "p1", "p1_bar"), lambda e: stats.exceeds(e, BAR_BELOW)))


def a6(tables: dict, **_) -> list[dict]:
    """A6's rules per Marvin & Linzen category, then per claim.

    The rules are A6_RULES (the module's docstring); per claim, a summary over the categories
    the model knows (the paper: "in almost all the cases")."""
    syntax = with_runs(tables["syntax"])
    rows = []
    for corpus, part in syntax[syntax["category"] != "all"].groupby("corpus", sort=False):
        Cs = sorted(set(part["C"]))
        for claim, which, statement, estimate_of, rule in A6_RULES:
            details = [_category(claim, corpus, statement, category, runs, Cs, which, estimate_of, rule)
                       for category, runs in part.groupby("category", sort=False)]
            rows.append(_over_categories(claim, corpus, f"at C={Cs[which]:g}, {statement}", details))
            rows += [row for row, _ in details]
    return rows


def _category(claim, corpus, statement, category, runs, Cs, which, estimate_of, rule):
    """One category's row of an A6 rule and its decision (None where the model does not know it)."""
    at = {C: cell(runs, C=C) for C in Cs}
    C = Cs[which]
    mine = at[C]
    p1, p2 = (mine[f"hits_{s}"] / mine["n_scored"] for s in ("p1", "p2"))
    evidence = (f"p1 = {p1.mean():.3f}, p2 = {p2.mean():.3f}, p1_bar = {mine['p1_bar'].mean():.3f} "
                f"({int(mine['n_scored'].iloc[0])} pairs" + (f", {len(mine)} seeds)" if len(mine) > 1 else ")"))
    name, parent, text = f"{claim}[{category}]", claim, f"at C={C:g}, {statement} ({category})"
    if len(Cs) < 2:
        return lacking(name, "A6", corpus, text, "the experiment has one C", parent), None
    if int(mine["n_scored"].min()) == 0:
        return lacking(name, "A6", corpus, text, "no pairs the vocabulary tells apart", parent), None
    smallest = _share(at[Cs[0]], "hits_p1")
    if isinstance(smallest, str):
        return lacking(name, "A6", corpus, text, smallest, parent), None
    if stats.exceeds(smallest, KNOWS).holds is not True:
        unfit = stats.Decision(None, reason=(
            f"{UNFIT}: p1 at C={Cs[0]:g} is {smallest.value:.3f} [{smallest.lo:.3f}, {smallest.hi:.3f}], not above "
            f"{KNOWS:g} beyond noise"), estimate=smallest, comparison=f"p1 at C={Cs[0]:g}")
        return verdict(name, "A6", corpus, text, unfit, evidence, cells_of(mine), parent), None
    decision = decide(estimate_of(mine), rule, f"C={C:g}")
    return verdict(name, "A6", corpus, text, decision, evidence, cells_of(mine), parent), decision


def _over_categories(claim: str, corpus: str, statement: str, details: list) -> dict:
    """A6's summary row of a claim over the categories the model knows (stats.at_least).

    Undecided where the model knows fewer than KNOWN_SHARE of the categories."""
    known = [decision for _, decision in details if decision is not None]
    outcomes = [row["outcome"] for (row, decision) in details if decision is not None]
    counts = ", ".join(f"{o} in {outcomes.count(o)}" for o in ("holds", "fails", "undecided"))
    evidence = f"{counts} of the {len(known)} categories the model knows ({len(details) - len(known)} it does not)"
    statement = f"{statement} in at least {100 * CATEGORY_SHARE:g} % of the categories the model knows"
    needed = math.ceil(KNOWN_SHARE * len(details))
    if len(known) < needed:
        decision = stats.Decision(None, reason=(f"the model knows {len(known)} of {len(details)} categories; a claim "
                                                f"over categories needs at least {needed}"))
    else:
        decision = stats.at_least(known, CATEGORY_SHARE, "categories")
    return verdict(claim, "A6", corpus, statement, decision, evidence)
