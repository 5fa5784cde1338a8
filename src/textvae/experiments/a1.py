"""A1, rate-distortion (Prokhorov et al. 2019, Fig. 1): D, R and LogDetCov across C.

Claims, per corpus: R within 1 of C for every run; D and LogDetCov fall as C grows, per architecture.
"""

from __future__ import annotations

from ..claims.evidence import trend_verdict, with_runs
from ..claims.implied import rate_on_target
from .base import Experiment, Figure

RATE = "A1.rate_on_target"
FALLS = (("A1.distortion_falls", "distortion", "D falls as C grows"),
         ("A1.logdetcov_falls", "logdetcov", "LogDetCov falls as C grows"))


def claims(tables: dict, **_) -> list[dict]:
    """Rate on target; D and LogDetCov fall as C grows, per architecture."""
    rd, noise = with_runs(tables["rate_distortion"]), tables.get("rate_distortion_bootstrap")
    rows = rate_on_target(rd, noise, "A1", RATE)
    for (corpus, arch), part in rd.groupby(["corpus", "arch"], sort=False):
        for claim, column, statement in FALLS:
            rows.append(trend_verdict(claim, "A1", corpus, f"{statement} ({arch})", part, column, -1, noise))
    return rows


EXPERIMENT = Experiment(
    id="A1", title="A1 rate-distortion (Fig. 1)", rules="evaluate.smk", tables=("rate_distortion", "rate_training"),
    figures=(Figure(name="rate_distortion", table="rate_distortion",
                    title="A1 (Prokhorov et al. 2019, Fig. 1 left): distortion against rate, one panel "
                          "per corpus, one line per architecture, each point labelled with its C",
                    caption="A1: distortion against rate per architecture (Prokhorov et al. Fig. 1)"),
             Figure(name="logdetcov", table="rate_distortion",
                    title="A1 (Prokhorov et al. 2019, Fig. 1 right): LogDetCov of the aggregated posterior against C",
                    caption="A1: LogDetCov against C"),
             Figure(name="rate_training", table="rate_training",
                    title="A1: the held-out rate R, mutual information I(x; z) and offset 1/2 ||mean mu||^2 (nats) "
                          "against training step at the largest C, one panel per corpus and model: a rate that is "
                          "an offset (R - MI large, the offset near R) tells the decoder nothing about x",
                    caption="A1: rate, MI and the offset of the posterior means during training, largest C")),
    claims=claims, claim_ids=(RATE, *(claim for claim, _, _ in FALLS)), rate_claim=RATE,
    claims_tables=("rate_distortion", "rate_distortion_bootstrap"), evaluated=True)
