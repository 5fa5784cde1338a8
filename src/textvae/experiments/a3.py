"""A3, the aggregate posterior (Prokhorov et al. 2019, Sec. 3.2): KL(q(z) || p(z)) per C.

Claim, per corpus and architecture: it is larger at the largest C than at the smallest.
"""

from __future__ import annotations

from .. import stats
from ..claims import lacking, verdict
from ..claims.evidence import by_C, cells_of, decide, difference, values_text, with_runs
from .base import Experiment

LARGER = "A3.aggregate_kl_larger"


def claims(tables: dict, **_) -> list[dict]:
    """KL(q(z) || p(z)) larger at the largest C than at the smallest, per architecture."""
    ap, noise = with_runs(tables["aggregate_posterior"]), tables.get("aggregate_posterior_bootstrap")
    rows = []
    for (corpus, arch), part in ap.groupby(["corpus", "arch"], sort=False):
        cells = by_C(part)
        (low_C, low), (high_C, high) = cells[0], cells[-1]
        statement = f"KL(q(z) || p(z)) is larger at C={high_C:g} than at C={low_C:g} ({arch})"
        if len(cells) < 2:
            rows.append(lacking(LARGER, "A3", corpus, statement, "the experiment has one C"))
            continue
        decision = decide(difference(low, high, "aggregate_kl", noise), stats.exceeds,
                          f"C={low_C:g} -> C={high_C:g}")
        rows.append(verdict(LARGER, "A3", corpus, statement, decision, values_text(cells, "aggregate_kl"),
                            cells_of(part)))
    return rows


EXPERIMENT = Experiment(
    id="A3", title="A3 aggregate posterior (Sec. 3.2)", rules="evaluate.smk", tables=("aggregate_posterior",),
    claims=claims, claim_ids=(LARGER,), claims_tables=("aggregate_posterior", "aggregate_posterior_bootstrap"),
    evaluated=True)
