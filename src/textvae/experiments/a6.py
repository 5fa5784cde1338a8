"""A6, syntactic evaluation (Prokhorov et al. 2019, Table 4) on Marvin & Linzen pairs.

p1: z from the grammatical sentence; p2: from the ungrammatical one; p1_bar: from others.  Per
category from the counts (Wilson, Newcombe; over seeds the t widened to them), decided where the
model knows the construction, then summarised over those categories (stats.at_least).
Thresholds and reasons: docs/experiments.md, A6.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .. import stats
from ..claims import lacking, verdict
from ..claims.evidence import SEEDS, cell, cells_of, decide, few_seeds, with_runs
from .base import Experiment, Figure

# Table 4: at C = 3 |p1 - p2| <= 0.01 in 14 of 15 categories; at C = 100 p1 >= 0.92 in every
# category, p1 - p2 >= 0.86, p1 - p1_bar >= 0.18 in 14 of 15 (docs/experiments.md, A6)
NEAR_ONE, SAME, FAR_BELOW, BAR_BELOW, KNOWS = 0.9, 0.05, 0.1, 0.1, 0.5
CATEGORY_SHARE = 0.8  # a claim over categories holds where it holds in this share of them
KNOWN_SHARE = 0.5  # ... and is decided only where the model knows at least this share of them
PAIRS = "minimal pairs"
UNFIT = "the model does not know the construction"  # the reason of a category left out of its claim's summary

FIGURE = Figure(name="syntax", table="syntax",
                title="A6 (Prokhorov et al. 2019, Table 4): p1 (given z+) and p2 (given z-) per Marvin & "
                      "Linzen category, one panel per model",
                caption="A6: p1 and p2 per Marvin & Linzen category (Table 4)")


def _share(runs: pd.DataFrame, hits: str) -> stats.Estimate | str:
    """One cell's share `hits` / n_scored with its interval.

Wilson's of one run; over seeds the t test widened to Wilson's on the summed counts."""
    counts = stats.wilson(int(runs[hits].sum()), int(runs["n_scored"].sum()), PAIRS)
    if len(runs) == 1:
        return counts
    return few_seeds(runs) or _widened(runs[hits] / runs["n_scored"], counts)


def _paired_share(runs: pd.DataFrame, a: str, b: str) -> stats.Estimate | str:
    """Share a minus share b over the same pairs, with its interval.

Newcombe's paired interval of one run; over seeds the t test widened to Newcombe's on the summed tables."""
    both, only_a, only_b = (int(runs[k].sum()) for k in (f"{a}_and_{b}", f"{a}_not_{b}", f"{b}_not_{a}"))
    counts = stats.newcombe(both, only_a, only_b, int(runs["n_scored"].sum()) - both - only_a - only_b, PAIRS)
    if len(runs) == 1:
        return counts
    differences = (runs[f"{a}_not_{b}"] - runs[f"{b}_not_{a}"]) / runs["n_scored"]
    return few_seeds(runs) or _widened(differences, counts)


def _widened(per_seed: pd.Series, counts: stats.Estimate) -> stats.Estimate:
    """stats.hull of the t test over the seeds and the counts' test; the counts' where the seeds agree."""
    return stats.hull(stats.t_mean(per_seed, SEEDS), counts) if per_seed.std() > 0 else counts


RULES = (  # claim, at the smallest C (0) or the largest (-1), statement, estimate of a cell, decision
    ("A6.small_C_p1_equals_p2", 0, f"|p1 - p2| <= {SAME:g}", lambda r: _paired_share(r, "p1", "p2"),
     lambda e: stats.within(e, SAME)),
    ("A6.large_C_p1_near_one", -1, f"p1 >= {NEAR_ONE:g}", lambda r: _share(r, "hits_p1"),
     lambda e: stats.exceeds(e, NEAR_ONE)),
    ("A6.large_C_p2_far_below", -1, f"p1 - p2 >= {FAR_BELOW:g}", lambda r: _paired_share(r, "p1", "p2"),
     lambda e: stats.exceeds(e, FAR_BELOW)),
    ("A6.large_C_p1_bar_below_p1", -1, f"p1 - p1_bar >= {BAR_BELOW:g}",
     lambda r: _paired_share(r, "p1", "p1_bar"), lambda e: stats.exceeds(e, BAR_BELOW)))


@dataclass(frozen=True)
class Category:
    """One category's row of a rule; `known`: the model knows the construction (its decision counts)."""

    row: dict
    known: bool = False
    decision: stats.Decision | None = None


