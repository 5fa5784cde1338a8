"""What the claims of every experiment share: verdict rows, false discovery control, the summary.

A verdict is holds, fails or undecided at LEVEL (95 %) for its comparison, with its test, unit of
replication, estimate, interval, p-value and reason.  The family is every row with a p-value
(Benjamini-Hochberg: `outcome_fdr`); rows with a `parent` are a claim's per-category detail.
Why: docs/experiments.md#how-a-claim-is-decided.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import stats

OUTCOMES = ("holds", "fails", "undecided")
NOT_TESTED = "not tested"  # the unit of a row whose experiment lacks what its test needs
SEEDS = "training seeds"  # the unit of a verdict about the method; any other unit's verdict is about the networks


def verdict(claim: str, experiment: str, corpus: str, statement: str, decision: stats.Decision,
            evidence: str, cells=(), parent: str = "", test: str | None = None) -> dict:
    """A claim's row of the claims table.

    The decision, the estimate, test and comparison that decided it (`test` where it says more
    than the estimate's), what the test resampled, the runs it rests on (`cells`, a list
    of corpus/model), the numbers as text."""
    outcome = "undecided" if decision.holds is None else "holds" if decision.holds else "fails"
    estimate = decision.estimate
    lo, hi = estimate.interval if estimate is not None else (np.nan, np.nan)
    return dict(claim=claim, experiment=experiment, corpus=corpus, statement=statement, outcome=outcome,
                holds=outcome == "holds", test=test or (estimate.test if estimate is not None else ""),
                unit=estimate.unit if estimate is not None else NOT_TESTED,
                n_units=estimate.n_units if estimate is not None else 0, comparison=decision.comparison,
                estimate=estimate.value if estimate is not None else np.nan, lo=lo, hi=hi,
                p_value=decision.p, reason=decision.reason, evidence=evidence, parent=parent,
                cells=list(cells))


def lacking(claim, experiment, corpus, statement, what: str, parent: str = "") -> dict:
    """An undecided row for a claim whose experiment lacks what it needs."""
    return verdict(claim, experiment, corpus, statement, stats.Decision(None, reason=what), "", parent=parent)


def once(rows: list[dict]) -> tuple[list[dict], list[str]]:
    """Each claim once, without rows decided already on the same runs.

    A row is dropped where earlier rows of another experiment with the same
    claim (the id after the experiment) and corpus rest on all of its runs, e.g. A2's "D falls"
    on A1's LSTM cells; returns the rows kept and what was dropped, as text."""
    covered: dict[tuple[str, str], dict[str, set]] = {}
    kept, dropped = [], []
    for row in rows:
        key = (row["claim"].split(".", 1)[-1], row["corpus"])
        cells = set(row["cells"])
        others = set().union(*(c for e, c in covered.get(key, {}).items() if e != row["experiment"]))
        if cells and cells <= others and not row["parent"]:
            dropped.append(f"{row['claim']} [{row['corpus']}]")
            continue
        covered.setdefault(key, {}).setdefault(row["experiment"], set()).update(cells)
        kept.append(row)
    parents = {r["claim"] for r in kept}
    return [r for r in kept if not r["parent"] or r["parent"] in parents], dropped


def family(claims: pd.DataFrame) -> pd.DataFrame:
    """The verdicts under the false discovery control over the run's family.

    The family is every row with a p-value (every decided row, and the undecided ones that were
    tested): `p_fdr`, the Benjamini-Hochberg adjusted p-value, and `outcome_fdr`, the verdict
    where p_fdr < ALPHA, else undecided; a row without a test keeps its outcome."""
    claims = claims.copy()
    claims["p_fdr"] = stats.false_discovery(claims["p_value"])
    tested = claims["p_fdr"].notna()
    claims["outcome_fdr"] = np.where(tested & (claims["p_fdr"] >= stats.ALPHA), "undecided", claims["outcome"])
    return claims


def _counts(part: pd.DataFrame, column: str = "outcome") -> str:
    return ", ".join(f"{int((part[column] == o).sum())} {o}" for o in OUTCOMES)


def summary(claims: pd.DataFrame, dropped: list[str] = ()) -> str:
    """The headline: a summary of the claims' outcomes.

    The count of each outcome, per unit of replication and per experiment (a claim over
    categories once, its categories as detail), the family's outcome under the false discovery
    control, the claims not decided again on the same evidence, and each claim that fails or is
    undecided."""
    head = claims[claims["parent"] == ""]
    tested = int(claims["p_value"].notna().sum())
    lines = [f"claims: {len(head)}: {_counts(head)}",
             f"  under the false discovery control (Benjamini-Hochberg, 5 %, over a family of {tested} tested "
             f"rows, the categories' included): {_counts(head, 'outcome_fdr')}"]
    for unit, part in head.groupby("unit", sort=True):
        about = ("the method" if unit == SEEDS else "not decided" if unit == NOT_TESTED
                 else "these trained networks")
        lines.append(f"  over {unit} ({about}): {_counts(part)}")
    groups = sorted(head.groupby("experiment", sort=False), key=lambda group: group[0] == "implied")
    for experiment, part in groups:  # in the order of the rows (the registry's), the implied checks last
        details = claims[(claims["experiment"] == experiment) & (claims["parent"] != "")]
        extra = f" (and {len(details)} per category: {_counts(details)})" if len(details) else ""
        lines.append(f"  {experiment}: {_counts(part)}{extra}")
    if dropped:
        lines.append(f"  not decided twice (an earlier claim rests on the same runs): {', '.join(dropped)}")
    for row in head[head["outcome"] != "holds"].itertuples():
        why = f"; {row.reason}" if row.reason else ""
        lines.append(f"  {row.outcome}: {row.claim} [{row.corpus}] {row.statement}: {row.evidence}{why}")
    return "\n".join(lines)
