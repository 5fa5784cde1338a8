"""B5, interpolation (Mansbridge et al. 2018, Table 5) between two test sentences' codes.

Claims, over the paths (exact sign-flip; over seeds the paired t): m = 1 repeats neighbours less
often than the annealed VAE, and its differing neighbours are more alike than the annealed VAE's
and m = 2's.
"""

from __future__ import annotations

from .. import stats
from ..claims import lacking, verdict
from ..claims.evidence import PATHS, cell, cells_of, decide, difference, with_runs
from .base import Experiment, PathTable
from .roles import ROLES, missing, roles

CLAIM_IDS = ("B5.m1_repeats_less", "B5.m1_neighbours_closer_than_vae_anneal", "B5.m1_neighbours_closer_than_m2")


def claims(tables: dict, **_) -> list[dict]:
    """B5's claims on how m = 1's neighbouring sentences repeat and resemble each other.

    m = 1 repeats neighbours less often than the annealed VAE; its differing neighbours are
    more alike than the annealed VAE's and m = 2's."""
    paths = with_runs(tables["autogen_interpolation_repeats"])
    per_path = tables.get("autogen_interpolation_paths")
    rows = []
    for corpus, part in paths.groupby("corpus", sort=False):
        have = roles(part["base"].unique())
        runs = {role: cell(part, base=model) for role, model in have.items()}
        statement = f"{ROLES['m1']} repeats neighbouring sentences less often than {ROLES['vae_anneal']}"
        rows.append(_compare("B5.m1_repeats_less", corpus, statement, runs, have, "m1", "vae_anneal", "repeats", -1,
                             per_path, "pct_repeats", "% of neighbours repeated"))
        for other in ("vae_anneal", "m2"):
            statement = f"{ROLES['m1']}'s differing neighbouring sentences are more alike than {ROLES[other]}'s"
            rows.append(_compare(f"B5.m1_neighbours_closer_than_{other}", corpus, statement, runs, have, "m1", other,
                                 "neighbour_similarity", 1, per_path, "neighbour_similarity",
                                 "mean similarity of differing neighbours"))
    return rows


def _compare(claim, corpus, statement, runs, have, mine, other, column, sign, per_path, shown, what) -> dict:
    """Whether role `mine` has a higher (sign 1) or lower (sign -1) `column` than `other`, over the paths or seeds."""
    lacked = missing(have, (mine, other))
    if lacked:
        return lacking(claim, "B5", corpus, statement, lacked)
    a, b = runs[other], runs[mine]
    decision = decide(difference(a, b, column, per_path, ["scheme"], PATHS), lambda e: stats.exceeds(e, 0, sign),
                      f"{mine} - {other}, per path")
    return verdict(claim, "B5", corpus, statement, decision, f"{what}: {b[shown].mean():.3f} vs {a[shown].mean():.3f}",
                   cells_of(a, b))


EXPERIMENT = Experiment(
    id="B5", title="B5 interpolation (Table 5)", rules="decode.smk", tables=("autogen_interpolation",),
    claims=claims, claim_ids=CLAIM_IDS,
    claims_tables=("autogen_interpolation_repeats", "autogen_interpolation_paths"),
    path_table=PathTable(name="autogen_interpolation", file="interpolation",
                         title="B5 (Mansbridge et al. 2018, Table 5): interpolation between two test sentences, "
                               "from z ~ q(z|x) of each (experiments.B5.z: sample) or their posterior means (mean)"))