def categories(tables: dict) -> list[tuple[str, str, str, list[Category]]]:
    """(claim, corpus, statement, each Marvin & Linzen category's Category) of every rule and corpus."""
    syntax = with_runs(tables["syntax"])
    found = []
    for corpus, part in syntax[syntax["category"] != "all"].groupby("corpus", sort=False):
        Cs = sorted(set(part["C"]))
        for claim, which, statement, estimate_of, rule in RULES:
            details = [_category(claim, corpus, statement, category, runs, Cs, which, estimate_of, rule)
                       for category, runs in part.groupby("category", sort=False)]
            found.append((claim, corpus, f"at C={Cs[which]:g}, {statement}", details))
    return found


def claims(tables: dict, **_) -> list[dict]:
    """Each rule per category, then per claim over the categories the model knows ("in almost all the cases")."""
    rows = []
    for claim, corpus, statement, details in categories(tables):
        rows.append(_over_categories(claim, corpus, statement, details))
        rows += [detail.row for detail in details]
    return rows


def _category(claim, corpus, statement, category, runs, Cs, which, estimate_of, rule) -> Category:
    """One category's row of a rule, decided only where the model knows the construction."""
    at = {C: cell(runs, C=C) for C in Cs}
    C = Cs[which]
    mine = at[C]
    p1, p2 = (mine[f"hits_{s}"] / mine["n_scored"] for s in ("p1", "p2"))
    evidence = (f"p1 = {p1.mean():.3f}, p2 = {p2.mean():.3f}, p1_bar = {mine['p1_bar'].mean():.3f} "
                f"({int(mine['n_scored'].iloc[0])} pairs" + (f", {len(mine)} seeds)" if len(mine) > 1 else ")"))
    name, parent, text = f"{claim}[{category}]", claim, f"at C={C:g}, {statement} ({category})"
    if len(Cs) < 2:
        return Category(lacking(name, "A6", corpus, text, "the experiment has one C", parent))
    if int(mine["n_scored"].min()) == 0:
        return Category(lacking(name, "A6", corpus, text, "no pairs the vocabulary tells apart", parent))
    smallest = _share(at[Cs[0]], "hits_p1")
    if isinstance(smallest, str):
        return Category(lacking(name, "A6", corpus, text, smallest, parent))
    if stats.exceeds(smallest, KNOWS).holds is not True:
        unfit = stats.Decision(None, reason=(
            f"{UNFIT}: p1 at C={Cs[0]:g} is {smallest.value:.3f} [{smallest.lo:.3f}, {smallest.hi:.3f}], not above "
            f"{KNOWS:g} beyond noise"), estimate=smallest, comparison=f"p1 at C={Cs[0]:g}")
        return Category(verdict(name, "A6", corpus, text, unfit, evidence, cells_of(mine), parent))
    decision = decide(estimate_of(mine), rule, f"C={C:g}")
    return Category(verdict(name, "A6", corpus, text, decision, evidence, cells_of(mine), parent), True, decision)


def _over_categories(claim: str, corpus: str, statement: str, details: list[Category]) -> dict:
    """A claim's summary row over the categories the model knows (stats.at_least).

Undecided where it knows fewer than KNOWN_SHARE of them."""
    known = [detail.decision for detail in details if detail.known]
    outcomes = [detail.row["outcome"] for detail in details if detail.known]
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


EXPERIMENT = Experiment(
    id="A6", title="A6 syntactic evaluation (Table 4)", rules="syntax.smk", tables=("syntax",),
    figures=(FIGURE,),
    claims=claims, claim_ids=tuple(claim for claim, *_ in RULES) + tuple(f"{claim}[<category>]" for claim, *_ in RULES),
    claims_tables=("syntax",), paper_table="syntax")
