"""B3, the preference judge (Mansbridge et al. 2018, Table 2) on B2's reconstructions.

Claim, per pair the config names: the first model wins more than half of the decided sentences
(sentence BLEU against the input; exact sign test, over seeds the t test of the shares).
"""

from __future__ import annotations

from .. import model_ids, stats
from ..claims import verdict
from ..claims.evidence import decide, level, with_runs
from .base import Experiment

BEATS = "B3.<model>_beats_<versus>"


def claims(tables: dict, **_) -> list[dict]:
    """B3: each pair's first model wins more than half of the decided sentences.

    Of one run a model, the exact sign test over the sentences; over training seeds, the t test
    of the seeds' shares of wins against 1/2."""
    preference = with_runs(tables["autogen_preference"])
    preference = preference.assign(versus_base=preference["versus"].map(lambda m: model_ids.split_seed(m)[0]),
                                   share=preference["wins"] / (preference["wins"] + preference["losses"]))
    rows = []
    for (corpus, model, versus), runs in preference.groupby(["corpus", "base", "versus_base"], sort=False):
        runs = runs.set_index("run")
        wins, losses, ties = (int(runs[k].sum()) for k in ("wins", "losses", "ties"))
        tied = list(runs.index[runs["wins"] + runs["losses"] == 0])
        if tied:
            where = f" (run {tied[0].lstrip('-')})" if tied[0] else ""
            decision = stats.Decision(None, reason=f"the judge cannot separate the models: every sentence is a "
                                                   f"tie{where}")
        elif len(runs) > 1:
            decision = decide(level(runs, "share"), lambda e: stats.exceeds(e, 0.5), "share of wins")
        else:
            decision = stats.exceeds(stats.sign_test(wins, losses, "test sentences"), 0.5, comparison="share of wins")
        rows.append(verdict(f"B3.{model}_beats_{versus}", "B3", corpus,
                            f"{model} beats {versus} (sentence BLEU judge)", decision,
                            f"{wins} wins, {losses} losses, {ties} ties: "
                            f"{100 * wins / max(wins + losses, 1):.1f} % wins",
                            [f"{corpus}/{m}" for m in (*runs["model"], *runs["versus"])]))
    return rows


EXPERIMENT = Experiment(
    id="B3", title="B3 preference judge (Table 2)", rules="decode.smk", tables=("autogen_preference",),
    claims=claims, claim_ids=(BEATS,), claims_tables=("autogen_preference",), paper_table="autogen_preference",
    judges="B2")
