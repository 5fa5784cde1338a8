"""A2, capacity and reconstructions (Prokhorov et al. 2019, Table 1).

Greedy reconstructions of each test sentence's posterior mean, per C.  Claims, per corpus over all
lengths: the rate on target; active units, ||mu||^2, BLEU and ROUGE rise and D and LogDetCov
fall as C grows (those A1 decides on the same runs are not decided again: claims.once).
"""

from __future__ import annotations

from .. import stats
from ..claims import verdict
from ..claims.evidence import cells_of, trend_verdict, with_runs
from ..claims.implied import rate_on_target
from .base import Experiment, Figure

RATE = "A2.rate_on_target"
RISES = (("A2.active_units_rise", "active_units", 1, "active units rise with C"),
         ("A2.mu_norm_rises", "mu_norm2", 1, "||mu||^2 rises with C"),
         ("A2.bleu2_rises", "bleu2", 1, "BLEU-2 (all lengths) rises with C"),
         ("A2.bleu4_rises", "bleu4", 1, "BLEU-4 (all lengths) rises with C"),
         ("A2.rouge2_rises", "rouge2", 1, "ROUGE-2 (all lengths) rises with C"),
         ("A2.rouge4_rises", "rouge4", 1, "ROUGE-4 (all lengths) rises with C"),
         ("A2.distortion_falls", "distortion", -1, "D falls as C grows"),
         ("A2.logdetcov_falls", "logdetcov", -1, "LogDetCov falls as C grows"))

FIGURE = Figure(name="capacity", table="capacity",
                title="A2 (Prokhorov et al. 2019, Table 1): BLEU-2 (bars) and BLEU-4 (ticks) of greedy "
                      "reconstructions by source length, per C",
                caption="A2: BLEU of greedy reconstructions by source length, per C (Table 1)")


def claims(tables: dict, **_) -> list[dict]:
    """Table 1's claims over all lengths.

    Active units cannot rise from a smallest C where every unit is active: undecided, saturated."""
    every = with_runs(tables["capacity"])
    every, noise = every[every["bucket"] == "all"], tables.get("capacity_bootstrap")
    rows = rate_on_target(every, noise, "A2", RATE)
    for corpus, part in every.groupby("corpus", sort=False):
        smallest = part[part["C"] == part["C"].min()]
        for claim, column, sign, statement in RISES:
            row = trend_verdict(claim, "A2", corpus, statement, part, column, sign, noise)
            if column == "active_units" and (smallest["active_units"] >= smallest["z"]).all():
                row = verdict(claim, "A2", corpus, statement, stats.Decision(
                    None, reason=f"saturated: all {int(smallest['z'].iloc[0])} units active at "
                                 f"C={smallest['C'].iloc[0]:g}"), row["evidence"], cells=cells_of(part))
            rows.append(row)
    return rows


def reconstruct(keys: dict, decoding: dict) -> dict:
    """Rule reconstruct's params: z at the posterior mean of every test sentence, the decoding seed."""
    return dict(z="mean", select=None, seed=decoding["seed"])


EXPERIMENT = Experiment(
    id="A2", title="A2 capacity and reconstructions (Table 1)", rules="decode.smk", tables=("capacity",),
    figures=(FIGURE,),
    claims=claims, claim_ids=(RATE, *(claim for claim, _, _, _ in RISES)), rate_claim=RATE,
    claims_tables=("capacity", "capacity_bootstrap"), paper_table="capacity", evaluated=True,
    reconstruct=reconstruct)
