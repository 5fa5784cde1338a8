"""A4, homotopies (Prokhorov et al. 2019, Table 2): decodings between two z ~ p(z).

The same z for every model of a corpus.  Claim, per greedy scheme: repeated neighbours fewer at
the largest C than at the smallest (exact sign-flip over the paths; over seeds the paired t).
"""

from __future__ import annotations

from .. import stats
from ..claims import lacking, verdict
from ..claims.evidence import PATHS, by_C, cells_of, decide, difference, schemes_named, values_text, with_runs
from .base import Experiment, PathTable

REPEATS_FALL = "A4.greedy_repeats_fall"


def claims(tables: dict, schemes=None, **_) -> list[dict]:
    """Greedy repeats fewer at the largest C than at the smallest, per greedy scheme; the middle C as evidence."""
    repeats, paths = with_runs(tables["homotopy_repeats"]), tables.get("homotopy_paths")
    statement = "greedy repeats neighbours less often at the largest C than at the smallest"
    rows = []
    for corpus, part in repeats.groupby("corpus", sort=False):
        mine = part[part["scheme"].isin(schemes_named(schemes, "greedy"))]
        if mine.empty:
            rows.append(lacking(REPEATS_FALL, "A4", corpus, statement, "the experiment decodes with no greedy scheme"))
        for scheme, runs in mine.groupby("scheme", sort=False):
            rows.append(_repeats_fall(corpus, scheme, runs, paths, statement.replace("greedy", scheme, 1)))
    return rows


def _repeats_fall(corpus: str, scheme: str, part, paths, statement: str) -> dict:
    """One greedy scheme's row: repeats at the smallest C minus at the largest, over the paths."""
    cells = by_C(part)
    if len(cells) < 2:
        return lacking(REPEATS_FALL, "A4", corpus, statement, "the experiment has one C")
    text = f"{scheme} repeats at {values_text(cells, 'repeats')} (of {int(part['neighbours'].iloc[0])})"
    (low_C, low), (high_C, high) = cells[0], cells[-1]
    change = difference(low, high, "repeats", paths, ["scheme"], PATHS)
    decision = decide(change, lambda e: stats.exceeds(e, 0.0, -1), f"C={low_C:g} -> C={high_C:g}")
    return verdict(REPEATS_FALL, "A4", corpus, statement, decision, text, cells_of(part))


EXPERIMENT = Experiment(
    id="A4", title="A4 homotopy (Table 2)", rules="decode.smk", tables=("homotopy",),
    claims=claims, claim_ids=(REPEATS_FALL,), claims_tables=("homotopy_repeats", "homotopy_paths"),
    shared_prior=True,
    prior_draws=lambda keys: 2 * keys["paths"],  # the two ends of every path
    path_table=PathTable(name="homotopy", file="homotopy",
                         title="A4 (Prokhorov et al. 2019, Table 2): homotopies between two z ~ p(z), the same z "
                               "for every model of a corpus; repeated neighbours per scheme"))
